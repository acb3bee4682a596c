//===- Timing.h - Interleaved timing of implementations ---------*- C++ -*-===//
//
// The machines are shared and noisy: implementations are timed in rounds,
// one sample of each per round, so that a slow period hurts all of them
// alike; the result is the median per-call time over the rounds.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_TIMING_H
#define AUTOCONFIG_BENCH_TIMING_H

#include "autoconfig/Support/Statistics.h"

#include <functional>
#include <vector>

namespace autoconfig {

struct TimingOptions {
  /// Samples (rounds) per implementation; at least 5.
  unsigned samples = 7;
  /// Calls before measuring.
  unsigned warmupCalls = 2;
  /// Each sample repeats the call until it lasts about this long.
  double sampleSeconds = 0.01;
};

struct TimingStats {
  double medianSeconds = 0;
  double minSeconds = 0;
  /// Interquartile range over the median.
  double relativeSpread = 0;
  unsigned samples = 0;
  unsigned callsPerSample = 0;
};

/// Median per-call seconds of each function, timed in interleaved rounds.
std::vector<TimingStats>
timeInterleaved(const std::vector<std::function<void()>> &functions,
                const TimingOptions &options = {});

/// Monotonic wall clock in seconds.
double nowSeconds();

} // namespace autoconfig

#endif
