//===- GemmConvGenerators.h - Convolutions run as blocked GEMMs -*- C++ -*-===//
//
// im2col + GEMM and 1x1-as-GEMM: both emit the blocked GEMM generator on
// views of the convolution's tensors (memref.collapse_shape / subview); im2col
// reads its operand through a virtual matrix source that the GEMM's packing
// routines fill tile by tile (no im2col buffer, no padded copy of the input).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_CODEGEN_GEMMCONVGENERATORS_H
#define AUTOCONFIG_CODEGEN_GEMMCONVGENERATORS_H

#include "autoconfig/CodeGen/ConvGenerators.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/Model/Im2colConvParams.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

namespace autoconfig {

/// Emits the convolution as im2col + blocked GEMM (layouts nchw_fchw,
/// nhwc_hwcf, nhwc_fhwc; any stride, dilation and padding).
void emitIm2colConv(mlir::OpBuilder &builder, mlir::Location loc,
                    const ConvOperands &operands, const ConvWorkload &w,
                    const Im2colConvParams &params, const TargetDesc &target);

/// Emits a 1x1, stride-1, unpadded convolution as one blocked GEMM (NHWC) or
/// one per image (NCHW) on views of the tensors.
void emitGemm1x1Conv(mlir::OpBuilder &builder, mlir::Location loc,
                     const ConvOperands &operands, const ConvWorkload &w,
                     const Gemm1x1ConvParams &params, const TargetDesc &target);

/// Views shared by the two generators (defined in Gemm1x1Conv.cpp).
namespace gemmconv {
/// Whether `memref` can be collapsed by `groups` into a view (its collapsed
/// dimensions are contiguous).
bool canCollapse(mlir::Value memref,
                 llvm::ArrayRef<mlir::ReassociationIndices> groups);
/// `memref` collapsed by `groups`, e.g. {{0}, {1}, {2, 3}}.
mlir::Value collapse(mlir::OpBuilder &builder, mlir::Location loc,
                     mlir::Value memref,
                     llvm::ArrayRef<mlir::ReassociationIndices> groups);

} // namespace gemmconv

mlir::LogicalResult generateIm2colConv(mlir::RewriterBase &rewriter,
                                       mlir::Operation *op,
                                       const Workload &workload,
                                       const Config &config,
                                       const TargetDesc &target);
mlir::LogicalResult generateGemm1x1Conv(mlir::RewriterBase &rewriter,
                                        mlir::Operation *op,
                                        const Workload &workload,
                                        const Config &config,
                                        const TargetDesc &target);

} // namespace autoconfig

#endif
