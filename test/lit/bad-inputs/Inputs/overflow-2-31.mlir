func.func @big(%A: memref<65536x32768xf32>, %B: memref<32768x4xf32>, %C: memref<65536x4xf32>) {
  linalg.matmul ins(%A, %B : memref<65536x32768xf32>, memref<32768x4xf32>) outs(%C : memref<65536x4xf32>)
  return
}
