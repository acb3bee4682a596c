func.func @conv(%x: memref<1x15x13x6xf32>, %w: memref<3x3x6x10xf32>, %y: memref<1x7x6x10xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : memref<1x15x13x6xf32>, memref<3x3x6x10xf32>) outs(%y : memref<1x7x6x10xf32>)
  return
}
