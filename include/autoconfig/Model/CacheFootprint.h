//===- CacheFootprint.h - A block of data in a cache ------------*- C++ -*-===//
//
// A set-associative cache maps a line to set (address / line) mod sets. Data
// read in row segments a fixed stride apart (a panel of an unpacked matrix,
// the fv*vl output channels of an HWCF filter) reaches only the sets its
// segments' lines map to, so it can overflow a cache that would hold it
// contiguous (Hennessy and Patterson, "Computer Architecture: A Quantitative
// Approach", 5th ed., section 2.2 and appendix B.1). The models of every
// algorithm that reads such blocks in place share these helpers.
//
//===----------------------------------------------------------------------===//

#ifndef AUTOCONFIG_MODEL_CACHEFOOTPRINT_H
#define AUTOCONFIG_MODEL_CACHEFOOTPRINT_H

#include "autoconfig/Target/TargetDesc.h"

#include <cstdint>

namespace autoconfig {

/// `level` of `target`, or a nominal cache of `bytes` and `ways` when the
/// description has none.
CacheLevel cacheOr(const TargetDesc &target, unsigned level, uint64_t bytes,
                   unsigned ways);

/// Ways of `cache` that `bytes` of contiguous data occupy.
int64_t waysFor(double bytes, const CacheLevel &cache);

/// Sets of `cache` that row segments of `rowBytes`, `strideBytes` apart,
/// map to, however many rows: a line-multiple stride reaches sets /
/// gcd(sets, stride in lines) distinct first lines only. A stride of 0 means
/// contiguous rows.
int64_t setsReached(double rowBytes, int64_t strideBytes,
                    const CacheLevel &cache);

/// Whether those row segments stay in `ways` ways of `cache`.
bool stridedPanelFits(double rows, double rowBytes, int64_t strideBytes,
                      const CacheLevel &cache, int64_t ways);

/// The capacity of `cache` those row segments take: their bytes scaled by
/// the share of the sets they cannot reach (equal to the bytes when they
/// reach every set). Compare it with a byte budget of the cache.
double stridedFootprintBytes(double rows, double rowBytes, int64_t strideBytes,
                             const CacheLevel &cache);

} // namespace autoconfig

#endif // AUTOCONFIG_MODEL_CACHEFOOTPRINT_H
