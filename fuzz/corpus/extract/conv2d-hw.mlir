func.func @blur(%x: memref<23x37xf32>, %w: memref<5x5xf32>, %y: memref<19x33xf32>) {
  linalg.conv_2d ins(%x, %w : memref<23x37xf32>, memref<5x5xf32>) outs(%y : memref<19x33xf32>)
  return
}
