//===- BlockedModelTest.cpp - Blocked GEMM model with a short K -----------===//
//
// With a short K the C tile's in/out is a large share of a tile's traffic.
// The generator prefetches C when a tile's k loop starts, so the model must
// let C stream under the FMAs rather than add it (measured on Zen 4: a 1x1
// NCHW convolution 64 -> 256 at 56x56 went from 97 to 106 GFLOP/s with the
// prefetch, and 24 -> 144 runs at 109 GFLOP/s as a GEMM against 94 for
// CB-SM). Checked on the nominal profile of a preset (no JIT).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Select/Decision.h"
#include "autoconfig/Select/Registry.h"

#include "gtest/gtest.h"

using namespace autoconfig;

namespace {

struct PresetMachine {
  explicit PresetMachine(const std::string &name) {
    auto preset = getTargetPreset(name);
    EXPECT_TRUE(bool(preset));
    if (!preset) {
      llvm::consumeError(preset.takeError());
      return;
    }
    target = *preset;
    profile = Profile::nominal(target);
  }
  Machine machine() const { return Machine{target, profile}; }
  TargetDesc target;
  Profile profile;
};

ConvWorkload pointwiseNchw(int64_t c, int64_t f, int64_t hw) {
  ConvWorkload w;
  w.name = "pointwise";
  w.opName = "linalg.conv_2d_nchw_fchw";
  w.layout = "nchw_fchw";
  w.c = c;
  w.f = f;
  w.h = w.w = hw;
  return w;
}

GemmWorkload gemm(int64_t m, int64_t n, int64_t k) {
  GemmWorkload w;
  w.name = "mm";
  w.m = m;
  w.n = n;
  w.k = k;
  w.setDenseStrides();
  return w;
}

Decision decideWith(const Workload &w, const PresetMachine &pm,
                    std::optional<std::string> config = std::nullopt) {
  DecideOptions options;
  if (config) {
    auto parsed = Config::parse(*config);
    EXPECT_TRUE(bool(parsed));
    if (parsed)
      options.override = *parsed;
    else
      llvm::consumeError(parsed.takeError());
  }
  auto decision = decide(w, pm.machine(), options);
  EXPECT_TRUE(bool(decision));
  if (!decision) {
    ADD_FAILURE() << llvm::toString(decision.takeError());
    return Decision();
  }
  return *decision;
}

TEST(BlockedModel, CTrafficStreamsUnderTheTiles) {
  PresetMachine pm("x86-avx512");
  Decision d = decideWith(gemm(256, 3136, 64), pm, "blocked");
  ASSERT_FALSE(d.candidates.empty());
  const Prediction &pred = d.winner().prediction;
  const CostTerm *compute = pred.term("compute");
  const CostTerm *cTraffic = pred.term("C traffic");
  ASSERT_NE(compute, nullptr);
  ASSERT_NE(cTraffic, nullptr);
  // 6.1 MiB of C in and out against 0.9 ms of FMAs: worth showing, and
  // hidden behind them.
  EXPECT_GT(cTraffic->seconds, 0.02 * compute->seconds);
  EXPECT_TRUE(cTraffic->overlapped);
  EXPECT_LT(pred.seconds, compute->seconds + 0.5 * cTraffic->seconds);
  EXPECT_GE(pred.seconds, compute->seconds);
}

TEST(BlockedModel, CInAndOutUseThePortsSlack) {
  PresetMachine pm("x86-avx512");
  Decision d = decideWith(gemm(256, 3136, 64), pm, "blocked mr=8 nr=16");
  ASSERT_FALSE(d.candidates.empty());
  const Prediction &pred = d.winner().prediction;
  const CostTerm *compute = pred.term("compute");
  const CostTerm *tiles = pred.term("tile overhead");
  ASSERT_NE(compute, nullptr);
  ASSERT_NE(tiles, nullptr);
  // 6272 tile visits (32 x 196 tiles, one kc block), each with 8 C
  // additions on the FMA pipes, plus loop set-up; the C loads and stores go
  // through the ports beside the FMAs, so they are not charged in full.
  const VectorCosts &v = pm.profile.forBits(512);
  double visits = 32.0 * 196.0;
  EXPECT_GT(tiles->seconds, visits * 8 / v.fmaPerSecond);
  EXPECT_LT(tiles->seconds,
            visits * 8 * (1 / v.loadPerSecond + 1 / v.storePerSecond) +
                visits * 8 * pm.profile.loopIterationSeconds);
}

// The 1x1 NCHW layers of the conv suite are plain GEMMs: the model must
// choose the 1x1-as-GEMM generator over CB-SM for them.
TEST(BlockedModel, PointwiseNchwLayersRunAsGemm) {
  PresetMachine pm("x86-avx512");
  for (auto [c, f, hw] : {std::tuple{24, 144, 56}, std::tuple{64, 256, 56},
                          std::tuple{64, 64, 56}, std::tuple{256, 128, 56}}) {
    Decision d = decideWith(pointwiseNchw(c, f, hw), pm);
    ASSERT_FALSE(d.candidates.empty());
    EXPECT_EQ(d.winner().algorithm, "gemm1x1")
        << c << " -> " << f << " at " << hw << "x" << hw;
  }
}

} // namespace
