//===- OpenBlasBestPeer.cpp - OpenBLAS with the core that fits the ISA ----===//
//
// `openblas-best`: OpenBLAS with OPENBLAS_CORETYPE chosen from the host's
// features rather than from the CPU model OpenBLAS recognizes (0.3.21 takes
// a CPU newer than itself for an old one: its SSE3 "Prescott" kernels on a
// Sapphire Rapids). The widest ISA its DYNAMIC_ARCH build has kernels for:
// AVX-512 (F, CD, BW, DQ, VL) -> SkylakeX, AVX2 + FMA -> Haswell; anything
// else keeps OpenBLAS's own choice. A private copy of the library, so that
// it runs beside `openblas` (see OpenBlas.h).
//
//===----------------------------------------------------------------------===//

#include "HostIsa.h"
#include "OpenBlas.h"

namespace autoconfig {
namespace {

class OpenBlasBestPeer final : public OpenBlasPeerBase {
public:
  std::string name() const override { return "openblas-best"; }
  PeerRole role() const override { return PeerRole::Strongest; }

private:
  CoreChoice chooseCore() const override {
    const TargetDesc &host = hostTarget();
    if (hasSkylakeAvx512(host))
      return {"SkylakeX", "the host's AVX-512 F/CD/BW/DQ/VL"};
    if (hasAvx2Fma(host))
      return {"Haswell", "the host's AVX2 and FMA (no AVX-512)"};
    return {nullptr, "no AVX2 on the host"};
  }
};

PeerRegistration<OpenBlasBestPeer> registration;

} // namespace
} // namespace autoconfig
