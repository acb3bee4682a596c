//===- CpuidCaches.h - Cache geometry from x86 CPUID ------------*- C++ -*-===//
//
// Where Linux does not expose /sys/devices/system/cpu/cpu0/cache (some
// virtual machines), the caches are read from CPUID, as the processor or the
// hypervisor reports them. The decoding is separate from the instruction so
// that it can be tested on recorded register values.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_TARGET_CPUIDCACHES_H
#define AUTOCONFIG_TARGET_CPUIDCACHES_H

#include "autoconfig/Target/TargetDesc.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace autoconfig {

struct CpuidRegisters {
  uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

/// Answers CPUID for (leaf, subleaf), or nothing when the leaf is beyond the
/// highest one the processor implements.
using CpuidQuery = llvm::function_ref<std::optional<CpuidRegisters>(
    uint32_t leaf, uint32_t subleaf)>;

/// Data and unified caches, sorted by level, from the deterministic cache
/// leaves (Intel leaf 4, AMD leaf 0x8000001D) or, failing those, AMD's
/// legacy leaves 0x80000005/6 (L1 and L2 only: their L3 size is the whole
/// socket's under some hypervisors and carries no sharing count).
std::vector<CacheLevel> cachesFromCpuid(CpuidQuery query);

/// cachesFromCpuid() on the host processor; empty off x86.
std::vector<CacheLevel> detectCachesWithCpuid();

} // namespace autoconfig

#endif
