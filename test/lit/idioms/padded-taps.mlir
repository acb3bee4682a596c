// Filter taps that read only padding for every output position are cut
// from the constant filter, and the padding with them: a 3x3 convolution
// with "same" padding on a 1x1 map reads its centre tap only (a 1x1
// convolution, no padding); on a 2x2 map with stride 2, the lower-right 2x2
// taps.
// RUN: autoconfig-opt %s --autoconfig-normalize-idioms | FileCheck %s
// RUN: autoconfig run %s --entry one_by_one --compare --nominal | FileCheck %s --check-prefix=NUMERICS
// RUN: autoconfig run %s --entry strided --compare --nominal | FileCheck %s --check-prefix=NUMERICS
// NUMERICS: match

// CHECK-LABEL: func.func @one_by_one(
// CHECK-SAME:      %[[X:[^:]*]]: tensor<1x4x1x1xf32>
// CHECK-NOT:     tensor.pad
// CHECK:         %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x4x1x1xf32>
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} ins(%[[X]], %[[W]] : tensor<1x4x1x1xf32>, tensor<2x4x1x1xf32>)
func.func @one_by_one(%x: tensor<1x4x1x1xf32>) -> tensor<1x2x1x1xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
                              [[1.0, 2.0, 3.0], [4.0, 5.5, 6.0], [7.0, 8.0, 9.0]],
                              [[1.0, 2.0, 3.0], [4.0, 6.0, 6.0], [7.0, 8.0, 9.0]],
                              [[1.0, 2.0, 3.0], [4.0, 6.5, 6.0], [7.0, 8.0, 9.0]]],
                             [[[1.0, 2.0, 3.0], [4.0, -5.0, 6.0], [7.0, 8.0, 9.0]],
                              [[1.0, 2.0, 3.0], [4.0, -5.5, 6.0], [7.0, 8.0, 9.0]],
                              [[1.0, 2.0, 3.0], [4.0, -6.0, 6.0], [7.0, 8.0, 9.0]],
                              [[1.0, 2.0, 3.0], [4.0, -6.5, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<2x4x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x1x1xf32> to tensor<1x4x3x3xf32>
  %e = tensor.empty() : tensor<1x2x1x1xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%padded, %w : tensor<1x4x3x3xf32>, tensor<2x4x3x3xf32>) outs(%init : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  return %y : tensor<1x2x1x1xf32>
}

// Stride 2 on a 2x2 map padded by 1: output row 0 reads input rows -1..1,
// so the first filter row (and column) reads padding only.
// CHECK-LABEL: func.func @strided(
// CHECK-SAME:      %[[X2:[^:]*]]: tensor<1x3x2x2xf32>
// CHECK-NOT:     tensor.pad
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} ins(%[[X2]], %{{.*}} : tensor<1x3x2x2xf32>, tensor<5x3x2x2xf32>)
func.func @strided(%x: tensor<1x3x2x2xf32>) -> tensor<1x5x1x1xf32> {
  %w = arith.constant dense<0.5> : tensor<5x3x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x3x2x2xf32> to tensor<1x3x4x4xf32>
  %e = tensor.empty() : tensor<1x5x1x1xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x5x1x1xf32>) -> tensor<1x5x1x1xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%padded, %w : tensor<1x3x4x4xf32>, tensor<5x3x3x3xf32>) outs(%init : tensor<1x5x1x1xf32>) -> tensor<1x5x1x1xf32>
  return %y : tensor<1x5x1x1xf32>
}

// Every tap is live (4x4 map): nothing changes.
// CHECK-LABEL: func.func @all_live(
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} tensor<1x3x6x6xf32>, tensor<5x3x3x3xf32>)
func.func @all_live(%x: tensor<1x3x4x4xf32>) -> tensor<1x5x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<5x3x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x3x4x4xf32> to tensor<1x3x6x6xf32>
  %e = tensor.empty() : tensor<1x5x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x5x4x4xf32>) -> tensor<1x5x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%padded, %w : tensor<1x3x6x6xf32>, tensor<5x3x3x3xf32>) outs(%init : tensor<1x5x4x4xf32>) -> tensor<1x5x4x4xf32>
  return %y : tensor<1x5x4x4xf32>
}
