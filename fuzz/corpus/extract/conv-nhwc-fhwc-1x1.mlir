func.func @conv(%x: memref<1x9x11x8xf64>, %w: memref<5x1x1x8xf64>, %y: memref<1x9x11x5xf64>) {
  linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x9x11x8xf64>, memref<5x1x1x8xf64>) outs(%y : memref<1x9x11x5xf64>)
  return
}
