//===- GeneratorEntryPoint.h - Entry points built from emitters -*- C++ -*-===//
//
// Every generator entry point does the same: take its workload, parse its
// parameters, report what its kernel emitter does not handle, and replace the
// op (replaceGemmOp / replaceConvOp) with the emitter's kernel. Only the
// emitter, the checks and whether the epilogue is fused differ:
// generatorEntry<...> is the entry point made of them.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_LIB_CODEGEN_GENERATORENTRYPOINT_H
#define AUTOCONFIG_LIB_CODEGEN_GENERATORENTRYPOINT_H

#include "autoconfig/CodeGen/ConvGenerators.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/CodeGen/KernelBuilder.h"

#include <type_traits>

namespace autoconfig {

namespace detail {
/// The workload and parameter types of a kernel emitter.
template <typename Emit> struct KernelEmitterTypes;
template <typename Operands, typename WorkloadT, typename ParamsT>
struct KernelEmitterTypes<KernelEmitterFn<Operands, WorkloadT, ParamsT>> {
  using Workload = WorkloadT;
  using Params = ParamsT;
};

/// Whether a hook of generatorEntry was given (it is not the nullptr default).
template <auto Hook>
constexpr bool isGiven = !std::is_null_pointer_v<decltype(Hook)>;
} // namespace detail

/// The memref a kernel computes: C, or the convolution's output.
inline mlir::Value kernelOutput(const GemmOperands &operands) {
  return operands.c;
}
inline mlir::Value kernelOutput(const ConvOperands &operands) {
  return operands.output;
}

/// The kernel emitter (a KernelEmitterFn) of the emitter class `Emitter`, a
/// KernelEmitterBase with an emit(): it runs at the builder's insertion point,
/// with vectors of the output's element type.
template <typename Emitter>
void emitWith(mlir::OpBuilder &builder, mlir::Location loc,
              const typename Emitter::OperandsType &operands,
              const typename Emitter::WorkloadType &w,
              const typename Emitter::ParamsType &params,
              const TargetDesc &target) {
  KernelBuilder kb(builder, loc, kernelOutput(operands), target);
  Emitter(kb, operands, w, params).emit();
}

/// The generator entry point of the kernel emitter `Emit` (a KernelEmitterFn;
/// cast an overloaded one to its KernelEmitterFn). The hooks, all optional:
///  - `Check(op, w, params)` reports on `op`, with the parsed parameters,
///    what the emitter does not handle;
///  - `FuseEpilogue(w, params)` says whether the marked elementwise epilogue
///    after the op goes into the kernel's stores (without the hook, it does);
///  - `CheckWorkload(op, workload)` reports on `op` a workload the emitter
///    does not take before the parameters are parsed (without it, the
///    workload must be of the emitter's kind).
template <auto Emit, auto Check = nullptr, auto FuseEpilogue = nullptr,
          auto CheckWorkload = nullptr>
mlir::LogicalResult
generatorEntry(mlir::RewriterBase &rewriter, mlir::Operation *op,
               const Workload &workload, const Config &config,
               const TargetDesc &target) {
  using Types = detail::KernelEmitterTypes<decltype(Emit)>;
  using WorkloadT = typename Types::Workload;
  if constexpr (detail::isGiven<CheckWorkload>)
    if (failed(CheckWorkload(op, workload)))
      return mlir::failure();
  const auto &w = std::get<WorkloadT>(workload);
  auto params = parseGeneratorParams<typename Types::Params>(op, config);
  if (failed(params))
    return mlir::failure();
  if constexpr (detail::isGiven<Check>)
    if (failed(Check(op, w, *params)))
      return mlir::failure();
  bool fuseEpilogue = true;
  if constexpr (detail::isGiven<FuseEpilogue>)
    fuseEpilogue = FuseEpilogue(w, *params);
  auto emit = bindKernelEmitter(Emit, w, *params, target);
  if constexpr (std::is_same_v<WorkloadT, GemmWorkload>)
    return replaceGemmOp(rewriter, op, w, emit, fuseEpilogue);
  else
    return replaceConvOp(rewriter, op, w, emit, fuseEpilogue);
}

} // namespace autoconfig

#endif
