//===- CpuidCachesTest.cpp - Cache geometry decoded from CPUID ------------===//
//
// Decodes recorded CPUID answers: an Intel deterministic-cache leaf, an AMD
// one (Fn8000_001D) and the legacy AMD leaves a Zen 5 virtual machine
// answered with when it hid both the sysfs cache directory and the topology
// extensions.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Target/CpuidCaches.h"

#include "gtest/gtest.h"

#include <map>
#include <utility>

using namespace autoconfig;

namespace {

constexpr uint64_t KiB = 1024, MiB = 1024 * KiB;

using Recording = std::map<std::pair<uint32_t, uint32_t>, CpuidRegisters>;

std::vector<CacheLevel> decode(const Recording &recording) {
  return cachesFromCpuid(
      [&](uint32_t leaf, uint32_t sub) -> std::optional<CpuidRegisters> {
        auto it = recording.find({leaf, sub});
        if (it != recording.end())
          return it->second;
        // Implemented but empty (a null cache type ends a walk).
        uint32_t top = leaf & 0x80000000u;
        auto highest = recording.find({top, 0});
        if (highest == recording.end() || leaf > highest->second.eax)
          return std::nullopt;
        return CpuidRegisters{};
      });
}

/// A deterministic-cache subleaf: type, level, sharing, ways, sets, 64 B.
CpuidRegisters cacheLeaf(uint32_t type, uint32_t level, uint32_t sharing,
                         uint32_t ways, uint32_t sets) {
  return {type | level << 5 | (sharing - 1) << 14, 63u | (ways - 1) << 22,
          sets - 1, 0};
}

TEST(CpuidCaches, IntelLeafFour) {
  // Emerald Rapids: L1d 48 KiB 12-way, L1i, L2 2 MiB 16-way, L3 shared.
  Recording r = {{{0, 0}, {0x1f, 0, 0, 0}},
                 {{4, 0}, cacheLeaf(1, 1, 2, 12, 64)},
                 {{4, 1}, cacheLeaf(2, 1, 2, 8, 64)},
                 {{4, 2}, cacheLeaf(3, 2, 2, 16, 2048)},
                 {{4, 3}, cacheLeaf(3, 3, 128, 15, 65536)}};
  std::vector<CacheLevel> caches = decode(r);
  ASSERT_EQ(caches.size(), 3u);
  EXPECT_EQ(caches[0].level, 1u);
  EXPECT_EQ(caches[0].sizeBytes, 48 * KiB);
  EXPECT_EQ(caches[0].ways, 12u);
  EXPECT_EQ(caches[0].sharedByCores, 2u);
  EXPECT_EQ(caches[1].sizeBytes, 2 * MiB);
  EXPECT_EQ(caches[1].ways, 16u);
  EXPECT_EQ(caches[2].level, 3u);
  EXPECT_EQ(caches[2].sizeBytes, 60 * MiB);
  EXPECT_EQ(caches[2].sharedByCores, 128u);
}

TEST(CpuidCaches, AmdTopologyLeaf) {
  // Zen 4: leaf 4 reserved (zeros), topology extensions on.
  Recording r = {{{0, 0}, {0x10, 0, 0, 0}},
                 {{0x80000000, 0}, {0x80000028, 0, 0, 0}},
                 {{0x80000001, 0}, {0, 0, 1u << 22, 0}},
                 {{0x8000001D, 0}, cacheLeaf(1, 1, 2, 8, 64)},
                 {{0x8000001D, 1}, cacheLeaf(2, 1, 2, 8, 64)},
                 {{0x8000001D, 2}, cacheLeaf(3, 2, 2, 8, 2048)},
                 {{0x8000001D, 3}, cacheLeaf(3, 3, 16, 16, 32768)}};
  std::vector<CacheLevel> caches = decode(r);
  ASSERT_EQ(caches.size(), 3u);
  EXPECT_EQ(caches[0].sizeBytes, 32 * KiB);
  EXPECT_EQ(caches[1].sizeBytes, 1 * MiB);
  EXPECT_EQ(caches[1].ways, 8u);
  EXPECT_EQ(caches[2].sizeBytes, 32 * MiB);
  EXPECT_EQ(caches[2].sharedByCores, 16u);
}

TEST(CpuidCaches, AmdLegacyLeavesOfAVirtualMachine) {
  // Recorded on a Zen 5 guest: no topology extensions, leaf 4 empty.
  Recording r = {{{0, 0}, {13, 0, 0, 0}},
                 {{0x80000000, 0}, {0x80000021, 0, 0, 0}},
                 {{0x80000001, 0}, {0, 0, 0, 0}},
                 {{0x80000005, 0}, {0, 0, 0x300c0140, 0}},
                 {{0x80000006, 0}, {0, 0, 0x04006140, 0x0fe09140}}};
  std::vector<CacheLevel> caches = decode(r);
  // The L3 field counts the whole socket here (508 MiB): left out.
  ASSERT_EQ(caches.size(), 2u);
  EXPECT_EQ(caches[0].level, 1u);
  EXPECT_EQ(caches[0].sizeBytes, 48 * KiB);
  EXPECT_EQ(caches[0].ways, 12u);
  EXPECT_EQ(caches[0].lineBytes, 64u);
  EXPECT_EQ(caches[1].level, 2u);
  EXPECT_EQ(caches[1].sizeBytes, 1 * MiB);
  EXPECT_EQ(caches[1].ways, 8u); // associativity code 6
}

TEST(CpuidCaches, NothingImplementedIsEmpty) {
  EXPECT_TRUE(decode({}).empty());
  EXPECT_TRUE(decode({{{0, 0}, {1, 0, 0, 0}}}).empty());
}

} // namespace
