//===- PeerRole.h - Which configuration of its library a peer runs -*- C++ -*-//
//
// A comparison is only as honest as its strongest peer, and the defaults are
// what users get without tuning: every peer says which configuration of its
// library it is, `bench --peers best` / `defaults` select by it, and the
// tables put a library's strongest configuration first and its others
// apart. Header-only: the report reads the roles back from `bench --json`
// without linking the peers.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PEERROLE_H
#define AUTOCONFIG_BENCH_PEERROLE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace autoconfig {

enum class PeerRole {
  /// The library's own choices, and nothing stronger is known.
  DefaultAndStrongest,
  /// The library's own choices (kernel detection, its plain API).
  Default,
  /// Its strongest configuration (kernels forced to the CPU's ISA, weights
  /// pre-packed into the library's layout).
  Strongest,
  /// Another configuration, for a particular comparison.
  Variant,
};

inline bool isDefaultRole(PeerRole role) {
  return role == PeerRole::Default || role == PeerRole::DefaultAndStrongest;
}
inline bool isStrongestRole(PeerRole role) {
  return role == PeerRole::Strongest || role == PeerRole::DefaultAndStrongest;
}

/// The names used in `bench --json`.
inline const char *peerRoleName(PeerRole role) {
  switch (role) {
  case PeerRole::DefaultAndStrongest:
    return "default+strongest";
  case PeerRole::Default:
    return "default";
  case PeerRole::Strongest:
    return "strongest";
  case PeerRole::Variant:
    return "variant";
  }
  return "variant";
}
inline std::optional<PeerRole> parsePeerRole(llvm::StringRef name) {
  for (PeerRole role : {PeerRole::DefaultAndStrongest, PeerRole::Default,
                        PeerRole::Strongest, PeerRole::Variant})
    if (name == peerRoleName(role))
      return role;
  return std::nullopt;
}

/// One peer of a comparison, as the tables see it.
struct PeerConfiguration {
  std::string name;
  std::string library;
  PeerRole role;
};

/// The peers that are not their library's strongest configuration while
/// that one is among `peers` too (`openblas` beside `openblas-best`): the
/// tables report them apart, after the strongest of each library.
inline std::vector<std::string>
secondaryConfigurations(llvm::ArrayRef<PeerConfiguration> peers) {
  std::vector<std::string> result;
  for (const PeerConfiguration &p : peers) {
    if (isStrongestRole(p.role))
      continue;
    if (llvm::any_of(peers, [&](const PeerConfiguration &other) {
          return other.library == p.library && isStrongestRole(other.role);
        }))
      result.push_back(p.name);
  }
  return result;
}

} // namespace autoconfig

#endif
