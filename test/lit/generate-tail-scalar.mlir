// The N tail with mask=0: one 1-lane vector per remaining column, no masks
// anywhere (targets without cheap masking).
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-avx512" --canonicalize --cse \
// RUN:   | FileCheck %s --implicit-check-not=vector.maskedload \
// RUN:       --implicit-check-not=vector.maskedstore --implicit-check-not=vector.constant_mask

// N = 19 = one 16-lane vector and 3 scalar columns (16, 17, 18); 2 rows.
// CHECK-LABEL: func.func @tail_scalar(
// CHECK-SAME:      %[[A:.*]]: memref<2x5xf32>, %[[B:.*]]: memref<5x19xf32>, %[[C:.*]]: memref<2x19xf32>
// CHECK-DAG:   %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG:   %[[C17:.*]] = arith.constant 17 : index
// CHECK-DAG:   %[[C18:.*]] = arith.constant 18 : index
// CHECK:       scf.for
// CHECK:         vector.fma {{.*}} : vector<16xf32>
// CHECK:       vector.store {{.*}} vector<16xf32>
// CHECK:       scf.for
// CHECK-DAG:     vector.load %[[B]][%{{.*}}, %[[C16]]] : memref<5x19xf32>, vector<1xf32>
// CHECK-DAG:     vector.load %[[B]][%{{.*}}, %[[C17]]] : memref<5x19xf32>, vector<1xf32>
// CHECK-DAG:     vector.load %[[B]][%{{.*}}, %[[C18]]] : memref<5x19xf32>, vector<1xf32>
// CHECK-COUNT-6: vector.fma {{.*}} : vector<1xf32>
// CHECK:       scf.yield
// CHECK-COUNT-6: vector.store {{.*}}, %[[C]]{{.*}} vector<1xf32>
// CHECK:       return
func.func @tail_scalar(%A: memref<2x5xf32>, %B: memref<5x19xf32>, %C: memref<2x19xf32>) {
  linalg.matmul {autoconfig.config = "broadcast vl=16 ui=2 uj=1 ku=1 mask=0 threads=1"}
    ins(%A, %B : memref<2x5xf32>, memref<5x19xf32>) outs(%C : memref<2x19xf32>)
  return
}

