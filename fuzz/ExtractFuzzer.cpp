//===- ExtractFuzzer.cpp - Fuzzing workload extraction from MLIR ----------===//
//
// Input: MLIR text. It is parsed (and verified) with diagnostics captured,
// then extractWorkload() runs on every op AutoConfig configures. Invariants:
//  - extraction either fails having emitted an error at the op, or gives a
//    workload whose every operand is non-empty and within the 2^31-1 element
//    limit, with an output of at least one element;
//  - the standalone kernel of that workload (kernelModuleText) parses and
//    extracts back to the same workload;
//  - the decision for it succeeds or fails with a message, and the chosen
//    config verifies.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "autoconfig/Import/Import.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Select/Registry.h"
#include "autoconfig/Workload/Extraction.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

using namespace autoconfig;
using namespace autoconfig::fuzz;

namespace {

std::string workloadText(const Workload &w) {
  std::string text = llvm::formatv("{0}", toJSON(w)).str();
  return text;
}

/// Every op extraction accepts must be safe to configure and generate.
void checkWorkload(const Workload &w) {
  for (const std::vector<int64_t> &shape : kernelOperandShapes(w)) {
    int64_t elements = 1;
    for (int64_t d : shape) {
      FUZZ_CHECK(d >= 1);
      FUZZ_CHECK(elements <= kMaxOperandElements / d);
      elements *= d;
    }
  }
  if (const auto *conv = std::get_if<ConvWorkload>(&w)) {
    FUZZ_CHECK(conv->outH() >= 1 && conv->outW() >= 1);
    FUZZ_CHECK(conv->padTop >= 0 && conv->padBottom >= 0 &&
               conv->padLeft >= 0 && conv->padRight >= 0);
    FUZZ_CHECK(conv->groups >= 1 && conv->c % conv->groups == 0);
  }
  FUZZ_CHECK(std::isfinite(workloadFlops(w)) && workloadFlops(w) > 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 8192)
    return -1;
  // One context for many inputs (creating one costs milliseconds); renewed
  // now and then so that interned types and attributes do not pile up.
  static std::unique_ptr<mlir::MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 2000 == 0)
    context = createAutoConfigContext();
  unsigned errors = 0;
  mlir::ScopedDiagnosticHandler handler(
      context.get(), [&](mlir::Diagnostic &diag) {
        if (diag.getSeverity() == mlir::DiagnosticSeverity::Error)
          ++errors;
        FUZZ_CHECK(!diag.str().empty());
        return mlir::success();
      });

  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module = parseInputString(text, *context);
  if (!module) {
    FUZZ_CHECK(errors > 0);
    return 0;
  }

  static const TargetDesc target = fixedTargets().front();
  static const Profile profile = Profile::nominal(target);
  Machine machine{target, profile};
  DecideOptions options;
  options.refineRounds = 1;
  module->walk([&](mlir::Operation *op) {
    if (!isConfigurableOp(op))
      return;
    unsigned before = errors;
    mlir::FailureOr<Workload> workload = extractWorkload(op);
    if (mlir::failed(workload)) {
      FUZZ_CHECK(errors > before);
      return;
    }
    FUZZ_CHECK(errors == before);
    checkWorkload(*workload);

    // The kernel the benchmarks and tests build for it extracts back alike.
    mlir::OwningOpRef<mlir::ModuleOp> kernel =
        parseInputString(kernelModuleText(*workload), *context);
    FUZZ_CHECK(kernel && errors == before);
    unsigned found = 0;
    kernel->walk([&](mlir::Operation *inner) {
      if (!isConfigurableOp(inner))
        return;
      ++found;
      mlir::FailureOr<Workload> again = extractWorkload(inner);
      FUZZ_CHECK(mlir::succeeded(again));
      // Names, constness and row pitches depend on the surrounding program;
      // the kernel's operands are dense.
      Workload expected = *workload;
      std::visit(
          [&](auto &w) {
            w.name = workloadName(*again);
            if constexpr (std::is_same_v<std::decay_t<decltype(w)>,
                                         GemmWorkload>) {
              w.constA = w.constB = false;
              w.setDenseStrides();
            } else {
              w.constWeights = false;
            }
          },
          expected);
      if (workloadText(expected) != workloadText(*again)) {
        llvm::errs() << "extracted " << workloadText(expected)
                     << "\nkernel gives " << workloadText(*again) << "\n";
        FUZZ_CHECK(false && "kernelModuleText must round-trip the workload");
      }
    });
    FUZZ_CHECK(found == 1);

    llvm::Expected<Decision> d = decide(*workload, machine, options);
    if (!d) {
      FUZZ_CHECK(!llvm::toString(d.takeError()).empty());
      return;
    }
    const Algorithm *algorithm = findAlgorithm(d->config.getAlgorithm());
    FUZZ_CHECK(algorithm != nullptr);
    std::vector<std::string> warnings;
    if (llvm::Error err =
            algorithm->model->verify(*workload, d->config, target, warnings)) {
      llvm::errs() << "derived config '" << d->config.str()
                   << "' rejected: " << llvm::toString(std::move(err)) << "\n";
      FUZZ_CHECK(false && "a derived config must verify");
    }
  });
  return 0;
}
