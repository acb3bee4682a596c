//===- WinogradConvGenerators.h - Winograd convolution ----------*- C++ -*-===//
#ifndef AUTOCONFIG_CODEGEN_WINOGRADCONVGENERATORS_H
#define AUTOCONFIG_CODEGEN_WINOGRADCONVGENERATORS_H

#include "autoconfig/CodeGen/ConvGenerators.h"
#include "autoconfig/Model/WinogradConvParams.h"

namespace autoconfig {

/// The entry point of the Winograd generator (see GeneratorFn): y +=
/// conv(x, g) by Winograd F(m x m, 3 x 3), for 3x3, stride 1, dilation 1
/// convolutions in the layouts nchw_fchw, nhwc_hwcf and nhwc_fhwc. When the
/// filter is a constant memref.global, its transform is computed at compile
/// time and stored as a new constant global.
extern const GeneratorFn generateWinogradConv;

} // namespace autoconfig

#endif
