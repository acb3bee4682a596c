// bf16 inputs with an f32 C. On a target with AVX512-BF16 the blocked
// micro-kernel takes k in pairs: B's panels interleave two rows of B
// (vector.interleave), A's panels hold each row's pair as one 32-bit lane,
// broadcast and multiplied by vdpbf16ps (x86vector.avx512.dot) into f32
// accumulators; an odd K pads the last pair with zeros. Without it (the
// Skylake-X preset), the bf16 panels are widened to f32 in the micro-kernel.
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-amx" --canonicalize --cse | FileCheck %s --check-prefix=DOT
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-avx512" --canonicalize --cse | FileCheck %s --check-prefix=WIDEN

// DOT-LABEL: func.func @blocked(
// DOT-NOT:     linalg.matmul
// Packing buffers of bf16, sized for whole pairs of k (kc=8: 8 x 32 of B,
// 8 x 8 of A).
// DOT-DAG:     memref.alloc() {alignment = 64 : i64} : memref<256xbf16>
// DOT-DAG:     memref.alloc() {alignment = 64 : i64} : memref<64xbf16>
// DOT:         vector.interleave {{.*}} : vector<16xbf16> -> vector<32xbf16>
// DOT:         vector.load {{.*}} : memref<64xbf16>, vector<2xbf16>
// DOT:         vector.bitcast {{.*}} : vector<2xbf16> to vector<1xi32>
// DOT:         vector.bitcast {{.*}} : vector<16xi32> to vector<32xbf16>
// DOT:         x86vector.avx512.dot {{.*}} : vector<32xbf16> -> vector<16xf32>
// DOT-NOT:     arith.extf
// DOT:         return

// WIDEN-LABEL: func.func @blocked(
// WIDEN-NOT:     x86vector
// WIDEN:         arith.extf {{.*}} : vector<16xbf16> to vector<16xf32>
// WIDEN:         vector.fma
// WIDEN:         return

func.func @blocked(%A: memref<13x17xbf16>, %B: memref<17x40xbf16>, %C: memref<13x40xf32>) {
  linalg.matmul {autoconfig.config = "blocked vl=16 mr=4 nr=32 kc=8 mc=8 nc=32 ku=1 packA=1 packB=1"}
    ins(%A, %B : memref<13x17xbf16>, memref<17x40xbf16>) outs(%C : memref<13x40xf32>)
  return
}
