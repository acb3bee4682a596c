// A matmul of sizes known only at run time, with the blocked generator: the
// sizes are read from the memrefs; the nc and mc blocks are one loop each,
// of blocks of run-time size min(block, left); a remainder panel of B is
// packed with masked loads; a remainder of rows runs as tiles of 4 then 1
// rows; a remainder of columns as the full-width tile with every vector
// masked at run time. The whole nest is skipped for an empty size.
// RUN: autoconfig-opt %s --autoconfig-generate="target=x86-avx512" --canonicalize --cse | FileCheck %s

// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME:      %[[A:.*]]: memref<?x?xf32>, %[[B:.*]]: memref<?x?xf32>, %[[C:.*]]: memref<?x?xf32>
// CHECK-NOT:   linalg.matmul
// CHECK-DAG:   %[[M:.*]] = memref.dim %[[C]], %c0
// CHECK-DAG:   %[[N:.*]] = memref.dim %[[C]], %c1
// CHECK-DAG:   %[[K:.*]] = memref.dim %[[A]], %c1
// CHECK:       scf.if
// Buffers for the largest blocks: kc x nc and kc x mc.
// CHECK:         memref.alloc() {alignment = 64 : i64} : memref<8192xf32>
// CHECK:         memref.alloc() {alignment = 64 : i64} : memref<3072xf32>
// CHECK:         scf.for %[[JC:.*]] = %c0 to %[[N]] step %c128
// CHECK:           arith.minui %{{.*}}, %c128
// The B remainder panel: masked loads of the columns left.
// CHECK:           vector.create_mask {{.*}} : vector<16xi1>
// CHECK:           vector.maskedload %[[B]]
// CHECK:           scf.for %{{.*}} = %c0 to %[[M]] step %c48
// CHECK:             arith.minui %{{.*}}, %c48
// The full 6x2 tile (12 accumulators), then the remainders of 4 and 1 rows.
// CHECK:             scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:             scf.for {{.*}} step %c4 {
// CHECK:               -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:             scf.for {{.*}} step %c1 {
// CHECK:               -> (vector<16xf32>, vector<16xf32>)
// The column remainder: every vector of C under a run-time mask.
// CHECK:             vector.create_mask {{.*}} : vector<16xi1>
// CHECK:             vector.maskedload %[[C]]
// CHECK:             vector.maskedstore %[[C]]
// CHECK:       return

func.func @dynamic(%A: memref<?x?xf32>, %B: memref<?x?xf32>, %C: memref<?x?xf32>) {
  linalg.matmul {autoconfig.config = "blocked vl=16 mr=6 nr=32 kc=64 mc=48 nc=128 ku=2 packA=1 packB=1 prefetch=0 threads=1",
                 autoconfig.sizes = {M = array<i64: 1, 1024>, N = array<i64: 1, 1024, 256>}}
    ins(%A, %B : memref<?x?xf32>, memref<?x?xf32>) outs(%C : memref<?x?xf32>)
  return
}

// Only M dynamic (a sequence length), the weights' sizes static: N and K
// blocks keep their static remainders.
// CHECK-LABEL: func.func @dynamic_m(
// CHECK:       memref.dim %{{.*}}, %c0 : memref<?x256xf32>
// CHECK-NOT:   memref.dim
// CHECK:       return
func.func @dynamic_m(%A: memref<?x768xf32>, %B: memref<768x256xf32>, %C: memref<?x256xf32>) {
  linalg.matmul {autoconfig.config = "blocked vl=16 mr=6 nr=32 kc=256 mc=48 nc=256 ku=2 packA=1 packB=1 prefetch=0 threads=1",
                 autoconfig.sizes = {M = array<i64: 1, 2048, 128>}}
    ins(%A, %B : memref<?x768xf32>, memref<768x256xf32>) outs(%C : memref<?x256xf32>)
  return
}
