// batch_matmul becomes a loop over the batch around the 2-D kernel on
// rank-reduced subviews; a transposed A (stored K x M) is read as A[k, i].
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-avx512" --canonicalize --cse | FileCheck %s

// CHECK-LABEL: func.func @batch(
// CHECK-SAME:      %[[A:.*]]: memref<3x4x5xf32>, %[[B:.*]]: memref<3x5x16xf32>, %[[C:.*]]: memref<3x4x16xf32>
// CHECK-NOT:   linalg.batch_matmul
// CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:   %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:   %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG:   %[[C5:.*]] = arith.constant 5 : index
// CHECK:       scf.for %[[BATCH:[^ ]+]] = %[[C0]] to %[[C3]] step %[[C1]] {
// CHECK-DAG:     %[[SA:.*]] = memref.subview %[[A]][%[[BATCH]], 0, 0] [1, 4, 5] [1, 1, 1] : memref<3x4x5xf32> to memref<4x5xf32, strided<[5, 1], offset: ?>>
// CHECK-DAG:     %[[SB:.*]] = memref.subview %[[B]][%[[BATCH]], 0, 0] [1, 5, 16] [1, 1, 1] : memref<3x5x16xf32> to memref<5x16xf32, strided<[16, 1], offset: ?>>
// CHECK-DAG:     %[[SC:.*]] = memref.subview %[[C]][%[[BATCH]], 0, 0] [1, 4, 16] [1, 1, 1] : memref<3x4x16xf32> to memref<4x16xf32, strided<[16, 1], offset: ?>>
// CHECK-COUNT-4: vector.load %[[SC]]
// CHECK:         scf.for %[[K:[^ ]+]] = %[[C0]] to %[[C5]] step %[[C1]]
// CHECK:           vector.load %[[SB]][%[[K]], %[[C0]]]
// CHECK:           memref.load %[[SA]][%[[C0]], %[[K]]]
// CHECK-COUNT-4:   vector.fma {{.*}} : vector<16xf32>
// CHECK:           scf.yield
// CHECK-COUNT-4: vector.store {{.*}}, %[[SC]]
// CHECK-NEXT:  }
// CHECK-NEXT:  return
func.func @batch(%A: memref<3x4x5xf32>, %B: memref<3x5x16xf32>, %C: memref<3x4x16xf32>) {
  linalg.batch_matmul {autoconfig.config = "broadcast vl=16 ui=4 uj=1 ku=1 mask=1 threads=1"}
    ins(%A, %B : memref<3x4x5xf32>, memref<3x5x16xf32>) outs(%C : memref<3x4x16xf32>)
  return
}

// CHECK-LABEL: func.func @trans_a(
// CHECK-SAME:      %[[A:.*]]: memref<5x4xf32>, %[[B:.*]]: memref<5x16xf32>, %[[C:.*]]: memref<4x16xf32>
// CHECK-NOT:   linalg.matmul
// CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:   %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:   %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:   %[[C3:.*]] = arith.constant 3 : index
// CHECK:       scf.for %[[K:[^ ]+]] =
// CHECK:         vector.load %[[B]][%[[K]], %[[C0]]]
// The k index comes first: A is stored K x M.
// CHECK:         memref.load %[[A]][%[[K]], %[[C0]]] : memref<5x4xf32>
// CHECK:         vector.fma
// CHECK:         memref.load %[[A]][%[[K]], %[[C1]]] : memref<5x4xf32>
// CHECK:         vector.fma
// CHECK:         memref.load %[[A]][%[[K]], %[[C2]]] : memref<5x4xf32>
// CHECK:         vector.fma
// CHECK:         memref.load %[[A]][%[[K]], %[[C3]]] : memref<5x4xf32>
// CHECK:         vector.fma
// CHECK:       return
func.func @trans_a(%A: memref<5x4xf32>, %B: memref<5x16xf32>, %C: memref<4x16xf32>) {
  linalg.matmul
    indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>,
                     affine_map<(d0, d1, d2) -> (d2, d1)>,
                     affine_map<(d0, d1, d2) -> (d0, d1)>]
    ins(%A, %B : memref<5x4xf32>, memref<5x16xf32>) outs(%C : memref<4x16xf32>)
    {autoconfig.config = "broadcast vl=16 ui=4 uj=1 ku=1 mask=1 threads=1"}
  return
}
