//===- Timing.cpp - Interleaved timing of competing implementations -------===//

#include "autoconfig/Bench/Timing.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace autoconfig {

double nowSeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::vector<TimingStats>
timeInterleaved(const std::vector<std::function<void()>> &functions,
                const TimingOptions &options) {
  size_t count = functions.size();
  std::vector<unsigned> calls(count, 1);
  for (size_t f = 0; f < count; ++f) {
    double start = nowSeconds();
    for (unsigned w = 0; w < std::max(1u, options.warmupCalls); ++w)
      functions[f]();
    double perCall = (nowSeconds() - start) / std::max(1u, options.warmupCalls);
    calls[f] = unsigned(
        std::clamp(options.sampleSeconds / std::max(perCall, 1e-9), 1.0, 1e6));
  }
  unsigned samples = std::max(5u, options.samples);
  std::vector<std::vector<double>> times(count);
  for (unsigned s = 0; s < samples; ++s)
    for (size_t f = 0; f < count; ++f) {
      double start = nowSeconds();
      for (unsigned c = 0; c < calls[f]; ++c)
        functions[f]();
      times[f].push_back((nowSeconds() - start) / calls[f]);
    }
  std::vector<TimingStats> stats(count);
  for (size_t f = 0; f < count; ++f) {
    TimingStats &st = stats[f];
    st.medianSeconds = quantile(times[f], 0.5);
    st.minSeconds = *std::min_element(times[f].begin(), times[f].end());
    st.relativeSpread = (quantile(times[f], 0.75) - quantile(times[f], 0.25)) /
                        std::max(st.medianSeconds, 1e-12);
    st.samples = samples;
    st.callsPerSample = calls[f];
  }
  return stats;
}

} // namespace autoconfig
