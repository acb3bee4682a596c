//===- CpuidCaches.cpp - Cache geometry from the x86 CPUID instruction ----===//
//
// Register layouts: Intel 64 and IA-32 Architectures Software Developer's
// Manual, vol. 2A, CPUID leaf 04H (deterministic cache parameters); AMD64
// Architecture Programmer's Manual, vol. 3, appendix E, CPUID Fn8000_001D
// (the same layout) and Fn8000_0005/Fn8000_0006 (legacy L1/L2 descriptors
// and their associativity codes).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Target/CpuidCaches.h"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace autoconfig {

static uint32_t bits(uint32_t value, unsigned low, unsigned high) {
  return (value >> low) & ((1u << (high - low + 1)) - 1);
}

/// Walks the subleaves of a deterministic cache leaf until the null type.
static std::vector<CacheLevel> deterministicLeaf(CpuidQuery query,
                                                 uint32_t leaf) {
  std::vector<CacheLevel> caches;
  for (uint32_t index = 0; index < 16; ++index) {
    std::optional<CpuidRegisters> r = query(leaf, index);
    if (!r)
      break;
    uint32_t type = bits(r->eax, 0, 4);
    if (type == 0)
      break;
    if (type == 2) // instruction cache
      continue;
    CacheLevel c;
    c.level = bits(r->eax, 5, 7);
    c.sharedByCores = bits(r->eax, 14, 25) + 1;
    c.lineBytes = bits(r->ebx, 0, 11) + 1;
    unsigned partitions = bits(r->ebx, 12, 21) + 1;
    c.ways = bits(r->ebx, 22, 31) + 1;
    uint64_t sets = uint64_t(r->ecx) + 1;
    c.sizeBytes = uint64_t(c.ways) * partitions * c.lineBytes * sets;
    if (c.level >= 1 && c.sizeBytes)
      caches.push_back(c);
  }
  return caches;
}

/// Ways of AMD's 4-bit associativity code; 0 when unknown or disabled.
static unsigned amdAssociativity(uint32_t code) {
  static const unsigned ways[16] = {0,  1, 2,  3,  4,  6,  8,   0,
                                    16, 0, 32, 48, 64, 96, 128, 0};
  return ways[code & 15];
}

static std::vector<CacheLevel> legacyAmdLeaves(CpuidQuery query) {
  std::vector<CacheLevel> caches;
  if (std::optional<CpuidRegisters> r = query(0x80000005, 0)) {
    CacheLevel l1;
    l1.level = 1;
    l1.sizeBytes = uint64_t(bits(r->ecx, 24, 31)) * 1024;
    uint32_t assoc = bits(r->ecx, 16, 23);
    if (assoc && assoc != 0xff)
      l1.ways = assoc;
    if (uint32_t line = bits(r->ecx, 0, 7))
      l1.lineBytes = line;
    if (l1.sizeBytes)
      caches.push_back(l1);
  }
  if (std::optional<CpuidRegisters> r = query(0x80000006, 0)) {
    CacheLevel l2;
    l2.level = 2;
    l2.sizeBytes = uint64_t(bits(r->ecx, 16, 31)) * 1024;
    if (unsigned ways = amdAssociativity(bits(r->ecx, 12, 15)))
      l2.ways = ways;
    if (uint32_t line = bits(r->ecx, 0, 7))
      l2.lineBytes = line;
    if (l2.sizeBytes && bits(r->ecx, 12, 15) != 0)
      caches.push_back(l2);
  }
  return caches;
}

std::vector<CacheLevel> cachesFromCpuid(CpuidQuery query) {
  std::vector<CacheLevel> caches;
  std::optional<CpuidRegisters> basic = query(0, 0);
  if (basic && basic->eax >= 4)
    caches = deterministicLeaf(query, 4);
  if (caches.empty()) {
    std::optional<CpuidRegisters> extended = query(0x80000000, 0);
    std::optional<CpuidRegisters> features = query(0x80000001, 0);
    bool topologyExtensions = features && bits(features->ecx, 22, 22);
    if (extended && extended->eax >= 0x8000001D && topologyExtensions)
      caches = deterministicLeaf(query, 0x8000001D);
    if (caches.empty() && extended && extended->eax >= 0x80000006)
      caches = legacyAmdLeaves(query);
  }
  std::stable_sort(caches.begin(), caches.end(),
                   [](const CacheLevel &a, const CacheLevel &b) {
                     return a.level < b.level;
                   });
  return caches;
}

std::vector<CacheLevel> detectCachesWithCpuid() {
#if defined(__x86_64__) || defined(__i386__)
  auto query = [](uint32_t leaf,
                  uint32_t subleaf) -> std::optional<CpuidRegisters> {
    uint32_t highest = __get_cpuid_max(leaf & 0x80000000u, nullptr);
    if (highest == 0 || leaf > highest)
      return std::nullopt;
    CpuidRegisters r;
    __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
    return r;
  };
  return cachesFromCpuid(query);
#else
  return {};
#endif
}

} // namespace autoconfig
