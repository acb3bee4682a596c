//===- Peer.h - Libraries AutoConfig is compared with ------------*- C++
//-*-===//
//
// A peer runs the same workload on the same buffers. Adding one is one file
// in bench/peers/ that defines a Peer and registers it:
//
//     static PeerRegistration<MyPeer> registration;
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PEER_H
#define AUTOCONFIG_BENCH_PEER_H

#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Workload/Workload.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace autoconfig {

class Peer {
public:
  virtual ~Peer() = default;
  /// Short lowercase name used in --peers and in the JSON output.
  virtual std::string name() const = 0;
  /// Whether the library can run this workload; if not, why.
  virtual bool supports(const Workload &workload,
                        std::string &whyNot) const = 0;
  /// Sets up whatever the library needs outside the timed region and
  /// returns the call that computes output += op(inputs) on `buffers`
  /// (same operand order and layout as AutoConfig's kernel).
  virtual llvm::Expected<std::function<void()>>
  prepare(const Workload &workload, WorkloadBuffers &buffers,
          unsigned threads) = 0;
  /// Optional note shown in reports (kernel chosen, environment used).
  virtual std::string note() const { return ""; }
};

/// All linked-in peers, by name.
std::vector<Peer *> &peerRegistry();
Peer *findPeer(llvm::StringRef name);

template <typename T> struct PeerRegistration {
  PeerRegistration() {
    static T instance;
    peerRegistry().push_back(&instance);
  }
};

} // namespace autoconfig

#endif
