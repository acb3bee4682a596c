// bf16 inputs with an f32 C on AMX: A and B packed into 16x32 bf16 tiles
// (zero-padded past M, N and K), a tm x tn block of 16x16 f32 tiles
// accumulated by tile_mulf (TDPBF16PS), each tile added to C through a
// scratch tile with masked rows of C. Refused where the target has no AMX.
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-amx" --canonicalize --cse | FileCheck %s
// RUN: not autoconfig-opt %s --autoconfig-generate="target=x86-avx512" 2>&1 | FileCheck %s --check-prefix=NO-AMX

// CHECK-LABEL: func.func @amx(
// CHECK-NOT:     linalg.matmul
// B: one column block of nc = 32 (2 x 1 tiles of 16 x 32 k, packed before
// each block's row blocks run); A: 2 x 1 tiles (19 rows, 17 k).
// CHECK-DAG:     memref.alloc() {alignment = 64 : i64} : memref<1024xbf16>
// CHECK-DAG:     memref.alloc() {alignment = 64 : i64} : memref<1024xbf16>
// CHECK:         amx.tile_zero : !amx.tile<16x16xf32>
// CHECK:         amx.tile_load {{.*}} into !amx.tile<16x32xbf16>
// CHECK:         amx.tile_mulf {{.*}} : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
// CHECK:         amx.tile_store
// CHECK:         vector.maskedload
// CHECK:         vector.maskedstore
// CHECK:         return

// i8 inputs, i32 C: tiles of 16 x 64 i8, tile_muli (TDPBSSD), integer adds
// into C.
// CHECK-LABEL: func.func @amx_i8(
// CHECK-DAG:     memref.alloc() {alignment = 64 : i64} : memref<1024xi8>
// CHECK:         amx.tile_zero : !amx.tile<16x16xi32>
// CHECK:         amx.tile_load {{.*}} into !amx.tile<16x64xi8>
// CHECK:         amx.tile_muli {{.*}} : !amx.tile<16x64xi8>, !amx.tile<16x64xi8>, !amx.tile<16x16xi32>
// CHECK:         arith.addi {{.*}} : vector<16xi32>
// CHECK:         return

// NO-AMX: error: autoconfig: algorithm 'amx' does not apply: the target has no AMX-BF16 tiles

func.func @amx(%A: memref<19x17xbf16>, %B: memref<17x40xbf16>, %C: memref<19x40xf32>) {
  linalg.matmul {autoconfig.config = "amx tm=2 tn=2 nc=32"}
    ins(%A, %B : memref<19x17xbf16>, memref<17x40xbf16>) outs(%C : memref<19x40xf32>)
  return
}

func.func @amx_i8(%A: memref<16x64xi8>, %B: memref<64x16xi8>, %C: memref<16x16xi32>) {
  linalg.matmul {autoconfig.config = "amx tm=1 tn=1 nc=16"}
    ins(%A, %B : memref<16x64xi8>, memref<64x16xi8>) outs(%C : memref<16x16xi32>)
  return
}
