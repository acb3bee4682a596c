func.func @mm(%A: tensor<?x8xf32>, %B: tensor<8x16xf32>, %C: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %0 = linalg.matmul ins(%A, %B : tensor<?x8xf32>, tensor<8x16xf32>) outs(%C : tensor<?x16xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}
