func.func @mm(%A: memref<8x8xindex>, %B: memref<8x8xindex>, %C: memref<8x8xindex>) {
  linalg.matmul ins(%A, %B : memref<8x8xindex>, memref<8x8xindex>) outs(%C : memref<8x8xindex>)
  return
}
