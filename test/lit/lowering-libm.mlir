// The one-walk conversion to the LLVM dialect leaves the math ops that have no
// LLVM intrinsic and no approximation (f64 erf); they become libm calls, and
// the program still computes what MLIR's default lowering computes.
// RUN: autoconfig compile %s --nominal --emit=llvm-dialect -o - | FileCheck %s
// RUN: autoconfig run %s --nominal --compare | FileCheck %s --check-prefix=MATCH
// CHECK-NOT: math.
// CHECK: llvm.func @erf(f64) -> f64
// CHECK: llvm.call @erf
// CHECK-NOT: math.
// MATCH: default lowering: {{.*}}: match

func.func @f(%a: tensor<16xf64>) -> tensor<16xf64> {
  %e = tensor.empty() : tensor<16xf64>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>,
                                        affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%a : tensor<16xf64>) outs(%e : tensor<16xf64>) {
  ^bb0(%x: f64, %o: f64):
    %t = math.tanh %x : f64
    %u = math.erf %t : f64
    linalg.yield %u : f64
  } -> tensor<16xf64>
  return %r : tensor<16xf64>
}
