// Functions that do not call each other, each with tensor constants of the
// same types: bufferization makes their globals in an order that followed
// pointer hashes.
func.func @first(%x: tensor<8x16xf32>) -> tensor<8x4xf32> {
  %w = arith.constant dense<0.25> : tensor<16x4xf32>
  %init = arith.constant dense<0.0> : tensor<8x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x4xf32>)
                     outs(%init : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}
func.func @second(%x: tensor<8x16xf32>) -> tensor<8x4xf32> {
  %w = arith.constant dense<0.5> : tensor<16x4xf32>
  %init = arith.constant dense<1.0> : tensor<8x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x4xf32>)
                     outs(%init : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}
func.func @third(%x: tensor<8x16xf32>) -> tensor<8x4xf32> {
  %w = arith.constant dense<0.75> : tensor<16x4xf32>
  %init = arith.constant dense<2.0> : tensor<8x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x4xf32>)
                     outs(%init : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}
