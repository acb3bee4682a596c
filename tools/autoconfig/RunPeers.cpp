//===- RunPeers.cpp - Whole-program peers of `autoconfig run` -------------===//

#include "RunPeers.h"

#include "Options.h"
#include "Program.h"

#include "autoconfig/Import/Import.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace autoconfig::cli {

static cl::opt<std::string> peerList(
    "peers",
    cl::desc("Comma-separated whole-program peers run beside AutoConfig on "
             "the same inputs (onednn)"),
    cl::value_desc("LIST"), cl::sub(runCommand()));

/// Builds the peer `name` from a fresh parse of `path`.
static Expected<std::unique_ptr<ProgramPeer>>
createPeer(StringRef name, StringRef path, StringRef entry, unsigned threads) {
  if (name != "onednn")
    return createStringError(inconvertibleErrorCode(),
                             "unknown whole-program peer '" + name +
                                 "' (available: onednn)");
  auto context = createAutoConfigContext();
  installDiagnosticPrinter(*context);
  auto module = parseInputFile(path, *context);
  if (!module)
    return createStringError(inconvertibleErrorCode(),
                             "cannot parse '" + path + "'");
  if (mlir::failed(prepareProgramForPeers(*module)))
    return createStringError(inconvertibleErrorCode(),
                             "TOSA lowering of '" + path + "' failed");
  return createOneDnnProgramPeer(*module, entry, threads);
}

std::vector<RunPeer> runPeers(
    StringRef path, StringRef entry, unsigned threads, ArrayRef<void *> inputs,
    const std::vector<AlignedBuffer> &expected, StringRef reference,
    function_ref<double(const AlignedBuffer &, const AlignedBuffer &)> error,
    double tolerance) {
  std::vector<RunPeer> peers;
  SmallVector<StringRef> names;
  StringRef(peerList).split(names, ',', -1, false);
  for (StringRef name : names) {
    RunPeer &p = peers.emplace_back();
    p.name = name.trim().str();
    p.reference = reference.str();
    auto peer = createPeer(p.name, path, entry, threads);
    if (!peer) {
      p.error = toString(peer.takeError());
      fail("peer " + p.name + ": " + p.error);
      continue;
    }
    std::vector<const void *> in(inputs.begin(), inputs.end());
    if (Error e = (*peer)->run(in, p.outputs)) {
      p.error = toString(std::move(e));
      fail("peer " + p.name + ": " + p.error);
      continue;
    }
    if (p.outputs.size() != expected.size()) {
      p.error = formatv("{0} outputs, {1} expected", p.outputs.size(),
                        expected.size());
      continue;
    }
    for (size_t i = 0; i < expected.size(); ++i)
      p.maxRelativeError =
          std::max(p.maxRelativeError, p.outputs[i].size() == expected[i].size()
                                           ? error(p.outputs[i], expected[i])
                                           : INFINITY);
    p.matches = p.maxRelativeError <= tolerance;
    p.peer = std::move(*peer);
  }
  return peers;
}

void addPeerCalls(std::vector<RunPeer> &peers, ArrayRef<void *> inputs,
                  std::vector<std::function<void()>> &calls) {
  std::vector<const void *> in(inputs.begin(), inputs.end());
  for (RunPeer &p : peers)
    if (p.peer)
      calls.push_back([&p, in] { consumeError(p.peer->run(in, p.outputs)); });
}

json::Object peersJson(const std::vector<RunPeer> &peers) {
  json::Object out;
  for (const RunPeer &p : peers) {
    json::Object o;
    if (!p.peer) {
      o["error"] = p.error;
    } else {
      if (p.latency)
        o["latency_s"] = *p.latency;
      o["matches"] = p.matches;
      o["max_rel_err"] = p.maxRelativeError;
      o["compared_with"] = p.reference;
      json::Array plan;
      for (const std::string &line : p.peer->plan())
        plan.push_back(line);
      o["plan"] = std::move(plan);
    }
    out[p.name] = std::move(o);
  }
  return out;
}

void printPeers(const std::vector<RunPeer> &peers,
                std::optional<double> autoconfigLatency, raw_ostream &os) {
  for (const RunPeer &p : peers) {
    if (!p.peer) {
      os << "peer " << p.name << ": error: " << p.error << "\n";
      continue;
    }
    os << formatv("peer {0}: max error {1:e2} of the output's scale against "
                  "{2}: {3}",
                  p.name, p.maxRelativeError, p.reference,
                  p.matches ? "match" : "MISMATCH");
    if (p.latency) {
      os << formatv("; latency {0:f3} ms", *p.latency * 1e3);
      if (autoconfigLatency)
        os << formatv(" (AutoConfig / {0}: {1:f2})", p.name,
                      *autoconfigLatency / *p.latency);
    }
    os << "\n";
  }
}

int peersStatus(const std::vector<RunPeer> &peers) {
  int status = 0;
  for (const RunPeer &p : peers) {
    if (!p.peer)
      status = std::max(status, 1);
    else if (!p.matches)
      status = std::max(status, 2);
  }
  return status;
}

} // namespace autoconfig::cli
