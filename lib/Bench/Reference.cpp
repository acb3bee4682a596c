//===- Reference.cpp - Reference results and their comparison -------------===//

#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Pipeline/KernelCompiler.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cmath>

using llvm::StringRef;

namespace autoconfig {

std::vector<void *> WorkloadBuffers::pointers() {
  std::vector<void *> result;
  for (AlignedBuffer &b : operands)
    result.push_back(b.data());
  return result;
}

WorkloadBuffers cloneBuffers(const WorkloadBuffers &buffers) {
  WorkloadBuffers copy;
  copy.output = buffers.output;
  for (const AlignedBuffer &b : buffers.operands) {
    AlignedBuffer c(b.size(), b.size() ? b.bytes() / b.size() : 4);
    c.copyFrom(b);
    copy.operands.push_back(std::move(c));
  }
  return copy;
}

WorkloadBuffers makeBuffers(const Workload &workload, uint64_t seed) {
  WorkloadBuffers buffers;
  auto shapes = kernelOperandShapes(workload);
  for (size_t i = 0; i < shapes.size(); ++i) {
    size_t count = 1;
    for (int64_t d : shapes[i])
      count *= size_t(d);
    // The inputs, then the output.
    ElementKind element = i + 1 < shapes.size()
                              ? workloadElement(workload)
                              : workloadOutputElement(workload);
    AlignedBuffer buffer(count, elementBits(element) / 8);
    // Integers over the whole i8 range (an i32 C small enough that the sums
    // stay exact in the f64 reference).
    if (element == ElementKind::I8)
      buffer.fillRandomIntegers(seed + i, -128, 127);
    else if (element == ElementKind::I32)
      buffer.fillRandomIntegers(seed + i, -1000, 1000);
    else
      buffer.fillRandom(seed + i);
    buffers.operands.push_back(std::move(buffer));
  }
  buffers.output = shapes.size() - 1;
  return buffers;
}

template <typename T> static double at(const AlignedBuffer &b, size_t i) {
  return double(b.as<T>()[i]);
}

template <typename T, typename Out = T>
static void gemmReference(const GemmWorkload &w, const WorkloadBuffers &in,
                          ReferenceResult &out) {
  const AlignedBuffer &a = in.operands[0], &b = in.operands[1],
                      &c = in.operands[2];
  size_t mn = size_t(w.m) * w.n;
  out.values.assign(mn * w.batch, 0);
  out.magnitude.assign(mn * w.batch, 0);
  std::vector<double> row(w.n), mag(w.n);
  for (int64_t bt = 0; bt < w.batch; ++bt) {
    size_t aBase = size_t(bt) * w.m * w.k, bBase = size_t(bt) * w.k * w.n,
           cBase = size_t(bt) * mn;
    for (int64_t i = 0; i < w.m; ++i) {
      for (int64_t j = 0; j < w.n; ++j) {
        double c0 = at<Out>(c, cBase + size_t(i) * w.n + j);
        row[j] = c0;
        mag[j] = std::fabs(c0);
      }
      for (int64_t k = 0; k < w.k; ++k) {
        double av = at<T>(
            a, aBase + (w.transA ? size_t(k) * w.m + i : size_t(i) * w.k + k));
        for (int64_t j = 0; j < w.n; ++j) {
          double bv = at<T>(b, bBase + (w.transB ? size_t(j) * w.k + k
                                                 : size_t(k) * w.n + j));
          row[j] += av * bv;
          mag[j] += std::fabs(av * bv);
        }
      }
      for (int64_t j = 0; j < w.n; ++j) {
        out.values[cBase + size_t(i) * w.n + j] = row[j];
        out.magnitude[cBase + size_t(i) * w.n + j] = mag[j];
      }
    }
  }
}

/// Element offset of (n, c, h, w) in a 4-D tensor of the given layout
/// ("nchw" or "nhwc") and sizes; single-channel "hw" ignores n and c.
static size_t offset4(ConvLayout layout, int64_t n, int64_t c, int64_t h,
                      int64_t w, int64_t C, int64_t H, int64_t W) {
  if (layout == ConvLayout::Hw)
    return size_t(h) * W + w;
  if (isChannelsLast(layout))
    return ((size_t(n) * H + h) * W + w) * C + c;
  return ((size_t(n) * C + c) * H + h) * W + w;
}

/// Filter element (f, c, kh, kw) in the workload's filter layout; `c` is the
/// channel within the group.
static size_t filterOffset(const ConvWorkload &w, int64_t f, int64_t c,
                           int64_t kh, int64_t kw) {
  int64_t cg = w.c / w.groups;
  if (w.layout == ConvLayout::Hw)
    return size_t(kh) * w.kw + kw;
  if (w.layout == ConvLayout::NchwFchw)
    return ((size_t(f) * cg + c) * w.kh + kh) * w.kw + kw;
  if (w.layout == ConvLayout::NhwcHwcf)
    return ((size_t(kh) * w.kw + kw) * cg + c) * w.f + f;
  if (w.layout == ConvLayout::NhwcFhwc)
    return ((size_t(f) * w.kh + kh) * w.kw + kw) * cg + c;
  if (w.layout == ConvLayout::NhwcHwc) // depthwise: channel f
    return (size_t(kh) * w.kw + kw) * w.c + f;
  return (size_t(f) * w.kh + kh) * w.kw + kw; // nchw_chw
}

template <typename T, typename Out = T>
static void convReference(const ConvWorkload &w, const WorkloadBuffers &in,
                          ReferenceResult &out) {
  const AlignedBuffer &x = in.operands[0], &f = in.operands[1],
                      &y = in.operands[2];
  int64_t oh = w.outH(), ow = w.outW(), cg = w.c / w.groups,
          fg = w.f / w.groups;
  ConvLayout layout = w.layout;
  out.values.assign(y.size(), 0);
  out.magnitude.assign(y.size(), 0);
  for (int64_t n = 0; n < w.n; ++n)
    for (int64_t o = 0; o < w.f; ++o) {
      int64_t g = o / fg;
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          size_t yo = offset4(layout, n, o, i, j, w.f, oh, ow);
          double sum = at<Out>(y, yo), mag = std::fabs(sum);
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t kh = 0; kh < w.kh; ++kh) {
              int64_t ih = i * w.strideH - w.padTop + kh * w.dilationH;
              if (ih < 0 || ih >= w.h)
                continue;
              for (int64_t kw = 0; kw < w.kw; ++kw) {
                int64_t iw = j * w.strideW - w.padLeft + kw * w.dilationW;
                if (iw < 0 || iw >= w.w)
                  continue;
                double xv = at<T>(
                    x, offset4(layout, n, g * cg + c, ih, iw, w.c, w.h, w.w));
                double fv = at<T>(f, filterOffset(w, o, c, kh, kw));
                sum += xv * fv;
                mag += std::fabs(xv * fv);
              }
            }
          out.values[yo] = sum;
          out.magnitude[yo] = mag;
        }
    }
}

