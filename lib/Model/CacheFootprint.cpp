//===- CacheFootprint.cpp - What a block of data occupies in a cache ------===//

#include "autoconfig/Model/CacheFootprint.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace autoconfig {

CacheLevel cacheOr(const TargetDesc &target, unsigned level, uint64_t bytes,
                   unsigned ways) {
  if (const CacheLevel *c = target.cache(level))
    return *c;
  return CacheLevel{level, bytes, 64, ways, 1};
}

int64_t waysFor(double bytes, const CacheLevel &cache) {
  double wayBytes = double(cache.sets()) * cache.lineBytes;
  return wayBytes > 0 ? int64_t(std::ceil(bytes / wayBytes)) : 1;
}

/// Cache lines one row segment of `rowBytes` spans (at least one).
static int64_t linesPerRow(double rowBytes, const CacheLevel &cache) {
  int64_t line = std::max<int64_t>(1, cache.lineBytes);
  return std::max<int64_t>(1, int64_t(std::ceil(rowBytes / double(line))));
}

int64_t setsReached(double rowBytes, int64_t strideBytes,
                    const CacheLevel &cache) {
  int64_t line = std::max<int64_t>(1, cache.lineBytes);
  int64_t sets = std::max<int64_t>(1, int64_t(cache.sets()));
  if (strideBytes <= 0 || strideBytes % line != 0)
    return sets;
  int64_t strideLines = (strideBytes / line) % sets;
  int64_t period = strideLines ? sets / std::gcd(sets, strideLines) : 1;
  return std::min(sets, period * linesPerRow(rowBytes, cache));
}

bool stridedPanelFits(double rows, double rowBytes, int64_t strideBytes,
                      const CacheLevel &cache, int64_t ways) {
  int64_t usableSets = setsReached(rowBytes, strideBytes, cache);
  return rows * double(linesPerRow(rowBytes, cache)) <=
         double(usableSets) * double(std::max<int64_t>(0, ways));
}

double stridedFootprintBytes(double rows, double rowBytes, int64_t strideBytes,
                             const CacheLevel &cache) {
  double sets = double(std::max<uint64_t>(1, cache.sets()));
  double reached = double(setsReached(rowBytes, strideBytes, cache));
  return rows * rowBytes * sets / std::max(1.0, reached);
}

} // namespace autoconfig
