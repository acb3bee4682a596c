func.func @batch(%A: memref<3x5x4xf32>, %B: memref<3x16x5xf32>, %C: memref<3x4x16xf32>) {
  linalg.batch_matmul indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>] ins(%A, %B : memref<3x5x4xf32>, memref<3x16x5xf32>) outs(%C : memref<3x4x16xf32>)
  return
}
