// The README's `explain` example: one 64x128x128 f32 matmul on memrefs.
// build/bin/autoconfig explain examples/matmul.mlir
func.func @mm(%a: memref<64x128xf32>, %b: memref<128x128xf32>,
              %c: memref<64x128xf32>) {
  linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x128xf32>)
                outs(%c : memref<64x128xf32>)
  return
}
