//===- OpenBlasPeer.cpp - OpenBLAS (cblas_sgemm), its own kernel choice ---===//

#include "OpenBlas.h"

namespace autoconfig {
namespace {

class OpenBlasPeer final : public OpenBlasPeerBase {
public:
  OpenBlasPeer() : OpenBlasPeerBase(nullptr) {}
  std::string name() const override { return "openblas"; }
};

PeerRegistration<OpenBlasPeer> registration;

} // namespace
} // namespace autoconfig
