//===- DynamicGemmTest.cpp - Matmul kernels of sizes known at run time ----===//
//
// One kernel is compiled with M, N and K dynamic (memref<?x?xf32>) and run at
// many sizes through CompiledKernel::runAt, each checked against the
// double-precision reference: sizes below one register tile, one short of
// and one past a block, primes, and the declared range's ends. The configs
// cover the remainder paths of the blocked generator: packed and unpacked
// A and B, tiles whose rows are not a power of two, blocks larger than the
// range, two threads over jc blocks of run-time width, and only M dynamic
// with a transposed B. (A fused epilogue's run-time last k block is not
// covered here: kernels built from a workload have no epilogue.)
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Select/Decision.h"

#include "llvm/Support/FormatVariadic.h"

#include "gtest/gtest.h"

#include <array>
#include <string>
#include <vector>

using namespace autoconfig;

namespace {

const TargetDesc &hostTarget() {
  static TargetDesc target = [] {
    auto resolved = resolveTarget("host", "");
    if (!resolved) {
      llvm::consumeError(resolved.takeError());
      return TargetDesc();
    }
    return *resolved;
  }();
  return target;
}

int64_t hostLanes() { return std::max(1u, hostTarget().vectorBits / 32); }

/// A blocked config for the host's vector length.
std::string blocked(int64_t mr, int64_t nrVectors, int64_t kc, int64_t mc,
                    int64_t ncVectors, int64_t packA, int64_t packB,
                    int64_t ku = 4) {
  int64_t vl = hostLanes();
  return llvm::formatv("blocked vl={0} mr={1} nr={2} kc={3} mc={4} nc={5} "
                       "ku={6} packA={7} packB={8} prefetch=0 threads=1",
                       vl, mr, nrVectors * vl, kc, mc, ncVectors * vl, ku,
                       packA, packB)
      .str();
}

std::string twoThreads(std::string config) {
  return config.replace(config.find("threads=1"), 9, "threads=2");
}

/// M, N and K dynamic in [1, max], configured for `likely` sizes.
GemmWorkload dynamicGemm(int64_t max, std::array<int64_t, 3> likely,
                         bool allDynamic = true, bool transB = false) {
  GemmWorkload w =
      GemmWorkload::dense("dynamic", likely[0], likely[1], likely[2], transB);
  w.mRange = SizeRange{1, max};
  if (allDynamic) {
    w.nRange = SizeRange{1, max};
    w.kRange = SizeRange{1, max};
  }
  return w;
}

/// Runs `kernel` at (m, n, k) on random inputs and a random initial C.
void expectCorrectAt(CompiledKernel &kernel, const GemmWorkload &compiled,
                     int64_t m, int64_t n, int64_t k) {
  GemmWorkload at =
      GemmWorkload::dense("at", m, n, k, /*transB=*/compiled.transB);
  at.transA = compiled.transA;
  at.setDenseStrides();
  WorkloadBuffers buffers = makeBuffers(at);
  ReferenceResult reference = computeReference(at, buffers);
  llvm::Error err = kernel.runAt(buffers.pointers(), kernelOperandShapes(at));
  ASSERT_FALSE(bool(err)) << llvm::toString(std::move(err));
  Comparison cmp = compareToReference(at, buffers.outputBuffer(), reference);
  EXPECT_TRUE(cmp.passed) << m << "x" << n << "x" << k
                          << ": max relative error " << cmp.maxRelativeError;
}

struct DynamicCase {
  std::string label;
  std::string config;
  bool transA = false;
};

class DynamicBlockedGemm : public ::testing::TestWithParam<DynamicCase> {};

TEST_P(DynamicBlockedGemm, MatchesTheReferenceAtEverySize) {
  if (!hostTarget().runsOnHost)
    GTEST_SKIP() << "no host target";
  const DynamicCase &c = GetParam();
  GemmWorkload w = dynamicGemm(300, {96, 96, 96});
  w.transA = c.transA;
  w.setDenseStrides();
  auto config = Config::parse(c.config);
  ASSERT_TRUE(bool(config)) << llvm::toString(config.takeError());
  auto kernel = compileKernel(w, *config, hostTarget());
  ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());
  int64_t vl = hostLanes();
  const std::vector<std::array<int64_t, 3>> sizes = {
      {1, 1, 1},           {1, 3 * vl + 1, 37}, {5, 7, 3},
      {13, vl - 1, 2},     {17, 2 * vl, 64},    {31, 33, 65},
      {47, 4 * vl + 3, 8}, {64, 64, 64},        {97, 131, 127},
      {130, 257, 200},     {300, 300, 300},     {299, 1, 300}};
  for (auto [m, n, k] : sizes)
    expectCorrectAt(**kernel, w, m, n, k);
}

