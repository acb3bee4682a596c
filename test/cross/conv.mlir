// Convolution kernels for the cross tests (driver: conv_driver.c). Output +=
// conv(input, weights). Padding is written the way bufferization leaves
// tensor.pad (a zero-filled buffer holding the input), which AutoConfig
// folds into the kernel; widths leave vector tails on every target.

// NCHW/FCHW, 3x3, stride 1, padding 1 (the model picks CB-SM today).
func.func @conv_nchw_p1(%x: memref<1x3x11x13xf32>, %w: memref<5x3x3x3xf32>,
                        %y: memref<1x5x11x13xf32>) {
  %p = memref.alloc() {alignment = 64 : i64} : memref<1x3x13x15xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x3x13x15xf32>)
  %sv = memref.subview %p[0, 0, 1, 1] [1, 3, 11, 13] [1, 1, 1, 1]
      : memref<1x3x13x15xf32>
        to memref<1x3x11x13xf32, strided<[585, 195, 15, 1], offset: 16>>
  memref.copy %x, %sv : memref<1x3x11x13xf32>
      to memref<1x3x11x13xf32, strided<[585, 195, 15, 1], offset: 16>>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>,
                            strides = dense<1> : tensor<2xi64>}
    ins(%p, %w : memref<1x3x13x15xf32>, memref<5x3x3x3xf32>)
    outs(%y : memref<1x5x11x13xf32>)
  memref.dealloc %p : memref<1x3x13x15xf32>
  return
}

// NCHW/FCHW, 3x3, stride 2, padding 1 (im2col + GEMM today).
func.func @conv_nchw_s2p1(%x: memref<1x3x11x13xf32>, %w: memref<5x3x3x3xf32>,
                          %y: memref<1x5x6x7xf32>) {
  %p = memref.alloc() {alignment = 64 : i64} : memref<1x3x13x15xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x3x13x15xf32>)
  %sv = memref.subview %p[0, 0, 1, 1] [1, 3, 11, 13] [1, 1, 1, 1]
      : memref<1x3x13x15xf32>
        to memref<1x3x11x13xf32, strided<[585, 195, 15, 1], offset: 16>>
  memref.copy %x, %sv : memref<1x3x11x13xf32>
      to memref<1x3x11x13xf32, strided<[585, 195, 15, 1], offset: 16>>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>,
                            strides = dense<2> : tensor<2xi64>}
    ins(%p, %w : memref<1x3x13x15xf32>, memref<5x3x3x3xf32>)
    outs(%y : memref<1x5x6x7xf32>)
  memref.dealloc %p : memref<1x3x13x15xf32>
  return
}

// NHWC/HWCF, 3x3, stride 2, padding 1 (blocked direct convolution today).
func.func @conv_nhwc_s2p1(%x: memref<1x11x13x3xf32>, %w: memref<3x3x3x5xf32>,
                          %y: memref<1x6x7x5xf32>) {
  %p = memref.alloc() {alignment = 64 : i64} : memref<1x13x15x3xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x13x15x3xf32>)
  %sv = memref.subview %p[0, 1, 1, 0] [1, 11, 13, 3] [1, 1, 1, 1]
      : memref<1x13x15x3xf32>
        to memref<1x11x13x3xf32, strided<[585, 45, 3, 1], offset: 48>>
  memref.copy %x, %sv : memref<1x11x13x3xf32>
      to memref<1x11x13x3xf32, strided<[585, 45, 3, 1], offset: 48>>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>,
                            strides = dense<2> : tensor<2xi64>}
    ins(%p, %w : memref<1x13x15x3xf32>, memref<3x3x3x5xf32>)
    outs(%y : memref<1x6x7x5xf32>)
  memref.dealloc %p : memref<1x13x15x3xf32>
  return
}

// Depthwise NHWC, 10 channels, 3x3, stride 2, padding 1.
func.func @dwconv_nhwc_s2p1(%x: memref<1x9x11x10xf32>, %w: memref<3x3x10xf32>,
                            %y: memref<1x5x6x10xf32>) {
  %p = memref.alloc() {alignment = 64 : i64} : memref<1x11x13x10xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x11x13x10xf32>)
  %sv = memref.subview %p[0, 1, 1, 0] [1, 9, 11, 10] [1, 1, 1, 1]
      : memref<1x11x13x10xf32>
        to memref<1x9x11x10xf32, strided<[1430, 130, 10, 1], offset: 140>>
  memref.copy %x, %sv : memref<1x9x11x10xf32>
      to memref<1x9x11x10xf32, strided<[1430, 130, 10, 1], offset: 140>>
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>,
                                     strides = dense<2> : tensor<2xi64>}
    ins(%p, %w : memref<1x11x13x10xf32>, memref<3x3x10xf32>)
    outs(%y : memref<1x5x6x10xf32>)
  memref.dealloc %p : memref<1x11x13x10xf32>
  return
}
