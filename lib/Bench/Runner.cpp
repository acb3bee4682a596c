//===- Runner.cpp - Benchmark one workload against its peers --------------===//

#include "autoconfig/Bench/Runner.h"
#include "autoconfig/Bench/Peer.h"
#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Pipeline/KernelCompiler.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {

const PeerResult *BenchRecord::peer(StringRef name) const {
  auto it =
      llvm::find_if(peers, [&](const PeerResult &p) { return p.name == name; });
  return it == peers.end() ? nullptr : &*it;
}

Expected<Workload>
dynamicVariant(const Workload &workload,
               ArrayRef<std::tuple<std::string, SizeRange, int64_t>> ranges) {
  const auto *gemm = std::get_if<GemmWorkload>(&workload);
  if (!gemm)
    return createStringError(inconvertibleErrorCode(),
                             "--dynamic: convolutions with dynamic sizes are "
                             "not supported yet (matmuls only)");
  if (gemm->batch > 1 || gemm->opName == "linalg.batch_matmul")
    return createStringError(inconvertibleErrorCode(),
                             "--dynamic: batched matmuls with dynamic sizes "
                             "are not supported yet");
  GemmWorkload w = *gemm;
  // Configured for the record's sizes: they are the likely ones.
  auto range = [](int64_t size) {
    return SizeRange{1, std::max(kDefaultSizeRange.max, size), size};
  };
  w.mRange = range(w.m);
  // A transposed B keeps N and K static (see the blocked generator).
  if (!w.transB) {
    w.nRange = range(w.n);
    w.kRange = range(w.k);
  }
  for (const auto &[name, given, likely] : ranges) {
    auto [size, dynamic] = name == "M"   ? std::pair{&w.m, &w.mRange}
                           : name == "N" ? std::pair{&w.n, &w.nRange}
                                         : std::pair{&w.k, &w.kRange};
    if (!*dynamic)
      return createStringError(inconvertibleErrorCode(),
                               "--dim-range: " + name +
                                   " stays static with a transposed B");
    if (!given.contains(*size))
      return createStringError(
          inconvertibleErrorCode(),
          formatv("--dim-range: {0} = {1} of {2} is outside the range {3}:{4}",
                  name, *size, workloadName(workload), given.min, given.max));
    *dynamic = given;
    (*dynamic)->likely = likely;
  }
  return Workload(std::move(w));
}