INSTANTIATE_TEST_SUITE_P(
    Configs, DynamicBlockedGemm,
    ::testing::Values(
        // Both packed, blocks that leave remainders at every level.
        DynamicCase{"packed", blocked(6, 2, 32, 24, 4, 1, 1)},
        // A tile of 5 rows (remainders 4, 2, 1 as pieces), 3 vectors.
        DynamicCase{"packed_5x3", blocked(5, 3, 48, 20, 6, 1, 1, 2)},
        DynamicCase{"unpacked_a", blocked(4, 2, 64, 32, 4, 0, 1)},
        DynamicCase{"unpacked_b", blocked(8, 1, 40, 40, 8, 1, 0)},
        DynamicCase{"unpacked", blocked(3, 2, 300, 300, 10, 0, 0, 1)},
        // One block covers each whole range (only remainders run).
        DynamicCase{"one_block", blocked(16, 1, 512, 512, 32, 1, 1)},
        DynamicCase{"transposed_a", blocked(6, 2, 32, 24, 4, 1, 1), true},
        // jc blocks of run-time width in a parallel loop of run-time trip
        // count.
        DynamicCase{"two_threads", twoThreads(blocked(6, 2, 32, 24, 4, 1, 1))}),
    [](const auto &info) { return info.param.label; });

TEST(DynamicGemm, OnlyMDynamicWithATransposedB) {
  if (!hostTarget().runsOnHost)
    GTEST_SKIP() << "no host target";
  GemmWorkload w = dynamicGemm(200, {40, 72, 56}, /*allDynamic=*/false,
                               /*transB=*/true);
  auto kernel = compileKernel(w, *Config::parse(blocked(6, 2, 32, 24, 4, 1, 1)),
                              hostTarget());
  ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());
  for (int64_t m : {1, 5, 24, 25, 199, 200})
    expectCorrectAt(**kernel, w, m, 72, 56);
}

TEST(DynamicGemm, TheModelDecidesTheBlockedGeneratorAndItRuns) {
  if (!hostTarget().runsOnHost)
    GTEST_SKIP() << "no host target";
  GemmWorkload w = dynamicGemm(4096, {128, 256, 192});
  Profile profile = Profile::nominal(hostTarget());
  Machine machine{hostTarget(), profile};
  auto decision = decide(w, machine, DecideOptions{});
  ASSERT_TRUE(bool(decision)) << llvm::toString(decision.takeError());
  EXPECT_EQ(decision->winner().algorithm, "blocked");
  for (const Candidate &c : decision->candidates)
    if (c.algorithm != "blocked" && c.algorithm != "loops")
      EXPECT_FALSE(c.applicable) << c.algorithm;
  // No likely size declared: the config is judged over the ranges' ends and
  // middles (3 x 3 x 3 sizes).
  EXPECT_NE(decision->reason.find("judged over the size ranges at 27 sizes "
                                  "from 1x1x1 to 4096x4096x4096"),
            std::string::npos)
      << decision->reason;
  auto kernel = compileKernel(w, decision->config, hostTarget());
  ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());
  expectCorrectAt(**kernel, w, 128, 256, 192);
  expectCorrectAt(**kernel, w, 1, 256, 192);
  expectCorrectAt(**kernel, w, 333, 100, 7);
}

