//===- AlgorithmPropertiesTest.cpp - What every algorithm's model keeps ---===//
//
// Over every registered algorithm, on preset targets (nominal profiles) and
// on the measured machine fixtures, for matmuls and convolutions in both
// layouts: where the algorithm applies,
//   - its derived config verifies, and reads back from its text form;
//   - the prediction is positive and finite;
//   - the terms `explain` shows (those not hidden) add up to the total;
//   - a workload with twice the work is predicted slower.
//
//===----------------------------------------------------------------------===//

#include "MachineFixture.h"
#include "PresetMachine.h"

#include "autoconfig/Bench/Suite.h"
#include "autoconfig/Select/Registry.h"

#include "gtest/gtest.h"

#include <cmath>
#include <set>

using namespace autoconfig;
using namespace llvm;

namespace {

struct Sizes {
  std::string spec, doubled, layout; // layout empty: a matmul
};

const Sizes kSizes[] = {
    {"64,64,64", "128,64,64", ""},
    {"128,256,96", "256,256,96", ""},
    {"1,1024,512", "2,1024,512", ""},
    {"255,257,253", "510,257,253", ""},
    // bf16 inputs (f32 C): blocked's dot products, AMX tiles.
    {"64,64,64,bf16", "128,64,64,bf16", ""},
    {"255,257,253,bf16", "510,257,253,bf16", ""},
    {"96,64,128,i8", "192,64,128,i8", ""},
    // B transposed (K contiguous in both operands), as "dot" needs.
    {"96,80,256,bt", "192,80,256,bt", ""},
    {"1,4096,1024,bt", "2,4096,1024,bt", ""},
    {"1,64,56,56,64,3,3,1,1,1,1", "2,64,56,56,64,3,3,1,1,1,1", "nchw"},
    {"1,64,56,56,64,3,3,1,1,1,1", "2,64,56,56,64,3,3,1,1,1,1", "nhwc"},
    {"1,32,28,28,64,1,1,1,0,1,1", "2,32,28,28,64,1,1,1,0,1,1", "nchw"},
    {"1,32,28,28,64,1,1,1,0,1,1", "2,32,28,28,64,1,1,1,0,1,1", "nhwc"},
    {"1,32,56,56,32,3,3,1,1,1,32", "2,32,56,56,32,3,3,1,1,1,32", "nhwc"},
    {"1,32,56,56,32,3,3,1,1,1,32", "2,32,56,56,32,3,3,1,1,1,32", "nchw"},
    {"1,3,224,224,32,3,3,2,1,1,1", "2,3,224,224,32,3,3,2,1,1,1", "nchw"},
    {"1,128,14,14,128,3,3,1,1,1,1", "2,128,14,14,128,3,3,1,1,1,1", "nhwc"},
};

Workload parse(const std::string &spec, const std::string &layout) {
  if (layout.empty()) {
    StringRef sizes(spec);
    bool transB = sizes.consume_back(",bt");
    auto gemm = parseGemmSpec(sizes);
    EXPECT_TRUE(bool(gemm)) << toString(gemm.takeError());
    if (!gemm)
      return Workload();
    gemm->transB = transB;
    gemm->setDenseStrides();
    return Workload(*gemm);
  }
  auto conv = parseConvSpec(spec, layout);
  EXPECT_TRUE(bool(conv)) << toString(conv.takeError());
  return conv ? Workload(*conv) : Workload();
}

void checkAll(const TargetDesc &target, const Profile &profile) {
  Machine machine{target, profile};
  unsigned applied = 0;
  std::set<std::string> covered;
  for (const Algorithm &algorithm : algorithms()) {
    const AlgorithmModel &model = *algorithm.model;
    for (const Sizes &sizes : kSizes) {
      Workload w = parse(sizes.spec, sizes.layout);
      Workload twice = parse(sizes.doubled, sizes.layout);
      std::string whyNot;
      if (!model.applies(w, target, whyNot))
        continue;
      ++applied;
      covered.insert(model.name().str());
      SCOPED_TRACE(model.name().str() + " on " + sizes.spec + " " +
                   sizes.layout);
      Derivation d = model.derive(w, machine);
      std::vector<std::string> warnings;
      Error err = model.verify(w, d.config, target, warnings);
      EXPECT_FALSE(bool(err))
          << "derived config " << d.config.str()
          << " does not verify: " << toString(std::move(err));
      auto reread = Config::parse(d.config.str());
      ASSERT_TRUE(bool(reread)) << toString(reread.takeError());
      EXPECT_EQ(*reread, d.config);

      Prediction p = model.predict(w, d.config, machine);
      EXPECT_TRUE(std::isfinite(p.seconds) && p.seconds > 0) << p.seconds;
      EXPECT_NEAR(p.shownSeconds(), p.seconds, 1e-9 * p.seconds)
          << "the terms shown do not add up to the prediction";

      if (!model.applies(twice, target, whyNot))
        continue;
      Prediction bigger =
          model.predict(twice, model.derive(twice, machine).config, machine);
      EXPECT_GT(bigger.seconds, p.seconds)
          << "twice the work (" << sizes.doubled << ") predicted no slower";
    }
  }
  EXPECT_GT(applied, 20u);
  for (const Algorithm &algorithm : algorithms())
    EXPECT_TRUE(covered.count(algorithm.name().str()) ||
                !algorithm.model->availableOn(target))
        << algorithm.name().str() << " applied to none of the workloads";
}

class AlgorithmPropertiesOnPreset
    : public ::testing::TestWithParam<const char *> {};

TEST_P(AlgorithmPropertiesOnPreset, HoldForEveryAlgorithm) {
  PresetMachine preset(GetParam());
  ASSERT_TRUE(preset.error.empty());
  checkAll(preset.target, preset.profile);
}

INSTANTIATE_TEST_SUITE_P(Presets, AlgorithmPropertiesOnPreset,
                         ::testing::Values("x86-avx512", "x86-amx", "x86-avx2",
                                           "x86-sse4.2", "aarch64-neon"));

TEST(AlgorithmProperties, HoldOnTheMeasuredMachines) {
  for (const char *cpu : {"znver5", "emeraldrapids"}) {
    SCOPED_TRACE(cpu);
    auto fixture = MachineFixture::load(std::string(AUTOCONFIG_SOURCE_DIR) +
                                        "/test/fixtures/machines/" + cpu);
    ASSERT_TRUE(bool(fixture)) << toString(fixture.takeError());
    checkAll(fixture->target, fixture->profile);
  }
}

} // namespace
