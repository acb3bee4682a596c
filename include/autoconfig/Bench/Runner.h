//===- Runner.h - Benchmark one workload against its peers ------*- C++ -*-===//
#ifndef AUTOCONFIG_BENCH_RUNNER_H
#define AUTOCONFIG_BENCH_RUNNER_H

#include "autoconfig/Bench/Timing.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Target/TargetDesc.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace autoconfig {

struct BenchOptions {
  TargetDesc target;
  Profile profile;
  unsigned threads = 1;
  std::vector<std::string> peers;
  std::optional<Config> override;
  TimingOptions timing;
  /// Also time every other applicable algorithm (its own model-derived,
  /// refined config) in the same interleaved rounds.
  bool compareAlgorithms = false;
  /// Compile the workload with its sizes dynamic (a matmul's M, N and K,
  /// each in [1, max(4096, size)]) and run it at its sizes; the static
  /// kernel of the same shape is timed beside it.
  bool dynamic = false;
  /// With `dynamic`: ranges given by name (as --dim-range gives them:
  /// name, range, likely size or 0) replacing the default ones. A size
  /// without a likely one is judged over its range, which may split it into
  /// size classes.
  llvm::SmallVector<std::tuple<std::string, SizeRange, int64_t>> dynamicRanges;
};

/// The workload with its sizes made dynamic the way `bench --dynamic` does
/// (`ranges` as BenchOptions::dynamicRanges), or an error naming what
/// cannot be (a convolution, a batch, a size outside its given range, ...).
llvm::Expected<Workload> dynamicVariant(
    const Workload &workload,
    llvm::ArrayRef<std::tuple<std::string, SizeRange, int64_t>> ranges = {});

/// One algorithm of the comparison (`bench --algorithms`).
struct AlgorithmResult {
  std::string algorithm;
  std::string config;
  double predictedSeconds = 0;
  double measuredSeconds = 0;
  double gflops = 0;
  double compileSeconds = 0;
  bool verified = false;
  bool chosen = false;
  std::string error;
};

struct PeerResult {
  std::string name;
  /// Empty when the peer ran; else why it did not.
  std::string error;
  double measuredSeconds = 0;
  double gflops = 0;
  bool verified = false;
  double maxRelativeError = 0;
  std::string note;
  /// The implementation the library chose (Peer::implementation()).
  std::string implementation;
};

struct BenchRecord {
  Workload workload;
  Decision decision;
  bool verified = false;
  double maxRelativeError = 0;
  double tolerance = 0;
  double measuredSeconds = 0;
  double gflops = 0;
  double relativeSpread = 0;
  double compileSeconds = 0;
  std::vector<PeerResult> peers;
  std::vector<AlgorithmResult> algorithms;
  /// With more than one thread allowed: the model's decision for one
  /// thread, timed in the same run (threads must never cost time).
  std::optional<AlgorithmResult> oneThread;
  /// With `dynamic`: the static-shape kernel of the same shape (the model's
  /// decision for it), timed in the same run.
  std::optional<AlgorithmResult> staticKernel;
  /// Set when AutoConfig's own kernel could not be built or run.
  std::string error;

  const PeerResult *peer(llvm::StringRef name) const;
};

/// Decides, compiles, verifies and times one workload, and the peers.
BenchRecord benchWorkload(const Workload &workload,
                          const BenchOptions &options);

/// One JSON object per record (the `bench --json` line format).
llvm::json::Value toJSON(const BenchRecord &record);

/// The human-readable table: workload, algorithm, config, GFLOP/s, ratio
/// to each peer and their geomeans, verified. Libraries listed both at their
/// strongest and out of the box get the strongest in the table and the
/// default in a second, narrower one (supersededDefaults()).
void printBenchTable(llvm::ArrayRef<BenchRecord> records,
                     llvm::ArrayRef<std::string> peers, llvm::raw_ostream &os);

} // namespace autoconfig

#endif
