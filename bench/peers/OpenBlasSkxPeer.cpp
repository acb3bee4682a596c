//===- OpenBlasSkxPeer.cpp - OpenBLAS forced to its SkylakeX kernels ------===//
//
// OpenBLAS 0.3.21 may not recognize a CPU newer than itself and then falls
// back to an older core's (AVX2) kernels; OPENBLAS_CORETYPE=SkylakeX selects
// its AVX-512 kernels. Both peers run in one process: see OpenBlas.h.
//
//===----------------------------------------------------------------------===//

#include "OpenBlas.h"

namespace autoconfig {
namespace {

class OpenBlasSkxPeer final : public OpenBlasPeerBase {
public:
  OpenBlasSkxPeer() : OpenBlasPeerBase("SkylakeX") {}
  std::string name() const override { return "openblas-skx"; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    if (!OpenBlasPeerBase::supports(workload, whyNot))
      return false;
    // OpenBLAS does not check that a forced core fits the CPU.
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") ||
        !__builtin_cpu_supports("avx512bw") ||
        !__builtin_cpu_supports("avx512dq") ||
        !__builtin_cpu_supports("avx512vl")) {
      whyNot = "the CPU lacks the AVX-512 subsets of SkylakeX";
      return false;
    }
    return true;
  }
};

PeerRegistration<OpenBlasSkxPeer> registration;

} // namespace
} // namespace autoconfig
