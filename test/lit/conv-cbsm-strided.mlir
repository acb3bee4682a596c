// CB-SM with a stride along W: stride 2 loads 2*vl - 1 contiguous elements
// (one masked load of a double-width vector) and keeps the even ones with a
// shuffle; stride 3 gathers with the offsets 0, 3, 6, ...; no scalar loads
// of the input, no padding copy.
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-avx512" --canonicalize --cse | FileCheck %s

// CHECK-LABEL: func.func @dw_nchw_stride2(
// CHECK-NOT:   linalg.
// CHECK-NOT:   memref.copy
// CHECK:       vector.maskedload {{.*}} : memref<1x4x20x40xf32>, vector<32xi1>, vector<32xf32> into vector<32xf32>
// CHECK:       vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xf32>, vector<32xf32>
// CHECK:       vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT:   vector.gather
func.func @dw_nchw_stride2(%x: memref<1x4x20x40xf32>, %w: memref<4x3x3xf32>, %y: memref<1x4x9x19xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {autoconfig.config = "cbsm vl=16 sv=1 fb=1 threads=1", dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
    ins(%x, %w : memref<1x4x20x40xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x9x19xf32>)
  return
}

// CHECK-LABEL: func.func @nchw_stride3(
// CHECK-NOT:   linalg.
// CHECK:       arith.constant dense<[0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45]> : vector<16xi32>
// CHECK:       vector.gather {{.*}} : memref<1x2x16x50xf32>, vector<16xi32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK:       vector.fma {{.*}} : vector<16xf32>
func.func @nchw_stride3(%x: memref<1x2x16x50xf32>, %w: memref<3x2x3x3xf32>, %y: memref<1x3x5x16xf32>) {
  linalg.conv_2d_nchw_fchw {autoconfig.config = "cbsm vl=16 sv=1 fb=3 threads=1", dilations = dense<1> : vector<2xi64>, strides = dense<3> : vector<2xi64>}
    ins(%x, %w : memref<1x2x16x50xf32>, memref<3x2x3x3xf32>) outs(%y : memref<1x3x5x16xf32>)
  return
}

// Several output channels and a 7x7 filter: the filter rows run in a loop
// carrying the fb x sv accumulators (KW unrolled in its body), so LLVM does
// not hoist 49 taps' broadcasts and spill them.
// CHECK-LABEL: func.func @nchw_7x7_rows_in_a_loop(
// CHECK-NOT:   linalg.
// CHECK:       scf.for %[[KH:.*]] = %c0 to %c7 step %c1 iter_args(
// CHECK:         memref.load %{{.*}}[%{{.*}}, %{{.*}}, %[[KH]], %c0] : memref<4x3x7x7xf32>
// CHECK:         vector.fma {{.*}} : vector<16xf32>
// CHECK:         memref.load %{{.*}}[%{{.*}}, %{{.*}}, %[[KH]], %c6] : memref<4x3x7x7xf32>
// CHECK:         vector.fma {{.*}} : vector<16xf32>
// CHECK:         scf.yield
func.func @nchw_7x7_rows_in_a_loop(%x: memref<1x3x40x69xf32>, %w: memref<4x3x7x7xf32>, %y: memref<1x4x17x32xf32>) {
  linalg.conv_2d_nchw_fchw {autoconfig.config = "cbsm vl=16 sv=1 fb=4 threads=1", dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
    ins(%x, %w : memref<1x3x40x69xf32>, memref<4x3x7x7xf32>) outs(%y : memref<1x4x17x32xf32>)
  return
}
