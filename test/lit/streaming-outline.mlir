// The ops outside the kernels are outlined as the kernels are: one private
// function per distinct (op, shapes, lowering), so that a network's repeated
// layers compile their other ops once. Two ReLUs of the same shape on
// different inputs share one function; the transpose gets its own.
// RUN: autoconfig compile %s --nominal --target x86-avx512 --emit=mlir -o - | FileCheck %s
// CHECK-LABEL: func.func @forward(
// CHECK:         call @[[RELU:__autoconfig_stream_[0-9]+]](
// CHECK:         call @[[RELU]](
// CHECK:         call @[[T:__autoconfig_stream_[0-9]+]](
// CHECK:       func.func private @[[RELU]](%{{.*}}: memref<4x64xf32>, %{{.*}}: memref<4x64xf32>)
// CHECK:         vector.load
// CHECK:         arith.maximumf {{.*}} : vector<
// CHECK:       func.func private @[[T]](
// CHECK-NOT:   func.func private @__autoconfig_stream_
#id = affine_map<(i, j) -> (i, j)>
func.func @forward(%x: tensor<4x64xf32>, %y: tensor<4x64xf32>) -> (tensor<4x64xf32>, tensor<4x64xf32>, tensor<64x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x64xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %te = tensor.empty() : tensor<64x4xf32>
  %t = linalg.transpose ins(%x : tensor<4x64xf32>) outs(%te : tensor<64x4xf32>) permutation = [1, 0]
  return %a, %b, %t : tensor<4x64xf32>, tensor<4x64xf32>, tensor<64x4xf32>
}
// Outlined functions stay calls: LLVM does not inline them back.
// RUN: autoconfig compile %s --nominal --target x86-avx512 --emit=llvm-dialect -o - | FileCheck %s --check-prefix=LLVM
// LLVM: llvm.func @__autoconfig_stream_{{[0-9]+}}({{.*}}) attributes {{{.*}}no_inline
