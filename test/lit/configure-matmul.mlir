// RUN: autoconfig-opt %s --autoconfig-configure="target=x86-avx512" | FileCheck %s --check-prefix=AVX512
// RUN: autoconfig-opt %s --autoconfig-configure="target=x86-avx2" | FileCheck %s --check-prefix=AVX2
// RUN: autoconfig-opt %s --autoconfig-configure="target=x86-avx512" --autoconfig-generate="target=x86-avx512" --canonicalize | FileCheck %s --check-prefix=GEN

// The vector length follows the target: 16 f32 lanes with AVX-512, 8 with AVX2.
// AVX512: linalg.matmul {autoconfig.config = #autoconfig.config<{{broadcast|blocked}} vl=16
// AVX2: linalg.matmul {autoconfig.config = #autoconfig.config<{{broadcast|blocked}} vl=8

// N = 35 is two full vectors and a 3-lane tail: masked loads and stores.
// GEN-LABEL: func.func @mm
// GEN-NOT: linalg.matmul
// GEN: scf.for
// GEN: vector.fma {{.*}} : vector<16xf32>
// GEN: vector.maskedload
// GEN: vector.maskedstore
func.func @mm(%A: memref<13x17xf32>, %B: memref<17x35xf32>, %C: memref<13x35xf32>) {
  linalg.matmul ins(%A, %B : memref<13x17xf32>, memref<17x35xf32>) outs(%C : memref<13x35xf32>)
  return
}
