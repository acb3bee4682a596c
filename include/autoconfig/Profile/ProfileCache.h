//===- ProfileCache.h - Per-user cache of calibration results ---*- C++ -*-===//
#ifndef AUTOCONFIG_PROFILE_PROFILECACHE_H
#define AUTOCONFIG_PROFILE_PROFILECACHE_H

#include "autoconfig/Profile/Profile.h"

#include "llvm/Support/Error.h"

#include <string>

namespace autoconfig {

/// $XDG_CACHE_HOME/autoconfig, else $HOME/.cache/autoconfig.
std::string profileCacheDir();

/// A file name unique to the CPU, the target's features and vector width,
/// and the tool version: a profile is only reused where it was measured.
std::string profileCacheKey(const TargetDesc &target);
std::string profileCachePath(const TargetDesc &target);

/// Reads a cached profile. Fails with a message naming the file when it is
/// unreadable, not JSON, malformed, or measured for another CPU, target or
/// tool version ("foreign").
llvm::Expected<Profile> loadProfile(llvm::StringRef path,
                                    const TargetDesc &target);
llvm::Error saveProfile(const Profile &profile, llvm::StringRef path);

/// The cached measured profile for a target that runs on the host, else the
/// nominal profile. `note` (optional) says which and why.
Profile loadProfileOrNominal(const TargetDesc &target,
                             std::string *note = nullptr);

/// What a pass run from textual options (autoconfig-opt, pass pipelines)
/// decides with: the target its options name (a preset, a JSON file, or the
/// host when both are empty), its cached profile or nominal figures, and the
/// measured facts the profile corrects in the target (adoptMeasuredFacts).
struct PassHardware {
  TargetDesc target;
  Profile profile;
};
llvm::Expected<PassHardware> hardwareFromPassOptions(llvm::StringRef preset,
                                                     llvm::StringRef file);

} // namespace autoconfig

#endif
