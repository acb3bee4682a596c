//===- Calibration.h - Measuring the host's costs ---------------*- C++ -*-===//
//
// The dynamic half of the hardware model: micro-benchmarks written as small
// MLIR modules, lowered and JIT-compiled by the same pipeline as the
// generated kernels (so they measure what generated code can reach), timed
// with robust statistics and collected into a Profile.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_CALIBRATE_CALIBRATION_H
#define AUTOCONFIG_CALIBRATE_CALIBRATION_H

#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Target/TargetDesc.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>

namespace autoconfig {

struct CalibrationOptions {
  /// Timed samples per figure: the figure is their median, the spread their
  /// interquartile range over the median. At least 3.
  unsigned samples = 11;
  /// Each sample runs a micro-benchmark for about this long.
  double sampleSeconds = 0.005;
  /// Working set of the main-memory bandwidth test, in multiples of the last
  /// cache level (and at least 64 MiB).
  unsigned memoryMultiple = 4;
  /// Time the GEMM micro-kernel's register tiles (a few seconds): without
  /// them the models estimate tile throughput from the FMA and load rates.
  bool measureTiles = true;
  /// Called before each measurement with what is measured, its 1-based index
  /// and the number of measurements (a progress line, for instance).
  std::function<void(llvm::StringRef what, unsigned step, unsigned steps)>
      progress;

  /// Fewer and shorter samples and a smaller memory working set: about a
  /// second, for tests.
  static CalibrationOptions quick();
};

/// The micro-benchmark module for `target`, as MLIR text: one function with
/// the C interface per measured figure, all taking (input buffer, output
/// buffer, repetition count). Printed by `autoconfig calibrate
/// --print-module` so the machine code can be inspected with `autoconfig
/// compile --emit=asm`.
std::string calibrationModuleText(const TargetDesc &target);

/// Measures the costs of `target` on this machine, which must run it
/// (TargetDesc::runsOnHost): FMA throughput and latency, vector load,
/// broadcast-load and store throughput per vector width from 128 bits to
/// target.vectorBits; read bandwidth with working sets in each cache level and
/// in memory; call and loop overheads; the effective frequency.
llvm::Expected<Profile> calibrate(const TargetDesc &target,
                                  const CalibrationOptions &options = {});

} // namespace autoconfig

#endif
