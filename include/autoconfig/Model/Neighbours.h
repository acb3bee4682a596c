//===- Neighbours.h - Moves the refinement tries ----------------*- C++ -*-===//
//
// The steps several models take around a config for the refinement to try,
// written once: a register tile's two dimensions moved alone and traded for
// each other.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_NEIGHBOURS_H
#define AUTOCONFIG_MODEL_NEIGHBOURS_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Support/Arithmetic.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace autoconfig {

/// Appends the configs of `base` with the register tile's dimensions `a`
/// and `b` moved by one: each up and down alone, then one up for the other
/// down; a move that takes either below 1 or that `legal` rejects (the tile
/// beyond the register file) is left out.
template <typename Params, typename Legal>
void addTileSteps(std::vector<Config> &result, const Params &base,
                  int64_t Params::*a, int64_t Params::*b, Legal legal) {
  for (auto [da, db] :
       {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, -1}, {-1, 1}}) {
    Params q = base;
    q.*a += da;
    q.*b += db;
    if (q.*a < 1 || q.*b < 1 || !legal(q))
      continue;
    result.push_back(q.toConfig());
  }
}

/// The moves of a register tile of `owb` output pixels by `vectors`
/// channel vectors (the NHWC direct and depthwise convolutions), each given
/// to `push`: owb by one and two either way, then the vector count by one
/// either way, alone and with the owb that `owbFor` gives that count.
template <typename Params, typename OwbFor, typename Push>
void forEachPixelTileStep(const Params &base, int64_t Params::*vectors,
                          OwbFor owbFor, Push push) {
  for (int64_t d : {-2, -1, 1, 2}) {
    Params q = base;
    q.owb += d;
    push(q);
  }
  for (int64_t d : {-1, 1}) {
    Params q = base;
    q.*vectors += d;
    push(q);
    if (q.*vectors >= 1) {
      q.owb = owbFor(q.*vectors);
      push(q);
    }
  }
}

/// `q`'s tile of `owb` pixels by `vectors` channel vectors cut, as the
/// generators cut it, to the workload: at most the vectors of its
/// `channels` and the `outW` pixels of an output row.
template <typename Params>
Params clampPixelTile(Params q, int64_t Params::*vectors, int64_t channels,
                      int64_t outW) {
  q.*vectors = std::min(q.*vectors, ceilDiv(channels, q.vl));
  q.owb = std::min(q.owb, outW);
  return q;
}

/// A block of `block` cut down to whole tiles of `tile`, at least one.
inline int64_t wholeTiles(int64_t block, int64_t tile) {
  return std::max(tile, block / tile * tile);
}

/// The moves of a GEMM micro-kernel's parameters (the blocked GEMM's and
/// Winograd's batched GEMMs': a register tile mr x nr of vl-lane vectors,
/// blocks of nc columns, kc-deep reduction passes).
///
/// `base` with the tile width nr one vector wider (d = 1) or narrower
/// (d = -1), and nc rounded up to whole tiles of the new width.
template <typename Params>
Params withTileWidthStep(const Params &base, int64_t d) {
  Params q = base;
  q.nr += d * q.vl;
  q.nc = roundUp(base.nc, std::max<int64_t>(q.nr, q.vl));
  return q;
}

/// `base` with the pass depth kc scaled by `f` (whole steps of 8, at least
/// 8), unless that goes more than a step beyond the reduction's `depth`.
template <typename Params>
std::optional<Params> withDepthScaled(const Params &base, double f,
                                      int64_t depth) {
  Params q = base;
  q.kc = std::max<int64_t>(8, int64_t(base.kc * f) / 8 * 8);
  if (q.kc > depth + 8)
    return std::nullopt;
  return q;
}

/// Appends `q` unless it is the config the moves start from.
template <typename Params>
void addUnlessSame(std::vector<Config> &result, const Params &q,
                   const Config &config) {
  Config c = q.toConfig();
  if (c != config)
    result.push_back(std::move(c));
}

} // namespace autoconfig

#endif
