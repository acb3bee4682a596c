func.func @mm(%A: memref<8x8xi8>, %B: memref<8x8xi8>, %C: memref<8x8xi8>) {
  linalg.matmul ins(%A, %B : memref<8x8xi8>, memref<8x8xi8>) outs(%C : memref<8x8xi8>)
  return
}