ReferenceResult computeReference(const Workload &workload,
                                 const WorkloadBuffers &initial) {
  ReferenceResult result;
  if (const auto *conv = std::get_if<ConvWorkload>(&workload)) {
    if (conv->element == ElementKind::F64)
      convReference<double>(*conv, initial, result);
    else if (conv->element == ElementKind::BF16)
      convReference<BFloat16, float>(*conv, initial, result);
    else if (conv->element == ElementKind::I8)
      convReference<int8_t, int32_t>(*conv, initial, result);
    else
      convReference<float>(*conv, initial, result);
    return result;
  }
  const auto &w = std::get<GemmWorkload>(workload);
  if (w.element == ElementKind::F64)
    gemmReference<double>(w, initial, result);
  else if (w.element == ElementKind::BF16)
    gemmReference<BFloat16, float>(w, initial, result);
  else if (w.element == ElementKind::I8)
    gemmReference<int8_t, int32_t>(w, initial, result);
  else
    gemmReference<float>(w, initial, result);
  return result;
}

double toleranceFor(const Workload &workload) {
  // Integer products and sums are exact (i32 holds them: |sum| < 2^14 K).
  if (isIntegerElement(workloadOutputElement(workload)))
    return 0;
  // The unit roundoff of the accumulation: bf16 inputs are exact in the
  // reference (it reads the same rounded values), their products exact in
  // f32, and the sums rounded in f32 (Intel SDM, VDPBF16PS).
  double unit =
      workloadOutputElement(workload) == ElementKind::F64 ? 0x1p-53 : 0x1p-24;
  double reduction = 1;
  if (const auto *g = std::get_if<GemmWorkload>(&workload))
    reduction = double(g->k);
  if (const auto *c = std::get_if<ConvWorkload>(&workload))
    reduction = double(c->c / c->groups) * c->kh * c->kw;
  // gamma_K bound, doubled for the accumulation into C0 and reassociation.
  return 2.0 * (reduction + 2) * unit;
}

Comparison compareToReference(const Workload &workload,
                              const AlignedBuffer &output,
                              const ReferenceResult &reference) {
  Comparison cmp;
  cmp.tolerance = toleranceFor(workload);
  ElementKind out = workloadOutputElement(workload);
  bool f64 = out == ElementKind::F64, i32 = out == ElementKind::I32;
  bool finite = true;
  for (size_t i = 0; i < reference.values.size(); ++i) {
    double got = f64   ? at<double>(output, i)
                 : i32 ? at<int32_t>(output, i)
                       : at<float>(output, i);
    if (!std::isfinite(got)) {
      finite = false;
      cmp.maxRelativeError = INFINITY;
      cmp.worstIndex = i;
      break;
    }
    double err = std::fabs(got - reference.values[i]) /
                 std::max(reference.magnitude[i], 1e-30);
    if (err > cmp.maxRelativeError) {
      cmp.maxRelativeError = err;
      cmp.worstIndex = i;
    }
  }
  cmp.passed = finite && cmp.maxRelativeError <= cmp.tolerance;
  return cmp;
}

} // namespace autoconfig