TEST(DynamicGemm, SizeClassesSplitTheRangeAndTheKernelDispatchesOnIt) {
  // The decision on a fixed description (the host's caches differ from
  // machine to machine, and with them where the worst size falls), run here.
  auto resolved = resolveTarget("x86-avx2", "");
  ASSERT_TRUE(bool(resolved)) << llvm::toString(resolved.takeError());
  const TargetDesc &target = *resolved;
  if (!target.runsOnHost)
    GTEST_SKIP() << "x86-avx2 does not run here";
  // Over 1:4096 no one config serves a single row and thousands (a GEMV
  // wants a short tile over wide panels): the model splits M, and the kernel
  // runs each class's nest for the sizes in its range.
  GemmWorkload w = dynamicGemm(4096, {64, 64, 64});
  Profile profile = Profile::nominal(target);
  Machine machine{target, profile};
  auto decision = decide(w, machine, DecideOptions{});
  ASSERT_TRUE(bool(decision)) << llvm::toString(decision.takeError());
  const std::vector<SizeClass> &classes = decision->sizeClasses;
  ASSERT_GE(classes.size(), 2u) << decision->reason;
  EXPECT_NE(decision->reason.find("so the range of M is split into"),
            std::string::npos)
      << decision->reason;
  // Consecutive parts of M's range, covering it; N and K whole.
  int64_t next = 1;
  for (const SizeClass &c : classes) {
    ASSERT_TRUE(c.workload.mRange);
    EXPECT_EQ(c.workload.mRange->min, next);
    next = c.workload.mRange->max + 1;
    EXPECT_EQ(c.workload.nRange->max, 4096);
    EXPECT_EQ(c.workload.kRange->max, 4096);
    EXPECT_TRUE(c.workload.mRange->contains(c.workload.m));
  }
  EXPECT_EQ(next, 4097);
  EXPECT_NE(classes.front().config.str(), classes.back().config.str());

  auto kernel =
      compileKernel(w, decision->config, target, decision->sizeClasses);
  ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());
  // Each class's ends and a size inside it.
  for (const SizeClass &c : classes) {
    int64_t lo = c.workload.mRange->min,
            hi = std::min<int64_t>(c.workload.mRange->max, 300);
    for (int64_t m : {lo, (lo + hi) / 2, hi})
      expectCorrectAt(**kernel, w, m, 3 * 8 + 5, 77);
  }
}

TEST(DynamicGemm, DeclaredLikelySizesAreWhatTheModelDecidesFor) {
  // Every likely size declared: the decision is the static one's for them.
  GemmWorkload w = dynamicGemm(4096, {384, 768, 768});
  w.mRange->likely = 384;
  w.nRange->likely = w.kRange->likely = 768;
  Profile profile = Profile::nominal(hostTarget());
  Machine machine{hostTarget(), profile};
  auto dynamic = decide(w, machine, DecideOptions{});
  ASSERT_TRUE(bool(dynamic)) << llvm::toString(dynamic.takeError());
  EXPECT_EQ(dynamic->reason.find("judged over"), std::string::npos)
      << dynamic->reason;
  // A partial declaration: only the undeclared size is spread (3 samples).
  w.kRange->likely = 0;
  auto partial = decide(w, machine, DecideOptions{});
  ASSERT_TRUE(bool(partial)) << llvm::toString(partial.takeError());
  EXPECT_NE(partial->reason.find("at 3 sizes from 384x768x1 to 384x768x4096"),
            std::string::npos)
      << partial->reason;
}

TEST(DynamicGemm, SizesOutsideTheRangeOrMismatchedAreRefusedAtTheCall) {
  if (!hostTarget().runsOnHost)
    GTEST_SKIP() << "no host target";
  GemmWorkload w = dynamicGemm(64, {32, 32, 32});
  auto kernel = compileKernel(w, *Config::parse(blocked(6, 2, 32, 24, 4, 1, 1)),
                              hostTarget());
  ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());
  std::vector<float> data(100 * 100, 1.0f);
  std::vector<void *> buffers(3, data.data());
  auto refused = [&](std::vector<std::vector<int64_t>> shapes) {
    llvm::Error err = (*kernel)->runAt(buffers, shapes);
    return err ? llvm::toString(std::move(err)) : std::string();
  };
  std::string tooBig = refused({{65, 8}, {8, 8}, {65, 8}});
  EXPECT_NE(tooBig.find("M = 65 is outside its declared range 1:64"),
            std::string::npos)
      << tooBig;
  std::string zero = refused({{8, 0}, {0, 8}, {8, 8}});
  EXPECT_NE(zero.find("K = 0 is outside"), std::string::npos) << zero;
  std::string mismatch = refused({{8, 9}, {8, 8}, {8, 8}});
  EXPECT_NE(mismatch.find("do not match a matmul"), std::string::npos)
      << mismatch;
  std::string rank = refused({{8, 8, 1}, {8, 8}, {8, 8}});
  EXPECT_NE(rank.find("rank"), std::string::npos) << rank;

  // A static kernel takes its own shapes only.
  GemmWorkload fixed = GemmWorkload::dense("static", 8, 8, 8);
  auto staticKernel = compileKernel(
      fixed, *Config::parse(blocked(6, 2, 32, 24, 4, 1, 1)), hostTarget());
  ASSERT_TRUE(bool(staticKernel)) << llvm::toString(staticKernel.takeError());
  llvm::Error err = (*staticKernel)->runAt(buffers, {{9, 8}, {8, 8}, {9, 8}});
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("not compiled for"),
            std::string::npos);
}

} // namespace
