//===- BlisBestPeer.cpp - BLIS with the sub-configuration for the ISA -----===//
//
// `blis-best`: BLIS 0.9 takes skx only for the Xeon models whose FMA-unit
// count it knows, and falls back to haswell on the others (a Sapphire Rapids
// reporting a generic model name, for one). This peer forces the
// sub-configuration written for the host's widest ISA, from the features
// the project detects: AVX-512 (F, CD, BW, DQ, VL) -> skx; AVX2 + FMA ->
// zen3, zen2 or zen on those AMD cores, haswell on the others; anything
// else keeps BLIS's own choice. It runs beside `blis` (see Blis.h).
//
//===----------------------------------------------------------------------===//

#include "Blis.h"
#include "HostIsa.h"

namespace autoconfig {
namespace {

class BlisBestPeer final : public BlisPeerBase {
public:
  std::string name() const override { return "blis-best"; }
  PeerRole role() const override { return PeerRole::Strongest; }

private:
  ConfigurationChoice chooseConfiguration() const override {
    const TargetDesc &host = hostTarget();
    if (hasSkylakeAvx512(host))
      return {"skx", "the host's AVX-512 F/CD/BW/DQ/VL"};
    if (!hasAvx2Fma(host))
      return {"", "no AVX2 on the host"};
    switch (unsigned zen = zenGeneration(host)) {
    case 0:
      return {"haswell", "the host's AVX2 and FMA (no AVX-512)"};
    case 1:
      return {"zen", "the host's Zen core (AVX2 and FMA)"};
    case 2:
      return {"zen2", "the host's Zen 2 core (AVX2 and FMA)"};
    default:
      return {"zen3", "the host's Zen " + std::to_string(zen) +
                          " core (AVX2 and FMA, no AVX-512)"};
    }
  }
};

PeerRegistration<BlisBestPeer> registration;

} // namespace
} // namespace autoconfig
