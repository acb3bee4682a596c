//===- BenchCommand.cpp - autoconfig bench --------------------------------===//

#include "Options.h"
#include "WorkloadInputs.h"

#include "autoconfig/Bench/CpuPinning.h"
#include "autoconfig/Bench/Peer.h"
#include "autoconfig/Bench/Runner.h"
#include "autoconfig/Bench/Suite.h"
#include "autoconfig/Workload/Extraction.h"
#include "autoconfig/Workload/ExtractionUtils.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"

using namespace llvm;

namespace autoconfig::cli {

static cl::opt<std::string> peerList(
    "peers",
    cl::desc("Comma-separated peers and groups: 'best' (every library at its "
             "strongest), 'defaults' (every library out of the box), 'all', "
             "'none'"),
    cl::value_desc("LIST"), cl::init("best,defaults"), cl::sub(benchCommand()));
static cl::opt<bool> compareAlgorithms(
    "algorithms",
    cl::desc("Also time every other applicable algorithm with its own "
             "model-derived config (is the model's choice the fastest?)"),
    cl::sub(benchCommand()));
static cl::opt<bool> dynamicSizes(
    "dynamic",
    cl::desc("Compile each matmul with its sizes M, N, K dynamic (each in "
             "[1, max(4096, size)]) and run it at its sizes; the static-shape "
             "kernel of the same shape is timed in the same run "
             "(static_gflops)"),
    cl::sub(benchCommand()));
static cl::opt<unsigned> samples("samples",
                                 cl::desc("Timed samples per implementation "
                                          "(at least 5)"),
                                 cl::init(7), cl::sub(benchCommand()));

int runBench() {
  // The inputs first: a mistake is reported before a first-use calibration.
  std::optional<Config> override;
  if (!parseOverride(override))
    return 1;
  std::vector<Workload> workloads;
  if (!collectWorkloads(workloads, "benchmark"))
    return 1;
  if (workloads.empty())
    workloads = defaultWorkloads();
  auto peers = expandPeerList(peerList);
  if (!peers)
    return fail(toString(peers.takeError()));

  auto hardware = resolveHardware();
  if (!hardware)
    return 1;
  if (!hardware->target.runsOnHost)
    return fail("target '" + hardware->target.name +
                "' does not run on this machine; bench needs a host-runnable "
                "target");

  BenchOptions options;
  options.target = hardware->target;
  options.profile = hardware->profile;
  options.threads = threads;
  options.peers = *peers;
  options.override = override;
  options.timing.samples = std::max(5u, unsigned(samples));
  options.compareAlgorithms = compareAlgorithms;
  options.dynamic = dynamicSizes;
  if (!dimRanges.empty() && inputFile.empty()) {
    if (!dynamicSizes)
      return fail("--dim-range with --gemm or --suite needs --dynamic");
    auto ranges = parseSizeRanges(dimRanges);
    if (!ranges)
      return fail(toString(ranges.takeError()));
    options.dynamicRanges.assign(ranges->begin(), ranges->end());
  }

  ConfigureOptions tunedConfigs;
  if (!loadTunedConfigs(hardware->target, tunedConfigs))
    return 1;

  bool progress = !json && sys::Process::StandardErrIsDisplayed();
  if (!json)
    outs() << "target:  " << hardware->target.cpu << " ("
           << hardware->target.name << "), " << threads << " thread(s); "
           << hardware->profileNote << "\n";
  // One thread: timed on one CPU (after any first-use calibration, whose
  // thread-scaling figures need every core).
  std::optional<CpuPinning> pinned;
  if (threads <= 1)
    pinned.emplace();
  std::vector<BenchRecord> records;
  bool allVerified = true;
  for (size_t i = 0; i < workloads.size(); ++i) {
    if (progress)
      errs() << formatv("\r[{0}/{1}] {2}...", i + 1, workloads.size(),
                        workloadName(workloads[i]))
             << "\033[K";
    BenchOptions workloadOptions = options;
    if (!override && tunedConfigs.tuned)
      workloadOptions.override = tunedConfigs.tuned(workloads[i]);
    BenchRecord record = benchWorkload(workloads[i], workloadOptions);
    allVerified &= record.error.empty() && record.verified;
    if (json) {
      outs() << formatv("{0}", toJSON(record)) << "\n";
      outs().flush();
    }
    records.push_back(std::move(record));
  }
  if (progress)
    errs() << "\r\033[K";
  if (!json) {
    printBenchTable(records, *peers, outs());
    for (const BenchRecord &r : records)
      for (const PeerResult &p : r.peers)
        if (!p.note.empty() && &r == &records.front())
          outs() << p.name << ": " << p.note << "\n";
  }
  return allVerified ? 0 : 2;
}

} // namespace autoconfig::cli
