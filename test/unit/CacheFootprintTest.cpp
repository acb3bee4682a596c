//===- CacheFootprintTest.cpp - Strided blocks in set-associative caches --===//
//
// The figures the models read for data read in place from strided rows: a
// 48 KiB 12-way L1 and a 1 MiB 8-way L2 with 64-byte lines (64 and 2048
// sets), as on the Zen 5 and Emerald Rapids fixtures.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/CacheFootprint.h"

#include "gtest/gtest.h"

using namespace autoconfig;

namespace {

const CacheLevel kL1{1, 48 * 1024, 64, 12, 1};
const CacheLevel kL2{2, 1024 * 1024, 64, 8, 1};

TEST(CacheFootprint, ContiguousRowsReachEverySet) {
  // Rows exactly their own length apart are one contiguous block.
  EXPECT_EQ(setsReached(512, 512, kL2), 2048);
  EXPECT_EQ(setsReached(512, 0, kL2), 2048);
  EXPECT_DOUBLE_EQ(stridedFootprintBytes(100, 512, 512, kL2), 100.0 * 512);
}

TEST(CacheFootprint, HalfRowsOfAWideFilterReachHalfTheSets) {
  // 128 of 256 f32 output channels per row: 8 lines every 16 lines.
  EXPECT_EQ(setsReached(512, 1024, kL2), 1024);
  // 172 channels x 9 taps of those rows: 792 KiB of data take 1.55 MiB of
  // the L2's capacity, more than it has.
  double bytes = 172.0 * 9 * 512;
  EXPECT_DOUBLE_EQ(stridedFootprintBytes(172 * 9, 512, 1024, kL2), 2 * bytes);
  EXPECT_FALSE(stridedPanelFits(172 * 9, 512, 1024, kL2, 8));
  EXPECT_TRUE(stridedPanelFits(43 * 9, 512, 1024, kL2, 8));
}

TEST(CacheFootprint, PageStridesAliasInL1) {
  // Rows 3 pages apart (a 3072-float matrix) all start in one L1 set: a
  // 32-float panel reaches 2 sets, 24 lines in 12 ways.
  EXPECT_EQ(setsReached(128, 3 * 4096, kL1), 2);
  EXPECT_TRUE(stridedPanelFits(12, 128, 3 * 4096, kL1, 12));
  EXPECT_FALSE(stridedPanelFits(13, 128, 3 * 4096, kL1, 12));
  // 768 floats apart (48 lines): every 4th row comes back to its set.
  EXPECT_EQ(setsReached(128, 768 * 4, kL1), 8);
}

TEST(CacheFootprint, StridesThatAreNotWholeLinesSpread) {
  EXPECT_EQ(setsReached(128, 4100, kL1), 64);
}

TEST(CacheFootprint, WaysAndNominalCaches) {
  EXPECT_EQ(waysFor(4096, kL1), 1);
  EXPECT_EQ(waysFor(4097, kL1), 2);
  TargetDesc bare;
  CacheLevel nominal = cacheOr(bare, 2, 512 * 1024, 16);
  EXPECT_EQ(nominal.sizeBytes, 512u * 1024);
  EXPECT_EQ(nominal.ways, 16u);
}

} // namespace
