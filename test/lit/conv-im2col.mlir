// im2col + blocked GEMM and 1x1-as-GEMM: the convolution becomes packing loops
// that read the input itself (the zero-padded copy of the program is folded
// away: no fill, no copy), and the GEMM's micro-kernel on views of the
// filter and output.
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-avx512" --canonicalize --cse | FileCheck %s

// NCHW, padding 1: B = im2col packed per (vector of columns, tap) with masked
// loads of the unpadded input (OW = 10: a vector spans three output rows),
// in a loop over the kc block's channels.
// CHECK-LABEL: func.func @nchw_padded(
// CHECK-SAME:      %[[X:[^:]+]]: memref<1x8x10x10xf32>, %[[W:[^:]+]]: memref<16x8x3x3xf32>, %[[Y:[^:]+]]: memref<1x16x10x10xf32>
// CHECK-NOT:   linalg.
// CHECK-NOT:   memref.copy
// CHECK-DAG:   %[[A:.*]] = memref.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : memref<16x8x3x3xf32> into memref<16x72xf32>
// CHECK-DAG:   %[[YV:.*]] = memref.collapse_shape %[[Y]] {{\[}}[0], [1], [2, 3]] : memref<1x16x10x10xf32> into memref<1x16x100xf32>
// CHECK:       %[[C:.*]] = memref.subview %[[YV]][0, 0, 0] [1, 16, 100] [1, 1, 1] : memref<1x16x100xf32> to memref<16x100xf32, strided<[100, 1]>>
// The kc x nc packing buffer of B (36 x 128), then the mc x kc one of A.
// CHECK:       %[[BP:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4608xf32>
// CHECK:       %[[AP:.*]] = memref.alloc() {alignment = 64 : i64} : memref<576xf32>
// CHECK:       scf.for %[[PC:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:         scf.for %[[JR:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           scf.for %[[CH:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:             %[[L0:.*]] = vector.maskedload %[[X]][%{{.*}}, %[[CI:.*]], %{{.*}}, %{{.*}}], %{{.*}}, %{{.*}} : memref<1x8x10x10xf32>
// CHECK-NEXT:        %[[L1:.*]] = vector.maskedload %[[X]][%{{.*}}, %[[CI]], %{{.*}}, %{{.*}}], %{{.*}}, %[[L0]]
// CHECK-NEXT:        %[[L2:.*]] = vector.maskedload %[[X]][%{{.*}}, %[[CI]], %{{.*}}, %{{.*}}], %{{.*}}, %[[L1]]
// CHECK:             vector.store %[[L2]], %[[BP]][%{{.*}}] : memref<4608xf32>, vector<16xf32>
// CHECK:       memref.load %[[A]]
// CHECK:       memref.store %{{.*}}, %[[AP]]
// The micro-kernel on the packed panels, C read and written through the view.
// CHECK:       vector.load %[[BP]]
// CHECK:       memref.load %[[AP]]
// CHECK:       vector.fma
// CHECK:       vector.store %{{.*}}, %[[C]]
// CHECK:       memref.dealloc %[[AP]]
// CHECK:       memref.dealloc %[[BP]]
// CHECK-NOT:   memref.dealloc
// CHECK:       return
func.func @nchw_padded(%x: memref<1x8x10x10xf32>, %w: memref<16x8x3x3xf32>, %y: memref<1x16x10x10xf32>) {
  %p = memref.alloc() {alignment = 64 : i64} : memref<1x8x12x12xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x8x12x12xf32>)
  %sv = memref.subview %p[0, 0, 1, 1] [1, 8, 10, 10] [1, 1, 1, 1] : memref<1x8x12x12xf32> to memref<1x8x10x10xf32, strided<[1152, 144, 12, 1], offset: 13>>
  memref.copy %x, %sv : memref<1x8x10x10xf32> to memref<1x8x10x10xf32, strided<[1152, 144, 12, 1], offset: 13>>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>,
      autoconfig.config = "im2col vl=16 mr=4 nr=32 kc=36 mc=16 nc=128 ku=1 packA=1 packB=1 prefetch=0 threads=1"}
    ins(%p, %w : memref<1x8x12x12xf32>, memref<16x8x3x3xf32>) outs(%y : memref<1x16x10x10xf32>)
  memref.dealloc %p : memref<1x8x12x12xf32>
  return
}

