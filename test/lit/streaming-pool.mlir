// Pooling: NCHW max pool 3x3 stride 2 with padding 1 (the padded buffer is
// filled and the input copied into its interior, as bufferization leaves a
// tensor.pad), and global average pooling (a 7x7 sum pool, then a divide).
// RUN: autoconfig-opt %s --autoconfig-lower-streaming="target=x86-avx512 rewrite=false" | FileCheck %s --check-prefix=DECIDE
// RUN: autoconfig-opt %s --autoconfig-lower-streaming="target=x86-avx512" --canonicalize --cse | FileCheck %s

// The fill of the whole padded buffer is one contiguous loop; the copy into
// the interior runs along its rows; the pool along the output row (stride-2
// window: a masked 32-lane load and a shuffle), the window loops inside with
// the accumulators in registers. The global pool sums its 7x7 window as one
// fused row of 49.
// DECIDE:      linalg.fill {autoconfig.lowering = "vector dim=3 collapse=3 vl=16
// DECIDE:      memref.copy {{.*}}autoconfig.lowering = "vector dim=3 collapse=1 vl=16
// DECIDE:      linalg.pooling_nchw_max {autoconfig.lowering = "vector dim=3 collapse=1 vl=16
// DECIDE:      linalg.pooling_nchw_sum {autoconfig.lowering = "vector dim=5 collapse=2 vl=16

// CHECK-LABEL: func.func @maxpool_nchw(
// CHECK-NOT:   linalg.
// CHECK-NOT:   memref.copy
// CHECK:       memref.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3]] : memref<1x8x114x114xf32> into memref<1x103968xf32>
// CHECK:       vector.store {{.*}} : memref<1x103968xf32>, vector<16xf32>
// CHECK:       %[[INTERIOR:.*]] = memref.subview
// CHECK:       vector.load %arg0{{.*}} : memref<1x8x112x112xf32>, vector<16xf32>
// CHECK:       vector.store {{.*}}, %[[INTERIOR]]
// CHECK:       scf.for
// CHECK:         scf.for
// CHECK:           scf.for {{.*}} iter_args
// CHECK:             scf.for {{.*}} iter_args
// CHECK:               vector.maskedload {{.*}} : memref<1x8x114x114xf32>, vector<32xi1>, vector<32xf32> into vector<32xf32>
// CHECK:               vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xf32>, vector<32xf32>
// CHECK:               arith.maximumf {{.*}} : vector<16xf32>
// CHECK:           vector.store {{.*}}, %arg1
// The tail of the 56-wide row: 8 lanes.
// CHECK:           vector.constant_mask [8] : vector<16xi1>
// CHECK:           vector.maskedstore %arg1
func.func @maxpool_nchw(%x: memref<1x8x112x112xf32>, %y: memref<1x8x56x56xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %padded = memref.alloc() : memref<1x8x114x114xf32>
  linalg.fill ins(%ninf : f32) outs(%padded : memref<1x8x114x114xf32>)
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 8, 112, 112] [1, 1, 1, 1] : memref<1x8x114x114xf32> to memref<1x8x112x112xf32, strided<[103968, 12996, 114, 1], offset: 115>>
  memref.copy %x, %interior : memref<1x8x112x112xf32> to memref<1x8x112x112xf32, strided<[103968, 12996, 114, 1], offset: 115>>
  %w = memref.alloc() : memref<3x3xf32>
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x8x56x56xf32>)
  linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
    ins(%padded, %w : memref<1x8x114x114xf32>, memref<3x3xf32>) outs(%y : memref<1x8x56x56xf32>)
  return
}

// CHECK-LABEL: func.func @global_avg(
// CHECK-NOT:   linalg.
// CHECK:       memref.collapse_shape %arg0 {{\[}}[0], [1], [2, 3]] : memref<1x512x7x7xf32> into memref<1x512x49xf32>
// CHECK:       scf.for %{{.*}} = %c0 to %c512 step %c1
// CHECK-COUNT-3: vector.load {{.*}} : memref<1x512x49xf32>, vector<16xf32>
// CHECK:         vector.constant_mask [1] : vector<16xi1>
// CHECK:         vector.maskedload
// CHECK:         vector.reduction <add>, {{.*}} : vector<16xf32> into f32
// The divide runs along the channels (H = W = 1 join them).
// CHECK:       memref.collapse_shape %arg1 {{\[}}[0], [1, 2, 3]] : memref<1x512x1x1xf32> into memref<1x512xf32>
// CHECK:       arith.divf {{.*}} : vector<16xf32>
func.func @global_avg(%x: memref<1x512x7x7xf32>, %y: memref<1x512x1x1xf32>) {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 49.0 : f32
  %w = memref.alloc() : memref<7x7xf32>
  %s = memref.alloc() : memref<1x512x1x1xf32>
  linalg.fill ins(%zero : f32) outs(%s : memref<1x512x1x1xf32>)
  linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%x, %w : memref<1x512x7x7xf32>, memref<7x7xf32>) outs(%s : memref<1x512x1x1xf32>)
  linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%s : memref<1x512x1x1xf32>) outs(%y : memref<1x512x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %n : f32
    linalg.yield %d : f32
  }
  return
}
