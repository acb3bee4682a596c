// Blocked direct NHWC convolution and depthwise NHWC convolution: the conv
// becomes register tiles of vector<16xf32> FMAs that read the input itself
// (the zero-padded copy of the program is folded away: no alloc, fill or
// copy of the input), with masked vectors at F's (or C's) end.
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-avx512" --canonicalize --cse | FileCheck %s

// HWCF filter, padding 1, F = 20 = 16 + 4: with unit dilation and C in one
// block, the (kw, c) reduction of a kernel row is one loop over collapsed
// views of the input row and the filter row. OW = 7 with owb = 3: a left
// border tile (pixel 0 skips kw = 0), an interior tile, a 1-pixel tile.
// CHECK-LABEL: func.func @hwcf_padded(
// CHECK-SAME:      %[[X:[^:]+]]: memref<1x6x7x8xf32>, %[[W:[^:]+]]: memref<3x3x8x20xf32>, %[[Y:[^:]+]]: memref<1x6x7x20xf32>
// CHECK-NOT:   linalg.
// CHECK-NOT:   memref.alloc
// CHECK-NOT:   memref.copy
// CHECK-DAG:   %[[XF:.*]] = memref.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]] : memref<1x6x7x8xf32> into memref<1x6x56xf32>
// CHECK-DAG:   %[[WF:.*]] = memref.collapse_shape %[[W]] {{\[}}[0], [1, 2], [3]] : memref<3x3x8x20xf32> into memref<3x24x20xf32>
// Row blocks of rb = 2 (serial: threads = 1), then the rows of a block.
// CHECK:       scf.for %[[RB:.*]] = %{{.*}} to %{{.*}} step
// CHECK:         scf.for %[[ROW:.*]] = %{{.*}} to %{{.*}} step
// The kernel rows inside the input: [max(0, 1 - row), min(3, 7 - row)).
// CHECK:           %[[LO:.*]] = arith.maxsi
// CHECK:           %[[HI:.*]] = arith.minsi
// Left border tile: 3 pixels x 2 vectors, pixel 0 has no tap at kw = 0.
// CHECK:           scf.for %[[KH:.*]] = %[[LO]] to %[[HI]] step %{{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK:             scf.for %[[Q:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK:               %[[F0:.*]] = vector.load %[[WF]][%[[KH]], %[[Q]], %{{.*}}] : memref<3x24x20xf32>, vector<16xf32>
// CHECK:               %[[MASK:.*]] = vector.constant_mask [4] : vector<16xi1>
// CHECK:               %[[F1:.*]] = vector.maskedload %[[WF]][%[[KH]], %[[Q]], %{{.*}}], %[[MASK]]
// CHECK:               %[[S:.*]] = memref.load %[[XF]]
// CHECK:               %[[B:.*]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK:               vector.fma %[[B]], %[[F0]], %{{.*}} : vector<16xf32>
// CHECK:               vector.fma %[[B]], %[[F1]], %{{.*}} : vector<16xf32>
// Then all 3 pixels from kw = 1: one loop over 2 x 8 (kw, c) pairs.
// CHECK:             scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK-COUNT-6:       vector.fma {{.*}} : vector<16xf32>
// The tile is added to the output: the second vector masked to 4 lanes.
// CHECK:           vector.load %[[Y]]
// CHECK:           vector.store %{{.*}}, %[[Y]][%{{.*}}, %[[ROW]], %{{.*}}, %{{.*}}] : memref<1x6x7x20xf32>, vector<16xf32>
// CHECK:           vector.maskedstore %[[Y]]
// CHECK-NOT:   scf.parallel
// CHECK-NOT:   memref.dealloc
// CHECK:       return
func.func @hwcf_padded(%x: memref<1x6x7x8xf32>, %w: memref<3x3x8x20xf32>, %y: memref<1x6x7x20xf32>) {
  %p = memref.alloc() {alignment = 64 : i64} : memref<1x8x9x8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x8x9x8xf32>)
  %sv = memref.subview %p[0, 1, 1, 0] [1, 6, 7, 8] [1, 1, 1, 1] : memref<1x8x9x8xf32> to memref<1x6x7x8xf32, strided<[576, 72, 8, 1], offset: 80>>
  memref.copy %x, %sv : memref<1x6x7x8xf32> to memref<1x6x7x8xf32, strided<[576, 72, 8, 1], offset: 80>>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>,
      autoconfig.config = "direct vl=16 owb=3 fv=2 cb=8 rb=2 threads=1"}
    ins(%p, %w : memref<1x8x9x8xf32>, memref<3x3x8x20xf32>) outs(%y : memref<1x6x7x20xf32>)
  memref.dealloc %p : memref<1x8x9x8xf32>
  return
}

