// NCHW convolution + per-channel bias + ReLU6 (a clamp), fused into CB-SM's
// strip stores; a depthwise NHWC convolution + ReLU fused into its stores.
// RUN: autoconfig compile %s --config cbsm --emit=mlir -o - | FileCheck %s
// RUN: autoconfig run %s --compare --config cbsm | FileCheck %s --check-prefix=OK
// RUN: autoconfig run %s --compare --config "cbsm fb=3 sv=1" | FileCheck %s --check-prefix=OK
// CHECK-NOT: linalg.generic
// CHECK: arith.minimumf {{.*}} : vector<16xf32>
// OK: match
#c = affine_map<(n, f, h, w) -> (f)>
#id = affine_map<(n, f, h, w) -> (n, f, h, w)>
func.func @forward(%x: tensor<1x3x10x21xf32>, %w: tensor<5x3x3x3xf32>, %bias: tensor<5xf32>) -> tensor<1x5x10x21xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x3x10x21xf32> to tensor<1x3x12x23xf32>
  %e = tensor.empty() : tensor<1x5x10x21xf32>
  %y0 = linalg.fill ins(%zero : f32) outs(%e : tensor<1x5x10x21xf32>) -> tensor<1x5x10x21xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x3x12x23xf32>, tensor<5x3x3x3xf32>) outs(%y0 : tensor<1x5x10x21xf32>) -> tensor<1x5x10x21xf32>
  %r = linalg.generic {indexing_maps = [#id, #c, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %bias : tensor<1x5x10x21xf32>, tensor<5xf32>) outs(%e : tensor<1x5x10x21xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %m = arith.maximumf %s, %zero : f32
    %n = arith.minimumf %m, %six : f32
    linalg.yield %n : f32
  } -> tensor<1x5x10x21xf32>
  return %r : tensor<1x5x10x21xf32>
}
