//===- Peer.cpp - Peer registry -------------------------------------------===//

#include "autoconfig/Bench/Peer.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

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

llvm::Expected<std::vector<std::string>> expandPeerList(llvm::StringRef list) {
  std::vector<std::string> names;
  auto add = [&](const std::string &name) {
    if (!llvm::is_contained(names, name))
      names.push_back(name);
  };
  llvm::SmallVector<llvm::StringRef> items;
  list.split(items, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items) {
    item = item.trim();
    if (item == "none")
      continue;
    if (item == "all" || item == "best" || item == "defaults") {
      for (Peer *p : peerRegistry())
        if (item == "all" || (item == "best" && isStrongestRole(p->role())) ||
            (item == "defaults" && isDefaultRole(p->role())))
          add(p->name());
      continue;
    }
    if (!findPeer(item)) {
      std::vector<std::string> known;
      for (Peer *p : peerRegistry())
        known.push_back(p->name());
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "unknown peer '" + item + "' (available: " + llvm::join(known, ", ") +
              "; groups: best, defaults, all, none)");
    }
    add(item.str());
  }
  return names;
}

std::vector<std::string>
secondaryConfigurations(llvm::ArrayRef<std::string> names) {
  std::vector<PeerConfiguration> configurations;
  for (const std::string &name : names)
    if (const Peer *peer = findPeer(name))
      configurations.push_back({name, peer->library(), peer->role()});
  return secondaryConfigurations(configurations);
}

} // namespace autoconfig
