func.func @kernel(%x: memref<1x3x17x19xf32>, %w: memref<8x3x3x3xf32>, %y: memref<1x8x17x19xf32>) {
  %p = memref.alloc() {alignment = 64 : i64} : memref<1x3x19x21xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%p : memref<1x3x19x21xf32>)
  %sv = memref.subview %p[0, 0, 1, 1] [1, 3, 17, 19] [1, 1, 1, 1] : memref<1x3x19x21xf32> to memref<1x3x17x19xf32, strided<[1197, 399, 21, 1], offset: 22>>
  memref.copy %x, %sv : memref<1x3x17x19xf32> to memref<1x3x17x19xf32, strided<[1197, 399, 21, 1], offset: 22>>
  linalg.conv_2d_nchw_fchw {dilations = dense<[1, 1]> : tensor<2xi64>, strides = dense<[1, 1]> : tensor<2xi64>} ins(%p, %w : memref<1x3x19x21xf32>, memref<8x3x3x3xf32>) outs(%y : memref<1x8x17x19xf32>)
  memref.dealloc %p : memref<1x3x19x21xf32>
  return
}
