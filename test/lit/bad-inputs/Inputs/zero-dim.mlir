func.func @empty(%A: memref<0x8xf32>, %B: memref<8x16xf32>, %C: memref<0x16xf32>) {
  linalg.matmul ins(%A, %B : memref<0x8xf32>, memref<8x16xf32>) outs(%C : memref<0x16xf32>)
  return
}
