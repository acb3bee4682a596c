//===- Lowering.h - From generated code to the LLVM dialect -----*- C++ -*-===//
#ifndef AUTOCONFIG_PIPELINE_LOWERING_H
#define AUTOCONFIG_PIPELINE_LOWERING_H

#include "autoconfig/Target/TargetDesc.h"

#include "mlir/IR/BuiltinOps.h"

namespace autoconfig {

struct LoweringOptions {
  /// Threads of the OpenMP regions made from scf.parallel loops.
  unsigned threads = 1;
  /// Replace exp, tanh, erf, log, ... by polynomial approximations that
  /// stay vector code (CodeGen/MathApproximation.h); false keeps libm's.
  bool approximateMath = true;
};

/// Lowers everything left (generated scf/vector/memref code, other linalg
/// ops through loops) to the LLVM dialect, then tags every function with the
/// target's CPU and features so the backend honours the target, not the host.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       const TargetDesc &target,
                                       const LoweringOptions &options = {});

/// Whether the lowered module calls into the OpenMP runtime.
bool usesOpenMP(mlir::ModuleOp module);

} // namespace autoconfig

#endif
