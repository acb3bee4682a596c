//===- StreamingModelTest.cpp - Decisions of the streaming model ----------===//
//
// The streaming model's choices on fixed nests with a preset target and its
// nominal profile: which loop carries vectors, how wide, how many loops fuse,
// the unroll of reductions, and threads only where they pay.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/StreamingModel.h"

#include "PresetMachine.h"
#include "gtest/gtest.h"

using namespace autoconfig;

namespace {

/// An elementwise nest over `extents` (row-major, f32): one input and one
/// output with the same contiguous layout, `ops` body operations.
StreamingWorkload elementwise(std::vector<int64_t> extents, double ops = 1,
                              bool fuse = false) {
  StreamingWorkload w;
  w.opName = "linalg.generic";
  std::vector<int64_t> strides(extents.size(), 1);
  for (size_t l = extents.size() - 1; l-- > 0;)
    strides[l] = strides[l + 1] * extents[l + 1];
  int64_t elements = 1;
  for (int64_t e : extents) {
    w.loops.push_back({e, false});
    elements *= e;
  }
  for (bool output : {false, true}) {
    StreamingOperand o;
    o.output = output;
    o.strides = strides;
    o.rowLocal.assign(extents.size(), true);
    o.footprintElements = elements;
    w.operands.push_back(o);
  }
  w.bodyOps = ops;
  w.fusesWithNext.assign(extents.size(), fuse);
  w.fusesWithNext.back() = false;
  w.vectorizable.assign(extents.size(), true);
  return w;
}

/// A sum of each row of rows x cols into a vector of rows.
StreamingWorkload rowSum(int64_t rows, int64_t cols) {
  StreamingWorkload w;
  w.opName = "linalg.generic";
  w.loops = {{rows, false}, {cols, true}};
  StreamingOperand in;
  in.strides = {cols, 1};
  in.rowLocal = {false, true};
  in.footprintElements = rows * cols;
  StreamingOperand out;
  out.output = true;
  out.readsOutput = true;
  out.strides = {1, 0};
  out.rowLocal = {true, true};
  out.footprintElements = rows;
  w.operands = {in, out};
  w.bodyOps = 1;
  w.fusesWithNext = {false, false};
  w.vectorizable = {true, true};
  return w;
}

TEST(StreamingModel, ShortRowsTakeNarrowerVectors) {
  PresetMachine preset("x86-avx512");
  Machine machine = preset.machine();
  StreamingModel model(machine);
  StreamingDecision d = model.decide(elementwise({4096, 4}));
  ASSERT_TRUE(d.config.vectorize);
  EXPECT_EQ(d.config.dim, 1u);
  EXPECT_EQ(d.config.vl, 4u) << d.config.str();
}

TEST(StreamingModel, LongRowsTakeTheTargetsLanes) {
  for (const char *name : {"x86-avx512", "x86-avx2", "aarch64-neon"}) {
    PresetMachine preset(name);
    Machine machine = preset.machine();
    StreamingModel model(machine);
    StreamingDecision d = model.decide(elementwise({64, 4096}));
    EXPECT_EQ(d.config.dim, 1u) << name;
    EXPECT_EQ(d.config.vl, preset.target.lanes(32))
        << name << ": " << d.config.str();
  }
}

TEST(StreamingModel, ContiguousLoopsFuse) {
  PresetMachine preset("x86-avx512");
  Machine machine = preset.machine();
  StreamingModel model(machine);
  // 8 channels of 7x7: one row of 49 instead of seven of 7.
  StreamingDecision d = model.decide(elementwise({8, 7, 7}, 1, true));
  EXPECT_EQ(d.config.dim, 2u);
  EXPECT_EQ(d.config.collapse, 3u) << d.config.str();
}

TEST(StreamingModel, TheOutputsContiguousLoopCarriesVectors) {
  PresetMachine preset("x86-avx512");
  Machine machine = preset.machine();
  StreamingModel model(machine);
  // A transpose: the input moves by 64 along loop 1 and by 1 along loop 0.
  StreamingWorkload w = elementwise({64, 64});
  w.operands[0].strides = {1, 64};
  w.operands[0].rowLocal = {true, false};
  StreamingDecision d = model.decide(w);
  EXPECT_EQ(d.config.dim, 1u) << d.config.str();
  const CostTerm *issue = d.prediction.term("issue");
  ASSERT_NE(issue, nullptr);
  EXPECT_NE(issue->detail.find("in gather, out contiguous"), std::string::npos)
      << issue->detail;
}

TEST(StreamingModel, ReductionsUnrollToHideTheCombiningLatency) {
  PresetMachine preset("x86-avx512");
  Machine machine = preset.machine();
  StreamingModel model(machine);
  // 4 rows of 1024 (16 KiB, in L1): the dependent adds bound one
  // accumulator; several hide their latency.
  StreamingDecision d = model.decide(rowSum(4, 1024));
  EXPECT_EQ(d.config.dim, 1u);
  EXPECT_GT(d.config.unroll, 1u) << d.config.str();
  StreamingConfig one = d.config;
  one.unroll = 1;
  EXPECT_GT(model.predict(rowSum(4, 1024), one).seconds,
            1.5 * d.prediction.seconds);
}

TEST(StreamingModel, ThreadsOnlyWhereTheyPay) {
  PresetMachine preset("x86-avx512");
  Machine machine = preset.machine();
  machine.threads = 2;
  StreamingModel model(machine);
  // 64 elements: the fork/join costs more than the whole op.
  EXPECT_EQ(model.decide(elementwise({64})).config.threads, 1u);
  // exp over 4 Mi elements (tens of operations each): compute-bound, two
  // threads halve it.
  StreamingDecision big = model.decide(elementwise({1024, 4096}, 30));
  EXPECT_EQ(big.config.threads, 2u) << big.config.str();
  // With one thread allowed, one thread.
  Machine single = preset.machine();
  EXPECT_EQ(StreamingModel(single)
                .decide(elementwise({1024, 4096}, 30))
                .config.threads,
            1u);
}

TEST(StreamingModel, ConfigTextRoundTrips) {
  auto parsed = Config::parse("vector dim=1 collapse=2 vl=8 unroll=4 "
                              "threads=2");
  ASSERT_TRUE(bool(parsed));
  auto c = StreamingConfig::fromConfig(*parsed);
  ASSERT_TRUE(bool(c)) << llvm::toString(c.takeError());
  EXPECT_TRUE(c->vectorize);
  EXPECT_EQ(c->dim, 1u);
  EXPECT_EQ(c->collapse, 2u);
  EXPECT_EQ(c->vl, 8u);
  EXPECT_EQ(c->unroll, 4u);
  EXPECT_EQ(c->threads, 2u);
  EXPECT_EQ(c->str(), "vector dim=1 collapse=2 vl=8 unroll=4 threads=2");

  auto none = StreamingConfig::fromConfig(*Config::parse("default"));
  ASSERT_TRUE(bool(none));
  EXPECT_FALSE(none->vectorize);

  auto unknown = StreamingConfig::fromConfig(*Config::parse("vector mr=4"));
  ASSERT_FALSE(bool(unknown));
  EXPECT_NE(llvm::toString(unknown.takeError()).find("mr"), std::string::npos);
}

TEST(StreamingModel, VerifyNamesTheProblem) {
  PresetMachine preset("x86-avx512");
  Machine machine = preset.machine();
  StreamingModel model(machine);
  StreamingWorkload w = elementwise({8, 7, 7});
  StreamingConfig c;
  c.vectorize = true;
  c.dim = 2;
  c.collapse = 2;
  c.vl = 16;
  c.unroll = 1;
  c.threads = 1;
  llvm::Error err = model.verify(w, c);
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("do not fuse"),
            std::string::npos);
  c.collapse = 1;
  c.dim = 3;
  err = model.verify(w, c);
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("has 3 loops"),
            std::string::npos);
}

} // namespace
