//===- OpenBlas.h - OpenBLAS as a GEMM peer, with a chosen core -*- C++ -*-===//
//
// OpenBLAS (DYNAMIC_ARCH build) picks its kernels once, when it initializes:
// from the CPU, or from OPENBLAS_CORETYPE if set. A peer that forces a core
// therefore loads its own private copy of the library with the variable set,
// so that both settings run in one process.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PEERS_OPENBLAS_H
#define AUTOCONFIG_BENCH_PEERS_OPENBLAS_H

#include "CblasGemm.h"

namespace autoconfig {

class OpenBlasPeerBase : public CblasGemmPeer {
public:
  std::string library() const override { return "OpenBLAS"; }
  std::string note() const override;
  /// The core OpenBLAS runs (openblas_get_corename).
  std::string implementation() const override;

protected:
  /// An OPENBLAS_CORETYPE value to force and the ISA it is for ("the
  /// host's AVX2 and FMA"), or no core for the library's own choice (the
  /// process's instance) and why.
  struct CoreChoice {
    const char *core = nullptr;
    std::string why;
  };
  virtual CoreChoice chooseCore() const = 0;

private:
  llvm::Error load() override;

  CoreChoice forced;
  const char *(*coreName)() = nullptr;
  /// The process's own instance, kept loaded while a private copy exists.
  std::optional<DynamicLibrary> ordinary;
  /// OPENBLAS_CORETYPE as the environment had it when the library loaded.
  std::string environmentCore;
};

} // namespace autoconfig

#endif
