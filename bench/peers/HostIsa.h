//===- HostIsa.h - The host's ISA, for peers that force kernels -*- C++ -*-===//
//
// OpenBLAS and BLIS choose their kernels from the CPU model they recognize;
// on a CPU newer than the library they fall back to an older kernel. The
// peers that force the kernel matching the ISA read the host's features as
// the project detects them (lib/Target/HostDetection.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PEERS_HOSTISA_H
#define AUTOCONFIG_BENCH_PEERS_HOSTISA_H

#include "autoconfig/Target/TargetDesc.h"

namespace autoconfig {

/// The host, detected once.
const TargetDesc &hostTarget();

/// AVX-512 with the subsets Skylake-SP introduced (F, CD, BW, DQ, VL): what
/// the libraries' "SkylakeX"/"skx" kernels are written for.
bool hasSkylakeAvx512(const TargetDesc &target);
/// AVX2 with FMA3: what their "Haswell" kernels are written for.
bool hasAvx2Fma(const TargetDesc &target);

/// An AMD Zen core (LLVM CPU names znver1, znver2, ...): its generation, or
/// 0 for any other CPU.
unsigned zenGeneration(const TargetDesc &target);

} // namespace autoconfig

#endif
