/* Cross-test driver for gemm.mlir: calls each kernel through the generated
 * header (MLIR's C interface and the dense wrappers) and checks C += A * B
 * against a double-precision reference. Exit status 0 when all pass. */
#include "gemm.h"

#include "check.h"

/* C[m][n] += sum_k A(i, k) * B(k, j), with B stored K x N or (bt) N x K. */
static int checkGemm(const char *name, int m, int n, int k, int bt,
                     const Buffer *a, const Buffer *b, const Buffer *c) {
  double *ref = (double *)malloc(sizeof(double) * m * n);
  double *magnitude = (double *)malloc(sizeof(double) * m * n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double sum = c->copy[i * n + j], mag = fabs(sum);
      for (int p = 0; p < k; ++p) {
        double x = a->copy[i * k + p];
        double y = bt ? b->copy[j * k + p] : b->copy[p * n + j];
        sum += x * y;
        mag += fabs(x * y);
      }
      ref[i * n + j] = sum;
      magnitude[i * n + j] = mag;
    }
  int ok = compare(name, c->data, ref, magnitude, (size_t)m * n, k) &&
           intact("A", a, 1) && intact("B", b, 1) && intact("C", c, 0);
  free(ref);
  free(magnitude);
  return ok;
}

/* Scalable-vector objects (SVE, RVV) need vectors at least as long as the
 * target description's: the header says how long and how to check. */
static int vectorLengthOk(void) {
#ifdef AUTOCONFIG_GEMM_H_MIN_VECTOR_BITS
  long long bits = (long long)autoconfig_vector_bits();
  if (bits < AUTOCONFIG_GEMM_H_MIN_VECTOR_BITS) {
    fprintf(stderr, "vectors of %lld bits; the code needs %d: not calling it\n",
            bits, AUTOCONFIG_GEMM_H_MIN_VECTOR_BITS);
    return 0;
  }
  printf("vector length %lld bits (the code needs %d)\n", bits,
         AUTOCONFIG_GEMM_H_MIN_VECTOR_BITS);
#endif
  return 1;
}

int main(void) {
  int failures = 0;
  if (!vectorLengthOk())
    return 3;
  {
    /* Through _mlir_ciface_ with explicit descriptors. Their allocated
     * pointers are the allocations, not the data: the kernel must read and
     * write through `aligned`. (The memref types have a static layout, so
     * the offset must be 0 and the strides row-major.) */
    enum { M = 13, N = 35, K = 17 };
    Buffer a = newBuffer(M * K), b = newBuffer(K * N), c = newBuffer(M * N);
    autoconfig_memref_f32_2d da = {a.base, a.data, 0, {M, K}, {K, 1}};
    autoconfig_memref_f32_2d db = {b.base, b.data, 0, {K, N}, {N, 1}};
    autoconfig_memref_f32_2d dc = {c.base, c.data, 0, {M, N}, {N, 1}};
    _mlir_ciface_gemm_auto(&da, &db, &dc);
    failures += !checkGemm("gemm_auto 13x35x17", M, N, K, 0, &a, &b, &c);
    freeBuffer(&a), freeBuffer(&b), freeBuffer(&c);
  }
  {
    enum { M = 29, N = 45, K = 70 };
    Buffer a = newBuffer(M * K), b = newBuffer(K * N), c = newBuffer(M * N);
    gemm_blocked_dense(a.data, b.data, c.data);
    failures += !checkGemm("gemm_blocked 29x45x70", M, N, K, 0, &a, &b, &c);
    freeBuffer(&a), freeBuffer(&b), freeBuffer(&c);
  }
  {
    enum { M = 13, N = 11, K = 37 };
    Buffer a = newBuffer(M * K), b = newBuffer(N * K), c = newBuffer(M * N);
    gemm_dot_bt_dense(a.data, b.data, c.data);
    failures += !checkGemm("gemm_dot_bt 13x11x37", M, N, K, 1, &a, &b, &c);
    freeBuffer(&a), freeBuffer(&b), freeBuffer(&c);
  }
  if (failures)
    fprintf(stderr, "%d GEMM kernel(s) failed\n", failures);
  return failures ? 1 : 0;
}
