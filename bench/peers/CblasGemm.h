//===- CblasGemm.h - A CBLAS library as a GEMM peer -------------*- C++ -*-===//
//
// OpenBLAS and BLIS both expose cblas_sgemm/cblas_dgemm; this adapter runs
// C += op(A) op(B) through them (batches one matrix at a time).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PEERS_CBLASGEMM_H
#define AUTOCONFIG_BENCH_PEERS_CBLASGEMM_H

#include "DynamicLibrary.h"
#include "autoconfig/Bench/Peer.h"

#include <functional>
#include <optional>

namespace autoconfig {

class CblasGemmPeer : public Peer {
public:
  bool supports(const Workload &workload, std::string &whyNot) const override;
  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override;

protected:
  using SgemmFn = void (*)(int, int, int, int, int, int, float, const float *,
                           int, const float *, int, float, float *, int);
  using DgemmFn = void (*)(int, int, int, int, int, int, double, const double *,
                           int, const double *, int, double, double *, int);

  /// Opens the library and fills the function pointers (once).
  virtual llvm::Error load() = 0;

  SgemmFn sgemm = nullptr;
  DgemmFn dgemm = nullptr;
  /// Sets the library's thread count (the libraries' own calls take
  /// different integer types, hence a wrapper).
  std::function<void(unsigned)> setThreads;
  /// The thread count of the last prepare(), for note().
  unsigned threads = 1;
  /// The instance the calls go to (the process's, or a private copy).
  std::optional<DynamicLibrary> loaded;
};

} // namespace autoconfig

#endif
