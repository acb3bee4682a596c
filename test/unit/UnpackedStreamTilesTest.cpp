//===- UnpackedStreamTilesTest.cpp - An unpacked B stream per tile
//---------===//
//
// Calibration measures the unpacked B stream under every tile near the FMA
// peak, as a ratio to the curve's tile (Zen 5: 12x2 at 0.2-0.4 of a 6x4's
// rate, 8x3 at 0.6-0.8). The blocked model reads the ratio of its own tile,
// or that of the measured tile of the same width nearest in height.
//
//===----------------------------------------------------------------------===//

#include "MachineFixture.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Target/TargetDesc.h"

#include "llvm/Support/JSON.h"

#include "gtest/gtest.h"

using namespace autoconfig;

namespace {

Profile streamProfile() {
  Profile p;
  p.bandwidth = {{1, 32768, 400e9}, {2, 524288, 200e9}, {0, 67108864, 30e9}};
  p.unpackedStreamBandwidth = {{16, 20e9}, {256, 40e9}};
  p.unpackedStreamTiles = {{6, 4, 1.0}, {8, 3, 0.6}, {9, 2, 0.3}, {13, 2, 0.2}};
  return p;
}

TEST(UnpackedStreamTiles, EachTileReadsItsOwnOrItsNearestMeasuredRatio) {
  TargetDesc target = *resolveTarget("x86-avx512", "");
  Profile p = streamProfile();
  uint64_t bytes = uint64_t(Profile::kUnpackedStreamRows) *
                   Profile::kUnpackedStreamColumns * sizeof(float);
  auto rate = [&](unsigned mr, unsigned nv) {
    return *p.unpackedStreamFor(256, bytes, target, mr, nv) / 40e9;
  };
  EXPECT_DOUBLE_EQ(rate(6, 4), 1.0);
  EXPECT_DOUBLE_EQ(rate(8, 3), 0.6);
  // Not measured: the same width, nearest height (the taller on a tie).
  EXPECT_DOUBLE_EQ(rate(12, 2), 0.2);
  EXPECT_DOUBLE_EQ(rate(10, 2), 0.3);
  EXPECT_DOUBLE_EQ(rate(11, 2), 0.2);
  EXPECT_DOUBLE_EQ(rate(4, 3), 0.6);
  // No tile of that width measured: the curve's rate.
  EXPECT_DOUBLE_EQ(rate(3, 6), 1.0);
  // The depth curve still applies.
  EXPECT_DOUBLE_EQ(*p.unpackedStreamFor(16, bytes, target, 8, 3) / 20e9, 0.6);
}

TEST(UnpackedStreamTiles, TheRatiosRoundTripThroughTheProfileJSON) {
  auto fixture = MachineFixture::load(std::string(AUTOCONFIG_SOURCE_DIR) +
                                      "/test/fixtures/machines/znver5");
  ASSERT_TRUE(bool(fixture)) << llvm::toString(fixture.takeError());
  Profile p = fixture->profile;
  p.unpackedStreamTiles = streamProfile().unpackedStreamTiles;
  llvm::json::Value v = toJSON(p);
  Profile back;
  llvm::json::Path::Root root;
  ASSERT_TRUE(fromJSON(v, back, root)) << llvm::toString(root.getError());
  ASSERT_EQ(back.unpackedStreamTiles.size(), 4u);
  EXPECT_EQ(back.unpackedStreamTiles[2].mr, 9u);
  EXPECT_EQ(back.unpackedStreamTiles[2].nv, 2u);
  EXPECT_DOUBLE_EQ(back.unpackedStreamTiles[2].ratio, 0.3);

  // A ratio that is not positive is a corrupt profile, named by its path.
  (*v.getAsObject()->getArray("unpacked_stream_tiles"))[1] =
      llvm::json::Object{{"mr", 8}, {"nv", 3}, {"ratio", -1.0}};
  Profile bad;
  llvm::json::Path::Root badRoot;
  EXPECT_FALSE(fromJSON(v, bad, badRoot));
  std::string message = llvm::toString(badRoot.getError());
  EXPECT_NE(message.find("unpacked_stream_tiles"), std::string::npos)
      << message;
}

} // namespace
