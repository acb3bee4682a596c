// A row softmax as torch-mlir emits it after bufferization (max-reduce,
// exp(x - max), sum-reduce, divide): autoconfig-lower-streaming vectorizes
// every op along the row. Reductions keep vector accumulators, reduce them
// horizontally once per row, and mask the tail with the neutral element.
// RUN: autoconfig-opt %s --autoconfig-lower-streaming="target=x86-avx512 rewrite=false" | FileCheck %s --check-prefix=DECIDE
// RUN: autoconfig-opt %s --autoconfig-lower-streaming="target=x86-avx512" --canonicalize --cse | FileCheck %s

// DECIDE-COUNT-2: linalg.fill {autoconfig.lowering = "vector dim=0
// DECIDE: linalg.generic {{.*}}autoconfig.lowering = "vector dim=1 collapse=1 vl={{[0-9]+}} unroll={{[0-9]+}} threads=1"

// CHECK-LABEL: func.func @softmax(
// CHECK-NOT:   linalg.
// The max: vector accumulators, a masked tail (100 = 6 x 16 + 4) filled with
// -inf, one horizontal reduction per row.
// CHECK-DAG:   %[[NINF:.*]] = arith.constant dense<0xFF800000> : vector<16xf32>
// CHECK:       scf.for
// CHECK:         vector.load %arg0{{.*}} : memref<8x100xf32>, vector<16xf32>
// CHECK:         %[[TAILMASK:.*]] = vector.constant_mask [4] : vector<16xi1>
// CHECK:         %[[TAIL:.*]] = vector.maskedload %arg0[%{{.*}}, %c96], %[[TAILMASK]]
// CHECK:         arith.select %[[TAILMASK]], %[[TAIL]], %[[NINF]]
// CHECK:         arith.maximumf {{.*}} : vector<16xf32>
// CHECK:         vector.reduction <maximumf>, {{.*}} : vector<16xf32> into f32
// CHECK:         memref.store {{.*}} : memref<8xf32>
// exp(x - max): the row's max broadcast, exp on vectors.
// CHECK:       scf.for
// CHECK:         vector.broadcast {{.*}} : f32 to vector<16xf32>
// CHECK:         arith.subf {{.*}} : vector<16xf32>
// CHECK:         math.exp {{.*}} : vector<16xf32>
// CHECK:         vector.maskedstore %arg1
// The sum.
// CHECK:       scf.for
// CHECK:         arith.addf {{.*}} : vector<16xf32>
// CHECK:         vector.reduction <add>, {{.*}} : vector<16xf32> into f32
// The divide, in place.
// CHECK:       scf.for
// CHECK:         arith.divf {{.*}} : vector<16xf32>
// CHECK:         vector.store {{.*}}, %arg1
#row = affine_map<(i, j) -> (i, j)>
#red = affine_map<(i, j) -> (i)>
func.func @softmax(%x: memref<8x100xf32>, %y: memref<8x100xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %max = memref.alloc() : memref<8xf32>
  %sum = memref.alloc() : memref<8xf32>
  linalg.fill ins(%ninf : f32) outs(%max : memref<8xf32>)
  linalg.generic {indexing_maps = [#row, #red], iterator_types = ["parallel", "reduction"]}
    ins(%x : memref<8x100xf32>) outs(%max : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  }
  linalg.generic {indexing_maps = [#row, #red, #row], iterator_types = ["parallel", "parallel"]}
    ins(%x, %max : memref<8x100xf32>, memref<8xf32>) outs(%y : memref<8x100xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %d = arith.subf %in, %m : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  }
  linalg.fill ins(%zero : f32) outs(%sum : memref<8xf32>)
  linalg.generic {indexing_maps = [#row, #red], iterator_types = ["parallel", "reduction"]}
    ins(%y : memref<8x100xf32>) outs(%sum : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [#row, #red, #row], iterator_types = ["parallel", "parallel"]}
    ins(%y, %sum : memref<8x100xf32>, memref<8xf32>) outs(%y : memref<8x100xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %q = arith.divf %in, %s : f32
    linalg.yield %q : f32
  }
  memref.dealloc %max : memref<8xf32>
  memref.dealloc %sum : memref<8xf32>
  return
}
