// `run --peers onednn`: the peer's outputs agree with the default lowering's
// and its plan shows the expert mapping (the pad folded into the
// convolution's padding, the bias folded into its bias, the ReLU a post-op,
// the flatten a view and the transposed weight a constant).
// RUN: autoconfig run %s --compare --peers onednn --json | FileCheck %s
// CHECK: "matches_default":true
// CHECK-SAME: "peers":{"onednn":{"compared_with":"the default lowering","matches":true,"max_rel_err":{{[-+.e0-9]+}},"plan":[
// CHECK-SAME: 'linalg.generic' at {{[^"]*}}onednn-run.mlir:[[@LINE+35]]:{{[0-9]+}}: evaluated at build time (constant)
// CHECK-SAME: 'linalg.conv_2d_nchw_fchw' at {{[^"]*}}onednn-run.mlir:[[@LINE+20]]:{{[0-9]+}}: convolution {{[^"]*}}post-ops relu; per-channel scale/shift folded into weights/bias; absorbs 'linalg.generic' at {{[^"]*}}; absorbs 'linalg.generic'
// CHECK-SAME: 'linalg.matmul' at {{[^"]*}}onednn-run.mlir:[[@LINE+39]]:{{[0-9]+}}: inner_product
// RUN: autoconfig run %s --peers onednn | FileCheck %s --check-prefix=TEXT
// TEXT: peer onednn: max error {{.*}} of the output's scale against AutoConfig: match

#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
func.func @forward(%x: tensor<1x2x6x6xf32>) -> tensor<1x3xf32> {
  %w = arith.constant dense<[[[[0.1, -0.2], [0.3, 0.4]], [[-0.5, 0.6], [0.7, -0.8]]], [[[0.9, 1.0], [-1.1, 1.2]], [[1.3, -1.4], [1.5, 1.6]]], [[[-0.1, 0.2], [0.3, -0.4]], [[0.5, 0.6], [-0.7, 0.8]]], [[[0.2, 0.1], [-0.3, 0.5]], [[0.4, -0.6], [0.2, 0.3]]]]> : tensor<4x2x2x2xf32>
  %b = arith.constant dense<[0.5, -0.25, 0.125, 1.0]> : tensor<4xf32>
  %fc = arith.constant dense<0.01> : tensor<3x196xf32>
  %zero = arith.constant 0.000000e+00 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x6x6xf32> to tensor<1x2x8x8xf32>
  %e = tensor.empty() : tensor<1x4x7x7xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%p, %w : tensor<1x2x8x8xf32>, tensor<4x2x2x2xf32>) outs(%f : tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %cb = linalg.generic {indexing_maps = [#map, #chan, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<1x4x7x7xf32>, tensor<4xf32>) outs(%e : tensor<1x4x7x7xf32>) {
  ^bb0(%in: f32, %bb: f32, %out: f32):
    %0 = arith.addf %in, %bb : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x7x7xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cb : tensor<1x4x7x7xf32>) outs(%e : tensor<1x4x7x7xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.cmpf ugt, %in, %zero : f32
    %1 = arith.select %0, %in, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<1x4x7x7xf32>
  %flat = tensor.collapse_shape %r [[0], [1, 2, 3]] : tensor<1x4x7x7xf32> into tensor<1x196xf32>
  %te = tensor.empty() : tensor<196x3xf32>
  %t = linalg.generic {indexing_maps = [#id, #tr], iterator_types = ["parallel", "parallel"]} ins(%fc : tensor<3x196xf32>) outs(%te : tensor<196x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<196x3xf32>
  %oe = tensor.empty() : tensor<1x3xf32>
  %of = linalg.fill ins(%zero : f32) outs(%oe : tensor<1x3xf32>) -> tensor<1x3xf32>
  %o = linalg.matmul ins(%flat, %t : tensor<1x196xf32>, tensor<196x3xf32>) outs(%of : tensor<1x3xf32>) -> tensor<1x3xf32>
  return %o : tensor<1x3xf32>
}
