/* Cross-test driver for conv.mlir: calls each convolution through the
 * generated header and checks output += conv(input, weights) against a
 * double-precision reference with zero padding. Exit status 0 when all
 * pass. */
#include "conv.h"

#include "check.h"

/* A convolution's shape; depthwise when c == f == groups. */
typedef struct {
  int n, c, h, w, f, kh, kw, stride, pad, depthwise, nhwc;
} Shape;

static int outH(const Shape *s) {
  return (s->h + 2 * s->pad - s->kh) / s->stride + 1;
}
static int outW(const Shape *s) {
  return (s->w + 2 * s->pad - s->kw) / s->stride + 1;
}

static size_t inputIndex(const Shape *s, int n, int c, int y, int x) {
  return s->nhwc ? (((size_t)n * s->h + y) * s->w + x) * s->c + c
                 : (((size_t)n * s->c + c) * s->h + y) * s->w + x;
}
/* Filters: FCHW (nchw), HWCF (nhwc), HWC (depthwise nhwc). */
static size_t weightIndex(const Shape *s, int f, int c, int y, int x) {
  if (s->depthwise)
    return ((size_t)y * s->kw + x) * s->c + c;
  return s->nhwc ? (((size_t)y * s->kw + x) * s->c + c) * s->f + f
                 : (((size_t)f * s->c + c) * s->kh + y) * s->kw + x;
}
static size_t outputIndex(const Shape *s, int n, int f, int y, int x) {
  return s->nhwc ? (((size_t)n * outH(s) + y) * outW(s) + x) * s->f + f
                 : (((size_t)n * s->f + f) * outH(s) + y) * outW(s) + x;
}

static int checkConv(const char *name, const Shape *s, const Buffer *in,
                     const Buffer *wt, const Buffer *out) {
  int oh = outH(s), ow = outW(s);
  size_t count = (size_t)s->n * s->f * oh * ow;
  double *ref = (double *)malloc(sizeof(double) * count);
  double *magnitude = (double *)malloc(sizeof(double) * count);
  for (int n = 0; n < s->n; ++n)
    for (int f = 0; f < s->f; ++f)
      for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) {
          size_t o = outputIndex(s, n, f, y, x);
          double sum = out->copy[o], mag = fabs(sum);
          int c0 = s->depthwise ? f : 0, c1 = s->depthwise ? f + 1 : s->c;
          for (int c = c0; c < c1; ++c)
            for (int ky = 0; ky < s->kh; ++ky)
              for (int kx = 0; kx < s->kw; ++kx) {
                int iy = y * s->stride + ky - s->pad;
                int ix = x * s->stride + kx - s->pad;
                if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w)
                  continue;
                double p = (double)in->copy[inputIndex(s, n, c, iy, ix)] *
                           wt->copy[weightIndex(s, f, c, ky, kx)];
                sum += p;
                mag += fabs(p);
              }
          ref[o] = sum;
          magnitude[o] = mag;
        }
  int terms = (s->depthwise ? 1 : s->c) * s->kh * s->kw;
  int ok = compare(name, out->data, ref, magnitude, count, terms) &&
           intact("input", in, 1) && intact("weights", wt, 1) &&
           intact("output", out, 0);
  free(ref);
  free(magnitude);
  return ok;
}

typedef void (*DenseConv)(float *, float *, float *);

static int run(const char *name, Shape s, DenseConv kernel) {
  size_t weights =
      s.depthwise ? (size_t)s.kh * s.kw * s.c : (size_t)s.f * s.c * s.kh * s.kw;
  Buffer in = newBuffer((size_t)s.n * s.c * s.h * s.w);
  Buffer wt = newBuffer(weights);
  Buffer out = newBuffer((size_t)s.n * s.f * outH(&s) * outW(&s));
  kernel(in.data, wt.data, out.data);
  int ok = checkConv(name, &s, &in, &wt, &out);
  freeBuffer(&in), freeBuffer(&wt), freeBuffer(&out);
  return ok;
}

/* Scalable-vector objects (SVE, RVV) need vectors at least as long as the
 * target description's: the header says how long and how to check. */
static int vectorLengthOk(void) {
#ifdef AUTOCONFIG_CONV_H_MIN_VECTOR_BITS
  long long bits = (long long)autoconfig_vector_bits();
  if (bits < AUTOCONFIG_CONV_H_MIN_VECTOR_BITS) {
    fprintf(stderr, "vectors of %lld bits; the code needs %d: not calling it\n",
            bits, AUTOCONFIG_CONV_H_MIN_VECTOR_BITS);
    return 0;
  }
  printf("vector length %lld bits (the code needs %d)\n", bits,
         AUTOCONFIG_CONV_H_MIN_VECTOR_BITS);
#endif
  return 1;
}

int main(void) {
  int failures = 0;
  if (!vectorLengthOk())
    return 3;
  /* n, c, h, w, f, kh, kw, stride, pad, depthwise, nhwc */
  failures +=
      !run("conv_nchw_p1 3x11x13 -> 5, 3x3 s1 p1",
           (Shape){1, 3, 11, 13, 5, 3, 3, 1, 1, 0, 0}, conv_nchw_p1_dense);
  failures +=
      !run("conv_nchw_s2p1 3x11x13 -> 5, 3x3 s2 p1",
           (Shape){1, 3, 11, 13, 5, 3, 3, 2, 1, 0, 0}, conv_nchw_s2p1_dense);
  failures +=
      !run("conv_nhwc_s2p1 11x13x3 -> 5, 3x3 s2 p1",
           (Shape){1, 3, 11, 13, 5, 3, 3, 2, 1, 0, 1}, conv_nhwc_s2p1_dense);
  failures +=
      !run("dwconv_nhwc_s2p1 9x11x10, 3x3 s2 p1",
           (Shape){1, 10, 9, 11, 10, 3, 3, 2, 1, 1, 1}, dwconv_nhwc_s2p1_dense);
  if (failures)
    fprintf(stderr, "%d convolution kernel(s) failed\n", failures);
  return failures ? 1 : 0;
}
