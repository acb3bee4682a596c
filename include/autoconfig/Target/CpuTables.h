//===- CpuTables.h - ISA and microarchitecture facts by name ----*- C++ -*-===//
#ifndef AUTOCONFIG_TARGET_CPUTABLES_H
#define AUTOCONFIG_TARGET_CPUTABLES_H

#include "autoconfig/Target/TargetDesc.h"

namespace autoconfig {

/// Fills vector width, register count, masking and FMA availability from the
/// triple and the feature list (what the ISA guarantees).
void applyIsaFacts(TargetDesc &target);

/// Fills FMA pipes, latency, datapath width and ports from the CPU name
/// (vendor optimization manuals; unknown CPUs keep conservative defaults).
void applyMicroarchitectureFacts(TargetDesc &target);

} // namespace autoconfig

#endif
