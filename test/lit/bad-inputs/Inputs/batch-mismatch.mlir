func.func @bmm(%A: memref<2x8x5xf32>, %B: memref<3x5x16xf32>, %C: memref<2x8x16xf32>) {
  linalg.batch_matmul ins(%A, %B : memref<2x8x5xf32>, memref<3x5x16xf32>) outs(%C : memref<2x8x16xf32>)
  return
}
