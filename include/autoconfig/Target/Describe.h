//===- Describe.h - One-paragraph text form of a target ---------*- C++ -*-===//
#ifndef AUTOCONFIG_TARGET_DESCRIBE_H
#define AUTOCONFIG_TARGET_DESCRIBE_H

#include "autoconfig/Target/TargetDesc.h"

#include <string>

namespace autoconfig {

/// "znver4 (host, x86_64-...): 512-bit vectors x 32 registers, FMA 2 pipes x
/// 4 cycles, L1 32 KiB 8-way, L2 1 MiB, L3 32 MiB, 2 cores, 2.6 GHz".
std::string describeTarget(const TargetDesc &target);

} // namespace autoconfig

#endif