// Stride 2: each output row of a vector is a masked load of a 32-element
// span compressed to every other element by a shuffle, merged by a select
// (OW = 7: four rows per vector).
// CHECK-LABEL: func.func @nchw_stride2(
// CHECK-SAME:      %[[X:[^:]+]]: memref<1x3x15x15xf32>
// CHECK-NOT:   linalg.
// CHECK-DAG:   %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG:   %[[C48:.*]] = arith.constant 48 : index
// Panels of 16 columns, the 3 filter rows, then per filter column the 3
// channels of the kc block (27 = 3 x 3x3).
// CHECK:       scf.for %[[JR:.*]] = %{{.*}} to %[[C48]] step %{{.*}} {
// CHECK:         scf.for %[[KH:.*]] = %{{.*}} to %[[C3]] step %{{.*}} {
// CHECK:         scf.for %[[CH:.*]] = %{{.*}} to %[[C3]] step %{{.*}} {
// CHECK-COUNT-4:   %[[SPAN:.*]] = vector.maskedload %[[X]][%{{.*}}, %[[CH]], %{{.*}}, %{{.*}}], %{{.*}}, %{{.*}} : memref<1x3x15x15xf32>, vector<32xi1>, vector<32xf32> into vector<32xf32>
// CHECK-NEXT:      %[[PICK:.*]] = vector.shuffle %[[SPAN]], %[[SPAN]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xf32>, vector<32xf32>
// CHECK-NEXT:      arith.select %{{.*}}, %[[PICK]], %{{.*}} : vector<16xi1>, vector<16xf32>
// CHECK-NOT:       vector.maskedload
// CHECK:           vector.store
// CHECK-NOT:   vector.gather
// CHECK:       return
func.func @nchw_stride2(%x: memref<1x3x15x15xf32>, %w: memref<8x3x3x3xf32>, %y: memref<1x8x7x7xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>,
      autoconfig.config = "im2col vl=16 mr=4 nr=16 kc=27 mc=8 nc=64 ku=1 packA=1 packB=1 prefetch=0 threads=1"}
    ins(%x, %w : memref<1x3x15x15xf32>, memref<8x3x3x3xf32>) outs(%y : memref<1x8x7x7xf32>)
  return
}

// Stride 5: a masked gather per output row of a vector (OW = 5: four rows).
// CHECK-LABEL: func.func @nchw_stride5(
// CHECK-SAME:      %[[X:[^:]+]]: memref<1x2x26x26xf32>
// CHECK:       scf.for %[[KH:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:       scf.for %[[CH:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-COUNT-4: vector.gather %[[X]][%{{.*}}, %[[CH]], %{{.*}}, %{{.*}}] [%{{.*}}], %{{.*}}, %{{.*}} : memref<1x2x26x26xf32>, vector<16xi32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK-NOT:     vector.gather
// CHECK:         vector.store
// CHECK:       return
func.func @nchw_stride5(%x: memref<1x2x26x26xf32>, %w: memref<8x2x2x2xf32>, %y: memref<1x8x5x5xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<5> : tensor<2xi64>,
      autoconfig.config = "im2col vl=16 mr=4 nr=16 kc=8 mc=8 nc=64 ku=1 packA=1 packB=1 prefetch=0 threads=1"}
    ins(%x, %w : memref<1x2x26x26xf32>, memref<8x2x2x2xf32>) outs(%y : memref<1x8x5x5xf32>)
  return
}

