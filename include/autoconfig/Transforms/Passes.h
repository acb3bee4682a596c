//===- Passes.h - AutoConfig's MLIR passes ----------------------*- C++ -*-===//
//
// Every pass is declared in Passes.td (name, options, dependent dialects);
// the generated create<Name>() functions build them from textual options,
// as autoconfig-opt does. The overloads below take what text cannot carry
// (a calibrated profile, a tuning database, a decision log). The main ones:
//
//   autoconfig-configure  decides an algorithm and config for every matmul and
//                         convolution, and records it as the attribute
//                         `autoconfig.config = #autoconfig.config<...>` (a
//                         config already there, typed or as its text, is the
//                         user's override: validated and completed).
//   autoconfig-generate   replaces every configured op by the code its
//                         algorithm's generator emits for that config.
//   autoconfig-lower-streaming
//                         decides and generates every other op (elementwise,
//                         reductions, pooling, transposes, copies, fills) as
//                         a vector loop nest, recorded as the string
//                         attribute `autoconfig.lowering`.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_TRANSFORMS_PASSES_H
#define AUTOCONFIG_TRANSFORMS_PASSES_H

#include "autoconfig/Model/StreamingModel.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Target/TargetDesc.h"

#include "mlir/Pass/Pass.h"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace autoconfig {

#define GEN_PASS_DECL
#include "autoconfig/Transforms/Passes.h.inc"

struct ConfigureOptions {
  TargetDesc target;
  Profile profile;
  /// Applied to every op that has no config attribute of its own.
  std::optional<Config> override;
  unsigned threads = 1;
  /// When set, the tuned config for a workload (`--use-tuned`): used for an
  /// op with no config attribute of its own when no override is given.
  std::function<std::optional<Config>(const Workload &)> tuned;
  /// When set, receives every decision in program order.
  std::vector<Decision> *decisions = nullptr;
};

std::unique_ptr<mlir::Pass> createConfigurePass(ConfigureOptions options);
/// With `outlineKernels`, each configured op becomes a call of a private
/// function, one per distinct kernel (OutlineKernels.h): whole programs
/// compile each repeated layer once.
std::unique_ptr<mlir::Pass> createGeneratePass(TargetDesc target,
                                               bool outlineKernels = false);
struct LowerStreamingOptions {
  TargetDesc target;
  Profile profile;
  unsigned threads = 1;
  /// False: record the decisions on the ops (and in `decisions`) only.
  bool rewrite = true;
  /// When set, receives every decision in program order.
  std::vector<StreamingDecision> *decisions = nullptr;
  /// Each rewritten op becomes a call of a private function, one function
  /// per distinct (op, shapes, lowering), as the kernels are outlined.
  bool outline = false;
};
/// Runs after autoconfig-generate, on memrefs. Setting the environment
/// variable AUTOCONFIG_NO_STREAMING=1 turns it off (for measurements).
std::unique_ptr<mlir::Pass> createLowerStreamingPass(LowerStreamingOptions);

/// "file.mlir:3:5" for file locations, MLIR's form otherwise.
std::string formatLocation(mlir::Location loc);

/// Records a decision's size classes on its dynamic matmul
/// (kSizeClassesAttrName): what the generate pass dispatches on.
void writeSizeClasses(mlir::Operation *op, llvm::ArrayRef<SizeClass> classes);

/// A pass's options with the target, its profile and the thread bound
/// filled from the pass's textual options (autoconfig-opt, pass pipelines);
/// an error names the problem at `anchor`.
template <typename Options>
mlir::FailureOr<Options>
optionsFromText(mlir::Operation *anchor, llvm::StringRef preset,
                llvm::StringRef file, unsigned threads) {
  auto hardware = hardwareFromPassOptions(preset, file);
  if (!hardware)
    return anchor->emitError("autoconfig: ")
           << llvm::toString(hardware.takeError());
  Options options;
  options.target = std::move(hardware->target);
  options.profile = std::move(hardware->profile);
  options.threads = threads;
  return options;
}

/// The options of a pass: injected by the C++ pipeline through the pass's
/// constructor, or, when none were, read from its textual options
/// (autoconfig-opt, pass pipelines) by `Pass::textOptions()` as it runs.
template <typename Pass, typename Options> class InjectableOptions {
public:
  InjectableOptions() = default;
  explicit InjectableOptions(Options options) : injected(std::move(options)) {}

protected:
  /// The injected options, else the textual ones (failure: the error is
  /// already emitted).
  mlir::FailureOr<Options> resolvedOptions() {
    if (injected)
      return *injected;
    return static_cast<Pass &>(*this).textOptions();
  }

private:
  std::optional<Options> injected;
};

/// registerAutoConfigPasses(): every pass of Passes.td, for autoconfig-opt
/// and textual pass pipelines.
#define GEN_PASS_REGISTRATION
#include "autoconfig/Transforms/Passes.h.inc"

} // namespace autoconfig

#endif
