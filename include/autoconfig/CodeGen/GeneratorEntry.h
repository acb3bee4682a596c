//===- GeneratorEntry.h - What generator entry points share -----*- C++ -*-===//
//
// A generator entry point (generateBroadcastGemm, generateCbsmConv...) parses
// its parameters from the config, checks the workload, and replaces the op
// with what its kernel emitter (emitBroadcastGemm, emitCbsmConv...) builds.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_CODEGEN_GENERATORENTRY_H
#define AUTOCONFIG_CODEGEN_GENERATORENTRY_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Target/TargetDesc.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"
#include "llvm/Support/Error.h"

#include <array>

namespace autoconfig {

/// The operands of a linalg op on memrefs: its two inputs and its init (the
/// output). Reports an op that is not on memrefs.
mlir::FailureOr<std::array<mlir::Value, 3>> bufferOperands(mlir::Operation *op);

/// The typed parameters of `config` (Params::fromConfig), or failure after
/// reporting why they do not parse on `op`.
template <typename Params>
mlir::FailureOr<Params> parseGeneratorParams(mlir::Operation *op,
                                             const Config &config) {
  auto params = Params::fromConfig(config);
  if (!params)
    return op->emitError("autoconfig: ") << llvm::toString(params.takeError());
  return *params;
}

/// `emit` with its workload, parameters and target bound, as the emitter
/// callback of replaceGemmOp / replaceConvOp (which only pass the builder,
/// the location and the operands). The result refers to `w`, `params` and
/// `target`: use it within the call it is passed to.
template <typename Operands, typename Workload, typename Params>
auto bindKernelEmitter(void (*emit)(mlir::OpBuilder &, mlir::Location,
                                    const Operands &, const Workload &,
                                    const Params &, const TargetDesc &),
                       const Workload &w, const Params &params,
                       const TargetDesc &target) {
  return [emit, &w, &params, &target](mlir::OpBuilder &b, mlir::Location loc,
                                      const Operands &operands) {
    emit(b, loc, operands, w, params, target);
  };
}

} // namespace autoconfig

#endif
