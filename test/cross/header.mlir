// Signatures the C header of `autoconfig compile` handles: dynamic sizes,
// scalars in and out, a memref result, several results, and functions C
// cannot call. header_driver.c calls them natively; the CHECK lines are
// FileCheck'ed against the header.

// CHECK:      #ifndef AUTOCONFIG_HEADER_H
// CHECK:      typedef struct autoconfig_memref_f32_1d {
// CHECK-NEXT:   float *allocated;
// CHECK-NEXT:   float *aligned;
// CHECK-NEXT:   int64_t offset;
// CHECK-NEXT:   int64_t sizes[1];
// CHECK-NEXT:   int64_t strides[1];
// CHECK:      typedef struct autoconfig_memref_f64_2d {
// CHECK:      typedef struct autoconfig_memref_i32_1d {
// CHECK:      typedef struct autoconfig_memref_f32_0d {
// CHECK-NEXT:   float *allocated;
// CHECK-NEXT:   float *aligned;
// CHECK-NEXT:   int64_t offset;
// CHECK-NEXT: } autoconfig_memref_f32_0d;
// CHECK:      typedef struct autoconfig_unranked_memref {

// y += a * x, returns the sum of the new y.
// CHECK:      float _mlir_ciface_axpy(float arg0, autoconfig_memref_f32_1d *arg1, autoconfig_memref_f32_1d *arg2);
// CHECK:      static inline float axpy_dense(float arg0, float *arg1, int64_t arg1_size0, float *arg2, int64_t arg2_size0) {
// CHECK-NEXT:   autoconfig_memref_f32_1d arg1_desc = {arg1, arg1, 0, {arg1_size0}, {1}};
// CHECK:        return _mlir_ciface_axpy(arg0, &arg1_desc, &arg2_desc);
func.func @axpy(%a: f32, %x: memref<?xf32>, %y: memref<?xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %n = memref.dim %x, %c0 : memref<?xf32>
  %sum = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> f32 {
    %xi = memref.load %x[%i] : memref<?xf32>
    %yi = memref.load %y[%i] : memref<?xf32>
    %p = arith.mulf %a, %xi : f32
    %s = arith.addf %yi, %p : f32
    memref.store %s, %y[%i] : memref<?xf32>
    %next = arith.addf %acc, %s : f32
    scf.yield %next : f32
  }
  return %sum : f32
}

// m[i][j] = m[i][j] * s + i * 5 + j, with a dynamic row count.
// CHECK:      static inline void rows_dense(double *arg0, int64_t arg0_size0, double arg1) {
// CHECK-NEXT:   autoconfig_memref_f64_2d arg0_desc = {arg0, arg0, 0, {arg0_size0, 5}, {5, 1}};
func.func @rows(%m: memref<?x5xf64>, %s: f64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %rows = memref.dim %m, %c0 : memref<?x5xf64>
  scf.for %i = %c0 to %rows step %c1 {
    scf.for %j = %c0 to %c5 step %c1 {
      %v = memref.load %m[%i, %j] : memref<?x5xf64>
      %scaled = arith.mulf %v, %s : f64
      %base = arith.muli %i, %c5 : index
      %k = arith.addi %base, %j : index
      %ki = arith.index_cast %k : index to i64
      %kf = arith.sitofp %ki : i64 to f64
      %r = arith.addf %scaled, %kf : f64
      memref.store %r, %m[%i, %j] : memref<?x5xf64>
    }
  }
  return
}

// A new buffer [0, 1, ..., n-1]: the memref comes back through a pointer.
// CHECK:      void _mlir_ciface_iota(autoconfig_memref_i32_1d *result, int64_t arg0);
// CHECK:      /* No iota_dense: it returns several results or a memref of dynamic shape;
func.func @iota(%n: index) -> memref<?xi32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %buffer = memref.alloc(%n) : memref<?xi32>
  scf.for %i = %c0 to %n step %c1 {
    %v = arith.index_cast %i : index to i32
    memref.store %v, %buffer[%i] : memref<?xi32>
  }
  return %buffer : memref<?xi32>
}

// A new buffer of static shape: the dense wrapper copies it into the
// caller's buffer and frees it.
// CHECK:      #define GRID_RESULT_ELEMENTS 6
// CHECK:      static inline void grid_dense(float *result, float arg0) {
// CHECK:        _mlir_ciface_grid(&r, arg0);
// CHECK:        free(r.allocated);
func.func @grid(%s: f32) -> memref<2x3xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %buffer = memref.alloc() : memref<2x3xf32>
  scf.for %i = %c0 to %c2 step %c1 {
    scf.for %j = %c0 to %c3 step %c1 {
      %row = arith.muli %i, %c3 : index
      %k = arith.addi %row, %j : index
      %ki = arith.index_cast %k : index to i64
      %kf = arith.sitofp %ki : i64 to f32
      %v = arith.addf %kf, %s : f32
      memref.store %v, %buffer[%i, %j] : memref<2x3xf32>
    }
  }
  return %buffer : memref<2x3xf32>
}

// Several results: a struct through a pointer; a rank-0 memref argument.
// CHECK:      typedef struct pair_results {
// CHECK-NEXT:   float result0;
// CHECK-NEXT:   int64_t result1;
// CHECK-NEXT: } pair_results;
// CHECK-NEXT: void _mlir_ciface_pair(pair_results *result, autoconfig_memref_f32_0d *arg0, int64_t arg1);
func.func @pair(%x: memref<f32>, %k: i64) -> (f32, i64) {
  %v = memref.load %x[] : memref<f32>
  %two = arith.constant 2 : i64
  %k2 = arith.muli %k, %two : i64
  return %v, %k2 : f32, i64
}

// CHECK:      void _mlir_ciface_unranked(autoconfig_unranked_memref *arg0);
// CHECK:      /* No unranked_dense: argument 0 is an unranked memref. */
func.func @unranked(%u: memref<*xf32>) {
  return
}

// CHECK:      /* No strided_dense: argument 0 (memref<4x4xf32, strided<[8, 1]>>) is not dense row-major. */
func.func @strided(%m: memref<4x4xf32, strided<[8, 1]>>) {
  return
}

// CHECK:      /* not.c is not declared: its name is not a C identifier. */
func.func @"not.c"() {
  return
}

// CHECK:      /* takes_vector is not declared: argument 0: type 'vector<4xf32>' has no C equivalent. */
func.func @takes_vector(%v: vector<4xf32>) {
  return
}

// Private functions are not part of the interface.
// CHECK-NOT:  helper
func.func private @helper() {
  return
}