// FHWC filter, stride 2, dilation 2, two threads: the filter is packed into
// a KH x KW x C x 32 buffer in the kernel (F = 20 zero-padded to whole vectors, so its
// loads are never masked), the (n, row block) loop is parallel, and each
// kernel column has its own channel loop (dilation 2: (kw, c) is not
// contiguous), unrolled by 4.
// CHECK-LABEL: func.func @fhwc_threads(
// CHECK-SAME:      %[[X:[^:]+]]: memref<2x9x11x8xf32>, %[[W:[^:]+]]: memref<20x3x3x8xf32>, %[[Y:[^:]+]]: memref<2x3x4x20xf32>
// CHECK-NOT:   linalg.
// CHECK:       %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<3x3x8x32xf32>
// CHECK-DAG:   %[[WQ:.*]] = memref.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : memref<20x3x3x8xf32> into memref<20x72xf32>
// CHECK-DAG:   %[[PQ:.*]] = memref.collapse_shape %[[P]] {{\[}}[0, 1, 2], [3]] : memref<3x3x8x32xf32> into memref<72x32xf32>
// 16 x 16 tiles transposed in registers: 16 rows of W along Q = KH*KW*C in,
// 16 rows of P along F out.
// CHECK:       scf.for %[[Q0:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-COUNT-16: vector.load %[[WQ]][%{{.*}}, %[[Q0]]] : memref<20x72xf32>, vector<16xf32>
// CHECK:         vector.from_elements
// CHECK:         vector.store %{{.*}}, %[[PQ]][%[[Q0]], %{{.*}}] : memref<72x32xf32>, vector<16xf32>
// The last 16 filters: 4 rows of W, the other 12 rows zero (F's padding).
// CHECK:       scf.for %[[Q1:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-COUNT-4: vector.load %[[WQ]][%{{.*}}, %[[Q1]]] : memref<20x72xf32>, vector<16xf32>
// CHECK-NOT:     vector.load
// CHECK:         vector.store %{{.*}}, %[[PQ]][%[[Q1]], %{{.*}}] : memref<72x32xf32>, vector<16xf32>
// CHECK:       scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK:         scf.for %[[KH:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK:           scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK-NOT:         vector.maskedload
// CHECK:             vector.load %[[P]][%[[KH]], %{{.*}}, %[[C]], %{{.*}}] : memref<3x3x8x32xf32>, vector<16xf32>
// CHECK:             memref.load %[[X]]
// CHECK:             vector.broadcast
// CHECK-COUNT-2:     vector.fma {{.*}} : vector<16xf32>
// CHECK:         vector.maskedstore %[[Y]]
// CHECK:       memref.dealloc %[[P]]
// CHECK:       return
func.func @fhwc_threads(%x: memref<2x9x11x8xf32>, %w: memref<20x3x3x8xf32>, %y: memref<2x3x4x20xf32>) {
  linalg.conv_2d_nhwc_fhwc {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>,
      autoconfig.config = "direct vl=16 owb=4 fv=2 cb=8 rb=2 threads=2"}
    ins(%x, %w : memref<2x9x11x8xf32>, memref<20x3x3x8xf32>) outs(%y : memref<2x3x4x20xf32>)
  return
}

// Depthwise, padding 1, C = 24 = 16 + 8: channels are the vector dimension
// of input, filter and output (no broadcast). Per kernel row, the 3 x 2
// filter vectors are loaded once and each input column once, feeding every
// (pixel, kw) pair that reads it.
// CHECK-LABEL: func.func @depthwise_padded(
// CHECK-SAME:      %[[X:[^:]+]]: memref<1x5x6x24xf32>, %[[W:[^:]+]]: memref<3x3x24xf32>, %[[Y:[^:]+]]: memref<1x5x6x24xf32>
// CHECK-NOT:   linalg.
// CHECK-NOT:   memref.alloc
// CHECK-NOT:   memref.copy
// CHECK-NOT:   vector.broadcast
// CHECK:       scf.for %[[ROW:.*]] = %{{.*}} to %{{.*}} step
// CHECK:         %[[MASK:.*]] = vector.constant_mask [8] : vector<16xi1>
// CHECK:         scf.for %[[KH:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK-COUNT-3:   vector.load %[[W]][%[[KH]], %{{.*}}, %{{.*}}] : memref<3x3x24xf32>, vector<16xf32>
// CHECK:           %[[X0:.*]] = vector.load %[[X]]
// CHECK-NEXT:      vector.fma %[[X0]], %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NEXT:      vector.fma %[[X0]], %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NEXT:      vector.maskedload %[[X]][{{.*}}], %[[MASK]]
// CHECK:           %[[X1:.*]] = vector.load %[[X]]
// CHECK-NEXT:      vector.fma %[[X1]], %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NEXT:      vector.fma %[[X1]], %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NEXT:      vector.fma %[[X1]], %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK:         vector.maskedstore %[[Y]][{{.*}}], %[[MASK]]
// CHECK-NOT:   scf.parallel
// CHECK:       return
func.func @depthwise_padded(%x: memref<1x5x6x24xf32>, %w: memref<3x3x24xf32>, %y: memref<1x5x6x24xf32>) {
  %p = memref.alloc() {alignment = 64 : i64} : memref<1x7x8x24xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x7x8x24xf32>)
  %sv = memref.subview %p[0, 1, 1, 0] [1, 5, 6, 24] [1, 1, 1, 1] : memref<1x7x8x24xf32> to memref<1x5x6x24xf32, strided<[1344, 192, 24, 1], offset: 216>>
  memref.copy %x, %sv : memref<1x5x6x24xf32> to memref<1x5x6x24xf32, strided<[1344, 192, 24, 1], offset: 216>>
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>,
      autoconfig.config = "depthwise vl=16 owb=6 cv=2 threads=1"}
    ins(%p, %w : memref<1x7x8x24xf32>, memref<3x3x24xf32>) outs(%y : memref<1x5x6x24xf32>)
  memref.dealloc %p : memref<1x7x8x24xf32>
  return
}
