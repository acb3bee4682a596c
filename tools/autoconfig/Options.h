//===- Options.h - Options shared by the subcommands ------------*- C++ -*-===//
#ifndef AUTOCONFIG_TOOLS_OPTIONS_H
#define AUTOCONFIG_TOOLS_OPTIONS_H

#include "autoconfig/Import/Import.h"
#include "autoconfig/Model/Config.h"
#include "autoconfig/Onnx/OnnxModel.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Transforms/Passes.h"

#include "llvm/Support/CommandLine.h"

#include <optional>
#include <string>

namespace autoconfig::cli {

// Subcommands are function-local statics: options in other files register
// with them during static initialization, whose order across files is
// unspecified.
llvm::cl::SubCommand &explainCommand();
llvm::cl::SubCommand &compileCommand();
llvm::cl::SubCommand &benchCommand();
llvm::cl::SubCommand &targetCommand();
llvm::cl::SubCommand &algorithmsCommand();
extern llvm::cl::opt<bool> markdown;
llvm::cl::SubCommand &calibrateCommand();
llvm::cl::SubCommand &tuneCommand();
llvm::cl::SubCommand &reportCommand();
llvm::cl::SubCommand &exampleCommand();
llvm::cl::SubCommand &runCommand();
llvm::cl::SubCommand &validateCommand();
llvm::cl::SubCommand &importCommand();
llvm::cl::SubCommand &onnxTestCommand();

extern llvm::cl::opt<std::string> inputFile;
extern llvm::cl::opt<std::string> targetName;
extern llvm::cl::opt<std::string> targetFile;
extern llvm::cl::opt<std::string> configText;
extern llvm::cl::opt<unsigned> threads;
extern llvm::cl::opt<bool> json;
extern llvm::cl::opt<bool> nominal;
/// --input-shape NAME=DxDx...: static shapes for an ONNX model's inputs.
extern llvm::cl::list<std::string> inputShapes;
/// --dim-range M=1:4096[:LIKELY],...: ranges of a program's dynamic matmul
/// sizes that carry no autoconfig.sizes of their own.
extern llvm::cl::opt<std::string> dimRanges;
extern llvm::cl::opt<std::string> argumentShapes;

/// The resolved target and its profile, with a note on where the profile
/// came from.
struct HardwareSetup {
  TargetDesc target;
  Profile profile;
  std::string profileNote;
};

/// What a command does when a target that runs here has no usable profile.
enum class MissingProfile {
  /// Calibrate now and cache it (the compiling commands' first use).
  Calibrate,
  /// Use the nominal figures and say so (`target` only shows what exists).
  UseNominal,
};

/// The target (--target, --target-file) and its profile: nominal with
/// --nominal or for a target that does not run here, else the cached
/// measured profile, else per `missing`. A calibration that cannot be done
/// or stored gives a warning and the nominal figures. Prints the error and
/// returns nullopt on failure.
std::optional<HardwareSetup>
resolveHardware(MissingProfile missing = MissingProfile::Calibrate);

/// The --config override, if given. Prints the error on failure.
bool parseOverride(std::optional<Config> &override);

/// The layout propagation's options (--propagate-layout, on by default),
/// for the hardware and --threads.
std::optional<LayoutPropagationOptions>
layoutPropagation(const HardwareSetup &hardware);

/// With --use-tuned, loads the tuning database (--db-path or the default)
/// and installs its lookup in \p options. Prints the error on failure.
bool loadTunedConfigs(const TargetDesc &target, ConfigureOptions &options);

/// The ONNX import options the command line gives (--input-shape). Prints
/// the error on failure.
bool onnxImportOptions(OnnxImportOptions &options);

/// Prints "autoconfig: error: MESSAGE" and returns 1.
int fail(const llvm::Twine &message);

/// The profile's figures, per cycle at its frequency, one line per vector
/// width, bandwidth level and overhead (shared by `target` and `calibrate`).
void printProfile(const Profile &profile, llvm::raw_ostream &os);

int runExplain();
int runCompile();
int runBench();
int runTarget();
int runAlgorithms();
int runCalibrate();
int runTune();
int runReport();
int runExample();
int runRun();
int runValidate();
int runImport();
int runOnnxTest();

} // namespace autoconfig::cli

#endif
