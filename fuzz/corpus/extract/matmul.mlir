func.func @matmul(%A: memref<48x40xf32>, %B: memref<40x67xf32>, %C: memref<48x67xf32>) {
  linalg.matmul ins(%A, %B : memref<48x40xf32>, memref<40x67xf32>) outs(%C : memref<48x67xf32>)
  return
}
