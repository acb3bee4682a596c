//===- CalibrationCache.h - The host's profile, on demand -------*- C++ -*-===//
//
// One place that turns "a target that runs here" into its measured profile:
// read from the per-machine cache, or measured now (with a progress bar) and
// stored there. `autoconfig calibrate` and the first use of any compiling
// command share it.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_TOOLS_CALIBRATIONCACHE_H
#define AUTOCONFIG_TOOLS_CALIBRATIONCACHE_H

#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Target/TargetDesc.h"

#include "llvm/Support/Error.h"

#include <string>

namespace autoconfig::cli {

struct CalibrationRequest {
  /// Measure even when a usable profile is cached (`calibrate --force`).
  bool force = false;
  /// CalibrationOptions::quick(): a few times faster, less precise.
  bool quick = false;
  /// A compiling command that found no profile: say so on stderr before
  /// measuring (`calibrate` itself reports afterwards instead).
  bool announce = false;
  /// Draw the progress bar (only ever on a terminal).
  bool progress = true;
};

struct MeasuredProfile {
  Profile profile;
  /// The cache file it was read from or saved to.
  std::string path;
  /// Measured by this call rather than read from the cache.
  bool measuredNow = false;
};

/// The measured profile of `target`, which must run on this machine: the
/// cached one when usable; otherwise, or with `force`, measured now and
/// saved to the cache. A cached file that cannot be used (corrupt, foreign)
/// gets a warning naming it and is replaced. Processes take turns through a
/// lock file beside the cache, so two first uses at once measure once (and
/// do not disturb each other's timings): the one that waited reads the
/// other's result. Fails, measuring nothing, when the cache directory cannot
/// be written; fails when the calibration does.
llvm::Expected<MeasuredProfile>
loadOrMeasureProfile(const TargetDesc &target,
                     const CalibrationRequest &request);

} // namespace autoconfig::cli

#endif
