//===- CalibrateCommand.cpp - autoconfig calibrate ------------------------===//

#include "Options.h"

#include "autoconfig/Calibrate/Calibration.h"
#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Target/Describe.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace autoconfig::cli {

llvm::cl::SubCommand &calibrateCommand() {
  static llvm::cl::SubCommand command(
      "calibrate", "Measure the host's costs and cache them as a Profile");
  return command;
}

static cl::opt<bool> force("force",
                           cl::desc("Measure again even when a cached "
                                    "profile exists"),
                           cl::sub(calibrateCommand()));
static cl::opt<bool> quick("quick",
                           cl::desc("Fewer and shorter samples (about a "
                                    "second, less precise)"),
                           cl::sub(calibrateCommand()));
static cl::opt<bool> printModule(
    "print-module",
    cl::desc("Print the micro-benchmarks as MLIR instead of measuring "
             "(inspect their machine code with 'autoconfig compile "
             "--emit=asm')"),
    cl::sub(calibrateCommand()));

static void printResult(const TargetDesc &target, const Profile &profile,
                        StringRef note, StringRef cachePath) {
  if (json) {
    json::Object doc{{"target", toJSON(target)},
                     {"profile", toJSON(profile)},
                     {"profile_note", note},
                     {"cache", cachePath}};
    outs() << formatv("{0:2}", json::Value(std::move(doc))) << "\n";
    return;
  }
  outs() << describeTarget(target) << "\n";
  outs() << "profile: " << note << "\n";
  printProfile(profile, outs());
}

int runCalibrate() {
  auto resolved = resolveTarget(targetName, targetFile);
  if (!resolved)
    return fail(toString(resolved.takeError()));
  const TargetDesc &target = *resolved;
  if (printModule) {
    outs() << calibrationModuleText(target);
    return 0;
  }
  if (!target.runsOnHost) {
    // Nothing to measure: say so, and show what the models will use.
    std::string note =
        "target '" + target.name +
        "' does not run on this machine: nothing measured, the preset's "
        "nominal figures stand in";
    if (!json)
      WithColor::note(errs(), "autoconfig") << note << "\n";
    printResult(target, Profile::nominal(target), note, "");
    return 0;
  }

  std::string path = profileCachePath(target);
  if (!force && sys::fs::exists(path)) {
    Expected<Profile> cached = loadProfile(path, target);
    if (cached) {
      printResult(target, *cached,
                  "measured profile from " + path +
                      " (cached; --force measures again)",
                  path);
      return 0;
    }
    // Corrupt, foreign or unreadable: one line naming the file, then measure.
    WithColor::warning(errs(), "autoconfig")
        << toString(cached.takeError()) << "; measuring again\n";
  }

  // A cache that cannot be written is found out before measuring for
  // nothing ($XDG_CACHE_HOME naming a file, a directory without access).
  StringRef cacheDir = sys::path::parent_path(path);
  if (std::error_code ec = sys::fs::create_directories(cacheDir))
    return fail("cannot create the calibration cache directory '" + cacheDir +
                "': " + ec.message() + "; nothing measured");
  if (std::error_code ec =
          sys::fs::access(cacheDir, sys::fs::AccessMode::Write))
    return fail("cannot write to the calibration cache directory '" + cacheDir +
                "': " + ec.message() + "; nothing measured");

  CalibrationOptions options =
      quick ? CalibrationOptions::quick() : CalibrationOptions();
  bool progress = !json && sys::Process::StandardErrIsDisplayed();
  if (progress)
    options.progress = [](StringRef what, unsigned step, unsigned steps) {
      errs() << formatv("\rcalibrating [{0}/{1}] {2}...", step, steps, what)
             << "\033[K";
      errs().flush();
    };
  Expected<Profile> profile = calibrate(target, options);
  if (progress)
    errs() << "\r\033[K";
  if (!profile)
    return fail(toString(profile.takeError()));

  if (Error err = saveProfile(*profile, path)) {
    printResult(target, *profile, "measured now, not cached", "");
    return fail(toString(std::move(err)));
  }
  printResult(target, *profile,
              formatv("measured now in {0:f2} s, saved to {1}",
                      profile->calibrationSeconds, path)
                  .str(),
              path);
  return 0;
}

} // namespace autoconfig::cli
