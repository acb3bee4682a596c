func.func @empty(%A: memref<4x0xf32>, %B: memref<0x16xf32>, %C: memref<4x16xf32>) {
  linalg.matmul ins(%A, %B : memref<4x0xf32>, memref<0x16xf32>) outs(%C : memref<4x16xf32>)
  return
}
