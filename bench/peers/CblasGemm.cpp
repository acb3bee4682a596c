//===- CblasGemm.cpp - A CBLAS library as a GEMM peer ---------------------===//

#include "CblasGemm.h"

namespace autoconfig {

// CBLAS enumerations (netlib cblas.h).
enum { kRowMajor = 101, kNoTrans = 111, kTrans = 112 };

bool CblasGemmPeer::supports(const Workload &workload,
                             std::string &whyNot) const {
  if (!isGemm(workload)) {
    whyNot = "GEMM peer";
    return false;
  }
  return true;
}

llvm::Expected<std::function<void()>>
CblasGemmPeer::prepare(const Workload &workload, WorkloadBuffers &buffers,
                       unsigned threads) {
  if (!loaded)
    if (llvm::Error err = load())
      return std::move(err);
  if (!setThreads)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no way to set the thread count");
  setThreads(threads);
  this->threads = threads;
  const auto w = std::get<GemmWorkload>(workload);
  int ta = w.transA ? kTrans : kNoTrans, tb = w.transB ? kTrans : kNoTrans;
  int lda = w.transA ? w.m : w.k, ldb = w.transB ? w.k : w.n, ldc = w.n;
  size_t strideA = size_t(w.m) * w.k, strideB = size_t(w.k) * w.n,
         strideC = size_t(w.m) * w.n;
  if (w.element == ElementKind::F64) {
    auto *a = buffers.operands[0].as<double>();
    auto *b = buffers.operands[1].as<double>();
    auto *c = buffers.operands[2].as<double>();
    DgemmFn fn = dgemm;
    return [=] {
      for (int64_t i = 0; i < w.batch; ++i)
        fn(kRowMajor, ta, tb, w.m, w.n, w.k, 1.0, a + i * strideA, lda,
           b + i * strideB, ldb, 1.0, c + i * strideC, ldc);
    };
  }
  auto *a = buffers.operands[0].as<float>();
  auto *b = buffers.operands[1].as<float>();
  auto *c = buffers.operands[2].as<float>();
  SgemmFn fn = sgemm;
  return [=] {
    for (int64_t i = 0; i < w.batch; ++i)
      fn(kRowMajor, ta, tb, w.m, w.n, w.k, 1.0f, a + i * strideA, lda,
         b + i * strideB, ldb, 1.0f, c + i * strideC, ldc);
  };
}

} // namespace autoconfig
