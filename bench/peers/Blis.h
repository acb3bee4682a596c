//===- Blis.h - BLIS as a GEMM peer, a chosen sub-configuration -*- C++ -*-===//
//
// Debian's libblis.so.4 is whichever build the alternatives system selects
// (the OpenMP one here), built for the x86_64 configuration family: one
// library holding several sub-configurations (skx, haswell, zen3, ...), of
// which it picks one when it initializes, from the CPU model it recognizes
// or from the environment variable BLIS_ARCH_TYPE. BLIS 0.9 reads that as a
// number, the sub-configuration's arch_t id in blis.h (a name reads as 0,
// skx: BLIS_ARCH_DEBUG=1 shows the choice). A peer that forces one therefore
// loads its own private copy of the library with the variable set and
// initializes it there, so that both settings run in one process.
//
// BLIS exports the same cblas_* symbols as OpenBLAS, hence the isolated
// load. Its API is declared by hand rather than through blis.h, which would
// also declare those CBLAS symbols.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PEERS_BLIS_H
#define AUTOCONFIG_BENCH_PEERS_BLIS_H

#include "CblasGemm.h"

namespace autoconfig {

class BlisPeerBase : public CblasGemmPeer {
public:
  std::string library() const override { return "BLIS"; }
  std::string note() const override;
  /// The sub-configuration BLIS runs (bli_arch_query_id).
  std::string implementation() const override { return configuration; }

protected:
  /// A sub-configuration to force and the ISA it is for ("the host's
  /// AVX2 and FMA"), or no name for the library's own choice (the process's
  /// instance) and why.
  struct ConfigurationChoice {
    std::string name;
    std::string why;
  };
  virtual ConfigurationChoice chooseConfiguration() const = 0;

private:
  llvm::Error load() override;

  ConfigurationChoice forced;
  /// BLIS_ARCH_TYPE of the private copy.
  int forcedId = -1;
  std::string configuration, version, threading;
  /// The process's own instance, kept loaded while a private copy exists.
  std::optional<DynamicLibrary> ordinary;
};

} // namespace autoconfig

#endif
