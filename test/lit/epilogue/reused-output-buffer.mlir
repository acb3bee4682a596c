// Bufferization gives the matmuls of a chain of layers one output buffer,
// refilled before each (TorchDynamo's MLP: one zero fill shared by every
// linear layer). An epilogue that reads the buffer into another one still
// fuses when the next use of the buffer overwrites it whole (a fill or a
// copy into it), and does not when the next use reads it.
// RUN: autoconfig-opt %s --autoconfig-fuse-epilogues | FileCheck %s
#id = affine_map<(i, j) -> (i, j)>

// CHECK-LABEL: func.func @refilled
// CHECK: linalg.matmul
// CHECK: linalg.generic {{.*}} attrs = {autoconfig.epilogue}
// CHECK: linalg.fill
// CHECK: linalg.matmul
// CHECK: linalg.generic {{.*}} attrs = {autoconfig.epilogue}
// CHECK: memref.copy
// CHECK: linalg.matmul
func.func @refilled(%a: memref<8x16xf32>, %b: memref<16x16xf32>, %zeros: memref<8x16xf32>,
                    %out1: memref<8x16xf32>, %out2: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %buf = memref.alloc() : memref<8x16xf32>
  linalg.fill ins(%zero : f32) outs(%buf : memref<8x16xf32>)
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x16xf32>) outs(%buf : memref<8x16xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%buf : memref<8x16xf32>) outs(%out1 : memref<8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  linalg.fill ins(%zero : f32) outs(%buf : memref<8x16xf32>)
  linalg.matmul ins(%out1, %b : memref<8x16xf32>, memref<16x16xf32>) outs(%buf : memref<8x16xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%buf : memref<8x16xf32>) outs(%out2 : memref<8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  memref.copy %zeros, %buf : memref<8x16xf32> to memref<8x16xf32>
  linalg.matmul ins(%out2, %b : memref<8x16xf32>, memref<16x16xf32>) outs(%buf : memref<8x16xf32>)
  memref.dealloc %buf : memref<8x16xf32>
  return
}

// CHECK-LABEL: func.func @read_again
// CHECK: linalg.matmul
// CHECK-NOT: autoconfig.epilogue
// CHECK: return
func.func @read_again(%a: memref<8x16xf32>, %b: memref<16x16xf32>,
                      %out1: memref<8x16xf32>, %out2: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %buf = memref.alloc() : memref<8x16xf32>
  linalg.fill ins(%zero : f32) outs(%buf : memref<8x16xf32>)
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x16xf32>) outs(%buf : memref<8x16xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%buf : memref<8x16xf32>) outs(%out1 : memref<8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  // Reads the matmul's result, not an overwrite.
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x16xf32>) outs(%buf : memref<8x16xf32>)
  memref.copy %buf, %out2 : memref<8x16xf32> to memref<8x16xf32>
  memref.dealloc %buf : memref<8x16xf32>
  return
}
