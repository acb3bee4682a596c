func.func @conv(%x: memref<1x64x8192x8192xf32>, %w: memref<64x64x3x3xf32>, %y: memref<1x64x8190x8190xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x64x8192x8192xf32>, memref<64x64x3x3xf32>) outs(%y : memref<1x64x8190x8190xf32>)
  return
}