BenchRecord benchWorkload(const Workload &requested,
                          const BenchOptions &options) {
  BenchRecord record;
  record.workload = requested;
  Workload workload = requested;
  if (options.dynamic) {
    auto dynamic = dynamicVariant(requested, options.dynamicRanges);
    if (!dynamic) {
      record.error = toString(dynamic.takeError());
      return record;
    }
    workload = std::move(*dynamic);
    record.workload = workload;
  }
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

  auto kernel = compileKernel(workload, record.decision.config, options.target,
                              record.decision.sizeClasses);
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

  buffers.push_back(cloneBuffers(initial));
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
    } else if (!peer->accepts(workload, whyNot)) {
      result.error = whyNot;
    } else {
      WorkloadBuffers mine = cloneBuffers(initial);
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
        result.implementation = peer->implementation();
        buffers.push_back(std::move(mine));
        calls.push_back(*call);
        peerIndex.push_back(int(record.peers.size()));
      }
    }
    record.peers.push_back(std::move(result));
  }

  // Every other applicable algorithm, with its own derived config.
  std::vector<std::unique_ptr<CompiledKernel>> alternatives;
  std::vector<int> algorithmIndex; // per call, -1 when not an algorithm
  algorithmIndex.assign(calls.size(), -1);
  // Another kernel of the workload, compiled from `config`, run once on
  // fresh buffers for the check and then timed beside the others.
  auto addAlternative = [&](const Config &config, AlgorithmResult &result,
                            const Workload &of) -> Error {
    auto compiled = compileKernel(of, config, options.target);
    if (!compiled)
      return compiled.takeError();
    result.compileSeconds = (*compiled)->compileSeconds;
    WorkloadBuffers mine = cloneBuffers(initial);
    (*compiled)->run(mine.pointers());
    result.verified =
        compareToReference(workload, mine.outputBuffer(), reference).passed;
    CompiledKernel *k = compiled->get();
    std::vector<void *> pointers = mine.pointers();
    buffers.push_back(std::move(mine));
    alternatives.push_back(std::move(*compiled));
    calls.push_back([k, pointers] { k->run(pointers); });
    peerIndex.push_back(-2);
    algorithmIndex.push_back(-1);
    return Error::success();
  };
  if (options.compareAlgorithms) {
    for (const Candidate &c : record.decision.candidates) {
      if (!c.applicable || c.algorithm == "loops")
        continue;
      AlgorithmResult result;
      result.algorithm = c.algorithm;
      result.config = c.config.str();
      result.predictedSeconds = c.prediction.seconds;
      result.chosen = &c == &record.decision.winner();
      if (result.chosen) {
        result.verified = record.verified;
        algorithmIndex[0] = int(record.algorithms.size());
        record.algorithms.push_back(result);
        continue;
      }
      if (Error err = addAlternative(c.config, result, workload)) {
        result.error = toString(std::move(err));
        record.algorithms.push_back(result);
        continue;
      }
      algorithmIndex.back() = int(record.algorithms.size());
      record.algorithms.push_back(result);
    }
  }

  // The static kernel of the same shape beside a dynamic one (--dynamic,
  // or a dynamic matmul of a program run at --shapes).
  size_t staticCall = calls.size();
  const auto *dynamicGemm = std::get_if<GemmWorkload>(&workload);
  if (dynamicGemm && dynamicGemm->isDynamic()) {
    GemmWorkload fixedShape = *dynamicGemm;
    fixedShape.mRange = fixedShape.nRange = fixedShape.kRange = std::nullopt;
    fixedShape.setDenseStrides();
    Workload fixedWorkload(fixedShape);
    AlgorithmResult fixed;
    auto decided = decide(fixedWorkload, machine, decideOptions);
    if (!decided) {
      fixed.error = toString(decided.takeError());
    } else {
      fixed.algorithm = decided->winner().algorithm;
      fixed.config = decided->config.str();
      fixed.predictedSeconds = decided->winner().prediction.seconds;
      if (Error err = addAlternative(decided->config, fixed, fixedWorkload))
        fixed.error = toString(std::move(err));
    }
    record.staticKernel = std::move(fixed);
  }
  // The one-thread decision beside a multi-threaded one, so that what the
  // threads gain is a ratio of the same run.
  size_t oneThreadCall = calls.size();
  if (options.threads > 1) {
    DecideOptions single = decideOptions;
    single.threads = 1;
    if (single.override && single.override->has("threads"))
      single.override->set("threads", 1);
    AlgorithmResult one;
    auto decided = decide(workload, machine, single);
    if (!decided) {
      one.error = toString(decided.takeError());
    } else {
      one.algorithm = decided->winner().algorithm;
      one.config = decided->config.str();
      one.predictedSeconds = decided->winner().prediction.seconds;
      one.chosen = one.config == record.decision.config.str();
      if (one.chosen)
        one.verified = record.verified; // the same kernel: timed once
      else if (Error err = addAlternative(decided->config, one, workload))
        one.error = toString(std::move(err));
    }
    record.oneThread = std::move(one);
  }

  std::vector<TimingStats> stats = timeInterleaved(calls, options.timing);
  for (size_t i = 0; i < calls.size(); ++i) {
    double seconds = stats[i].medianSeconds;
    if (algorithmIndex[i] >= 0) {
      AlgorithmResult &a = record.algorithms[algorithmIndex[i]];
      a.measuredSeconds = seconds;
      a.gflops = flops / seconds / 1e9;
    }
    if (i == staticCall && record.staticKernel &&
        record.staticKernel->error.empty()) {
      record.staticKernel->measuredSeconds = seconds;
      record.staticKernel->gflops = flops / seconds / 1e9;
    }
    if (i == oneThreadCall && record.oneThread) {
      record.oneThread->measuredSeconds = seconds;
      record.oneThread->gflops = flops / seconds / 1e9;
    }
    if (peerIndex[i] == -2)
      continue;
    if (peerIndex[i] < 0) {
      record.measuredSeconds = seconds;
      record.gflops = flops / seconds / 1e9;
      record.relativeSpread = stats[i].relativeSpread;
      if (record.oneThread && record.oneThread->chosen) {
        record.oneThread->measuredSeconds = seconds;
        record.oneThread->gflops = record.gflops;
      }
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
    const Peer *peer = findPeer(p.name);
    // Which configuration of which library it is: reports pick the
    // strongest of each library from these.
    auto describe = [&](json::Object o) {
      if (peer) {
        o["library"] = peer->library();
        o["role"] = peerRoleName(peer->role());
      }
      return o;
    };
    if (!p.error.empty()) {
      // Declined (not this kind of workload, ...) or failed.
      std::string whyNot;
      bool supported = peer && peer->accepts(r.workload, whyNot);
      peers[p.name] = describe(json::Object{{"measured_s", nullptr},
                                            {"gflops", nullptr},
                                            {"supported", supported},
                                            {"error", p.error}});
      continue;
    }
    json::Object o{{"measured_s", p.measuredSeconds},
                   {"gflops", p.gflops},
                   {"supported", true},
                   {"verified", p.verified},
                   {"max_rel_err", p.maxRelativeError}};
    if (!p.implementation.empty())
      o["implementation"] = p.implementation;
    if (!p.note.empty())
      o["note"] = p.note;
    peers[p.name] = describe(std::move(o));
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
  if (!r.algorithms.empty()) {
    json::Object algorithms;
    for (const AlgorithmResult &a : r.algorithms) {
      json::Object entry{{"config", a.config},
                         {"predicted_s", a.predictedSeconds},
                         {"chosen", a.chosen}};
      if (a.error.empty()) {
        entry["measured_s"] = a.measuredSeconds;
        entry["gflops"] = a.gflops;
        entry["verified"] = a.verified;
      } else {
        entry["error"] = a.error;
      }
      algorithms[a.algorithm] = std::move(entry);
    }
    o["algorithms"] = std::move(algorithms);
  }
  if (const std::optional<AlgorithmResult> &one = r.oneThread) {
    json::Object entry{{"algorithm", one->algorithm},
                       {"config", one->config},
                       {"predicted_s", one->predictedSeconds},
                       {"same_kernel", one->chosen}};
    if (one->error.empty()) {
      entry["measured_s"] = one->measuredSeconds;
      entry["gflops"] = one->gflops;
      entry["verified"] = one->verified;
      // Above 1: the threads the model chose pay off.
      o["thread_speedup"] = one->measuredSeconds / r.measuredSeconds;
    } else {
      entry["error"] = one->error;
    }
    o["one_thread"] = std::move(entry);
  }
  if (const std::optional<AlgorithmResult> &fixed = r.staticKernel) {
    o["dynamic"] = true;
    json::Array classes;
    for (const SizeClass &c : r.decision.sizeClasses)
      classes.push_back(
          json::Object{{"part", c.part}, {"config", c.config.str()}});
    if (!classes.empty())
      o["size_classes"] = std::move(classes);
    o["static_algorithm"] = fixed->algorithm;
    o["static_config"] = fixed->config;
    if (fixed->error.empty()) {
      o["static_gflops"] = fixed->gflops;
      o["static_measured_s"] = fixed->measuredSeconds;
      o["static_compile_s"] = fixed->compileSeconds;
      o["static_verified"] = fixed->verified;
      // Below 1: what the sizes known only at run time cost.
      o["dynamic_vs_static"] = fixed->measuredSeconds / r.measuredSeconds;
    } else {
      o["static_gflops"] = nullptr;
      o["static_error"] = fixed->error;
    }
  }
  return o;
}

/// Whether `peer` ran (and was timed) on record `r`.
static bool peerRan(const BenchRecord &r, StringRef peer) {
  const PeerResult *p = r.peer(peer);
  return p && p->error.empty() && p->measuredSeconds > 0;
}

/// The "; "-separated parts of a note.
static SmallVector<StringRef> noteParts(StringRef note) {
  SmallVector<StringRef> parts;
  note.split(parts, "; ", -1, /*KeepEmpty=*/false);
  return parts;
}

/// For peers whose notes change from workload to workload (the kernel a
/// library picks per layer), the parts of each note that are not common to
/// all of them, one line per workload; the common parts are in the notes
/// printed after the table.
static void printVaryingNotes(ArrayRef<BenchRecord> records,
                              ArrayRef<std::string> peers, size_t nameWidth,
                              raw_ostream &os) {
  for (const std::string &name : peers) {
    std::vector<std::pair<const BenchRecord *, StringRef>> notes;
    for (const BenchRecord &r : records)
      if (const PeerResult *p = r.peer(name); p && !p->note.empty())
        notes.push_back({&r, p->note});
    if (llvm::all_of(notes, [&](const auto &n) {
          return n.second == notes.front().second;
        }))
      continue;
    auto common = [&](StringRef part) {
      return llvm::all_of(notes, [&](const auto &n) {
        return llvm::is_contained(noteParts(n.second), part);
      });
    };
    os << name << ", per workload:\n";
    for (const auto &[record, note] : notes) {
      SmallVector<StringRef> own;
      for (StringRef part : noteParts(note))
        if (!common(part))
          own.push_back(part);
      os << "  " << left_justify(workloadName(record->workload), nameWidth)
         << " " << join(own, "; ") << "\n";
    }
  }
}

/// The cell of `peer` on record `r`: its time over AutoConfig's, "n/a" when
/// it does not run the workload, "error" when it failed to.
static std::string ratioCell(const BenchRecord &r, const std::string &name,
                             bool &unverified) {
  const PeerResult *p = r.peer(name);
  if (peerRan(r, name)) {
    std::string cell =
        formatv("{0:f2}", p->measuredSeconds / r.measuredSeconds).str();
    if (!p->verified) {
      cell += "!";
      unverified = true;
    }
    return cell;
  }
  std::string whyNot;
  const Peer *peer = findPeer(name);
  if (p && !p->error.empty() && peer && peer->accepts(r.workload, whyNot))
    return "error"; // supported, but failed to prepare
  return "n/a";
}

/// The geomean over the records of `peer`'s time over AutoConfig's.
static std::string geomeanCell(ArrayRef<BenchRecord> records,
                               const std::string &name) {
  double logSum = 0;
  unsigned count = 0;
  for (const BenchRecord &r : records)
    if (r.error.empty() && peerRan(r, name)) {
      logSum += std::log(r.peer(name)->measuredSeconds / r.measuredSeconds);
      ++count;
    }
  return count ? formatv("{0:f2}", std::exp(logSum / count)).str() : "n/a";
}

void printBenchTable(ArrayRef<BenchRecord> records, ArrayRef<std::string> peers,
                     raw_ostream &os) {
  size_t nameWidth = 8, configWidth = 6;
  for (const BenchRecord &r : records) {
    nameWidth = std::max(nameWidth, workloadName(r.workload).size());
    if (r.error.empty())
      configWidth = std::max(configWidth, r.decision.config.str().size());
  }
  // Columns only for peers that ran on some workload (GEMM-only peers have
  // none on a convolution suite); the others are listed after the table.
  // A library's other configurations, when its strongest is listed too, go
  // to a second table.
  std::vector<std::string> secondary = secondaryConfigurations(peers);
  std::vector<std::string> columns, secondaryColumns, idle;
  for (const std::string &p : peers) {
    bool ran = llvm::any_of(
        records, [&](const BenchRecord &r) { return peerRan(r, p); });
    if (!ran)
      idle.push_back(p);
    else
      (is_contained(secondary, p) ? secondaryColumns : columns).push_back(p);
  }
  auto width = [](const std::string &p) {
    return std::max<size_t>(10, p.size() + 2);
  };
  // With threads allowed: the model's one-thread kernel of the same run.
  bool threadColumn = llvm::any_of(
      records, [](const BenchRecord &r) { return r.oneThread.has_value(); });
  auto threadCell = [](const BenchRecord &r) -> std::string {
    const AlgorithmResult &one = *r.oneThread;
    if (!one.error.empty())
      return "error";
    if (one.chosen)
      return "same";
    return formatv("{0:f2}", one.measuredSeconds / r.measuredSeconds).str();
  };
  // With --dynamic: the static kernel of the same shape.
  bool staticColumn = llvm::any_of(
      records, [](const BenchRecord &r) { return r.staticKernel.has_value(); });
  auto staticCell = [](const BenchRecord &r) -> std::string {
    if (!r.staticKernel || !r.staticKernel->error.empty())
      return "error";
    return formatv("{0:f2}",
                   r.staticKernel->measuredSeconds / r.measuredSeconds)
        .str();
  };
  os << formatv("{0} {1} {2,8} {3,9}", left_justify("workload", nameWidth),
                left_justify("config", configWidth), "GFLOP/s", "pred/meas");
  if (threadColumn)
    os << formatv(" {0,10}", "x 1 thread");
  if (staticColumn)
    os << formatv(" {0,10}", "x static");
  for (const std::string &p : columns)
    os << " " << right_justify("x " + p, width(p));
  os << "  verified\n";
  bool unverifiedPeer = false;
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
    if (threadColumn)
      os << formatv(" {0,10}", r.oneThread ? threadCell(r) : "n/a");
    if (staticColumn)
      os << formatv(" {0,10}", staticCell(r));
    for (const std::string &name : columns)
      os << " "
         << right_justify(ratioCell(r, name, unverifiedPeer), width(name));
    os << "  " << (r.verified ? "yes" : "NO")
       << formatv(" ({0:e1})", r.maxRelativeError) << "\n";
  }
  if (!columns.empty() && records.size() > 1) {
    os << left_justify("geomean", nameWidth) << " "
       << std::string(configWidth + 1 + 8 + 1 + 9 + (threadColumn ? 11 : 0) +
                          (staticColumn ? 11 : 0),
                      ' ');
    for (const std::string &name : columns)
      os << " " << right_justify(geomeanCell(records, name), width(name));
    os << "\n";
  }
  if (!secondaryColumns.empty()) {
    os << "\nThe same run, against the other configurations listed of "
          "these libraries (a default is what users get out of the box):\n"
       << left_justify("workload", nameWidth);
    for (const std::string &p : secondaryColumns)
      os << " " << right_justify("x " + p, width(p));
    os << "\n";
    for (const BenchRecord &r : records) {
      if (!r.error.empty())
        continue;
      os << left_justify(workloadName(r.workload), nameWidth);
      for (const std::string &name : secondaryColumns)
        os << " "
           << right_justify(ratioCell(r, name, unverifiedPeer), width(name));
      os << "\n";
    }
    if (records.size() > 1) {
      os << left_justify("geomean", nameWidth);
      for (const std::string &name : secondaryColumns)
        os << " " << right_justify(geomeanCell(records, name), width(name));
      os << "\n";
    }
  }
  os << "x PEER = PEER's time / AutoConfig's time (above 1: AutoConfig is "
        "faster; geomean over the workloads it ran). pred/meas = model's "
        "predicted time / measured time. n/a: the peer does not run this "
        "workload.\n";
  if (staticColumn)
    os << "x static = the static-shape kernel's time / the dynamic kernel's "
          "time, same run (below 1: the sizes known only at run time "
          "cost).\n";
  if (threadColumn)
    os << "x 1 thread = the time of the model's one-thread decision / the "
          "time of its decision for up to "
       << "the threads given (same: it chose one thread).\n";
  if (unverifiedPeer)
    os << "!: the peer's result did not match the reference.\n";
  // Failures of peers that do support the workload, one line per message.
  std::vector<std::pair<std::string, std::vector<std::string>>> failures;
  for (const BenchRecord &r : records)
    for (const PeerResult &p : r.peers) {
      std::string whyNot;
      const Peer *peer = findPeer(p.name);
      if (p.error.empty() || !peer || !peer->accepts(r.workload, whyNot))
        continue;
      std::string message = p.name + ": " + p.error;
      auto it = llvm::find_if(
          failures, [&](const auto &f) { return f.first == message; });
      // Index, not iterator: push_back may reallocate.
      size_t index = it - failures.begin();
      if (it == failures.end())
        failures.push_back({message, {}});
      failures[index].second.push_back(workloadName(r.workload));
    }
  for (const auto &[message, workloads] : failures)
    os << "error: " << message << " ("
       << (workloads.size() > 3
               ? std::to_string(workloads.size()) + " workloads"
               : join(workloads, ", "))
       << ")\n";
  if (!idle.empty()) {
    os << "not run on these workloads:";
    for (const std::string &p : idle) {
      const PeerResult *first =
          records.empty() ? nullptr : records.front().peer(p);
      os << " " << p;
      if (first && !first->error.empty())
        os << " (" << first->error << ")";
      os << (&p == &idle.back() ? "\n" : ",");
    }
  }
  columns.insert(columns.end(), secondaryColumns.begin(),
                 secondaryColumns.end());
  printVaryingNotes(records, columns, nameWidth, os);
}

} // namespace autoconfig
