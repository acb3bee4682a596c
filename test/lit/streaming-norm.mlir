// Elementwise with a broadcast operand, layer norm and RMS norm: per-channel
// and per-row operands are loaded once and broadcast, contiguous loops fuse
// into one row, reductions run along the row with vector accumulators.
// RUN: autoconfig-opt %s --autoconfig-lower-streaming="target=x86-avx512 rewrite=false" | FileCheck %s --check-prefix=DECIDE
// RUN: autoconfig-opt %s --autoconfig-lower-streaming="target=x86-avx512" --canonicalize --cse | FileCheck %s

// DECIDE-LABEL: func.func @bias_relu(
// DECIDE:       linalg.generic {{.*}}autoconfig.lowering = "vector dim=3 collapse=2 vl=16

// CHECK-LABEL: func.func @bias_relu(
// CHECK-NOT:   linalg.generic
// H and W (56 x 56) fuse into one row of 3136 = 24 x 128 + 64.
// CHECK:       %[[X:.*]] = memref.collapse_shape %arg0 {{\[}}[0], [1], [2, 3]] : memref<1x64x56x56xf32> into memref<1x64x3136xf32>
// CHECK:       %[[Y:.*]] = memref.collapse_shape %arg2 {{\[}}[0], [1], [2, 3]]
// CHECK:       scf.for %[[C:.*]] = %c0 to %c64 step %c1
// CHECK:         scf.for %[[J:.*]] = %c0 to %c3072 step %c128
// CHECK:           vector.load %[[X]][%c0, %[[C]], %[[J]]] : memref<1x64x3136xf32>, vector<16xf32>
// CHECK:           %[[BIAS:.*]] = memref.load %arg1[%[[C]]] : memref<64xf32>
// CHECK:           vector.broadcast %[[BIAS]] : f32 to vector<16xf32>
// CHECK:           arith.addf {{.*}} : vector<16xf32>
// CHECK:           arith.maximumf {{.*}} : vector<16xf32>
// CHECK:           vector.store {{.*}}, %[[Y]][%c0, %[[C]], %[[J]]]

// CHECK-LABEL: func.func @layer_norm(
// CHECK-NOT:   linalg.
// The mean: eight accumulators along the row of 768, reduced once per row.
// CHECK:       scf.for %[[ROW:.*]] = %c0 to %c128 step %c1
// CHECK:         %{{.*}}:8 = scf.for {{.*}} = %c0 to %c768 step %c128 iter_args
// CHECK-COUNT-8:   arith.addf {{.*}} : vector<16xf32>
// CHECK:         vector.reduction <add>
// CHECK:       arith.divf {{.*}} : vector<16xf32>
// The variance: (x - mean)^2 summed the same way.
// CHECK:       scf.for
// CHECK:         scf.for {{.*}} iter_args
// CHECK:           arith.subf {{.*}} : vector<16xf32>
// CHECK:           arith.mulf {{.*}} : vector<16xf32>
// CHECK:           arith.addf {{.*}} : vector<16xf32>
// CHECK:         vector.reduction <add>
// Normalize: rsqrt of the row's variance stays scalar; gamma and beta are
// contiguous along the row.
// CHECK:       scf.for
// CHECK:         scf.for
// CHECK:           math.rsqrt {{.*}} : f32
// CHECK:           vector.load %arg1[{{.*}}] : memref<768xf32>, vector<16xf32>
// CHECK:           vector.load %arg2[{{.*}}] : memref<768xf32>, vector<16xf32>
// CHECK:           vector.store {{.*}}, %arg3

// CHECK-LABEL: func.func @rms_norm(
// CHECK-NOT:   linalg.
// 33 = 2 x 16 + 1: the tail lane of x * x is added, the others are -0.
// CHECK:       scf.for
// CHECK:         arith.mulf {{.*}} : vector<16xf32>
// CHECK:         vector.constant_mask [1] : vector<16xi1>
// CHECK:         arith.select
// CHECK:         vector.reduction <add>
// CHECK:       scf.for
// CHECK:         math.rsqrt {{.*}} : f32
// CHECK:         vector.maskedstore %arg2
#row = affine_map<(i, j) -> (i, j)>
#red = affine_map<(i, j) -> (i)>
#col = affine_map<(i, j) -> (j)>
func.func @bias_relu(%x: memref<1x64x56x56xf32>, %b: memref<64xf32>, %y: memref<1x64x56x56xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x, %b : memref<1x64x56x56xf32>, memref<64xf32>) outs(%y : memref<1x64x56x56xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  }
  return
}
func.func @layer_norm(%x: memref<128x768xf32>, %g: memref<768xf32>, %b: memref<768xf32>, %y: memref<128x768xf32>) {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 768.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %sum = memref.alloc() : memref<128xf32>
  %mean = memref.alloc() : memref<128xf32>
  %var = memref.alloc() : memref<128xf32>
  linalg.fill ins(%zero : f32) outs(%sum : memref<128xf32>)
  linalg.generic {indexing_maps = [#row, #red], iterator_types = ["parallel", "reduction"]}
    ins(%x : memref<128x768xf32>) outs(%sum : memref<128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
    ins(%sum : memref<128xf32>) outs(%mean : memref<128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %n : f32
    linalg.yield %d : f32
  }
  linalg.fill ins(%zero : f32) outs(%var : memref<128xf32>)
  linalg.generic {indexing_maps = [#row, #red, #red], iterator_types = ["parallel", "reduction"]}
    ins(%x, %mean : memref<128x768xf32>, memref<128xf32>) outs(%var : memref<128xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %d = arith.subf %in, %m : f32
    %s = arith.mulf %d, %d : f32
    %a = arith.addf %s, %out : f32
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [#row, #red, #red, #col, #col, #row], iterator_types = ["parallel", "parallel"]}
    ins(%x, %mean, %var, %g, %b : memref<128x768xf32>, memref<128xf32>, memref<128xf32>, memref<768xf32>, memref<768xf32>) outs(%y : memref<128x768xf32>) {
  ^bb0(%in: f32, %m: f32, %v: f32, %gamma: f32, %beta: f32, %out: f32):
    %vn = arith.divf %v, %n : f32
    %ve = arith.addf %vn, %eps : f32
    %r = math.rsqrt %ve : f32
    %d = arith.subf %in, %m : f32
    %nd = arith.mulf %d, %r : f32
    %sc = arith.mulf %nd, %gamma : f32
    %o = arith.addf %sc, %beta : f32
    linalg.yield %o : f32
  }
  return
}
func.func @rms_norm(%x: memref<7x33xf32>, %g: memref<33xf32>, %y: memref<7x33xf32>) {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 33.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %ss = memref.alloc() : memref<7xf32>
  linalg.fill ins(%zero : f32) outs(%ss : memref<7xf32>)
  linalg.generic {indexing_maps = [#row, #red], iterator_types = ["parallel", "reduction"]}
    ins(%x : memref<7x33xf32>) outs(%ss : memref<7xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %in : f32
    %a = arith.addf %out, %s : f32
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [#row, #red, #col, #row], iterator_types = ["parallel", "parallel"]}
    ins(%x, %ss, %g : memref<7x33xf32>, memref<7xf32>, memref<33xf32>) outs(%y : memref<7x33xf32>) {
  ^bb0(%in: f32, %s: f32, %gamma: f32, %out: f32):
    %m = arith.divf %s, %n : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %o = arith.mulf %in, %r : f32
    %og = arith.mulf %o, %gamma : f32
    linalg.yield %og : f32
  }
  return
}
