//===- ValidationTest.cpp - The pieces of `autoconfig validate` -----------===//
//
// The representative workloads (valid, distinct, covering the regimes they
// claim, and decided by different algorithms on every preset), and the
// verdict and JSON lines over fixed records. No JIT, no measurement.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Tune/Validation.h"
#include "autoconfig/Bench/Suite.h"

#include "PresetMachine.h"
#include "gtest/gtest.h"

#include "llvm/ADT/StringSet.h"

using namespace autoconfig;

namespace {

TEST(ValidationWorkloads, AreValidAndDistinct) {
  std::vector<Workload> workloads = validationWorkloads();
  EXPECT_GE(workloads.size(), 5u);
  EXPECT_LE(workloads.size(), 8u);
  llvm::StringSet<> names;
  for (const Workload &w : workloads) {
    EXPECT_TRUE(names.insert(workloadName(w)).second) << workloadName(w);
    llvm::Error err = validateWorkload(w);
    EXPECT_FALSE(bool(err))
        << workloadName(w) << ": " << llvm::toString(std::move(err));
  }
}

TEST(ValidationWorkloads, CoverTheRegimes) {
  bool gemv = false, transposedB = false, conv3x3 = false, conv1x1 = false,
       depthwise = false;
  double smallestGemm = 0, largestGemm = 0;
  for (const Workload &w : validationWorkloads()) {
    if (const auto *g = std::get_if<GemmWorkload>(&w)) {
      gemv |= g->m == 1;
      transposedB |= g->transB;
      double f = g->flops();
      smallestGemm = smallestGemm == 0 ? f : std::min(smallestGemm, f);
      largestGemm = std::max(largestGemm, f);
      continue;
    }
    const auto &c = std::get<ConvWorkload>(w);
    depthwise |= c.depthwise();
    conv3x3 |= !c.depthwise() && c.kh == 3 && c.kw == 3;
    conv1x1 |= c.kh == 1 && c.kw == 1;
  }
  EXPECT_TRUE(gemv && transposedB && conv3x3 && conv1x1 && depthwise);
  // A small GEMM that fits in L1 and a large one that needs cache blocking.
  EXPECT_GE(largestGemm / smallestGemm, 512.0);
}

// The set exists to exercise different algorithms: on every preset, the
// models' decisions over it use several.
TEST(ValidationWorkloads, AreDecidedByDifferentAlgorithms) {
  for (const char *preset : {"x86-sse4.2", "x86-avx2", "x86-avx512",
                             "aarch64-neon", "aarch64-sve256", "riscv64-rvv"}) {
    PresetMachine machine(preset);
    llvm::StringSet<> chosen;
    for (const Workload &w : validationWorkloads()) {
      auto decision = decide(w, machine.machine());
      ASSERT_TRUE(bool(decision)) << preset << " " << workloadName(w) << ": "
                                  << llvm::toString(decision.takeError());
      chosen.insert(decision->config.getAlgorithm());
    }
    EXPECT_GE(chosen.size(), 4u) << preset;
  }
}

ValidationRecord record(const char *name, double predicted, double measured,
                        double regret) {
  ValidationRecord r;
  GemmWorkload w = GemmWorkload::dense(name, 64, 64, 64);
  r.workload = w;
  r.modelConfig = llvm::cantFail(Config::parse("broadcast vl=16"));
  r.bestConfig = r.modelConfig;
  r.predictedSeconds = predicted;
  r.measuredSeconds = measured;
  r.bestSeconds = measured / (1 + regret);
  r.regret = regret;
  r.trials = 3;
  r.wallSeconds = 1;
  return r;
}

TEST(ValidationSummary, CountsPredictionsWithinToleranceAndRegrets) {
  std::vector<ValidationRecord> records = {
      record("a", 1.0, 1.0, 0.0),   // exact
      record("b", 1.2, 1.0, 0.02),  // +20%: within
      record("c", 0.7, 1.0, 0.30),  // -30%: outside, the worst regret
      record("d", 1.0, 0.79, 0.01), // pred/meas 1.27: outside
  };
  ValidationRecord failed = record("e", 1, 1, 0);
  failed.error = "result differs from the reference";
  records.push_back(failed);

  ValidationSummary s = summarizeValidation(records);
  EXPECT_EQ(s.workloads, 5u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.withinTolerance, 2u);
  EXPECT_DOUBLE_EQ(s.medianRegret, 0.015);
  EXPECT_DOUBLE_EQ(s.maxRegret, 0.30);
  EXPECT_EQ(s.worstWorkload, "c");
  EXPECT_EQ(s.trials, 15u);
  EXPECT_EQ(s.verdict(), "pred/meas within ±25% on 2 of 4 (median 1.10); "
                         "median regret 1.5%, max 30.0% (c); 1 failed");
}

TEST(ValidationSummary, SaysSoWhenNothingRan) {
  ValidationRecord failed = record("x", 1, 1, 0);
  failed.error = "does not compile";
  ValidationSummary s = summarizeValidation({failed});
  EXPECT_EQ(s.verdict(), "no workload ran (1 failed)");
}

TEST(ValidationJson, OneObjectPerWorkloadAndASummary) {
  llvm::json::Value line = toJSON(record("a", 1.5e-6, 1e-6, 0.25));
  const llvm::json::Object *o = line.getAsObject();
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->getString("workload"), "a");
  EXPECT_EQ(o->getString("algorithm"), "broadcast");
  EXPECT_EQ(o->getNumber("predicted_over_measured"), 1.5);
  EXPECT_EQ(o->getNumber("regret"), 0.25);
  for (const char *key : {"model_config", "predicted_s", "measured_s",
                          "best_config", "best_measured_s", "trials"})
    EXPECT_TRUE(o->get(key)) << key;

  ValidationRecord failed = record("b", 1, 1, 0);
  failed.error = "does not compile";
  llvm::json::Value bad = toJSON(failed);
  EXPECT_EQ(bad.getAsObject()->getString("error"), "does not compile");
  EXPECT_FALSE(bad.getAsObject()->get("regret"));

  llvm::json::Value summary =
      toJSON(summarizeValidation({record("a", 1, 1, 0)}));
  const llvm::json::Object *s = summary.getAsObject()->getObject("summary");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->getInteger("within_tolerance"), 1);
  EXPECT_TRUE(s->getString("verdict"));
}

} // namespace