// NHWC, padding 1, C = 32: A = im2col packed row-major, per (pixel, window
// row) a run of KW*C = 96 contiguous input elements in masked vector loads
// (the columns outside the input masked off, a row outside all of them);
// the micro-kernel broadcasts A rows kc = 96 apart.
// CHECK-LABEL: func.func @nhwc_padded(
// CHECK-SAME:      %[[X:[^:]+]]: memref<1x10x10x32xf32>, %[[W:[^:]+]]: memref<3x3x32x16xf32>, %[[Y:[^:]+]]: memref<1x10x10x16xf32>
// CHECK-NOT:   linalg.
// CHECK-NOT:   memref.copy
// CHECK-DAG:   %[[B:.*]] = memref.collapse_shape %[[W]] {{\[}}[0, 1, 2], [3]] : memref<3x3x32x16xf32> into memref<288x16xf32>
// CHECK-DAG:   %[[C:.*]] = memref.collapse_shape %[[Y]] {{\[}}[0, 1, 2], [3]] : memref<1x10x10x16xf32> into memref<100x16xf32>
// CHECK:       %[[BP:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1536xf32>
// CHECK:       %[[AP:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4608xf32>
// CHECK:       vector.load %[[B]]
// CHECK:       vector.store %{{.*}}, %[[BP]]
// CHECK:       scf.for %[[PIX:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:         %[[IH:.*]] = arith.minsi %{{.*}}, %c9 : index
// CHECK:         scf.for %[[OFF:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           %[[MASK:.*]] = arith.andi %{{.*}}, %{{.*}} : vector<16xi1>
// CHECK-NEXT:      %[[SPAN:.*]] = vector.maskedload %[[X]][%{{.*}}, %[[IH]], %{{.*}}, %{{.*}}], %[[MASK]], %{{.*}} : memref<1x10x10x32xf32>
// CHECK:           vector.store %[[SPAN]], %[[AP]]
// CHECK:       scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(
// CHECK:         %[[ROW0:.*]] = arith.addi %{{.*}}, %[[K]] : index
// CHECK-NEXT:    memref.load %[[AP]][%[[ROW0]]]
// CHECK:         %[[ROW1:.*]] = arith.addi %[[ROW0]], %{{.*}} : index
// CHECK-NEXT:    memref.load %[[AP]][%[[ROW1]]]
// CHECK:       vector.store %{{.*}}, %[[C]]
// CHECK:       return
func.func @nhwc_padded(%x: memref<1x10x10x32xf32>, %w: memref<3x3x32x16xf32>, %y: memref<1x10x10x16xf32>) {
  %p = memref.alloc() {alignment = 64 : i64} : memref<1x12x12x32xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x12x12x32xf32>)
  %sv = memref.subview %p[0, 1, 1, 0] [1, 10, 10, 32] [1, 1, 1, 1] : memref<1x12x12x32xf32> to memref<1x10x10x32xf32, strided<[4608, 384, 32, 1], offset: 416>>
  memref.copy %x, %sv : memref<1x10x10x32xf32> to memref<1x10x10x32xf32, strided<[4608, 384, 32, 1], offset: 416>>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>,
      autoconfig.config = "im2col vl=16 mr=6 nr=16 kc=96 mc=48 nc=16 ku=1 packA=1 packB=1 prefetch=0 threads=1"}
    ins(%p, %w : memref<1x12x12x32xf32>, memref<3x3x32x16xf32>) outs(%y : memref<1x10x10x16xf32>)
  memref.dealloc %p : memref<1x12x12x32xf32>
  return
}

// NHWC/FHWC, C = 64: runs are taps, four vector copies of the 64 channels
// from a clamped position, zeroed (select) when the tap is in the padding;
// B = W^T stored F x KH*KW*C, packed by 16 x 16 register transposes: 16
// filter rows loaded along K, then four rounds of two-source shuffles (the
// first swaps 8-lane halves), 16 packed vectors stored.
// CHECK-LABEL: func.func @nhwc_taps(
// CHECK-SAME:      %[[X:[^:]+]]: memref<1x6x6x64xf32>, %[[W:[^:]+]]: memref<16x3x3x64xf32>
// CHECK-NOT:   linalg.
// CHECK:       %[[B:.*]] = memref.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : memref<16x3x3x64xf32> into memref<16x576xf32>
// CHECK-COUNT-16: vector.load %[[B]]{{.*}} : memref<16x576xf32>, vector<16xf32>
// CHECK:       vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23] : vector<16xf32>, vector<16xf32>
// CHECK-COUNT-63: vector.shuffle %{{.*}}, %{{.*}} [{{.*}}] : vector<16xf32>, vector<16xf32>
// CHECK-NOT:   vector.shuffle
// CHECK-COUNT-16: vector.store %{{.*}} : memref<{{[0-9]+}}xf32>, vector<16xf32>
// CHECK:       scf.for %[[TAP:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:         %[[IH:.*]] = arith.minsi
// CHECK:         %[[IW:.*]] = arith.minsi
// CHECK-COUNT-4: %[[V:.*]] = vector.load %[[X]][%{{.*}}, %[[IH]], %[[IW]], %{{.*}}] : memref<1x6x6x64xf32>, vector<16xf32>
// CHECK-NOT:     vector.load %[[X]]
// CHECK:       return
func.func @nhwc_taps(%x: memref<1x6x6x64xf32>, %w: memref<16x3x3x64xf32>, %y: memref<1x4x4x16xf32>) {
  linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>,
      autoconfig.config = "im2col vl=16 mr=4 nr=16 kc=192 mc=16 nc=16 ku=1 packA=1 packB=1 prefetch=0 threads=1"}
    ins(%x, %w : memref<1x6x6x64xf32>, memref<16x3x3x64xf32>) outs(%y : memref<1x4x4x16xf32>)
  return
}

