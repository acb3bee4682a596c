func.func @conv(%x: memref<1x3x8x8xi8>, %w: memref<4x3x3x3xi8>, %y: memref<1x4x6x6xi32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x8x8xi8>, memref<4x3x3x3xi8>) outs(%y : memref<1x4x6x6xi32>)
  return
}
