//===- MicroKernels.h - Calibration micro-benchmarks as MLIR ----*- C++ -*-===//
//
// Private to the calibration: which micro-benchmarks exist for a target, how
// much work one repetition of each does, and their MLIR text.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_LIB_CALIBRATE_MICROKERNELS_H
#define AUTOCONFIG_LIB_CALIBRATE_MICROKERNELS_H

#include "autoconfig/Target/TargetDesc.h"

#include <string>
#include <vector>

namespace autoconfig {

/// Every kernel has the signature
///   func.func @NAME(%in: memref<?xf32>, %out: memref<?xf32>, %n: index)
/// and repeats its work %n times. Loads read %in (whose size is the working
/// set for the load, broadcast and bandwidth kernels); stores write %out.
struct MicroKernelPlan {
  /// f32 vector widths in bits, narrowest first.
  std::vector<unsigned> widths;
  /// Independent FMA accumulator chains of the throughput kernels.
  unsigned fmaChains = 16;
  /// Dependent FMAs per repetition of the latency kernels.
  unsigned latencyChainLength = 8;
  /// Vector accumulators (or stores) per inner iteration of the load,
  /// broadcast and store kernels.
  unsigned memoryUnroll = 8;
  /// Dependent integer adds per repetition of the frequency kernel.
  unsigned addChainLength = 32;
  /// Whether the FMA kernels use vector.fma (else a multiply and an add).
  bool fused = true;

  /// Floats of %in the FMA kernels read: a, b and one start per chain.
  unsigned fmaInputFloats(unsigned bits) const {
    return (2 + fmaChains) * bits / 32;
  }
};

MicroKernelPlan planMicroKernels(const TargetDesc &target);

/// Kernel names.
std::string fmaThroughputKernel(unsigned bits);
std::string fmaLatencyKernel(unsigned bits);
std::string loadKernel(unsigned bits);
std::string broadcastKernel(unsigned bits);
std::string storeKernel(unsigned bits);
/// Reads a 256-byte segment from every row of %in, rows kPanelPitchFloats
/// apart: the row-strided stream of an unpacked matrix panel.
std::string panelKernel(unsigned bits);
inline constexpr unsigned kPanelPitchFloats = 1040;
inline constexpr unsigned kPanelSegmentBytes = 256;
/// Reads one vector from every row of %in, rows kPanelPitchFloats apart (a
/// new page every row): over a range beyond the TLB's reach with data that
/// stays in the caches, every row costs a page walk.
std::string pageWalkKernel(unsigned bits);
/// An scf.parallel over `threads` iterations doing nothing, %n times: the
/// fork and join of a parallel region (compiled apart, with OpenMP).
inline constexpr const char *kForkJoinKernel = "fork_join";
std::string forkJoinModuleText(unsigned threads);
/// Vector loads of all of %in, %n times, split into `threads` contiguous
/// slices read at once (scf.parallel): the memory bandwidth all cores get
/// together, against loadKernel's one core.
inline constexpr const char *kParallelReadKernel = "parallel_read";
std::string parallelReadModuleText(unsigned threads, unsigned bits);
/// Independent chains of 512-bit VDPBF16PS (x86vector.avx512.dot) on
/// registers, kBf16DotChains per repetition (targets with AVX512-BF16).
inline constexpr const char *kBf16DotKernel = "bf16_dot";
inline constexpr unsigned kBf16DotChains = 16;
std::string bf16DotModuleText();
/// Independent AMX tile products (TDPBF16PS) on tiles that stay in the
/// tile registers, kAmxProductChains per repetition (targets with
/// AMX-BF16).
inline constexpr const char *kAmxProductKernel = "amx_products";
inline constexpr unsigned kAmxProductChains = 4;
std::string amxProductModuleText();
inline constexpr const char *kEmptyKernel = "empty";
inline constexpr const char *kLoopKernel = "loop";
inline constexpr const char *kAddChainKernel = "add_chain";

std::string microKernelModuleText(const MicroKernelPlan &plan);

} // namespace autoconfig

#endif
