/* infer.c - run one inference of a network compiled by AutoConfig.
 *
 * Build (see examples/README.md):
 *   autoconfig example resnet18 -o model.mlir
 *   autoconfig compile model.mlir --emit=obj -o model.o --header model.h
 *   cc -O2 -I. examples/infer.c model.o -o infer
 *
 * The program calls forward_dense() from the generated header on a
 * deterministic input, or on the raw float32 input file given as the first
 * argument. With a second argument, a raw float32 file of expected outputs
 * (for instance the default lowering's output written by
 * `autoconfig run model.mlir --compare --save-io DIR`), it compares and exits
 * with status 1 when the outputs differ by more than 1e-3 of their scale. */

#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Reads exactly `count` floats from `path`; exits on any mismatch. */
static void readFloats(const char *path, float *data, size_t count) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "infer: error: cannot open '%s'\n", path);
    exit(2);
  }
  size_t got = fread(data, sizeof(float), count, file);
  int extra = fgetc(file);
  fclose(file);
  if (got != count || extra != EOF) {
    fprintf(stderr, "infer: error: '%s' does not hold %zu float32 values\n",
            path, count);
    exit(2);
  }
}

int main(int argc, char **argv) {
  if (argc > 3) {
    fprintf(stderr, "usage: infer [INPUT.f32 [EXPECTED.f32]]\n");
    return 2;
  }
  float *input = malloc(sizeof(float) * FORWARD_ARG0_ELEMENTS);
  float *output = malloc(sizeof(float) * FORWARD_RESULT_ELEMENTS);
  if (!input || !output) {
    fprintf(stderr, "infer: error: out of memory\n");
    return 2;
  }
  if (argc > 1)
    readFloats(argv[1], input, FORWARD_ARG0_ELEMENTS);
  else
    for (size_t i = 0; i < FORWARD_ARG0_ELEMENTS; ++i)
      input[i] = (float)sin(0.01 * (double)i);

  forward_dense(output, input);

  double checksum = 0;
  for (size_t i = 0; i < FORWARD_RESULT_ELEMENTS; ++i)
    checksum += output[i];
  printf("%d outputs, checksum %.6e, first %.6f\n", FORWARD_RESULT_ELEMENTS,
         checksum, output[0]);

  int status = 0;
  if (argc > 2) {
    float *expected = malloc(sizeof(float) * FORWARD_RESULT_ELEMENTS);
    if (!expected) {
      fprintf(stderr, "infer: error: out of memory\n");
      return 2;
    }
    readFloats(argv[2], expected, FORWARD_RESULT_ELEMENTS);
    double maxDiff = 0, scale = 1e-30;
    for (size_t i = 0; i < FORWARD_RESULT_ELEMENTS; ++i) {
      double diff = fabs((double)output[i] - expected[i]);
      if (!(diff <= maxDiff)) /* also catches NaN */
        maxDiff = isnan(diff) ? INFINITY : diff;
      if (fabs(expected[i]) > scale)
        scale = fabs(expected[i]);
    }
    double error = maxDiff / scale;
    status = error <= 1e-3 ? 0 : 1;
    printf("max error %.2e of the output's scale: %s\n", error,
           status == 0 ? "match" : "MISMATCH");
    free(expected);
  }
  free(input);
  free(output);
  return status;
}
