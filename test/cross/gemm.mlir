// GEMM kernels for the cross tests (driver: gemm_driver.c). C += A * B with
// shapes that leave a tail in every dimension for every vector length and
// register tile. The functions carry no llvm.emit_c_interface: `autoconfig
// compile` adds it, and the header declares them.

// The model's own choice for the target.
func.func @gemm_auto(%A: memref<13x17xf32>, %B: memref<17x35xf32>,
                     %C: memref<13x35xf32>) {
  linalg.matmul ins(%A, %B : memref<13x17xf32>, memref<17x35xf32>)
                outs(%C : memref<13x35xf32>)
  return
}

// The register-blocked micro-kernel with both operands packed and several
// cache blocks in every dimension: 29 = 12 + 12 + 5 rows, 45 = 32 + 13
// columns, 70 = 32 + 32 + 6 steps of k (vl is the target's).
func.func @gemm_blocked(%A: memref<29x70xf32>, %B: memref<70x45xf32>,
                        %C: memref<29x45xf32>) {
  linalg.matmul {autoconfig.config = "blocked mr=2 nr=16 kc=32 mc=12 nc=32 packA=1 packB=1"}
    ins(%A, %B : memref<29x70xf32>, memref<70x45xf32>)
    outs(%C : memref<29x45xf32>)
  return
}

// B stored transposed (N x K): the dot-product form with vector reductions.
func.func @gemm_dot_bt(%A: memref<13x37xf32>, %Bt: memref<11x37xf32>,
                       %C: memref<13x11xf32>) {
  linalg.matmul
    indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>,
                     affine_map<(d0, d1, d2) -> (d1, d2)>,
                     affine_map<(d0, d1, d2) -> (d0, d1)>]
    ins(%A, %Bt : memref<13x37xf32>, memref<11x37xf32>)
    outs(%C : memref<13x11xf32>)
    {autoconfig.config = "dot"}
  return
}
