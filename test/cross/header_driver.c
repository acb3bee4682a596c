/* Calls the functions of header.mlir through the generated header: dynamic
 * sizes in the dense wrappers, scalar results, a memref result and a struct
 * of results. Exit status 0 when every check passes. */
#include "header.h"

#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

static void expect(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "FAIL %s\n", what);
    ++failures;
  }
}

int main(void) {
  float x[7], y[7];
  double expectedSum = 0;
  for (int i = 0; i < 7; ++i) {
    x[i] = (float)i;
    y[i] = 1.0f;
    expectedSum += 1.0 + 0.5 * i;
  }
  float sum = axpy_dense(0.5f, x, 7, y, 7);
  expect(sum == (float)expectedSum && y[6] == 4.0f, "axpy: y += a x, sum");

  double m[3][5];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j)
      m[i][j] = 1.0;
  rows_dense(&m[0][0], 3, 2.0);
  int rowsOk = 1;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j)
      rowsOk &= m[i][j] == 2.0 + i * 5 + j;
  expect(rowsOk, "rows: dynamic row count, static stride 5");

  autoconfig_memref_i32_1d made;
  _mlir_ciface_iota(&made, 9);
  int iotaOk = made.sizes[0] == 9 && made.strides[0] == 1;
  for (int i = 0; iotaOk && i < 9; ++i)
    iotaOk = made.aligned[made.offset + i] == i;
  expect(iotaOk, "iota: memref result through the first pointer");
  free(made.allocated);

  float grid[GRID_RESULT_ELEMENTS];
  grid_dense(grid, 0.5f);
  int gridOk = 1;
  for (int i = 0; i < GRID_RESULT_ELEMENTS; ++i)
    gridOk = gridOk && grid[i] == i + 0.5f;
  expect(gridOk, "grid: static memref result copied by the dense wrapper");

  float value = 3.5f;
  autoconfig_memref_f32_0d scalar = {&value, &value, 0};
  pair_results pair;
  _mlir_ciface_pair(&pair, &scalar, 21);
  expect(pair.result0 == 3.5f && pair.result1 == 42,
         "pair: two results through a struct");

  if (!failures)
    printf("ok   header: dynamic sizes, scalar, memref and struct results\n");
  return failures ? 1 : 0;
}
