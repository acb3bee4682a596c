//===- PanelFactorTest.cpp - B panel factors scaled to a tile's demand ----===//
//
// Calibration measures the B panel factors with one demanding tile; the
// blocked model scales them to its own tile (Profile::panelFactorFor): by the
// row for a panel read in place from strided rows, by the vector for a
// contiguous one. Measured on the Zen 5 guest: rows 12 KiB apart, the 8x2
// and 4x4 tiles both ran about 1.5x their contiguous k step, the 2x4 tile
// about 3x its own.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Profile/Profile.h"

#include "llvm/Support/JSON.h"

#include "gtest/gtest.h"

using namespace autoconfig;

namespace {

constexpr unsigned kBits = 512;

/// A profile whose panel factors were measured with a 2x4 tile of 4 ns per
/// k step; the 4x4 and 8x2 tiles take 8 ns, the 12x2 one 12 ns.
Profile measuredWithTwoByFour() {
  Profile p;
  p.tiles = {{kBits, 2, 4, 4e-9},
             {kBits, 4, 4, 8e-9},
             {kBits, 8, 2, 8e-9},
             {kBits, 12, 2, 12e-9}};
  p.panelTileMr = 2;
  p.panelTileVectors = 4;
  p.stridedPanelFactors = {{16, 2.0}, {64, 3.0}, {512, 3.0}};
  p.l2PanelFactor = 1.3;
  p.subPagePanelFactor = 1.8;
  return p;
}

TEST(PanelFactor, StridedRowsScaleByTheRow) {
  Profile p = measuredWithTwoByFour();
  // 3.0 x 4 ns per row: a tile of 8 ns per k step waits 1.5x, whatever its
  // width; one of 12 ns, 1.0x.
  EXPECT_DOUBLE_EQ(p.panelFactorFor(3.0, kBits, 4, 4, /*byRow=*/true), 1.5);
  EXPECT_DOUBLE_EQ(p.panelFactorFor(3.0, kBits, 8, 2, /*byRow=*/true), 1.5);
  EXPECT_DOUBLE_EQ(p.panelFactorFor(3.0, kBits, 12, 2, /*byRow=*/true), 1.0);
  // The measured tile keeps its factor.
  EXPECT_DOUBLE_EQ(p.panelFactorFor(3.0, kBits, 2, 4, /*byRow=*/true), 3.0);
}

TEST(PanelFactor, ContiguousPanelsScaleByTheVector) {
  Profile p = measuredWithTwoByFour();
  // 2.6 x 4 ns for four vectors: 2.6 ns a vector. 4x4 needs four in 8 ns:
  // 1.3x; 8x2 two in 8 ns: under its own step, 1.0.
  EXPECT_DOUBLE_EQ(p.panelFactorFor(2.6, kBits, 4, 4, /*byRow=*/false), 1.3);
  EXPECT_DOUBLE_EQ(p.panelFactorFor(2.6, kBits, 8, 2, /*byRow=*/false), 1.0);
}

TEST(PanelFactor, WithoutTheMeasuredTileTheFactorStands) {
  Profile p = measuredWithTwoByFour();
  p.panelTileMr = p.panelTileVectors = 0; // a profile of an older release
  EXPECT_DOUBLE_EQ(p.panelFactorFor(2.5, kBits, 8, 2, true), 2.5);
  // A tile of other vectors than the measured ones: nothing to scale by.
  Profile q = measuredWithTwoByFour();
  q.tileFit = {};
  EXPECT_DOUBLE_EQ(q.panelFactorFor(2.5, 256, 8, 2, true), 2.5);
}

TEST(PanelFactor, TheRowStrideChoosesTheFactor) {
  Profile p = measuredWithTwoByFour();
  // Rows a page or more apart: the strided factor at the panel's depth.
  EXPECT_DOUBLE_EQ(p.unpackedPanelFactor(64, 4096, 256), 3.0);
  EXPECT_DOUBLE_EQ(p.unpackedPanelFactor(16, 12288, 256), 2.0);
  // Less than a page apart, wider than the panel: the sub-page factor.
  EXPECT_DOUBLE_EQ(p.unpackedPanelFactor(64, 1024, 256), 1.8);
  EXPECT_DOUBLE_EQ(p.unpackedPanelFactor(64, 512, 256), 1.8);
  // Rows as wide as the panel: contiguous.
  EXPECT_DOUBLE_EQ(p.unpackedPanelFactor(64, 256, 256), 1.3);
  // Not measured: the contiguous factor stands in.
  p.subPagePanelFactor = 0;
  EXPECT_DOUBLE_EQ(p.unpackedPanelFactor(64, 1024, 256), 1.3);
}

TEST(PanelFactor, TheProfileKeepsAndChecksItsPanelFields) {
  Profile p = measuredWithTwoByFour();
  p.source = "test";
  p.frequencyGHz = 3.0;
  p.vectors = {{kBits, 1e10, 4e-10, 1e10, 1e10, 5e9}};
  p.bandwidth = {{1, 24576, 4e11}, {2, 524288, 2e11}, {0, 1 << 26, 3e10}};
  p.callOverheadSeconds = 2e-9;
  p.loopIterationSeconds = 3e-10;
  llvm::json::Value json = toJSON(p);
  Profile back;
  llvm::json::Path::Root root("profile");
  ASSERT_TRUE(fromJSON(json, back, root)) << toString(root.getError());
  EXPECT_EQ(back.panelTileMr, 2u);
  EXPECT_EQ(back.panelTileVectors, 4u);
  EXPECT_DOUBLE_EQ(back.subPagePanelFactor, 1.8);

  (*json.getAsObject())["sub_page_panel_factor"] = 0.5;
  Profile bad;
  llvm::json::Path::Root badRoot("profile");
  EXPECT_FALSE(fromJSON(json, bad, badRoot));
  EXPECT_NE(toString(badRoot.getError()).find("sub_page_panel_factor"),
            std::string::npos);
}

} // namespace
