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

/// What the generators need of the convolution, reported on `op` with
/// `algorithm` ('im2col', 'gemm1x1') in the message: one of the layouts with
/// an equivalent GEMM (equivalentGemm), without groups.
mlir::LogicalResult checkGemmLayout(mlir::Operation *op,
                                    llvm::StringRef algorithm,
                                    const ConvWorkload &w);
/// What they need to run the blocked GEMM on views of the tensors: with
/// packB=0, HWCF weights (FHWC weights are a transposed B); on memrefs,
/// operands that collapse into their matrix views (the filter and the
/// output, and the input `withInput`). An op not on memrefs passes:
/// replaceConvOp reports it.
mlir::LogicalResult checkGemmViews(mlir::Operation *op,
                                   llvm::StringRef algorithm,
                                   const ConvWorkload &w,
                                   const BlockedGemmParams &gemm,
                                   bool withInput);

/// Whether the generators fuse the epilogue: only with NHWC, whose GEMM's C
/// is the output's (N*OH*OW) x F view (nhwcMatrixEpilogue).
template <typename Params>
bool fusesEpilogue(const ConvWorkload &w, const Params &) {
  return w.layout != ConvLayout::NchwFchw;
}

} // namespace gemmconv

/// The entry points of the two generators (see GeneratorFn).
extern const GeneratorFn generateIm2colConv;
extern const GeneratorFn generateGemm1x1Conv;

} // namespace autoconfig

#endif
