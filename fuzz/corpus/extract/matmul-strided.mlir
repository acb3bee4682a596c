func.func @strided(%A: memref<8x12xf32, strided<[16, 1], offset: 3>>, %B: memref<12x5xf32>, %C: memref<8x5xf32, strided<[7, 1]>>) {
  linalg.matmul {autoconfig.name = "strided"} ins(%A, %B : memref<8x12xf32, strided<[16, 1], offset: 3>>, memref<12x5xf32>) outs(%C : memref<8x5xf32, strided<[7, 1]>>)
  return
}
