// Any elementwise consumer of a kernel fuses into its stores, math included:
// a matmul + bias + SiLU (x * sigmoid(x) with math.exp) and a matmul + GELU
// (erf form) run without a separate pass over their outputs.
// RUN: autoconfig compile %s --nominal --emit=mlir -o - | FileCheck %s
// RUN: autoconfig run %s --entry silu --compare | FileCheck %s --check-prefix=OK
// RUN: autoconfig run %s --entry gelu --compare | FileCheck %s --check-prefix=OK
// The kernels are outlined functions after the entries; no generic is left.
// CHECK-NOT:   linalg.generic
// CHECK:       math.exp {{.*}} : vector<{{[0-9]+}}xf32>
// CHECK-NOT:   linalg.generic
// CHECK:       math.erf {{.*}} : vector<{{[0-9]+}}xf32>
// CHECK-NOT:   linalg.generic
// OK: match
#row = affine_map<(m, n) -> (n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @silu(%a: tensor<33x64xf32>, %b: tensor<64x48xf32>, %bias: tensor<48xf32>) -> tensor<33x48xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<33x48xf32>
  %c0 = linalg.fill ins(%zero : f32) outs(%e : tensor<33x48xf32>) -> tensor<33x48xf32>
  %c = linalg.matmul ins(%a, %b : tensor<33x64xf32>, tensor<64x48xf32>) outs(%c0 : tensor<33x48xf32>) -> tensor<33x48xf32>
  %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : tensor<33x48xf32>, tensor<48xf32>) outs(%e : tensor<33x48xf32>) {
  ^bb0(%x: f32, %bb: f32, %o: f32):
    %s = arith.addf %x, %bb : f32
    %n = arith.negf %s : f32
    %ex = math.exp %n : f32
    %d = arith.addf %ex, %one : f32
    %sig = arith.divf %one, %d : f32
    %y = arith.mulf %s, %sig : f32
    linalg.yield %y : f32
  } -> tensor<33x48xf32>
  return %r : tensor<33x48xf32>
}
func.func @gelu(%a: tensor<33x64xf32>, %b: tensor<64x48xf32>) -> tensor<33x48xf32> {
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %one = arith.constant 1.0 : f32
  %rsqrt2 = arith.constant 0.707106769 : f32
  %e = tensor.empty() : tensor<33x48xf32>
  %c0 = linalg.fill ins(%zero : f32) outs(%e : tensor<33x48xf32>) -> tensor<33x48xf32>
  %c = linalg.matmul ins(%a, %b : tensor<33x64xf32>, tensor<64x48xf32>) outs(%c0 : tensor<33x48xf32>) -> tensor<33x48xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : tensor<33x48xf32>) outs(%e : tensor<33x48xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.mulf %x, %rsqrt2 : f32
    %er = math.erf %s : f32
    %p = arith.addf %er, %one : f32
    %h = arith.mulf %x, %half : f32
    %y = arith.mulf %h, %p : f32
    linalg.yield %y : f32
  } -> tensor<33x48xf32>
  return %r : tensor<33x48xf32>
}
