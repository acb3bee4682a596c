//===- WeightsResidenceTest.cpp - Where a program's weights come from -----===//
//
// A layer's constant weights come back, at the next inference, from where
// all of the program's weights live (Workload::weightsReuseBytes): the
// profile's curve beyond the L2 prices that first pass. Figures of the Zen 5
// guest: L2 224 GB/s, an L3 plateau of 100 GB/s to 8 MiB, DRAM 41 GB/s at
// 256 MiB.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Target/TargetDesc.h"

#include "gtest/gtest.h"

using namespace autoconfig;

namespace {

constexpr uint64_t MiB = 1024 * 1024;

struct WeightsResidence : ::testing::Test {
  TargetDesc target;
  Profile profile;
  void SetUp() override {
    target.caches = {{1, 48 * 1024, 64, 12, 1}, {2, 1 * MiB, 64, 8, 1}};
    profile.bandwidth = {{1, 24 * 1024, 441e9}, {2, 512 * 1024, 224e9}};
    profile.bandwidthCurve = {{0, 2 * MiB, 99e9},
                              {0, 8 * MiB, 100e9},
                              {0, 32 * MiB, 56e9},
                              {0, 64 * MiB, 51e9},
                              {0, 256 * MiB, 41e9}};
  }
};

TEST_F(WeightsResidence, OutsideAProgramTheOpsOwnReuseDecides) {
  // 2 MiB read twice at the L3 rate: no program around it.
  EXPECT_DOUBLE_EQ(
      profile.weightsSeconds(2.0 * MiB, 4.0 * MiB, 0, 100e9, target),
      4.0 * MiB / 100e9);
  // A program whose constants are the op's own: the same.
  EXPECT_DOUBLE_EQ(
      profile.weightsSeconds(2.0 * MiB, 4.0 * MiB, 2.0 * MiB, 100e9, target),
      4.0 * MiB / 100e9);
}

TEST_F(WeightsResidence, ANetworksWeightsComeFromBeyondTheL3) {
  // ResNet-18's 45 MB: the first pass at the curve's rate there (between
  // 32 and 64 MiB), the second at the op's own.
  double cold = profile.bandwidthFor(45 * MiB, target);
  EXPECT_LT(cold, 56e9);
  EXPECT_GT(cold, 51e9);
  EXPECT_DOUBLE_EQ(
      profile.weightsSeconds(2.0 * MiB, 4.0 * MiB, 45.0 * MiB, 100e9, target),
      2.0 * MiB / cold + 2.0 * MiB / 100e9);
}

TEST_F(WeightsResidence, NeverFasterThanTheWarmRate) {
  // A warm rate slower than the cold one (a strided stream) stays.
  EXPECT_DOUBLE_EQ(
      profile.weightsSeconds(1.0 * MiB, 1.0 * MiB, 45.0 * MiB, 20e9, target),
      1.0 * MiB / 20e9);
}

} // namespace
