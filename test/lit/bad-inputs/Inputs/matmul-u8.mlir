func.func @mm(%A: memref<8x8xi8>, %B: memref<8x8xi8>, %C: memref<8x8xi32>) {
  linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%A, %B : memref<8x8xi8>, memref<8x8xi8>) outs(%C : memref<8x8xi32>)
  return
}
