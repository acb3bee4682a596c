func.func @copy(%A: memref<4x4xf32>, %B: memref<4x4xf32>) {
  memref.copy %A, %B : memref<4x4xf32> to memref<4x4xf32>
  return
}
