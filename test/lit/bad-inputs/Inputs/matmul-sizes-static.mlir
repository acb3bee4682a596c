func.func @mm(%A: memref<?x8xf32>, %B: memref<8x16xf32>, %C: memref<?x16xf32>) {
  linalg.matmul {autoconfig.sizes = {K = array<i64: 1, 10>}} ins(%A, %B : memref<?x8xf32>, memref<8x16xf32>) outs(%C : memref<?x16xf32>)
  return
}
