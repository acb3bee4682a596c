func.func @mm(%A: tensor<17x9xf64>, %B: tensor<9x31xf64>, %C: tensor<17x31xf64>) -> tensor<17x31xf64> {
  %0 = linalg.matmul ins(%A, %B : tensor<17x9xf64>, tensor<9x31xf64>) outs(%C : tensor<17x31xf64>) -> tensor<17x31xf64>
  return %0 : tensor<17x31xf64>
}
