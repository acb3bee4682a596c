// Tails with mask=1, configs given on the ops: the N tail is one masked
// vector, the M tail a tile of the remaining rows. (mask=0: see
// generate-tail-scalar.mlir.)
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-avx512" --canonicalize --cse | FileCheck %s

// N = 20 = one 16-lane vector and a 4-lane tail; 3 rows.
// CHECK-LABEL: func.func @tail_masked(
// CHECK-SAME:      %[[A:.*]]: memref<3x5xf32>, %[[B:.*]]: memref<5x20xf32>, %[[C:.*]]: memref<3x20xf32>
// CHECK-NOT:   linalg.matmul
// The full vector: plain loads, FMAs and stores.
// CHECK:       vector.load %[[C]][{{.*}}] : memref<3x20xf32>, vector<16xf32>
// CHECK:       scf.for
// CHECK:         vector.load %[[B]]{{.*}} : memref<5x20xf32>, vector<16xf32>
// CHECK:         vector.broadcast {{.*}} : f32 to vector<16xf32>
// CHECK:         vector.fma {{.*}} : vector<16xf32>
// CHECK:       vector.store {{.*}}, %[[C]]
// The tail: a mask of the 4 live lanes on every access to B and C.
// CHECK:       %[[MASK:.*]] = vector.constant_mask [4] : vector<16xi1>
// CHECK:       vector.maskedload %[[C]][%{{.*}}, %[[C16:.*]]], %[[MASK]]
// CHECK:       scf.for
// CHECK:         vector.maskedload %[[B]][%{{.*}}, %[[C16]]], %[[MASK]]
// CHECK:         vector.fma {{.*}} : vector<16xf32>
// CHECK:       vector.maskedstore %[[C]][%{{.*}}, %[[C16]]], %[[MASK]]
// CHECK-COUNT-2: vector.maskedstore %[[C]]
// CHECK-NOT:   vector.store
// CHECK:       return
func.func @tail_masked(%A: memref<3x5xf32>, %B: memref<5x20xf32>, %C: memref<3x20xf32>) {
  linalg.matmul {autoconfig.config = "broadcast vl=16 ui=3 uj=1 ku=1 mask=1 threads=1"}
    ins(%A, %B : memref<3x5xf32>, memref<5x20xf32>) outs(%C : memref<3x20xf32>)
  return
}

// M = 5 with ui = 2: two full row blocks in a loop, then one edge row.
// CHECK-LABEL: func.func @row_tail(
// CHECK-SAME:      %[[A:.*]]: memref<5x3xf32>
// CHECK-DAG:   %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG:   %[[C2:.*]] = arith.constant 2 : index
// CHECK:       scf.for %[[I:.*]] = %{{.*}} to %[[C4]] step %[[C2]]
// CHECK:         scf.for
// CHECK-COUNT-2:   vector.fma {{.*}} : vector<16xf32>
// CHECK:           scf.yield
// The edge row 4: a one-row tile.
// CHECK:       memref.load %[[A]][%[[C4]], %{{.*}}]
// CHECK-NEXT:  vector.broadcast
// CHECK-NEXT:  vector.fma
// CHECK-NEXT:  scf.yield
// CHECK:       return
func.func @row_tail(%A: memref<5x3xf32>, %B: memref<3x16xf32>, %C: memref<5x16xf32>) {
  linalg.matmul {autoconfig.config = "broadcast vl=16 ui=2 uj=1 ku=1 mask=1 threads=1"}
    ins(%A, %B : memref<5x3xf32>, memref<3x16xf32>) outs(%C : memref<5x16xf32>)
  return
}
