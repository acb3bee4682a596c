func.func @mm(%A: memref<8x8xcomplex<f32>>, %B: memref<8x8xcomplex<f32>>, %C: memref<8x8xcomplex<f32>>) {
  linalg.matmul ins(%A, %B : memref<8x8xcomplex<f32>>, memref<8x8xcomplex<f32>>) outs(%C : memref<8x8xcomplex<f32>>)
  return
}
