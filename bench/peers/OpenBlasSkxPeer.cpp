//===- OpenBlasSkxPeer.cpp - OpenBLAS forced to its SkylakeX kernels ------===//
//
// OpenBLAS 0.3.21 may not recognize a CPU newer than itself and then falls
// back to an older core's kernels; OPENBLAS_CORETYPE=SkylakeX selects its
// AVX-512 kernels. Both peers run in one process: see OpenBlas.h.
// `openblas-best` chooses the core from the host's ISA instead.
//
//===----------------------------------------------------------------------===//

#include "HostIsa.h"
#include "OpenBlas.h"

namespace autoconfig {
namespace {

class OpenBlasSkxPeer final : public OpenBlasPeerBase {
public:
  std::string name() const override { return "openblas-skx"; }
  PeerRole role() const override { return PeerRole::Variant; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    if (!OpenBlasPeerBase::supports(workload, whyNot))
      return false;
    // OpenBLAS does not check that a forced core fits the CPU.
    if (!hasSkylakeAvx512(hostTarget())) {
      whyNot = "the CPU lacks the AVX-512 subsets of SkylakeX";
      return false;
    }
    return true;
  }

private:
  CoreChoice chooseCore() const override { return {"SkylakeX", ""}; }
};

PeerRegistration<OpenBlasSkxPeer> registration;

} // namespace
} // namespace autoconfig
