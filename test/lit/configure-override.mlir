// A config already on the op is the user's override: autoconfig-configure
// keeps the given parameters, derives the missing ones, and warns about
// legal but slow choices.
// RUN: autoconfig-opt %s --split-input-file --autoconfig-configure="target=x86-avx512" --verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @partial
// CHECK: linalg.matmul {autoconfig.config = #autoconfig.config<broadcast vl=16 ui=2 uj={{[1-9][0-9]*}} ku={{[1-9][0-9]*}} mask=1 threads=1>}
func.func @partial(%A: memref<64x32xf32>, %B: memref<32x64xf32>, %C: memref<64x64xf32>) {
  linalg.matmul {autoconfig.config = "broadcast ui=2"}
    ins(%A, %B : memref<64x32xf32>, memref<32x64xf32>) outs(%C : memref<64x64xf32>)
  return
}

// CHECK-LABEL: func.func @full
// CHECK: linalg.matmul {autoconfig.config = #autoconfig.config<broadcast vl=8 ui=3 uj=2 ku=2 mask=0 threads=1>}
func.func @full(%A: memref<64x32xf32>, %B: memref<32x64xf32>, %C: memref<64x64xf32>) {
  linalg.matmul {autoconfig.config = "broadcast vl=8 ui=3 uj=2 ku=2 mask=0 threads=1"}
    ins(%A, %B : memref<64x32xf32>, memref<32x64xf32>) outs(%C : memref<64x64xf32>)
  return
}

// CHECK-LABEL: func.func @spills
// CHECK: linalg.matmul {autoconfig.config = #autoconfig.config<broadcast vl=16 ui=8 uj=8
func.func @spills(%A: memref<64x32xf32>, %B: memref<32x64xf32>, %C: memref<64x64xf32>) {
  // expected-warning @+1 {{autoconfig: ui*uj+uj+1 = 73 vector registers exceed the target's 32: accumulators will spill}}
  linalg.matmul {autoconfig.config = "broadcast ui=8 uj=8"}
    ins(%A, %B : memref<64x32xf32>, memref<32x64xf32>) outs(%C : memref<64x64xf32>)
  return
}

// -----

// An illegal override fails the pass with an error at the op.
func.func @illegal(%A: memref<64x32xf32>, %B: memref<32x64xf32>, %C: memref<64x64xf32>) {
  // expected-error @+1 {{rejected: ui must be in [1, 64], got 0}}
  linalg.matmul {autoconfig.config = "broadcast ui=0"}
    ins(%A, %B : memref<64x32xf32>, memref<32x64xf32>) outs(%C : memref<64x64xf32>)
  return
}
