// Inference batch normalization after a convolution (torch-mlir's affine
// generic on constant statistics) folds into the convolution's weights at
// compile time: y = gamma (x - mean) / sqrt(var + eps) + beta with
// a = gamma / sqrt(var + eps) = [4, 3] and b = beta - mean a = [-1, -4]:
// W' = a W, and a bias add of b remains for the epilogue.
// RUN: autoconfig-opt %s --autoconfig-normalize-idioms --canonicalize | FileCheck %s
// The folded program computes what MLIR's default lowering of the original
// computes.
// RUN: autoconfig run %s --entry bn --compare --nominal | FileCheck %s --check-prefix=NUMERICS
// RUN: autoconfig run %s --entry bias_then_bn --compare --nominal | FileCheck %s --check-prefix=NUMERICS
// NUMERICS: match

#x = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#c = affine_map<(d0, d1, d2, d3) -> (d1)>

// CHECK-LABEL: func.func @bn(
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}4.000000e+00]], {{\[\[}}8.000000e+00]]], {{\[\[\[}}9.000000e+00]], {{\[\[}}1.200000e+01]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<[-1.000000e+00, -4.000000e+00]> : tensor<2xf32>
// CHECK:         %[[Y:.*]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %[[W]] :
// CHECK:         linalg.generic {{.*}} ins(%[[Y]], %[[B]] : tensor<1x2x4x4xf32>, tensor<2xf32>)
// CHECK:           arith.addf
// CHECK-NOT:       math.rsqrt
// CHECK:         return
func.func @bn(%in: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %gamma = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %var = arith.constant dense<[0.25, 1.0]> : tensor<2xf32>
  %eps = arith.constant 0.0 : f64
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%in, %w : tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) outs(%init : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %y = linalg.generic {indexing_maps = [#x, #c, #c, #c, #c, #x], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %gamma, %beta, %mean, %var : tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) outs(%conv : tensor<1x2x4x4xf32>) {
  ^bb0(%v: f32, %g: f32, %b: f32, %m: f32, %s: f32, %out: f32):
    %epsf = arith.truncf %eps : f64 to f32
    %se = arith.addf %s, %epsf : f32
    %r = math.rsqrt %se : f32
    %d = arith.subf %v, %m : f32
    %n = arith.mulf %d, %r : f32
    %sc = arith.mulf %n, %g : f32
    %o = arith.addf %sc, %b : f32
    linalg.yield %o : f32
  } -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// A convolution bias, then the normalization: the chain folds as one.
// CHECK-LABEL: func.func @bias_then_bn(
// CHECK-DAG:     %[[W2:.*]] = arith.constant dense<{{\[\[\[\[}}4.000000e+00]], {{\[\[}}8.000000e+00]]], {{\[\[\[}}9.000000e+00]], {{\[\[}}1.200000e+01]]]]> : tensor<2x2x1x1xf32>
// CHECK-DAG:     %[[B2:.*]] = arith.constant dense<[3.000000e+00, 5.000000e+00]> : tensor<2xf32>
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %[[W2]] :
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %[[B2]] :
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @bias_then_bn(%in: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %bias = arith.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %gamma = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %beta = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %var = arith.constant dense<[0.25, 1.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%in, %w : tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) outs(%init : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %biased = linalg.generic {indexing_maps = [#x, #c, #x], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %bias : tensor<1x2x4x4xf32>, tensor<2xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%v: f32, %b: f32, %out: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x2x4x4xf32>
  %y = linalg.generic {indexing_maps = [#x, #c, #c, #c, #c, #x], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%biased, %gamma, %beta, %mean, %var : tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%v: f32, %g: f32, %b: f32, %m: f32, %s: f32, %out: f32):
    %r = math.rsqrt %s : f32
    %d = arith.subf %v, %m : f32
    %n = arith.mulf %d, %r : f32
    %sc = arith.mulf %n, %g : f32
    %o = arith.addf %sc, %b : f32
    linalg.yield %o : f32
  } -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// The convolution's result is read elsewhere too: its weights stay.
// CHECK-LABEL: func.func @shared_result(
// CHECK:         math.rsqrt
func.func @shared_result(%in: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %var = arith.constant dense<[0.25, 1.0]> : tensor<2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%in, %w : tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) outs(%init : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %y = linalg.generic {indexing_maps = [#x, #c, #x], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %var : tensor<1x2x4x4xf32>, tensor<2xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%v: f32, %s: f32, %out: f32):
    %r = math.rsqrt %s : f32
    %n = arith.mulf %v, %r : f32
    linalg.yield %n : f32
  } -> tensor<1x2x4x4xf32>
  return %y, %conv : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
