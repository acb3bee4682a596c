//===- PanelSegmentTest.cpp - Panel streams of longer row segments --------===//
//
// Calibration times row-strided panels of 256-byte segments. A GEMV's
// broadcast tile reads 15 vectors (960 bytes) of each row: each segment pays
// the measured start once and streams the rest, so its rate lies between the
// panel figure and the sequential one. On the Zen 5 guest (B 16 MiB, in the
// effective last level the guest does not report): 27 GB/s measured for
// 256-byte segments, 84 GB/s sequential, the GEMV ran at 56 GB/s; the rule
// gives 58 where the old half-sequential guess gave 42.
//
//===----------------------------------------------------------------------===//

#include "MachineFixture.h"

#include "gtest/gtest.h"

#include <algorithm>

using namespace autoconfig;

namespace {

const std::string kZen5 =
    std::string(AUTOCONFIG_SOURCE_DIR) + "/test/fixtures/machines/znver5";

struct PanelSegments : ::testing::Test {
  MachineFixture fixture;
  void SetUp() override {
    auto loaded = MachineFixture::load(kZen5);
    ASSERT_TRUE(bool(loaded)) << toString(loaded.takeError());
    fixture = std::move(*loaded);
  }
};

TEST_F(PanelSegments, LongerSegmentsApproachTheSequentialRate) {
  Profile p = fixture.profile;
  const TargetDesc &t = fixture.target;
  ASSERT_EQ(t.cache(3), nullptr) << "the fixture's guest reports no L3";
  uint64_t bytes = 16ull << 20;
  double sequential = p.bandwidthFor(bytes, t);
  // Not measured beyond L2: half the sequential rate, whatever the segment.
  p.panelBandwidth.erase(
      std::remove_if(p.panelBandwidth.begin(), p.panelBandwidth.end(),
                     [](const BandwidthPoint &b) { return b.level == 3; }),
      p.panelBandwidth.end());
  EXPECT_DOUBLE_EQ(p.panelBandwidthFor(bytes, t, 960), sequential / 2);
  // The hidden last level measured as level 3 at 27 GB/s.
  double panel = std::min(27e9, sequential);
  p.panelBandwidth.push_back({3, 64ull << 20, 27e9});
  EXPECT_DOUBLE_EQ(p.panelBandwidthFor(bytes, t), panel);
  EXPECT_DOUBLE_EQ(p.panelBandwidthFor(bytes, t, 128), panel);
  double start = 256 / panel - 256 / sequential;
  double longer = p.panelBandwidthFor(bytes, t, 960);
  EXPECT_NEAR(longer, 960 / (start + 960 / sequential), 1e-6 * longer);
  EXPECT_GT(longer, panel);
  EXPECT_LT(longer, sequential);
  EXPECT_GT(p.panelBandwidthFor(bytes, t, 4096), longer);
}

} // namespace
