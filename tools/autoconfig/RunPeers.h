//===- RunPeers.h - Whole-program peers of `autoconfig run` -----*- C++ -*-===//
//
// The peers of `run` execute the same program (parsed afresh, TOSA lowered
// to linalg on tensors) on the same inputs; their outputs are checked
// against the reference and, with --bench, they are timed in the same
// interleaved rounds as AutoConfig. A peer that cannot map the program
// reports the op it cannot map; `run` still reports AutoConfig's figures
// and exits with status 1 (a mismatch: status 2, as --compare).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_TOOLS_RUNPEERS_H
#define AUTOCONFIG_TOOLS_RUNPEERS_H

#include "autoconfig/Bench/ProgramPeer.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/JSON.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace autoconfig::cli {

struct RunPeer {
  std::string name;
  /// Null when the peer could not be built or run; `error` says why.
  std::unique_ptr<ProgramPeer> peer;
  std::string error;
  std::vector<AlignedBuffer> outputs;
  double maxRelativeError = 0;
  bool matches = false;
  std::optional<double> latency;
  /// What its outputs were compared with.
  std::string reference;
};

/// The peers --peers names, built for `entry` of `path` and run once on
/// `inputs`; their outputs compared with `expected` (the default lowering's
/// with --compare, else AutoConfig's, as `reference` says) by `error`
/// against `tolerance`. Nothing when --peers is not given; errors stay per
/// peer.
std::vector<RunPeer> runPeers(
    llvm::StringRef path, llvm::StringRef entry, unsigned threads,
    llvm::ArrayRef<void *> inputs, const std::vector<AlignedBuffer> &expected,
    llvm::StringRef reference,
    llvm::function_ref<double(const AlignedBuffer &, const AlignedBuffer &)>
        error,
    double tolerance);

/// One timed call per peer that ran, for timeInterleaved().
void addPeerCalls(std::vector<RunPeer> &peers, llvm::ArrayRef<void *> inputs,
                  std::vector<std::function<void()>> &calls);

/// "peers": {"onednn": {"latency_s", "matches", "max_rel_err",
/// "compared_with", "plan"} or {"error"}}.
llvm::json::Object peersJson(const std::vector<RunPeer> &peers);

/// One line per peer: its latency and AutoConfig's ratio to it, or its
/// error.
void printPeers(const std::vector<RunPeer> &peers,
                std::optional<double> autoconfigLatency, llvm::raw_ostream &os);

/// The exit status the peers ask for: 0, 1 (a peer failed) or 2 (outputs
/// differ).
int peersStatus(const std::vector<RunPeer> &peers);

} // namespace autoconfig::cli

#endif
