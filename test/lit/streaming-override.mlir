// A lowering already on the op is the user's: kept (completed by the model
// when partial), or rejected with an error naming the problem.
// RUN: autoconfig-opt %s --split-input-file --autoconfig-lower-streaming="target=x86-avx512 rewrite=false" --verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @partial
// CHECK: autoconfig.lowering = "vector dim=1 collapse=1 vl=4 unroll=3 threads=1"
func.func @partial(%x: memref<8x100xf32>, %y: memref<8x100xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%x : memref<8x100xf32>) outs(%y : memref<8x100xf32>) attrs = {autoconfig.lowering = "vector vl=4 unroll=3"} {
  ^bb0(%in: f32, %out: f32):
    %t = arith.addf %in, %in : f32
    linalg.yield %t : f32
  }
  return
}

// -----

// The vector along the rows (dim 0) instead of the contiguous dimension.
// CHECK-LABEL: func.func @other_dim
// CHECK: autoconfig.lowering = "vector dim=0 collapse=1 vl=8
func.func @other_dim(%x: memref<8x100xf32>, %y: memref<8x100xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%x : memref<8x100xf32>) outs(%y : memref<8x100xf32>) attrs = {autoconfig.lowering = "vector dim=0 vl=8"} {
  ^bb0(%in: f32, %out: f32):
    %t = arith.addf %in, %in : f32
    linalg.yield %t : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @keep_default
// CHECK: linalg.copy {autoconfig.lowering = "default"}
func.func @keep_default(%x: memref<8x100xf32>, %y: memref<8x100xf32>) {
  linalg.copy {autoconfig.lowering = "default"} ins(%x : memref<8x100xf32>) outs(%y : memref<8x100xf32>)
  return
}

// -----

func.func @bad_dim(%x: memref<8x100xf32>, %y: memref<8x100xf32>) {
  // expected-error @+1 {{autoconfig: lowering 'vector dim=5 collapse=1 vl=16 unroll=1 threads=1' rejected: dim=5 but the op has 2 loops}}
  linalg.copy {autoconfig.lowering = "vector dim=5"} ins(%x : memref<8x100xf32>) outs(%y : memref<8x100xf32>)
  return
}

// -----

func.func @bad_vl(%x: memref<8x100xf32>, %y: memref<8x100xf32>) {
  // expected-error @+1 {{autoconfig: lowering parameter 'vl' must be in [1, 1024], got 0}}
  linalg.copy {autoconfig.lowering = "vector vl=0"} ins(%x : memref<8x100xf32>) outs(%y : memref<8x100xf32>)
  return
}

// -----

func.func @unknown(%x: memref<8x100xf32>, %y: memref<8x100xf32>) {
  // expected-error @+1 {{autoconfig: unknown lowering 'blocked'}}
  linalg.copy {autoconfig.lowering = "blocked mr=4"} ins(%x : memref<8x100xf32>) outs(%y : memref<8x100xf32>)
  return
}

// -----

func.func @not_a_string(%x: memref<8x100xf32>, %y: memref<8x100xf32>) {
  // expected-error @+1 {{autoconfig: 'autoconfig.lowering' must be a string}}
  linalg.copy {autoconfig.lowering = 4 : i64} ins(%x : memref<8x100xf32>) outs(%y : memref<8x100xf32>)
  return
}

// -----

// A reduction whose combining op is not recognized cannot carry vectors
// along its reduction loop.
func.func @bad_reduction(%x: memref<8x100xf32>, %y: memref<8xf32>) {
  // expected-error @+1 {{loop 1 cannot carry vectors}}
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
    ins(%x : memref<8x100xf32>) outs(%y : memref<8xf32>) attrs = {autoconfig.lowering = "vector dim=1"} {
  ^bb0(%in: f32, %out: f32):
    %d = arith.subf %out, %in : f32
    linalg.yield %d : f32
  }
  return
}
