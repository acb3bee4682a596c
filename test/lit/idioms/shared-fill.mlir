// torch-mlir zero-fills one tensor for every convolution of a shape; each
// destination gets a fill of its own, so that bufferization writes each in
// place instead of copying the shared one per convolution.
// RUN: autoconfig-opt %s --autoconfig-normalize-idioms | FileCheck %s

// CHECK-LABEL: func.func @two_convs(
// CHECK:         %[[F1:.*]] = linalg.fill
// CHECK:         %[[F2:.*]] = linalg.fill
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} outs(%[[F2]] :
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} outs(%[[F1]] :
func.func @two_convs(%x: tensor<1x4x4x4xf32>, %w: tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %a = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %b = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%a, %w : tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %b : tensor<1x4x4x4xf32>
}
