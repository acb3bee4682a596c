//===- Statistics.h - Quantiles of measurements -----------------*- C++ -*-===//
//
// The one quantile every timing, validation and report figure uses, and the
// one interpolation between measured points.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_SUPPORT_STATISTICS_H
#define AUTOCONFIG_SUPPORT_STATISTICS_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
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

/// The value at `x` of the piecewise-linear curve through `points` (sorted
/// by x), held constant beyond its ends; `points` must not be empty.
inline double
interpolatePoints(const std::vector<std::pair<int64_t, double>> &points,
                  int64_t x) {
  if (x <= points.front().first)
    return points.front().second;
  for (size_t i = 1; i < points.size(); ++i) {
    auto [x0, y0] = points[i - 1];
    auto [x1, y1] = points[i];
    if (x <= x1)
      return y0 + (y1 - y0) * double(x - x0) / double(x1 - x0);
  }
  return points.back().second;
}

} // namespace autoconfig

#endif
