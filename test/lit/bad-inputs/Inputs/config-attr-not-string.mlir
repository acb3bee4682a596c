func.func @mm(%A: memref<48x40xf32>, %B: memref<40x67xf32>, %C: memref<48x67xf32>) {
  linalg.matmul {autoconfig.config = 42 : i64}
    ins(%A, %B : memref<48x40xf32>, memref<40x67xf32>) outs(%C : memref<48x67xf32>)
  return
}
