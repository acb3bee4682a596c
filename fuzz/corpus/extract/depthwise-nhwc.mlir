func.func @dw(%x: memref<1x12x10x24xf32>, %w: memref<3x3x24xf32>, %y: memref<1x10x8x24xf32>) {
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x12x10x24xf32>, memref<3x3x24xf32>) outs(%y : memref<1x10x8x24xf32>)
  return
}
