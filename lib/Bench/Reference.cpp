//===- Reference.cpp - Reference results and their comparison -------------===//

#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Pipeline/KernelCompiler.h"

#include <algorithm>
#include <cmath>

namespace autoconfig {

std::vector<void *> WorkloadBuffers::pointers() {
  std::vector<void *> result;
  for (AlignedBuffer &b : operands)
    result.push_back(b.data());
  return result;
}

WorkloadBuffers makeBuffers(const Workload &workload, uint64_t seed) {
  WorkloadBuffers buffers;
  size_t bytes = elementBits(workloadElement(workload)) / 8;
  auto shapes = kernelOperandShapes(workload);
  for (size_t i = 0; i < shapes.size(); ++i) {
    size_t count = 1;
    for (int64_t d : shapes[i])
      count *= size_t(d);
    AlignedBuffer buffer(count, bytes);
    buffer.fillRandom(seed + i);
    buffers.operands.push_back(std::move(buffer));
  }
  buffers.output = shapes.size() - 1;
  return buffers;
}

template <typename T> static double at(const AlignedBuffer &b, size_t i) {
  return double(b.as<T>()[i]);
}

template <typename T>
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
        double c0 = at<T>(c, cBase + size_t(i) * w.n + j);
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

ReferenceResult computeReference(const Workload &workload,
                                 const WorkloadBuffers &initial) {
  ReferenceResult result;
  const auto &w = std::get<GemmWorkload>(workload);
  if (w.element == ElementKind::F64)
    gemmReference<double>(w, initial, result);
  else
    gemmReference<float>(w, initial, result);
  return result;
}

double toleranceFor(const Workload &workload) {
  double unit =
      workloadElement(workload) == ElementKind::F64 ? 0x1p-53 : 0x1p-24;
  double reduction = 1;
  if (const auto *g = std::get_if<GemmWorkload>(&workload))
    reduction = double(g->k);
  // gamma_K bound, doubled for the accumulation into C0 and reassociation.
  return 2.0 * (reduction + 2) * unit;
}

Comparison compareToReference(const Workload &workload,
                              const AlignedBuffer &output,
                              const ReferenceResult &reference) {
  Comparison cmp;
  cmp.tolerance = toleranceFor(workload);
  bool f64 = workloadElement(workload) == ElementKind::F64;
  bool finite = true;
  for (size_t i = 0; i < reference.values.size(); ++i) {
    double got = f64 ? at<double>(output, i) : at<float>(output, i);
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
