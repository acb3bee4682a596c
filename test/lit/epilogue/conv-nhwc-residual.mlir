// An NHWC convolution with a residual add and a ReLU after it: fused into
// the stores of direct, im2col and Winograd kernels, results matching MLIR's
// default lowering.
// RUN: autoconfig compile %s --config direct --emit=mlir -o - | FileCheck %s
// RUN: autoconfig run %s --compare --config direct | FileCheck %s --check-prefix=OK
// RUN: autoconfig run %s --compare --config im2col | FileCheck %s --check-prefix=OK
// RUN: autoconfig run %s --compare --config "winograd m=2" | FileCheck %s --check-prefix=OK
// RUN: autoconfig run %s --compare --config loops | FileCheck %s --check-prefix=OK
// CHECK-NOT: linalg.generic
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// OK: match
#id = affine_map<(n, h, w, f) -> (n, h, w, f)>
func.func @forward(%x: tensor<1x9x11x20xf32>, %w: tensor<3x3x20x18xf32>, %res: tensor<1x9x11x18xf32>) -> tensor<1x9x11x18xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x9x11x20xf32> to tensor<1x11x13x20xf32>
  %e = tensor.empty() : tensor<1x9x11x18xf32>
  %y0 = linalg.fill ins(%zero : f32) outs(%e : tensor<1x9x11x18xf32>) -> tensor<1x9x11x18xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x11x13x20xf32>, tensor<3x3x20x18xf32>) outs(%y0 : tensor<1x9x11x18xf32>) -> tensor<1x9x11x18xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %res : tensor<1x9x11x18xf32>, tensor<1x9x11x18xf32>) outs(%e : tensor<1x9x11x18xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x9x11x18xf32>
  return %r : tensor<1x9x11x18xf32>
}
