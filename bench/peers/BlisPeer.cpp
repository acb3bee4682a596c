//===- BlisPeer.cpp - BLIS (its CBLAS layer), its own sub-configuration ---===//

#include "Blis.h"

namespace autoconfig {
namespace {

class BlisPeer final : public BlisPeerBase {
public:
  std::string name() const override { return "blis"; }
  PeerRole role() const override { return PeerRole::Default; }

private:
  ConfigurationChoice chooseConfiguration() const override { return {}; }
};

PeerRegistration<BlisPeer> registration;

} // namespace
} // namespace autoconfig
