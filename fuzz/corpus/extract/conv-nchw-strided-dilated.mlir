func.func @conv(%x: memref<2x5x14x14xf32>, %w: memref<7x5x3x3xf32>, %y: memref<2x7x5x5xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<[2, 2]> : tensor<2xi64>, strides = dense<[2, 2]> : tensor<2xi64>} ins(%x, %w : memref<2x5x14x14xf32>, memref<7x5x3x3xf32>) outs(%y : memref<2x7x5x5xf32>)
  return
}
