func.func @mm(%A: memref<8x5xf32>, %B: memref<6x16xf32>, %C: memref<8x16xf32>) {
  linalg.matmul ins(%A, %B : memref<8x5xf32>, memref<6x16xf32>) outs(%C : memref<8x16xf32>)
  return
}
