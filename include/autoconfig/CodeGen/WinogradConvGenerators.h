//===- WinogradConvGenerators.h - Winograd convolution generator -*- C++
//-*-===//
#ifndef AUTOCONFIG_CODEGEN_WINOGRADCONVGENERATORS_H
#define AUTOCONFIG_CODEGEN_WINOGRADCONVGENERATORS_H

#include "autoconfig/CodeGen/ConvGenerators.h"
#include "autoconfig/Model/WinogradConvParams.h"

namespace autoconfig {

/// Emits y += conv(x, g) by Winograd F(m x m, 3 x 3) at the insertion point,
/// for 3x3, stride 1, dilation 1 convolutions in the layouts nchw_fchw,
/// nhwc_hwcf and nhwc_fhwc. When the filter is a constant memref.global, its
/// transform is computed here and stored as a new constant global.
void emitWinogradConv(mlir::OpBuilder &builder, mlir::Location loc,
                      const ConvOperands &operands, const ConvWorkload &w,
                      const WinogradConvParams &params,
                      const TargetDesc &target);

mlir::LogicalResult generateWinogradConv(mlir::RewriterBase &rewriter,
                                         mlir::Operation *op,
                                         const Workload &workload,
                                         const Config &config,
                                         const TargetDesc &target);

} // namespace autoconfig

#endif
