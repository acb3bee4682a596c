//===- GemmGenerators.h - Configurable matmul code generators ---*- C++ -*-===//
#ifndef AUTOCONFIG_CODEGEN_GEMMGENERATORS_H
#define AUTOCONFIG_CODEGEN_GEMMGENERATORS_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Model/GemmParams.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace autoconfig {

/// The 2-D memref views one matmul generator call works on. A is M x K (or
/// K x M when transposed), B is K x N (or N x K), C is M x N.
struct GemmOperands {
  mlir::Value a, b, c;
};

/// Emits C += A * B by broadcast vectorization at the insertion point.
void emitBroadcastGemm(mlir::OpBuilder &builder, mlir::Location loc,
                       const GemmOperands &operands, const GemmWorkload &w,
                       const BroadcastGemmParams &params,
                       const TargetDesc &target);

/// Emits C += A * B with register and cache blocking and packing.
void emitBlockedGemm(mlir::OpBuilder &builder, mlir::Location loc,
                     const GemmOperands &operands, const GemmWorkload &w,
                     const BlockedGemmParams &params,
                     const TargetDesc &target);

/// Emits C += A * B^T as dot products along K.
void emitDotGemm(mlir::OpBuilder &builder, mlir::Location loc,
                 const GemmOperands &operands, const GemmWorkload &w,
                 const DotGemmParams &params, const TargetDesc &target);

/// Emits the 2-D kernel for one matrix of a (batch) matmul.
using Gemm2DEmitter = llvm::function_ref<void(mlir::OpBuilder &, mlir::Location,
                                              const GemmOperands &)>;

/// Replaces a linalg matmul/batch_matmul on memrefs with a loop over the
/// batch (if any) around `emit2D`, and erases the op.
mlir::LogicalResult replaceGemmOp(mlir::RewriterBase &rewriter,
                                  mlir::Operation *op, const GemmWorkload &w,
                                  Gemm2DEmitter emit2D);

/// Generator entry points, one per algorithm, as the Select registry calls
/// them: parse the config, emit the code in place of `op`, erase `op`.
mlir::LogicalResult generateBroadcastGemm(mlir::RewriterBase &rewriter,
                                          mlir::Operation *op,
                                          const Workload &workload,
                                          const Config &config,
                                          const TargetDesc &target);
mlir::LogicalResult generateBlockedGemm(mlir::RewriterBase &rewriter,
                                        mlir::Operation *op,
                                        const Workload &workload,
                                        const Config &config,
                                        const TargetDesc &target);
mlir::LogicalResult generateDotGemm(mlir::RewriterBase &rewriter,
                                    mlir::Operation *op,
                                    const Workload &workload,
                                    const Config &config,
                                    const TargetDesc &target);

} // namespace autoconfig

#endif
