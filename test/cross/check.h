/* Helpers of the cross-test drivers: guarded buffers, deterministic inputs,
 * and the comparison with a double-precision reference.
 *
 * Every buffer sits between two guard zones filled with a sentinel, one
 * float past a 64-byte boundary (so kernels may rely on the element
 * alignment only); a kernel that writes out of bounds or into its inputs
 * fails the test. */
#ifndef AUTOCONFIG_CROSS_CHECK_H
#define AUTOCONFIG_CROSS_CHECK_H

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kGuard = 64 };
static const float kSentinel = -12345.5f;

typedef struct {
  float *base; /* the whole allocation */
  float *data; /* kGuard + 1 floats into it */
  float *copy; /* the contents before the kernel ran */
  size_t count;
} Buffer;

static unsigned long long rngState = 0x9e3779b97f4a7c15ull;

/* Uniform in [-1, 1), the same sequence on every target. */
static float nextUniform(void) {
  rngState = rngState * 6364136223846793005ull + 1442695040888963407ull;
  return (float)((rngState >> 40) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
}

static Buffer newBuffer(size_t count) {
  Buffer b;
  size_t total = count + 2 * kGuard + 1;
  b.base = (float *)aligned_alloc(64, ((total * sizeof(float) + 63) / 64) * 64);
  b.copy = (float *)malloc(count * sizeof(float) + 1);
  if (!b.base || !b.copy) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  for (size_t i = 0; i < total; ++i)
    b.base[i] = kSentinel;
  b.data = b.base + kGuard + 1;
  b.count = count;
  for (size_t i = 0; i < count; ++i)
    b.data[i] = b.copy[i] = nextUniform();
  return b;
}

static void freeBuffer(Buffer *b) {
  free(b->base);
  free(b->copy);
}

/* The guard zones hold the sentinel; an input is also unchanged. */
static int intact(const char *what, const Buffer *b, int isInput) {
  const float *before = b->data - kGuard, *after = b->data + b->count;
  for (int i = 0; i < kGuard; ++i)
    if (before[i] != kSentinel || after[i] != kSentinel) {
      fprintf(stderr, "  %s: write outside the buffer (guard %s, %d)\n", what,
              before[i] != kSentinel ? "before" : "after", i);
      return 0;
    }
  if (isInput && memcmp(b->data, b->copy, b->count * sizeof(float)) != 0) {
    fprintf(stderr, "  %s: the kernel modified an input\n", what);
    return 0;
  }
  return 1;
}

/* Compares out with ref element by element. The bound follows the forward
 * error of a length-`terms` float dot product, |error| <= terms * u *
 * sum|a*b| (Higham, "Accuracy and Stability of Numerical Algorithms", 3.1),
 * with a factor 2 of slack for the kernels' reassociation. */
static int compare(const char *name, const float *out, const double *ref,
                   const double *magnitude, size_t count, int terms) {
  double worst = 0;
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < count; ++i) {
    double tolerance = 2.0 * (terms + 1) * FLT_EPSILON * magnitude[i] + 1e-30;
    double error = fabs((double)out[i] - ref[i]);
    if (!(error <= tolerance)) {
      if (!bad)
        first = i;
      ++bad;
    }
    if (magnitude[i] > 0 && error / magnitude[i] > worst)
      worst = error / magnitude[i];
  }
  if (bad) {
    fprintf(stderr,
            "FAIL %s: %zu of %zu elements off; first at %zu: got %.9g, "
            "expected %.9g\n",
            name, bad, count, first, out[first], ref[first]);
    return 0;
  }
  printf("ok   %s: %zu elements, max relative error %.2e (bound %.2e)\n", name,
         count, worst, 2.0 * (terms + 1) * FLT_EPSILON);
  return 1;
}

#endif
