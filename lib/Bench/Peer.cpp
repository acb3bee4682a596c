//===- Peer.cpp - Peer registry -------------------------------------------===//

#include "autoconfig/Bench/Peer.h"

namespace autoconfig {

std::vector<Peer *> &peerRegistry() {
  static std::vector<Peer *> registry;
  return registry;
}

Peer *findPeer(llvm::StringRef name) {
  for (Peer *peer : peerRegistry())
    if (peer->name() == name)
      return peer;
  return nullptr;
}

} // namespace autoconfig
