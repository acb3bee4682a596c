//===- GeneratorEntry.h - What generator entry points share -----*- C++ -*-===//
//
// A generator entry point (generateBroadcastGemm, generateCbsmConv...) parses
// its parameters from the config, checks the workload, and replaces the op
// with what its kernel emitter (emitBlockedGemm, emitIm2colConv, an emitter
// class...) builds. lib/CodeGen/GeneratorEntryPoint.h makes one of these.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_CODEGEN_GENERATORENTRY_H
#define AUTOCONFIG_CODEGEN_GENERATORENTRY_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <array>

namespace autoconfig {

class Epilogue;

/// A generator entry point, as the Select registry calls it: parse the
/// config, emit the code in place of `op`, erase `op`.
using GeneratorFn = mlir::LogicalResult (*)(mlir::RewriterBase &rewriter,
                                            mlir::Operation *op,
                                            const Workload &workload,
                                            const Config &config,
                                            const TargetDesc &target);

/// A kernel emitter (emitBlockedGemm, emitIm2colConv, or an emitter class's
/// emitWith): builds the kernel of `w` with `params` on `operands` at the
/// builder's insertion point.
template <typename Operands, typename WorkloadT, typename Params>
using KernelEmitterFn = void (*)(mlir::OpBuilder &builder, mlir::Location loc,
                                 const Operands &operands, const WorkloadT &w,
                                 const Params &params,
                                 const TargetDesc &target);

/// The operands of a linalg op on memrefs: its two inputs and its init (the
/// output). Reports an op that is not on memrefs.
mlir::FailureOr<std::array<mlir::Value, 3>> bufferOperands(mlir::Operation *op);

/// Builds a kernel with `emit` in place of `op` and erases `op`. With
/// `fuseEpilogue`, the marked elementwise epilogue after `op` (if any) is
/// handed to `emit` and erased too; else `emit` gets nullptr.
void replaceWithKernel(mlir::RewriterBase &rewriter, mlir::Operation *op,
                       bool fuseEpilogue,
                       llvm::function_ref<void(const Epilogue *)> emit);

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
template <typename Operands, typename WorkloadT, typename Params>
auto bindKernelEmitter(KernelEmitterFn<Operands, WorkloadT, Params> emit,
                       const WorkloadT &w, const Params &params,
                       const TargetDesc &target) {
  return [emit, &w, &params, &target](mlir::OpBuilder &b, mlir::Location loc,
                                      const Operands &operands) {
    emit(b, loc, operands, w, params, target);
  };
}

} // namespace autoconfig

#endif