// 1x1 NCHW: no im2col; per image, the input X[n] (C x H*W) and output Y[n]
// are subviews of collapsed views and B is packed from X[n] directly.
// CHECK-LABEL: func.func @gemm1x1_nchw(
// CHECK-SAME:      %[[X:[^:]+]]: memref<2x16x7x7xf32>, %[[W:[^:]+]]: memref<32x16x1x1xf32>, %[[Y:[^:]+]]: memref<2x32x7x7xf32>
// CHECK-NOT:   linalg.
// CHECK-DAG:   %[[XV:.*]] = memref.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]] : memref<2x16x7x7xf32> into memref<2x16x49xf32>
// CHECK-DAG:   %[[A:.*]] = memref.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : memref<32x16x1x1xf32> into memref<32x16xf32>
// CHECK-DAG:   %[[YV:.*]] = memref.collapse_shape %[[Y]] {{\[}}[0], [1], [2, 3]] : memref<2x32x7x7xf32> into memref<2x32x49xf32>
// CHECK:       scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-DAG:     %[[B:.*]] = memref.subview %[[XV]][%[[N]], 0, 0] [1, 16, 49] [1, 1, 1]
// CHECK-DAG:     %[[C:.*]] = memref.subview %[[YV]][%[[N]], 0, 0] [1, 32, 49] [1, 1, 1]
// CHECK:         vector.load %[[B]]
// CHECK:         memref.load %[[A]]
// The C tile is prefetched for writing, one line per row, before its k loop.
// CHECK:         memref.prefetch %[[C]][%{{.*}}, %{{.*}}], write, locality<3>, data
// CHECK:         vector.fma
// CHECK:         vector.store %{{.*}}, %[[C]]
// CHECK:       return
func.func @gemm1x1_nchw(%x: memref<2x16x7x7xf32>, %w: memref<32x16x1x1xf32>, %y: memref<2x32x7x7xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>,
      autoconfig.config = "gemm1x1 vl=16 mr=4 nr=32 kc=16 mc=32 nc=64 ku=1 packA=1 packB=1 prefetch=0 threads=1"}
    ins(%x, %w : memref<2x16x7x7xf32>, memref<32x16x1x1xf32>) outs(%y : memref<2x32x7x7xf32>)
  return
}

// 1x1 NHWC/FHWC: one GEMM, A = X (N*H*W x C), B = W^T stored F x C (packed
// by 16 x 16 transposes), C = Y (N*H*W x F).
// CHECK-LABEL: func.func @gemm1x1_nhwc_fhwc(
// CHECK-SAME:      %[[X:[^:]+]]: memref<1x7x7x16xf32>, %[[W:[^:]+]]: memref<32x1x1x16xf32>, %[[Y:[^:]+]]: memref<1x7x7x32xf32>
// CHECK-NOT:   linalg.
// CHECK-DAG:   %[[A:.*]] = memref.collapse_shape %[[X]] {{\[}}[0, 1, 2], [3]] : memref<1x7x7x16xf32> into memref<49x16xf32>
// CHECK-DAG:   %[[B:.*]] = memref.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : memref<32x1x1x16xf32> into memref<32x16xf32>
// CHECK-DAG:   %[[C:.*]] = memref.collapse_shape %[[Y]] {{\[}}[0, 1, 2], [3]] : memref<1x7x7x32xf32> into memref<49x32xf32>
// CHECK:       vector.load %[[B]]
// CHECK:       vector.shuffle
// CHECK:       memref.load %[[A]]
// CHECK:       vector.fma
// CHECK:       vector.store %{{.*}}, %[[C]]
// CHECK:       return
func.func @gemm1x1_nhwc_fhwc(%x: memref<1x7x7x16xf32>, %w: memref<32x1x1x16xf32>, %y: memref<1x7x7x32xf32>) {
  linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>,
      autoconfig.config = "gemm1x1 vl=16 mr=4 nr=32 kc=16 mc=52 nc=32 ku=1 packA=1 packB=1 prefetch=0 threads=1"}
    ins(%x, %w : memref<1x7x7x16xf32>, memref<32x1x1x16xf32>) outs(%y : memref<1x7x7x32xf32>)
  return
}
