func.func @f(%A: memref<4x4xf32>) {
  magic.spell %A : memref<4x4xf32>
  return
}
