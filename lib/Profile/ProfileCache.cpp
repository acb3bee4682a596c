//===- ProfileCache.cpp - Per-user cache of calibration results -----------===//

#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Support/JsonFile.h"
#include "autoconfig/Version.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/xxhash.h"

using namespace llvm;

namespace autoconfig {

std::string profileCacheDir() {
  SmallString<256> dir;
  if (auto xdg = sys::Process::GetEnv("XDG_CACHE_HOME"); xdg && !xdg->empty())
    dir = *xdg;
  else if (auto home = sys::Process::GetEnv("HOME"); home && !home->empty())
    sys::path::append(dir, *home, ".cache");
  else
    dir = "/tmp";
  sys::path::append(dir, "autoconfig");
  return std::string(dir);
}

std::string profileCacheKey(const TargetDesc &t) {
  std::string identity = t.cpu + "|" + t.featureString() + "|" +
                         std::to_string(t.vectorBits) + "|" +
                         AUTOCONFIG_VERSION_STRING;
  return "profile-" + t.cpu + "-" + utohexstr(xxh3_64bits(identity)) + ".json";
}

std::string profileCachePath(const TargetDesc &t) {
  SmallString<256> path(profileCacheDir());
  sys::path::append(path, profileCacheKey(t));
  return std::string(path);
}

Expected<Profile> loadProfile(StringRef path, const TargetDesc &t) {
  auto fail = [&](const Twine &why) {
    return fileError("calibration cache", path, why);
  };
  Expected<json::Value> parsed = readJsonFile("calibration cache", path);
  if (!parsed)
    return parsed.takeError();
  Profile profile;
  json::Path::Root root("profile");
  if (!fromJSON(*parsed, profile, root))
    return fail("is corrupt (" + toString(root.getError()) + ")");
  if (profile.cpu != t.cpu || profile.featureKey != t.featureString() ||
      profile.toolVersion != AUTOCONFIG_VERSION_STRING)
    return fail("is foreign: measured for cpu '" + profile.cpu + "', tool " +
                profile.toolVersion);
  return profile;
}

Error saveProfile(const Profile &profile, StringRef path) {
  return writeJsonFile("calibration cache", path, toJSON(profile));
}

Profile loadProfileOrNominal(const TargetDesc &t, std::string *note) {
  if (t.runsOnHost) {
    std::string path = profileCachePath(t);
    if (sys::fs::exists(path)) {
      Expected<Profile> cached = loadProfile(path, t);
      if (cached) {
        if (note)
          *note = "measured profile from " + path;
        return *cached;
      }
      if (note)
        *note = toString(cached.takeError()) +
                "; using nominal figures (run 'autoconfig calibrate --force')";
      else
        consumeError(cached.takeError());
      return Profile::nominal(t);
    }
    if (note)
      *note = "no calibration yet for this target; nominal figures (run "
              "'autoconfig calibrate')";
    return Profile::nominal(t);
  }
  if (note)
    *note = "target '" + t.name +
            "' is not the host: the preset's nominal figures stand in for "
            "measurements";
  return Profile::nominal(t);
}

Expected<PassHardware> hardwareFromPassOptions(StringRef preset,
                                               StringRef file) {
  auto target = resolveTarget(preset, file);
  if (!target)
    return target.takeError();
  PassHardware hardware;
  hardware.target = std::move(*target);
  hardware.profile = loadProfileOrNominal(hardware.target);
  adoptMeasuredFacts(hardware.target, hardware.profile);
  return hardware;
}

} // namespace autoconfig
