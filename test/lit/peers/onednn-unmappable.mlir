// `run --peers onednn` on a program with an op the oneDNN peer cannot map:
// the error names the op, its location and its body; AutoConfig's own
// figures are still printed, and the exit status is 1.
// RUN: not autoconfig run %s --compare --peers onednn > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=ERR < %t.err
// RUN: FileCheck %s --check-prefix=OUT < %t.out
// ERR: autoconfig: error: peer onednn: oneDNN peer: cannot map 'linalg.generic' at {{.*}}onednn-unmappable.mlir:[[@LINE+16]]:8 (body: arith.mulf, arith.remf): its body applies 'arith.remf', which the peer does not know
// OUT: default lowering: max error {{.*}}: match
// OUT: peer onednn: error: oneDNN peer: cannot map 'linalg.generic'

// So is a reduction oneDNN has no algorithm for (a sum of squares).
// RUN: not autoconfig run %S/Inputs/reduction.mlir --peers onednn 2>&1 \
// RUN:   | FileCheck %s --check-prefix=REDUCE
// REDUCE: cannot map 'linalg.generic' at {{.*}}reduction.mlir:7:8 (body: arith.mulf, arith.addf): a reduction whose body is not one combining op

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @forward(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %half = arith.constant 5.000000e-01 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %half : f32
    %1 = arith.remf %0, %half : f32
    linalg.yield %1 : f32
  } -> tensor<4x8xf32>
  return %g : tensor<4x8xf32>
}
