func.func @dw(%x: memref<1x9x16x21xf32>, %w: memref<9x5x5xf32>, %y: memref<1x9x6x9xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : memref<1x9x16x21xf32>, memref<9x5x5xf32>) outs(%y : memref<1x9x6x9xf32>)
  return
}
