//===- ConvGenerators.h - Configurable convolution generators ---*- C++ -*-===//
#ifndef AUTOCONFIG_CODEGEN_CONVGENERATORS_H
#define AUTOCONFIG_CODEGEN_CONVGENERATORS_H

#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/Model/Config.h"
#include "autoconfig/Model/ConvParams.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace autoconfig {

/// The memrefs one convolution generator works on: the real (unpadded)
/// input, the filter and the output, in the workload's layout. Padding is
/// the workload's: generators treat out-of-range input as zero.
struct ConvOperands {
  mlir::Value input, filter, output;
  /// When set, the final output values go through this fused elementwise
  /// epilogue into its destination instead of into `output`.
  const Epilogue *epilogue = nullptr;
};

using ConvEmitter = llvm::function_ref<void(mlir::OpBuilder &, mlir::Location,
                                            const ConvOperands &)>;

/// Replaces a linalg convolution on memrefs by `emit`, folding away a
/// zero-padded input buffer (alloc, fill, copy) when the workload has padding.
/// With `fuseEpilogue`, a marked elementwise epilogue after the op is handed
/// to the emitter (ConvOperands::epilogue) and erased afterwards.
mlir::LogicalResult replaceConvOp(mlir::RewriterBase &rewriter,
                                  mlir::Operation *op, const ConvWorkload &w,
                                  ConvEmitter emit, bool fuseEpilogue = false);

/// For generators that compute an NHWC convolution as a GEMM on the
/// (N*OH*OW) x F view of its output: the operands' epilogue with the view's
/// (row, column) indices mapped back to (n, oh, ow, f). None without one.
std::optional<Epilogue> nhwcMatrixEpilogue(const ConvOperands &operands,
                                           const ConvWorkload &w);

/// The entry point of the CBSM generator (see GeneratorFn): coefficient-
/// broadcasting strip-mined convolution of the layouts with W innermost (hw,
/// NCHW/FCHW, depthwise NCHW).
extern const GeneratorFn generateCbsmConv;

} // namespace autoconfig

#endif
