func.func @bmm(%A: memref<2x?x8xf32>, %B: memref<2x8x16xf32>, %C: memref<2x?x16xf32>) {
  linalg.batch_matmul ins(%A, %B : memref<2x?x8xf32>, memref<2x8x16xf32>) outs(%C : memref<2x?x16xf32>)
  return
}
