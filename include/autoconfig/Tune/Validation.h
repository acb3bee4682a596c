//===- Validation.h - Checking the model on the machine at hand -*- C++ -*-===//
//
// `autoconfig validate`: a handful of workloads that exercise different
// algorithms and regimes, each decided by the model, measured, and compared
// with a small local search around the model's decision. A user runs it on
// a CPU nobody here had, before trusting the decisions there.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_TUNE_VALIDATION_H
#define AUTOCONFIG_TUNE_VALIDATION_H

#include "autoconfig/Tune/Tuner.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace autoconfig {

/// The representative workloads, one per regime: a small GEMM (registers
/// and L1), a large one (cache blocking), a GEMV, a GEMM with B transposed,
/// a 3x3 convolution, a 1x1 convolution and a depthwise one. Sized so that
/// all of them compile, run against the reference and are timed in well
/// under a minute on two cores.
std::vector<Workload> validationWorkloads();

/// One workload's check.
struct ValidationRecord {
  Workload workload;
  /// The model's pick and what it predicted.
  Config modelConfig;
  double predictedSeconds = 0;
  /// The pick's measured time (final interleaved re-timing).
  double measuredSeconds = 0;
  /// The fastest config the local search found (the model's pick if none
  /// beat it) and its time.
  Config bestConfig;
  double bestSeconds = 0;
  /// t(model's pick) / t(best found) - 1.
  double regret = 0;
  /// Configs measured, the model's pick included.
  unsigned trials = 0;
  double wallSeconds = 0;
  /// Set when the model's kernel could not be built, run or verified.
  std::string error;

  bool ok() const { return error.empty(); }
  double predictedOverMeasured() const {
    return measuredSeconds > 0 ? predictedSeconds / measuredSeconds : 0;
  }
};

/// Decides, measures and searches `workload` locally (TuneStrategy::Local
/// with `options.trials` configs besides the model's pick).
ValidationRecord validateWorkload(const Workload &workload,
                                  const TuneOptions &options);

/// The verdict over the records that ran.
struct ValidationSummary {
  unsigned workloads = 0;
  unsigned failed = 0;
  /// Predictions within `tolerance` of the measured time.
  unsigned withinTolerance = 0;
  double tolerance = 0.25;
  double medianPredictedOverMeasured = 0;
  double medianRegret = 0;
  double maxRegret = 0;
  /// The workload with the largest regret.
  std::string worstWorkload;
  unsigned trials = 0;
  double wallSeconds = 0;

  /// "pred/meas within ±25% on 6 of 7 (median 0.94); median regret 1.2%,
  /// max 8.0% (depthwise_3x3)".
  std::string verdict() const;
};

ValidationSummary summarizeValidation(llvm::ArrayRef<ValidationRecord> records,
                                      double tolerance = 0.25);

/// One `validate --json` line per workload, and the summary line.
llvm::json::Value toJSON(const ValidationRecord &record);
llvm::json::Value toJSON(const ValidationSummary &summary);

} // namespace autoconfig

#endif
