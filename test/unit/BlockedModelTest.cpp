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

#include "PresetMachine.h"
#include "gtest/gtest.h"

using namespace autoconfig;

namespace {

ConvWorkload pointwiseNchw(int64_t c, int64_t f, int64_t hw) {
  ConvWorkload w;
  w.name = "pointwise";
  w.opName = "linalg.conv_2d_nchw_fchw";
  w.layout = ConvLayout::NchwFchw;
  w.c = c;
  w.f = f;
  w.h = w.w = hw;
  return w;
}

GemmWorkload gemm(int64_t m, int64_t n, int64_t k) {
  return GemmWorkload::dense("mm", m, n, k);
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

/// The prediction of the blocked model's winner under `config` (empty, with
/// the failure reported, when there is none).
Prediction predictionOf(const Workload &w, const PresetMachine &pm,
                        const std::string &config) {
  Decision d = decideWith(w, pm, config);
  return d.candidates.empty() ? Prediction() : d.winner().prediction;
}

TEST(BlockedModel, CFirstPassStreamsUnderTheTiles) {
  PresetMachine pm("x86-avx512");
  Prediction pred = predictionOf(gemm(256, 3136, 64), pm, "blocked kc=64");
  const CostTerm *compute = pred.term("compute");
  const CostTerm *first = pred.term("C first pass");
  const CostTerm *further = pred.term("C further passes");
  ASSERT_NE(compute, nullptr);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(further, nullptr);
  // 6.1 MiB of C in and out against 0.9 ms of FMAs: worth showing, and
  // hidden behind them; K is one kc block, so there is no further pass.
  EXPECT_GT(first->seconds, 0.02 * compute->seconds);
  EXPECT_TRUE(first->overlapped);
  EXPECT_EQ(further->seconds, 0);
  EXPECT_LT(pred.seconds, compute->seconds + 0.5 * first->seconds);
  EXPECT_GE(pred.seconds, compute->seconds);
}

// Each further kc pass re-reads the C its predecessor wrote back; measured on
// Zen 4 (1x1 NCHW 256 -> 1024 at 14x14, a 1024x196x256 GEMM): kc = 256 ran at
// 106-107 GFLOP/s, kc = 64 at 94-104. The 8x16 tile keeps B's micro-panel in
// L1 with either kc, so only the C passes differ.
TEST(BlockedModel, FurtherKcPassesAreCharged) {
  PresetMachine pm("x86-avx512");
  Prediction four = predictionOf(gemm(1024, 196, 256), pm,
                                 "blocked mr=8 nr=16 kc=64 packB=1");
  Prediction one = predictionOf(gemm(1024, 196, 256), pm,
                                "blocked mr=8 nr=16 kc=256 packB=1");
  const CostTerm *first = four.term("C first pass");
  const CostTerm *further = four.term("C further passes");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(further, nullptr);
  EXPECT_DOUBLE_EQ(further->seconds, 3 * first->seconds);
  EXPECT_FALSE(further->overlapped);
  EXPECT_GT(four.seconds, one.seconds);
}

TEST(BlockedModel, CInAndOutUseThePortsSlack) {
  PresetMachine pm("x86-avx512");
  Prediction pred = predictionOf(gemm(256, 3136, 64), pm, "blocked mr=8 nr=16");
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

// B of bert_ffn1 (768 x 3072 f32) has rows 12 KiB apart: a 768-row panel
// of 24 columns maps to 64 of L2's 2048 sets (gcd of the set count and the
// 192-line stride is 64), 512 lines for 1536, so unpacked it streams from
// beyond L2 (measured on Zen 4 with AVX2: 55 GFLOP/s unpacked at kc = 768,
// 88-95 packed at kc = 256). Packed, it stays.
TEST(BlockedModel, StridedBPanelsAliasInL2) {
  PresetMachine pm("x86-avx2");
  auto streamOf = [&](const std::string &config) {
    Prediction pred = predictionOf(gemm(128, 3072, 768), pm, config);
    const CostTerm *term = pred.term("L2->L1 stream");
    return term ? term->detail : std::string("missing");
  };
  EXPECT_NE(streamOf("blocked mr=4 nr=24 kc=768 packB=0").find("beyond L2"),
            std::string::npos);
  EXPECT_EQ(streamOf("blocked mr=4 nr=24 kc=768 packB=1").find("beyond L2"),
            std::string::npos);
  Decision chosen = decideWith(gemm(128, 3072, 768), pm);
  ASSERT_FALSE(chosen.candidates.empty());
  EXPECT_NE(chosen.winner().config.str().find("packB=1"), std::string::npos)
      << chosen.winner().config.str();
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
