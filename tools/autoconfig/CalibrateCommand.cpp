//===- CalibrateCommand.cpp - autoconfig calibrate ------------------------===//

#include "CalibrationCache.h"
#include "Options.h"

#include "autoconfig/Calibrate/Calibration.h"
#include "autoconfig/Target/Describe.h"

#include "llvm/Support/FormatVariadic.h"
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

  CalibrationRequest request;
  request.force = force;
  request.quick = quick;
  request.progress = !json;
  Expected<MeasuredProfile> measured = loadOrMeasureProfile(target, request);
  if (!measured)
    return fail(toString(measured.takeError()));
  std::string note =
      measured->measuredNow
          ? formatv("measured now in {0:f2} s, saved to {1}",
                    measured->profile.calibrationSeconds, measured->path)
                .str()
          : "measured profile from " + measured->path +
                " (cached; --force measures again)";
  printResult(target, measured->profile, note, measured->path);
  return 0;
}

} // namespace autoconfig::cli
