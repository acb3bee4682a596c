// Size classes written by hand (what the configure pass records for a
// dynamic matmul whose ranges one config does not serve): one nest per
// class, each generated for its part of the range, under a chain of scf.if
// on the run-time size the classes split (here K, read from A).
// RUN: autoconfig-opt %s --split-input-file --verify-diagnostics --autoconfig-generate="target=x86-avx512" --canonicalize --cse | FileCheck %s

// CHECK-LABEL: func.func @three_classes(
// CHECK-SAME:      %[[A:.*]]: memref<?x?xf32>, %[[B:.*]]: memref<?x?xf32>, %[[C:.*]]: memref<?x?xf32>
// CHECK-NOT:   linalg.matmul
// CHECK:       %[[K:.*]] = memref.dim %[[A]], %c1
// CHECK:       %[[FIRST:.*]] = arith.cmpi ule, %[[K]], %c15
// CHECK:       scf.if %[[FIRST]] {
// The first class packs nothing; the second and third pack B, in buffers
// for their own largest k blocks (kc = 64 and 256, nc = 64).
// CHECK-NOT:     memref.alloc
// CHECK:       } else {
// CHECK:         %[[SECOND:.*]] = arith.cmpi ule, %[[K]], %c255
// CHECK:         scf.if %[[SECOND]] {
// CHECK:           memref.alloc() {alignment = 64 : i64} : memref<4096xf32>
// CHECK:         } else {
// CHECK:           memref.alloc() {alignment = 64 : i64} : memref<16384xf32>
func.func @three_classes(%A: memref<?x?xf32>, %B: memref<?x?xf32>, %C: memref<?x?xf32>) {
  linalg.matmul {autoconfig.sizes = {K = array<i64: 1, 1024>},
                 autoconfig.size_classes = [
    {sizes = {K = array<i64: 1, 15>}, config = "blocked vl=16 mr=4 nr=32 kc=16 mc=32 nc=64 ku=1 packA=0 packB=0 prefetch=0 threads=1"},
    {sizes = {K = array<i64: 16, 255>}, config = "blocked vl=16 mr=6 nr=32 kc=64 mc=48 nc=64 ku=4 packA=0 packB=1 prefetch=0 threads=1"},
    {sizes = {K = array<i64: 256, 1024>}, config = "blocked vl=16 mr=6 nr=32 kc=256 mc=48 nc=64 ku=4 packA=0 packB=1 prefetch=0 threads=1"}]}
    ins(%A, %B : memref<?x?xf32>, memref<?x?xf32>) outs(%C : memref<?x?xf32>)
  return
}

// -----

// Classes that leave a gap in the range are refused.
func.func @gap(%A: memref<?x?xf32>, %B: memref<?x?xf32>, %C: memref<?x?xf32>) {
  // expected-error @+1 {{the size classes must split one size's range into consecutive parts covering it}}
  linalg.matmul {autoconfig.sizes = {M = array<i64: 1, 64>},
                 autoconfig.size_classes = [
    {sizes = {M = array<i64: 1, 8>}, config = "blocked vl=16 mr=4 nr=32 kc=16 mc=32 nc=64 ku=1 packA=0 packB=0 prefetch=0 threads=1"},
    {sizes = {M = array<i64: 10, 64>}, config = "blocked vl=16 mr=4 nr=32 kc=16 mc=32 nc=64 ku=1 packA=0 packB=0 prefetch=0 threads=1"}]}
    ins(%A, %B : memref<?x?xf32>, memref<?x?xf32>) outs(%C : memref<?x?xf32>)
  return
}

// -----

// Classes that split two sizes are refused.
func.func @two_sizes(%A: memref<?x?xf32>, %B: memref<?x?xf32>, %C: memref<?x?xf32>) {
  // expected-error @+1 {{the size classes must all split the range of one size}}
  linalg.matmul {autoconfig.sizes = {M = array<i64: 1, 64>, N = array<i64: 1, 64>},
                 autoconfig.size_classes = [
    {sizes = {M = array<i64: 1, 8>, N = array<i64: 1, 64>}, config = "blocked vl=16 mr=4 nr=32 kc=16 mc=32 nc=64 ku=1 packA=0 packB=0 prefetch=0 threads=1"},
    {sizes = {M = array<i64: 9, 64>, N = array<i64: 1, 8>}, config = "blocked vl=16 mr=4 nr=32 kc=16 mc=32 nc=64 ku=1 packA=0 packB=0 prefetch=0 threads=1"}]}
    ins(%A, %B : memref<?x?xf32>, memref<?x?xf32>) outs(%C : memref<?x?xf32>)
  return
}

// -----

// Not an array of classes.
func.func @malformed(%A: memref<?x?xf32>, %B: memref<?x?xf32>, %C: memref<?x?xf32>) {
  // expected-error @+1 {{'autoconfig.size_classes' must be an array of}}
  linalg.matmul {autoconfig.size_classes = 3 : i64}
    ins(%A, %B : memref<?x?xf32>, memref<?x?xf32>) outs(%C : memref<?x?xf32>)
  return
}
