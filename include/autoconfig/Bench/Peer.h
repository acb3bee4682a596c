//===- Peer.h - Libraries AutoConfig is compared with -----------*- C++ -*-===//
//
// A peer runs the same workload on the same buffers. Adding one is one file
// in bench/peers/ that defines a Peer and registers it:
//
//     static PeerRegistration<MyPeer> registration;
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PEER_H
#define AUTOCONFIG_BENCH_PEER_H

#include "autoconfig/Bench/PeerRole.h"
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
  /// The library it runs ("OpenBLAS"): peers of one library are
  /// configurations of it.
  virtual std::string library() const = 0;
  /// Which configuration of its library it is (`--peers best`/`defaults`).
  virtual PeerRole role() const = 0;
  /// Whether the library can run this workload; if not, why.
  virtual bool supports(const Workload &workload,
                        std::string &whyNot) const = 0;
  /// Whether the peer takes inputs of this element type (f32 and f64 unless
  /// it says otherwise; it may still refuse f64 in supports()).
  virtual bool takesElement(ElementKind element) const {
    return element == ElementKind::F32 || element == ElementKind::F64;
  }
  /// takesElement() and supports() together: what the runner asks.
  bool accepts(const Workload &workload, std::string &whyNot) const {
    if (!takesElement(workloadElement(workload))) {
      whyNot = library() + " is not run on " +
               elementName(workloadElement(workload)) + " inputs here";
      return false;
    }
    return supports(workload, whyNot);
  }
  /// Sets up whatever the library needs outside the timed region and
  /// returns the call that computes output += op(inputs) on `buffers`
  /// (same operand order and layout as AutoConfig's kernel).
  virtual llvm::Expected<std::function<void()>>
  prepare(const Workload &workload, WorkloadBuffers &buffers,
          unsigned threads) = 0;
  /// Optional note shown in reports (kernel chosen, environment used).
  virtual std::string note() const { return ""; }
  /// The implementation the library chose for the last prepared workload,
  /// in its own words where it names it (oneDNN's impl_info_str, OpenBLAS's
  /// core name, BLIS's sub-configuration); empty if it does not say.
  virtual std::string implementation() const { return ""; }
};

/// All linked-in peers, by name.
std::vector<Peer *> &peerRegistry();
Peer *findPeer(llvm::StringRef name);

/// Expands a comma-separated `--peers` list into peer names, in order and
/// without repeats. Besides names it takes `best` (the strongest
/// configuration of every library), `defaults` (every library out of the
/// box), `all` and `none`. An unknown name is an error that lists the known
/// ones.
llvm::Expected<std::vector<std::string>> expandPeerList(llvm::StringRef list);

/// secondaryConfigurations() of the registered peers among `names`.
std::vector<std::string>
secondaryConfigurations(llvm::ArrayRef<std::string> names);

template <typename T> struct PeerRegistration {
  PeerRegistration() {
    static T instance;
    peerRegistry().push_back(&instance);
  }
};

} // namespace autoconfig

#endif
