//===- Statistics.h - Quantiles of measurements -----------------*- C++ -*-===//
//
// The one quantile every timing, validation and report figure uses.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_SUPPORT_STATISTICS_H
#define AUTOCONFIG_SUPPORT_STATISTICS_H

#include <algorithm>
#include <cmath>
#include <vector>

namespace autoconfig {

/// The q-quantile (0 <= q <= 1) of the finite values, interpolating
/// linearly between order statistics (Hyndman and Fan's definition 7, the
/// default of R and NumPy); NaN when there are none.
inline double quantile(std::vector<double> values, double q) {
  values.erase(std::remove_if(values.begin(), values.end(),
                              [](double x) { return !std::isfinite(x); }),
               values.end());
  if (values.empty())
    return NAN;
  std::sort(values.begin(), values.end());
  double pos = q * double(values.size() - 1);
  size_t lo = size_t(std::floor(pos)), hi = size_t(std::ceil(pos));
  return values[lo] + (values[hi] - values[lo]) * (pos - double(lo));
}

inline double median(std::vector<double> values) {
  return quantile(std::move(values), 0.5);
}

} // namespace autoconfig

#endif
