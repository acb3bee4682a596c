// Several configurable ops of different kinds in one program, on tensors (so
// that bufferization and the padding fold run too).
func.func @layer(%x: tensor<1x8x20x20xf32>, %w: tensor<16x8x3x3xf32>, %y: tensor<1x16x20x20xf32>,
                 %a: tensor<37x64xf32>, %b: tensor<64x45xf32>, %c: tensor<37x45xf32>,
                 %d: tensor<45x19xf32>, %e: tensor<37x19xf32>)
    -> (tensor<1x16x20x20xf32>, tensor<37x19xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x8x20x20xf32> to tensor<1x8x22x22xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%p, %w : tensor<1x8x22x22xf32>, tensor<16x8x3x3xf32>) outs(%y : tensor<1x16x20x20xf32>) -> tensor<1x16x20x20xf32>
  %ab = linalg.matmul ins(%a, %b : tensor<37x64xf32>, tensor<64x45xf32>) outs(%c : tensor<37x45xf32>) -> tensor<37x45xf32>
  %abd = linalg.matmul ins(%ab, %d : tensor<37x45xf32>, tensor<45x19xf32>) outs(%e : tensor<37x19xf32>) -> tensor<37x19xf32>
  return %conv, %abd : tensor<1x16x20x20xf32>, tensor<37x19xf32>
}
