//===- FuzzCommon.h - Shared fixtures of the libFuzzer targets --*- C++ -*-===//
//
// Fixed workloads and targets the fuzzers run every parsed input against,
// and the check that turns a broken invariant into a crash libFuzzer records.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_FUZZ_FUZZCOMMON_H
#define AUTOCONFIG_FUZZ_FUZZCOMMON_H

#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <vector>

namespace autoconfig::fuzz {

/// A broken invariant is a finding: print it and abort, so that libFuzzer
/// saves the input as a crash artifact.
[[noreturn]] inline void invariantFailed(const char *what, const char *file,
                                         int line) {
  llvm::errs() << file << ":" << line << ": fuzz invariant failed: " << what
               << "\n";
  llvm::errs().flush();
  std::abort();
}

#define FUZZ_CHECK(condition)                                                  \
  do {                                                                         \
    if (!(condition))                                                          \
      ::autoconfig::fuzz::invariantFailed(#condition, __FILE__, __LINE__);     \
  } while (false)

/// One matmul and one convolution of every layout, with tails (sizes that
/// are not multiples of any vector length), padding, strides and dilation.
inline const std::vector<Workload> &fixedWorkloads() {
  static const std::vector<Workload> workloads = [] {
    std::vector<Workload> all;
    auto gemm = [&](int64_t b, int64_t m, int64_t n, int64_t k, bool ta,
                    bool tb, ElementKind e) {
      GemmWorkload w;
      w.name = "fuzz_gemm";
      w.opName = b > 1 ? "linalg.batch_matmul" : "linalg.matmul";
      w.batch = b, w.m = m, w.n = n, w.k = k;
      w.transA = ta, w.transB = tb, w.element = e;
      w.setDenseStrides();
      all.push_back(w);
    };
    gemm(1, 67, 45, 33, false, false, ElementKind::F32);
    gemm(1, 13, 100, 29, false, true, ElementKind::F64);
    gemm(3, 17, 31, 9, true, false, ElementKind::F32);
    gemm(1, 1, 257, 64, false, false, ElementKind::F32);
    auto conv = [&](const char *layout, int64_t n, int64_t c, int64_t h,
                    int64_t wd, int64_t f, int64_t k, int64_t stride,
                    int64_t pad, int64_t dilation) {
      ConvWorkload w;
      w.name = "fuzz_conv";
      w.layout = *parseConvLayout(layout);
      w.n = n, w.c = c, w.h = h, w.w = wd, w.f = f, w.kh = k, w.kw = k;
      w.strideH = w.strideW = stride;
      w.padTop = w.padBottom = w.padLeft = w.padRight = pad;
      w.dilationH = w.dilationW = dilation;
      if (llvm::StringRef(layout).ends_with("_hwc") ||
          llvm::StringRef(layout).ends_with("_chw")) {
        w.f = c;
        w.groups = c;
      }
      all.push_back(w);
    };
    conv("hw", 1, 1, 23, 37, 1, 5, 1, 0, 1);
    conv("nchw_fchw", 1, 3, 17, 19, 8, 3, 1, 1, 1);
    conv("nchw_fchw", 2, 5, 14, 14, 7, 3, 2, 1, 2);
    conv("nhwc_hwcf", 1, 6, 15, 13, 10, 3, 2, 0, 1);
    conv("nhwc_fhwc", 1, 8, 9, 11, 5, 1, 1, 0, 1);
    conv("nhwc_hwc", 1, 24, 12, 10, 24, 3, 1, 1, 1);
    conv("nchw_chw", 1, 9, 16, 21, 9, 5, 2, 2, 1);
    return all;
  }();
  return workloads;
}

/// A few presets of different vector widths and register counts.
inline const std::vector<TargetDesc> &fixedTargets() {
  static const std::vector<TargetDesc> targets = [] {
    std::vector<TargetDesc> all;
    for (const char *name : {"x86-avx512", "x86-sse4.2", "aarch64-neon"}) {
      llvm::Expected<TargetDesc> t = getTargetPreset(name);
      if (t)
        all.push_back(std::move(*t));
      else
        llvm::consumeError(t.takeError());
    }
    return all;
  }();
  return targets;
}

} // namespace autoconfig::fuzz

#endif
