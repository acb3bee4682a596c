func.func @f(%a: memref<4x4xf32>) {
  linalg.matmul <1> ins(%a, %a : memref<4x4xf32>, memref<4x4xf32>) outs(%a : memref<4x4xf32>)
  return
}
