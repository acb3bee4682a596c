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

#include <cstdint>
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
