//===- OutlineKernels.h - One function per distinct kernel ------*- C++ -*-===//
#ifndef AUTOCONFIG_TRANSFORMS_OUTLINEKERNELS_H
#define AUTOCONFIG_TRANSFORMS_OUTLINEKERNELS_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"

namespace autoconfig {

/// Names of the functions outlined from configured kernels and from the
/// other (streaming) ops; the lowering keeps LLVM from inlining them back.
inline constexpr llvm::StringLiteral kKernelFunctionPrefix =
    "__autoconfig_kernel_";
inline constexpr llvm::StringLiteral kStreamFunctionPrefix =
    "__autoconfig_stream_";

/// Moves `ops` (consecutive, in one block) into a new result-less
/// `scf.execute_region` at their place, for a generator to rewrite them
/// there.
mlir::scf::ExecuteRegionOp wrapInRegion(llvm::ArrayRef<mlir::Operation *> ops);

/// Turns each region into a call of a private function named from `prefix`
/// whose arguments are the values the region uses from outside (scalar
/// constants are copied in instead; get_globals of constant buffers are
/// hoisted out, to become arguments); functions with identical bodies are
/// merged into one.
void outlineRegions(mlir::ModuleOp module,
                    llvm::ArrayRef<mlir::scf::ExecuteRegionOp> regions,
                    llvm::StringRef prefix);

} // namespace autoconfig

#endif
