// A matmul followed by a bias add and a ReLU: the elementwise op is fused
// into the generated kernel's stores (no linalg.generic is left), for every
// GEMM algorithm, and the results match MLIR's default lowering.
// RUN: autoconfig compile %s --emit=mlir -o - | FileCheck %s
// RUN: autoconfig run %s --compare --config broadcast | FileCheck %s --check-prefix=OK
// RUN: autoconfig run %s --compare --config blocked | FileCheck %s --check-prefix=OK
// RUN: autoconfig run %s --compare --config "blocked kc=16" | FileCheck %s --check-prefix=OK
// RUN: autoconfig run %s --compare --config "blocked mr=4 nr=32 nc=32 threads=2" --threads 2 | FileCheck %s --check-prefix=OK
// CHECK-NOT: linalg.generic
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK-NOT: linalg.generic
// OK: match
#bias = affine_map<(i, j) -> (j)>
#id = affine_map<(i, j) -> (i, j)>
func.func @forward(%a: tensor<37x53xf32>, %b: tensor<53x70xf32>, %bias: tensor<70xf32>) -> tensor<37x70xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<37x70xf32>
  %c0 = linalg.fill ins(%zero : f32) outs(%e : tensor<37x70xf32>) -> tensor<37x70xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<37x53xf32>, tensor<53x70xf32>) outs(%c0 : tensor<37x70xf32>) -> tensor<37x70xf32>
  %r = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %bias : tensor<37x70xf32>, tensor<70xf32>) outs(%e : tensor<37x70xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<37x70xf32>
  return %r : tensor<37x70xf32>
}
