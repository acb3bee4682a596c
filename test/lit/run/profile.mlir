// `run --profile`: the measured time of every op, sorted by time; kernels
// (a configured convolution with its fused bias + ReLU, a matmul) and the
// other ops (max pooling) are told apart, and the whole is in the JSON.
// RUN: autoconfig run %s --nominal --profile --samples 5 | FileCheck %s
// CHECK: profile: {{[0-9]+}} ops, {{.*}} ms in all, configured kernels {{.*}}% of it
// CHECK-DAG: kernel {{.*}} linalg.conv_2d_nchw_fchw + epilogue ({{[a-z0-9]+}} {{.*}}) 1x3x18x18xf32
// CHECK-DAG: pooling {{.*}} linalg.pooling_nchw_max (vector {{.*}})
// CHECK-DAG: kernel {{.*}} linalg.matmul
// RUN: autoconfig run %s --nominal --profile --json --samples 5 --compare | FileCheck %s --check-prefix=JSON
// JSON: "compile_s":{{.*}}"default_compile_s":{{.*}}"instrumented_latency_s":{{.*}}"kernel_share":{{.*}}"matches_default":true{{.*}}"profile":[{{.*}}"kind":"kernel"{{.*}}"kind":"pooling"{{.*}}]
#c = affine_map<(n, f, h, w) -> (f)>
#id = affine_map<(n, f, h, w) -> (n, f, h, w)>
func.func @forward(%x: tensor<1x3x16x16xf32>) -> tensor<1x10xf32> {
  %w = arith.constant dense<0.1> : tensor<8x3x3x3xf32>
  %bias = arith.constant dense<[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]> : tensor<8xf32>
  %fc = arith.constant dense<0.01> : tensor<512x10xf32>
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant -3.40282347E+38 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x3x16x16xf32> to tensor<1x3x18x18xf32>
  %e = tensor.empty() : tensor<1x8x16x16xf32>
  %y0 = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x3x18x18xf32>, tensor<8x3x3x3xf32>) outs(%y0 : tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #c, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y, %bias : tensor<1x8x16x16xf32>, tensor<8xf32>) outs(%e : tensor<1x8x16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x8x16x16xf32>
  %pe = tensor.empty() : tensor<1x8x8x8xf32>
  %pinit = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %pool = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%r, %win : tensor<1x8x16x16xf32>, tensor<2x2xf32>) outs(%pinit : tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %flat = tensor.collapse_shape %pool [[0], [1, 2, 3]] : tensor<1x8x8x8xf32> into tensor<1x512xf32>
  %fe = tensor.empty() : tensor<1x10xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%fe : tensor<1x10xf32>) -> tensor<1x10xf32>
  %out = linalg.matmul ins(%flat, %fc : tensor<1x512xf32>, tensor<512x10xf32>) outs(%f0 : tensor<1x10xf32>) -> tensor<1x10xf32>
  return %out : tensor<1x10xf32>
}
