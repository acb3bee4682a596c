// Without an FMA instruction (x86-sse4.2) the generator emits a multiply and
// an add on 4-lane vectors; with AVX2 the same config gives vector.fma.
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-sse4.2" --canonicalize --cse \
// RUN:   | FileCheck %s --check-prefix=SSE --implicit-check-not=vector.fma
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-avx2" --canonicalize --cse \
// RUN:   | FileCheck %s --check-prefix=AVX2

// SSE-LABEL: func.func @sse
// SSE:         scf.for
// SSE:           %[[BV:.*]] = vector.load {{.*}} : memref<9x8xf32>, vector<4xf32>
// SSE:           %[[AV:.*]] = vector.broadcast {{.*}} : f32 to vector<4xf32>
// SSE:           %[[P:.*]] = arith.mulf %[[AV]], %[[BV]] : vector<4xf32>
// SSE:           arith.addf %[[P]], %{{.*}} : vector<4xf32>
// SSE:       return
// AVX2-LABEL: func.func @sse
// AVX2-NOT:    arith.mulf
// AVX2:        vector.fma {{.*}} : vector<4xf32>
// AVX2-NOT:    arith.mulf
// AVX2:        return
func.func @sse(%A: memref<6x9xf32>, %B: memref<9x8xf32>, %C: memref<6x8xf32>) {
  linalg.matmul {autoconfig.config = "broadcast vl=4 ui=2 uj=2 ku=1 mask=0 threads=1"}
    ins(%A, %B : memref<6x9xf32>, memref<9x8xf32>) outs(%C : memref<6x8xf32>)
  return
}

// The model's own choice on SSE, whatever the algorithm: still no FMA.
// RUN: autoconfig-opt %s --autoconfig-configure="target=x86-sse4.2" --autoconfig-generate="target=x86-sse4.2" \
// RUN:   | FileCheck %s --check-prefix=SSE-AUTO --implicit-check-not=vector.fma
// SSE-AUTO-LABEL: func.func @sse_auto
// SSE-AUTO-NOT:   linalg.matmul
// SSE-AUTO:       arith.mulf {{.*}} : vector<4xf32>
// SSE-AUTO:       arith.addf {{.*}} : vector<4xf32>
// SSE-AUTO:       return
func.func @sse_auto(%A: memref<13x9xf32>, %B: memref<9x22xf32>, %C: memref<13x22xf32>) {
  linalg.matmul ins(%A, %B : memref<13x9xf32>, memref<9x22xf32>) outs(%C : memref<13x22xf32>)
  return
}
