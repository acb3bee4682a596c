//===- Runner.cpp - Benchmark one workload against its peers --------------===//

#include "autoconfig/Bench/Runner.h"
#include "autoconfig/Bench/Peer.h"
#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Pipeline/KernelCompiler.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {

const PeerResult *BenchRecord::peer(StringRef name) const {
  for (const PeerResult &p : peers)
    if (p.name == name)
      return &p;
  return nullptr;
}

/// A fresh copy of the initial buffers for one implementation.
static WorkloadBuffers copyBuffers(const WorkloadBuffers &initial) {
  WorkloadBuffers copy;
  copy.output = initial.output;
  for (const AlignedBuffer &b : initial.operands) {
    AlignedBuffer c(b.size(), b.bytes() / std::max<size_t>(b.size(), 1));
    c.copyFrom(b);
    copy.operands.push_back(std::move(c));
  }
  return copy;
}

BenchRecord benchWorkload(const Workload &workload,
                          const BenchOptions &options) {
  BenchRecord record;
  record.workload = workload;
  Machine machine{options.target, options.profile};
  DecideOptions decideOptions;
  decideOptions.override = options.override;
  decideOptions.threads = options.threads;
  auto decision = decide(workload, machine, decideOptions);
  if (!decision) {
    record.error = toString(decision.takeError());
    return record;
  }
  record.decision = std::move(*decision);

  auto kernel = compileKernel(workload, record.decision.config, options.target);
  if (!kernel) {
    record.error = toString(kernel.takeError());
    return record;
  }
  record.compileSeconds = (*kernel)->compileSeconds;

  WorkloadBuffers initial = makeBuffers(workload);
  ReferenceResult reference = computeReference(workload, initial);
  double flops = workloadFlops(workload);

  // Each implementation runs once on fresh buffers for the check, then is
  // timed on its own buffers (accumulating into its output).
  std::vector<WorkloadBuffers> buffers;
  std::vector<std::function<void()>> calls;
  std::vector<int> peerIndex; // -1 = AutoConfig

  buffers.push_back(copyBuffers(initial));
  {
    auto pointers = buffers.back().pointers();
    CompiledKernel *k = kernel->get();
    k->run(pointers);
    Comparison cmp =
        compareToReference(workload, buffers.back().outputBuffer(), reference);
    record.verified = cmp.passed;
    record.maxRelativeError = cmp.maxRelativeError;
    record.tolerance = cmp.tolerance;
    calls.push_back([k, pointers] { k->run(pointers); });
    peerIndex.push_back(-1);
  }

  for (const std::string &name : options.peers) {
    PeerResult result;
    result.name = name;
    Peer *peer = findPeer(name);
    std::string whyNot;
    if (!peer) {
      result.error = "unknown peer";
    } else if (!peer->supports(workload, whyNot)) {
      result.error = whyNot;
    } else {
      WorkloadBuffers mine = copyBuffers(initial);
      auto call = peer->prepare(workload, mine, options.threads);
      if (!call) {
        result.error = toString(call.takeError());
      } else {
        (*call)();
        Comparison cmp =
            compareToReference(workload, mine.outputBuffer(), reference);
        result.verified = cmp.passed;
        result.maxRelativeError = cmp.maxRelativeError;
        result.note = peer->note();
        buffers.push_back(std::move(mine));
        calls.push_back(*call);
        peerIndex.push_back(int(record.peers.size()));
      }
    }
    record.peers.push_back(std::move(result));
  }

  std::vector<TimingStats> stats = timeInterleaved(calls, options.timing);
  for (size_t i = 0; i < calls.size(); ++i) {
    double seconds = stats[i].medianSeconds;
    if (peerIndex[i] < 0) {
      record.measuredSeconds = seconds;
      record.gflops = flops / seconds / 1e9;
      record.relativeSpread = stats[i].relativeSpread;
    } else {
      PeerResult &p = record.peers[peerIndex[i]];
      p.measuredSeconds = seconds;
      p.gflops = flops / seconds / 1e9;
    }
  }
  return record;
}

json::Value toJSON(const BenchRecord &r) {
  json::Object peers;
  for (const PeerResult &p : r.peers) {
    if (!p.error.empty()) {
      peers[p.name] = json::Object{
          {"measured_s", nullptr}, {"gflops", nullptr}, {"error", p.error}};
      continue;
    }
    json::Object o{{"measured_s", p.measuredSeconds},
                   {"gflops", p.gflops},
                   {"verified", p.verified},
                   {"max_rel_err", p.maxRelativeError}};
    if (!p.note.empty())
      o["note"] = p.note;
    peers[p.name] = std::move(o);
  }
  json::Object o{{"workload", workloadName(r.workload)},
                 {"kind", workloadKind(r.workload)},
                 {"shape", workloadShape(r.workload)},
                 {"flops", workloadFlops(r.workload)}};
  if (!r.error.empty()) {
    o["error"] = r.error;
    o["verified"] = false;
    return o;
  }
  o["algorithm"] = r.decision.winner().algorithm;
  o["config"] = r.decision.config.str();
  o["verified"] = r.verified;
  o["max_rel_err"] = r.maxRelativeError;
  o["tolerance"] = r.tolerance;
  o["measured_s"] = r.measuredSeconds;
  o["gflops"] = r.gflops;
  o["spread"] = r.relativeSpread;
  o["predicted_s"] = r.decision.winner().prediction.seconds;
  o["decide_s"] = r.decision.decideSeconds;
  o["compile_s"] = r.compileSeconds;
  o["peers"] = std::move(peers);
  return o;
}

void printBenchTable(ArrayRef<BenchRecord> records, ArrayRef<std::string> peers,
                     raw_ostream &os) {
  size_t nameWidth = 8, configWidth = 6;
  for (const BenchRecord &r : records) {
    nameWidth = std::max(nameWidth, workloadName(r.workload).size());
    if (r.error.empty())
      configWidth = std::max(configWidth, r.decision.config.str().size());
  }
  os << formatv("{0} {1} {2,8} {3,9}", left_justify("workload", nameWidth),
                left_justify("config", configWidth), "GFLOP/s", "pred/meas");
  for (const std::string &p : peers)
    os << formatv(" {0,10}", ("x " + p));
  os << "  verified\n";
  for (const BenchRecord &r : records) {
    os << left_justify(workloadName(r.workload), nameWidth) << " ";
    if (!r.error.empty()) {
      os << "error: " << r.error << "\n";
      continue;
    }
    double predicted = r.decision.winner().prediction.seconds;
    os << formatv("{0} {1,8:f1} {2,9:f2}",
                  left_justify(r.decision.config.str(), configWidth), r.gflops,
                  predicted / r.measuredSeconds);
    for (const std::string &name : peers) {
      const PeerResult *p = r.peer(name);
      if (!p || !p->error.empty() || p->measuredSeconds <= 0)
        os << formatv(" {0,10}", "n/a");
      else
        os << formatv(" {0,10:f2}", p->measuredSeconds / r.measuredSeconds);
    }
    os << "  " << (r.verified ? "yes" : "NO")
       << formatv(" ({0:e1})", r.maxRelativeError) << "\n";
  }
  os << "x PEER = PEER's time / AutoConfig's time (above 1: AutoConfig is "
        "faster). pred/meas = model's predicted time / measured time.\n";
}

} // namespace autoconfig
