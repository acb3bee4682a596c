//===- Tuner.h - Search tuner over the same configs -------------*- C++ -*-===//
//
// What AutoConfig's models replace: measure candidate configs of every
// applicable algorithm through the very same generators and JIT, keep the
// fastest. Used to measure the model's regret, never by the compiler.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_TUNE_TUNER_H
#define AUTOCONFIG_TUNE_TUNER_H

#include "autoconfig/Bench/Timing.h"
#include "autoconfig/Model/Config.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Workload/Workload.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>
#include <vector>

namespace autoconfig {

/// Where the tuner looks for configs faster than the model's pick.
enum class TuneStrategy {
  /// Random samples of every applicable algorithm's space (60% of the
  /// trials), then steps through the neighbourhood of the best measured
  /// config: what the model replaces.
  Sampling,
  /// Only near the model's decision: the other algorithms' own derived
  /// configs (those predicted within a few times the pick, fastest first),
  /// then steps through the neighbourhood of the best measured config. A few
  /// trials check whether the pick is locally optimal (`autoconfig validate`).
  Local,
};

struct TuneOptions {
  TargetDesc target;
  Profile profile;
  unsigned threads = 1;
  /// Measured candidates (the model's own pick is measured on top).
  unsigned trials = 50;
  /// Stop after this many seconds of tuning (0: no limit).
  double timeBudgetSeconds = 0;
  uint64_t seed = 1;
  TuneStrategy strategy = TuneStrategy::Sampling;
  /// Timing of one trial (shorter than bench's: many are timed).
  TimingOptions timing{5, 1, 0.004};
  /// Called after every trial: trials done, trials planned, best seconds.
  std::function<void(unsigned, unsigned, double)> progress;
  /// When set, every trial is written as one JSON object per line.
  llvm::raw_ostream *trialLog = nullptr;
};

struct Trial {
  Config config;
  double measuredSeconds = 0;
  double predictedSeconds = 0;
  double compileSeconds = 0;
  /// Wall time since the start of tuning when the trial finished.
  double atSeconds = 0;
  bool verified = false;
  std::string error;
  /// The model's own pick (timed in the same run).
  bool modelPick = false;
};

struct TuneResult {
  Workload workload;
  std::vector<Trial> trials;
  Config bestConfig;
  double bestSeconds = 0;
  Config modelConfig;
  double modelSeconds = 0;
  double modelPredictedSeconds = 0;
  /// Time the model took to decide (configuration time).
  double modelConfigSeconds = 0;
  double tuneWallSeconds = 0;
  /// Tuning time until a config at least as fast as the model's was found
  /// (-1: never within the budget).
  double secondsToMatchModel = -1;
  /// t(model's pick) / t(best found) - 1, from a final interleaved re-timing
  /// (two passes in opposite orders, the lower median of each kernel).
  double regret = 0;
  /// Rank correlation of predicted and measured times over the trials.
  double spearman = 0;
};

/// Searches the config space of every applicable algorithm for `workload`.
llvm::Expected<TuneResult> tune(const Workload &workload,
                                const TuneOptions &options);

llvm::json::Value toJSON(const Trial &trial);
/// The `tune --json` summary line.
llvm::json::Value toJSON(const TuneResult &result);

/// Spearman's rank correlation (ties get average ranks); 0 for < 3 pairs.
double spearmanCorrelation(llvm::ArrayRef<double> x, llvm::ArrayRef<double> y);

} // namespace autoconfig

#endif
