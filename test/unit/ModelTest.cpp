//===- ModelTest.cpp - Decisions of the broadcast model on fixed inputs ---===//
//
// The broadcast model's derivation, prediction and verification on the
// built-in presets with their nominal profiles, and decide() with a user's
// (partial or illegal) broadcast override. No JIT, no measurement.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/GemmParams.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Select/Registry.h"

#include "PresetMachine.h"
#include "gtest/gtest.h"

#include <cmath>
#include <string>

using namespace autoconfig;

namespace {

GemmWorkload gemm(int64_t m, int64_t n, int64_t k,
                  ElementKind element = ElementKind::F32) {
  GemmWorkload w = GemmWorkload::dense("mm", m, n, k);
  w.element = element;
  return w;
}

const AlgorithmModel &broadcastModel() {
  const Algorithm *algorithm = findAlgorithm("broadcast");
  EXPECT_NE(algorithm, nullptr);
  return *algorithm->model;
}

BroadcastGemmParams paramsOf(const Config &config) {
  auto params = BroadcastGemmParams::fromConfig(config);
  EXPECT_TRUE(bool(params)) << llvm::toString(params.takeError());
  return params ? *params : BroadcastGemmParams();
}

/// Independent FMAs needed to hide the FMA latency, from the target's
/// datasheet figures (not the model's helper): latency x pipes per cycle.
double latencyTimesThroughput(const TargetDesc &t) {
  return double(t.fmaLatency) * t.fmaPipes / t.fmaIssueCycles();
}

std::string decideError(const Workload &w, const Machine &machine,
                        llvm::StringRef overrideText) {
  auto parsed = Config::parse(overrideText);
  if (!parsed)
    return "parse: " + llvm::toString(parsed.takeError());
  DecideOptions options;
  options.override = *parsed;
  auto decision = decide(w, machine, options);
  if (decision)
    return "";
  return llvm::toString(decision.takeError());
}

struct PresetExpectation {
  const char *preset;
  int64_t f32Lanes;
  unsigned registers;
  /// The N tail is handled by masked vector ops (1) or scalars (0).
  int64_t mask;
};

void PrintTo(const PresetExpectation &e, std::ostream *os) { *os << e.preset; }

class BroadcastModelOnPreset
    : public ::testing::TestWithParam<PresetExpectation> {};

TEST_P(BroadcastModelOnPreset, PresetFactsAreThoseTheModelAssumes) {
  const PresetExpectation &e = GetParam();
  PresetMachine pm(e.preset);
  ASSERT_TRUE(pm.error.empty()) << pm.error;
  EXPECT_EQ(pm.target.lanes(32), unsigned(e.f32Lanes));
  EXPECT_EQ(pm.target.vectorRegisters, e.registers);
  EXPECT_EQ(pm.profile.source, "nominal");
  EXPECT_DOUBLE_EQ(
      fmaInFlightNeeded(pm.machine(), pm.target.vectorBits),
      std::max(1.0, std::round(latencyTimesThroughput(pm.target))));
}

TEST_P(BroadcastModelOnPreset, DerivationOfALargeMatmul) {
  const PresetExpectation &e = GetParam();
  PresetMachine pm(e.preset);
  ASSERT_TRUE(pm.error.empty()) << pm.error;
  Workload w = gemm(512, 512, 512);
  std::string whyNot;
  ASSERT_TRUE(broadcastModel().applies(w, pm.target, whyNot)) << whyNot;
  Derivation d = broadcastModel().derive(w, pm.machine());
  BroadcastGemmParams p = paramsOf(d.config);
  EXPECT_EQ(p.vl, e.f32Lanes) << d.config.str();
  EXPECT_EQ(p.mask, e.mask) << d.config.str();
  EXPECT_LE(p.ui * p.uj + p.uj + 1, int64_t(e.registers)) << d.config.str();
  EXPECT_GE(double(p.ui * p.uj), latencyTimesThroughput(pm.target))
      << d.config.str();
  EXPECT_GE(p.ku, 1);
  EXPECT_EQ(p.threads, 1);
  EXPECT_FALSE(d.rationale.empty());
  std::vector<std::string> warnings;
  EXPECT_FALSE(bool(broadcastModel().verify(w, d.config, pm.target, warnings)));
  EXPECT_TRUE(warnings.empty()) << warnings.front();
}

TEST_P(BroadcastModelOnPreset, DecisionOfALargeMatmulWithBroadcastForced) {
  // Refinement walks the model's neighbourhood: the refined tile must still
  // fit the registers and hide the latency.
  const PresetExpectation &e = GetParam();
  PresetMachine pm(e.preset);
  ASSERT_TRUE(pm.error.empty()) << pm.error;
  Workload w = gemm(384, 512, 256);
  DecideOptions options;
  options.override = Config("broadcast");
  auto d = decide(w, pm.machine(), options);
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  EXPECT_EQ(d->winner().algorithm, "broadcast");
  BroadcastGemmParams p = paramsOf(d->config);
  EXPECT_EQ(p.vl, e.f32Lanes) << d->config.str();
  EXPECT_EQ(p.mask, e.mask) << d->config.str();
  EXPECT_LE(p.ui * p.uj + p.uj + 1, int64_t(e.registers)) << d->config.str();
  EXPECT_GE(double(p.ui * p.uj), latencyTimesThroughput(pm.target))
      << d->config.str();
  EXPECT_TRUE(d->warnings.empty());
}

TEST_P(BroadcastModelOnPreset, RefinedCandidateStaysLegal) {
  const PresetExpectation &e = GetParam();
  PresetMachine pm(e.preset);
  ASSERT_TRUE(pm.error.empty()) << pm.error;
  Workload w = gemm(384, 512, 256);
  auto d = decide(w, pm.machine());
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  const Candidate *broadcast = nullptr;
  for (const Candidate &c : d->candidates)
    if (c.algorithm == "broadcast")
      broadcast = &c;
  ASSERT_NE(broadcast, nullptr);
  ASSERT_TRUE(broadcast->applicable) << broadcast->whyNot;
  BroadcastGemmParams p = paramsOf(broadcast->config);
  EXPECT_EQ(p.vl, e.f32Lanes);
  EXPECT_LE(p.ui * p.uj + p.uj + 1, int64_t(e.registers))
      << broadcast->config.str();
  // Refinement never makes the predicted time worse than the derivation.
  Prediction derived =
      broadcastModel().predict(w, broadcast->derived, pm.machine());
  EXPECT_LE(broadcast->prediction.seconds, derived.seconds * (1 + 1e-9));
  EXPECT_GE(broadcast->evaluations, 1u);
  // The winner is the least predicted time among applicable candidates.
  for (const Candidate &c : d->candidates)
    if (c.applicable)
      EXPECT_LE(d->winner().prediction.seconds, c.prediction.seconds)
          << c.algorithm;
}

TEST_P(BroadcastModelOnPreset, F64HalvesTheLanes) {
  const PresetExpectation &e = GetParam();
  PresetMachine pm(e.preset);
  ASSERT_TRUE(pm.error.empty()) << pm.error;
  Derivation d = broadcastModel().derive(gemm(256, 256, 256, ElementKind::F64),
                                         pm.machine());
  EXPECT_EQ(paramsOf(d.config).vl, e.f32Lanes / 2) << d.config.str();
}

TEST_P(BroadcastModelOnPreset, TileIsLimitedBySmallShapes) {
  const PresetExpectation &e = GetParam();
  PresetMachine pm(e.preset);
  ASSERT_TRUE(pm.error.empty()) << pm.error;
  // One row and one vector of columns: nothing to unroll.
  Derivation one =
      broadcastModel().derive(gemm(1, e.f32Lanes, 64), pm.machine());
  BroadcastGemmParams p1 = paramsOf(one.config);
  EXPECT_EQ(p1.ui, 1) << one.config.str();
  EXPECT_EQ(p1.uj, 1) << one.config.str();
  // Three rows, N = 2.5 vectors: at most 3 rows and 3 vectors.
  int64_t n = e.f32Lanes * 5 / 2;
  Derivation small = broadcastModel().derive(gemm(3, n, 64), pm.machine());
  BroadcastGemmParams p = paramsOf(small.config);
  EXPECT_LE(p.ui, 3) << small.config.str();
  EXPECT_LE(p.uj, (n + e.f32Lanes - 1) / e.f32Lanes) << small.config.str();
  EXPECT_LE(p.ui * p.uj + p.uj + 1, int64_t(e.registers));
}

TEST_P(BroadcastModelOnPreset, PredictionIsPositiveAndGrowsWithSize) {
  const PresetExpectation &e = GetParam();
  PresetMachine pm(e.preset);
  ASSERT_TRUE(pm.error.empty()) << pm.error;
  const AlgorithmModel &model = broadcastModel();
  double previous = 0;
  for (int64_t s : {16, 64, 128, 256, 512, 1024}) {
    Workload w = gemm(s, s, s);
    Config config = model.derive(w, pm.machine()).config;
    Prediction p = model.predict(w, config, pm.machine());
    EXPECT_TRUE(std::isfinite(p.seconds)) << s;
    EXPECT_GT(p.seconds, 0) << s;
    EXPECT_GT(p.seconds, previous) << "size " << s << ": " << config.str();
    previous = p.seconds;
    // Never faster than the nominal FMA peak.
    EXPECT_GE(p.seconds * (1 + 1e-9),
              workloadFlops(w) / pm.target.nominalPeakFlops(32))
        << s;
    // Interpretable: the total covers its compute term, and every term is
    // finite and non-negative.
    const CostTerm *compute = p.term("compute");
    ASSERT_NE(compute, nullptr);
    EXPECT_GE(p.seconds * (1 + 1e-9), compute->seconds);
    for (const CostTerm &t : p.terms) {
      EXPECT_TRUE(std::isfinite(t.seconds)) << t.name;
      EXPECT_GE(t.seconds, 0) << t.name;
    }
    EXPECT_FALSE(p.formula.empty());
  }
}

TEST_P(BroadcastModelOnPreset, PredictionGrowsWithEachDimension) {
  const PresetExpectation &e = GetParam();
  PresetMachine pm(e.preset);
  ASSERT_TRUE(pm.error.empty()) << pm.error;
  const AlgorithmModel &model = broadcastModel();
  // Same config for every shape: only the work changes.
  Config config = model.derive(gemm(128, 128, 128), pm.machine()).config;
  auto seconds = [&](int64_t m, int64_t n, int64_t k) {
    return model.predict(gemm(m, n, k), config, pm.machine()).seconds;
  };
  double base = seconds(128, 128, 128);
  EXPECT_GT(seconds(256, 128, 128), base);
  EXPECT_GT(seconds(128, 256, 128), base);
  EXPECT_GT(seconds(128, 128, 256), base);
}

INSTANTIATE_TEST_SUITE_P(
    Presets, BroadcastModelOnPreset,
    ::testing::Values(PresetExpectation{"x86-avx512", 16, 32, 1},
                      PresetExpectation{"x86-avx2", 8, 16, 1},
                      PresetExpectation{"x86-sse4.2", 4, 16, 0},
                      PresetExpectation{"aarch64-neon", 4, 32, 0},
                      PresetExpectation{"riscv64-rvv", 8, 32, 1}),
    [](const ::testing::TestParamInfo<PresetExpectation> &info) {
      std::string name = info.param.preset;
      for (char &c : name)
        if (!isalnum(static_cast<unsigned char>(c)))
          c = '_';
      return name;
    });

TEST(BroadcastModel, TransposedBDoesNotApply) {
  PresetMachine pm("x86-avx512");
  GemmWorkload w = gemm(64, 64, 64);
  w.transB = true;
  w.setDenseStrides();
  std::string whyNot;
  EXPECT_FALSE(broadcastModel().applies(w, pm.target, whyNot));
  EXPECT_NE(whyNot.find("transposed"), std::string::npos) << whyNot;
  // Forcing it is an error that says why.
  std::string error = decideError(w, pm.machine(), "broadcast");
  EXPECT_NE(error.find("does not apply"), std::string::npos) << error;
}

TEST(BroadcastModel, NTailAddsTimeAndShowsAsTails) {
  // N = 17 on AVX-512: one full vector and a 1-lane tail, masked.
  PresetMachine pm("x86-avx512");
  const AlgorithmModel &model = broadcastModel();
  Config config = *Config::parse("broadcast vl=16 ui=4 uj=2 ku=1 mask=1");
  double exact = model.predict(gemm(64, 32, 256), config, pm.machine()).seconds;
  Prediction tail = model.predict(gemm(64, 33, 256), config, pm.machine());
  EXPECT_GT(tail.seconds, exact);
  const CostTerm *tails = tail.term("tails");
  ASSERT_NE(tails, nullptr);
  EXPECT_GT(tails->seconds, 0);
}

TEST(BroadcastModel, MaskedTailOfOneVectorTileShowsAsTails) {
  // With uj=1 the masked tail tile has the shape of a full tile, yet it is
  // an edge tile: explain must not report "tails 0".
  PresetMachine pm("x86-avx512");
  Config config = *Config::parse("broadcast vl=16 ui=4 uj=1 ku=1 mask=1");
  Prediction p =
      broadcastModel().predict(gemm(64, 17, 256), config, pm.machine());
  const CostTerm *tails = p.term("tails");
  ASSERT_NE(tails, nullptr);
  EXPECT_GT(tails->seconds, 0);
}

TEST(BroadcastModel, ThreadsShortenTheLargePrediction) {
  PresetMachine pm("x86-avx512");
  const AlgorithmModel &model = broadcastModel();
  Workload w = gemm(512, 512, 512);
  Config one = model.derive(w, pm.machine()).config;
  Config four = one;
  four.set("threads", 4);
  EXPECT_LT(model.predict(w, four, pm.machine()).seconds,
            model.predict(w, one, pm.machine()).seconds);
}

TEST(Decide, ThreadsOptionReachesTheChosenConfig) {
  PresetMachine pm("x86-avx512");
  DecideOptions options;
  options.threads = 4;
  auto d = decide(gemm(512, 512, 512), pm.machine(), options);
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  EXPECT_EQ(d->config.get("threads"), 4) << d->config.str();
}

TEST(Decide, OverrideWithoutThreadsTakesTheThreadsOption) {
  PresetMachine pm("x86-avx512");
  DecideOptions options;
  options.override = *Config::parse("broadcast ui=2");
  options.threads = 4;
  auto d = decide(gemm(512, 512, 512), pm.machine(), options);
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  EXPECT_EQ(d->config.get("threads"), 4) << d->config.str();
  // A thread count the user gave is kept.
  options.override = *Config::parse("broadcast ui=2 threads=2");
  auto given = decide(gemm(512, 512, 512), pm.machine(), options);
  ASSERT_TRUE(bool(given)) << llvm::toString(given.takeError());
  EXPECT_EQ(given->config.get("threads"), 2);
}

//===----------------------------------------------------------------------===//
// decide() with user overrides
//===----------------------------------------------------------------------===//

TEST(Decide, PartialOverrideKeepsGivenParameterAndFillsTheRest) {
  PresetMachine pm("x86-avx512");
  Workload w = gemm(256, 256, 256);
  DecideOptions options;
  options.override = *Config::parse("broadcast ui=2");
  auto d = decide(w, pm.machine(), options);
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  EXPECT_TRUE(d->userOverride);
  EXPECT_EQ(d->winner().algorithm, "broadcast");
  EXPECT_EQ(d->config.getAlgorithm(), "broadcast");
  EXPECT_EQ(d->config.get("ui"), 2);
  for (const char *key : {"vl", "uj", "ku", "mask", "threads"})
    EXPECT_TRUE(d->config.has(key)) << key << " missing in " << d->config.str();
  // The rest is the model's own derivation, not the struct's defaults.
  Config derived = broadcastModel().derive(w, pm.machine()).config;
  EXPECT_EQ(d->config.get("vl"), 16);
  EXPECT_EQ(d->config.get("uj"), derived.get("uj"));
  EXPECT_EQ(d->config.get("mask"), derived.get("mask"));
  EXPECT_TRUE(d->warnings.empty());
  EXPECT_NE(d->reason.find("user-specified"), std::string::npos) << d->reason;
  EXPECT_GT(d->winner().prediction.seconds, 0);
  // The completed config is what the generator is given: it must verify.
  std::vector<std::string> warnings;
  EXPECT_FALSE(
      bool(broadcastModel().verify(w, d->config, pm.target, warnings)));
}

TEST(Decide, FullOverrideIsKeptVerbatim) {
  PresetMachine pm("x86-avx2");
  Workload w = gemm(100, 100, 100);
  Config given = *Config::parse("broadcast vl=8 ui=3 uj=2 ku=2 mask=0 "
                                "threads=1");
  DecideOptions options;
  options.override = given;
  auto d = decide(w, pm.machine(), options);
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  EXPECT_EQ(paramsOf(d->config).toConfig(), paramsOf(given).toConfig());
}

struct IllegalOverride {
  const char *name;
  const char *text;
  /// Substrings the error must contain (the parameter's name at least).
  std::vector<std::string> expected;
};

void PrintTo(const IllegalOverride &o, std::ostream *os) { *os << o.text; }

class DecideRejects : public ::testing::TestWithParam<IllegalOverride> {};

TEST_P(DecideRejects, IllegalOverrideNamesTheParameter) {
  PresetMachine pm("x86-avx512");
  std::string error =
      decideError(gemm(64, 64, 64), pm.machine(), GetParam().text);
  ASSERT_FALSE(error.empty()) << "'" << GetParam().text << "' was accepted";
  for (const std::string &part : GetParam().expected)
    EXPECT_NE(error.find(part), std::string::npos)
        << "'" << error << "' lacks '" << part << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Decide, DecideRejects,
    ::testing::Values(
        IllegalOverride{"UiZero", "broadcast ui=0", {"ui", "got 0"}},
        IllegalOverride{"UiNegative", "broadcast ui=-3", {"ui", "got -3"}},
        IllegalOverride{"UjTooLarge", "broadcast uj=65", {"uj", "got 65"}},
        IllegalOverride{"VlNotPowerOfTwo", "broadcast vl=3", {"vl", "got 3"}},
        IllegalOverride{"VlZero", "broadcast vl=0", {"vl"}},
        IllegalOverride{"KuZero", "broadcast ku=0", {"ku"}},
        IllegalOverride{"MaskTwo", "broadcast mask=2", {"mask", "got 2"}},
        IllegalOverride{"ThreadsZero", "broadcast threads=0", {"threads"}},
        IllegalOverride{"UnknownParameter",
                        "broadcast ui=2 mr=4",
                        {"unknown parameter 'mr'", "known:"}},
        IllegalOverride{"UnknownAlgorithm",
                        "magic ui=2",
                        {"unknown algorithm 'magic'", "broadcast"}}),
    [](const ::testing::TestParamInfo<IllegalOverride> &info) {
      return std::string(info.param.name);
    });

TEST(Decide, TooManyRegistersIsAcceptedWithAWarning) {
  // 8x8 tile: 8*8+8+1 = 73 vector registers, AVX2 has 16.
  PresetMachine pm("x86-avx2");
  DecideOptions options;
  options.override = *Config::parse("broadcast ui=8 uj=8");
  auto d = decide(gemm(128, 128, 128), pm.machine(), options);
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  EXPECT_EQ(d->config.get("ui"), 8);
  EXPECT_EQ(d->config.get("uj"), 8);
  ASSERT_EQ(d->warnings.size(), 1u);
  EXPECT_NE(d->warnings[0].find("73"), std::string::npos) << d->warnings[0];
  EXPECT_NE(d->warnings[0].find("16"), std::string::npos) << d->warnings[0];
  EXPECT_NE(d->warnings[0].find("spill"), std::string::npos) << d->warnings[0];
}

TEST(Decide, VectorWiderThanTargetIsAcceptedWithAWarning) {
  PresetMachine pm("x86-sse4.2");
  DecideOptions options;
  options.override = *Config::parse("broadcast vl=16 ui=1 uj=1");
  auto d = decide(gemm(32, 32, 32), pm.machine(), options);
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  ASSERT_FALSE(d->warnings.empty());
  EXPECT_NE(d->warnings[0].find("vl=16"), std::string::npos) << d->warnings[0];
}

TEST(Decide, JsonHasTheDocumentedFields) {
  PresetMachine pm("x86-avx512");
  auto d = decide(gemm(64, 48, 32), pm.machine());
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  llvm::json::Value value = toJSON(*d);
  const llvm::json::Object *o = value.getAsObject();
  ASSERT_NE(o, nullptr);
  for (const char *key : {"workload", "algorithm", "config", "reason",
                          "predicted_s", "candidates", "warnings"})
    EXPECT_NE(o->get(key), nullptr) << key;
  EXPECT_EQ(o->getString("config").value_or(""), d->config.str());
  std::optional<double> predicted = o->getNumber("predicted_s");
  ASSERT_TRUE(predicted.has_value());
  EXPECT_GT(*predicted, 0);
  EXPECT_FALSE(d->reason.empty());
  EXPECT_FALSE(d->userOverride);
}

} // namespace
