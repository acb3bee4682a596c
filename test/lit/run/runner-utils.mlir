// `run` behaves like mlir-runner: the entry is the only public function that
// nothing calls (no --entry), MLIR's runner utilities are there
// (printMemrefF32), and the program prints as it would there.
// RUN: autoconfig run %s --nominal | FileCheck %s
// CHECK: Unranked Memref base@ = {{.*}} rank = 2 offset = 0 sizes = [2, 3] strides = [3, 1] data =
// CHECK-NEXT: {{\[\[}}22,   28,   34],
// CHECK-NEXT:  [67,   85,   103]]
// RUN: autoconfig run %s --nominal --json | FileCheck %s --check-prefix=JSON
// JSON: "entry":"main"
memref.global "private" @A : memref<2x2xf32> = dense<[[1.0, 2.0], [4.0, 5.0]]>
memref.global "private" @B : memref<2x3xf32> = dense<[[8.0, 10.0, 12.0], [7.0, 9.0, 11.0]]>
func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func @compute(%a: memref<2x2xf32>, %b: memref<2x3xf32>, %c: memref<2x3xf32>) {
  linalg.matmul ins(%a, %b : memref<2x2xf32>, memref<2x3xf32>) outs(%c : memref<2x3xf32>)
  return
}
func.func @main() {
  %a = memref.get_global @A : memref<2x2xf32>
  %b = memref.get_global @B : memref<2x3xf32>
  %c = memref.alloc() : memref<2x3xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<2x3xf32>)
  call @compute(%a, %b, %c) : (memref<2x2xf32>, memref<2x3xf32>, memref<2x3xf32>) -> ()
  %u = memref.cast %c : memref<2x3xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  memref.dealloc %c : memref<2x3xf32>
  return
}
