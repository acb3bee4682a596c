func.func @mm(%A: memref<8x8xbf16>, %B: memref<8x8xbf16>, %C: memref<8x8xbf16>) {
  linalg.matmul ins(%A, %B : memref<8x8xbf16>, memref<8x8xbf16>) outs(%C : memref<8x8xbf16>)
  return
}
