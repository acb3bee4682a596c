func.func @big(%A: memref<46341x46341xf32>, %B: memref<46341x2xf32>, %C: memref<46341x2xf32>) {
  linalg.matmul ins(%A, %B : memref<46341x46341xf32>, memref<46341x2xf32>) outs(%C : memref<46341x2xf32>)
  return
}
