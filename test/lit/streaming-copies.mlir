// Transposes, pads (a copy into the interior of the padded buffer),
// concatenations (copies into channel slices) and ops left to the default
// lowering.
// RUN: autoconfig-opt %s --autoconfig-lower-streaming="target=x86-avx512 rewrite=false" | FileCheck %s --check-prefix=DECIDE
// RUN: autoconfig-opt %s --autoconfig-lower-streaming="target=x86-avx512" --canonicalize --cse | FileCheck %s

// A transpose runs along the output's contiguous rows and reads its input
// column by column.
// DECIDE-LABEL: func.func @transpose(
// DECIDE:       linalg.transpose {{.*}}{autoconfig.lowering = "vector dim=1 collapse=1 vl=16
// CHECK-LABEL: func.func @transpose(
// CHECK-NOT:   linalg.transpose
// CHECK:       scf.for %[[I:.*]] = %c0 to %c48 step %c1
// CHECK:         memref.load %arg0[%{{.*}}, %[[I]]] : memref<64x48xf32>
// CHECK:         vector.from_elements {{.*}} : vector<16xf32>
// CHECK:         vector.store {{.*}}, %arg1[%[[I]], %{{.*}}] : memref<48x64xf32>, vector<16xf32>
func.func @transpose(%x: memref<64x48xf32>, %y: memref<48x64xf32>) {
  linalg.transpose ins(%x : memref<64x48xf32>) outs(%y : memref<48x64xf32>) permutation = [1, 0]
  return
}

// A pad: the copy into the interior runs along the rows of 30 (16 + a
// masked 14).
// DECIDE-LABEL: func.func @pad(
// DECIDE:       memref.copy {{.*}}{autoconfig.lowering = "vector dim=3 collapse=1
// CHECK-LABEL: func.func @pad(
// CHECK-NOT:   memref.copy
// CHECK:       %[[INTERIOR:.*]] = memref.subview %arg1[0, 0, 1, 1] [1, 16, 30, 30] [1, 1, 1, 1]
// CHECK:       scf.for
// CHECK:         scf.for
// CHECK:           vector.load %arg0{{.*}} : memref<1x16x30x30xf32>, vector<16xf32>
// CHECK:           vector.store {{.*}}, %[[INTERIOR]]
// CHECK:           vector.constant_mask [14] : vector<16xi1>
// CHECK:           vector.maskedload %arg0
// CHECK:           vector.maskedstore %[[INTERIOR]]
func.func @pad(%x: memref<1x16x30x30xf32>, %y: memref<1x16x32x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x16x32x32xf32>)
  %interior = memref.subview %y[0, 0, 1, 1] [1, 16, 30, 30] [1, 1, 1, 1] : memref<1x16x32x32xf32> to memref<1x16x30x30xf32, strided<[16384, 1024, 32, 1], offset: 33>>
  memref.copy %x, %interior : memref<1x16x30x30xf32> to memref<1x16x30x30xf32, strided<[16384, 1024, 32, 1], offset: 33>>
  return
}

// A concatenation along channels: each slice is contiguous across C, H and
// W, so each copy is one fused row.
// DECIDE-LABEL: func.func @concat(
// DECIDE:       memref.copy {{.*}}{autoconfig.lowering = "vector dim=3 collapse=3
// DECIDE:       memref.copy {{.*}}{autoconfig.lowering = "vector dim=3 collapse=3
// CHECK-LABEL: func.func @concat(
// CHECK-NOT:   memref.copy
// CHECK:       memref.collapse_shape %arg0 {{\[}}[0], [1, 2, 3]] : memref<1x3x14x14xf32> into memref<1x588xf32>
// CHECK:       memref.collapse_shape {{.*}} into memref<1x588xf32, strided<[1372, 1]>>
// CHECK:       vector.store
// CHECK:       memref.collapse_shape %arg1 {{\[}}[0], [1, 2, 3]] : memref<1x4x14x14xf32> into memref<1x784xf32>
// CHECK:       memref.collapse_shape {{.*}} into memref<1x784xf32, strided<[1372, 1], offset: 588>>
// CHECK:       vector.store
func.func @concat(%a: memref<1x3x14x14xf32>, %b: memref<1x4x14x14xf32>, %y: memref<1x7x14x14xf32>) {
  %sa = memref.subview %y[0, 0, 0, 0] [1, 3, 14, 14] [1, 1, 1, 1] : memref<1x7x14x14xf32> to memref<1x3x14x14xf32, strided<[1372, 196, 14, 1]>>
  memref.copy %a, %sa : memref<1x3x14x14xf32> to memref<1x3x14x14xf32, strided<[1372, 196, 14, 1]>>
  %sb = memref.subview %y[0, 3, 0, 0] [1, 4, 14, 14] [1, 1, 1, 1] : memref<1x7x14x14xf32> to memref<1x4x14x14xf32, strided<[1372, 196, 14, 1], offset: 588>>
  memref.copy %b, %sb : memref<1x4x14x14xf32> to memref<1x4x14x14xf32, strided<[1372, 196, 14, 1], offset: 588>>
  return
}

// A contiguous copy stays a memcpy; a dynamic shape stays for the default
// lowering, marked "default".
// DECIDE-LABEL: func.func @left_alone(
// DECIDE:       memref.copy %arg0, %arg1 : memref<64xf32> to memref<64xf32>
// DECIDE:       linalg.generic {{.*}}autoconfig.lowering = "default"
// CHECK-LABEL: func.func @left_alone(
// CHECK:       memref.copy %arg0, %arg1 : memref<64xf32> to memref<64xf32>
// CHECK:       linalg.generic
func.func @left_alone(%x: memref<64xf32>, %y: memref<64xf32>, %d: memref<?xf32>) {
  memref.copy %x, %y : memref<64xf32> to memref<64xf32>
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>], iterator_types = ["parallel"]} outs(%d : memref<?xf32>) {
  ^bb0(%out: f32):
    %t = arith.addf %out, %out : f32
    linalg.yield %t : f32
  }
  return
}
