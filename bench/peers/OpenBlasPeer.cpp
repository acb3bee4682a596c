//===- OpenBlasPeer.cpp - OpenBLAS (cblas_sgemm), its own kernel choice ---===//

#include "OpenBlas.h"

namespace autoconfig {
namespace {

class OpenBlasPeer final : public OpenBlasPeerBase {
public:
  std::string name() const override { return "openblas"; }
  PeerRole role() const override { return PeerRole::Default; }

private:
  CoreChoice chooseCore() const override { return {}; }
};

PeerRegistration<OpenBlasPeer> registration;

} // namespace
} // namespace autoconfig
