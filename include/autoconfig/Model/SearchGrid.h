//===- SearchGrid.h - A tuner's search space as a grid ----------*- C++ -*-===//
//
// Most search spaces are a grid: a few parameters, each over a list of
// values, on the parameters a derivation starts from, kept where the
// register tile fits. Written once here instead of one loop nest a model.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_SEARCHGRID_H
#define AUTOCONFIG_MODEL_SEARCHGRID_H

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace autoconfig {

/// first, first + 1, ..., last (nothing when last < first).
inline std::vector<int64_t> valuesFrom(int64_t first, int64_t last) {
  std::vector<int64_t> values;
  for (int64_t v = first; v <= last; ++v)
    values.push_back(v);
  return values;
}

/// One axis of a grid: a parameter and the values it takes.
template <typename Params> struct GridAxis {
  int64_t Params::*field;
  std::vector<int64_t> values;
};

/// The points of the grid of `axes` on `base` (the last axis varies
/// fastest, as in a loop nest) where `keep` holds.
template <typename Params, typename Keep>
std::vector<Params> searchGrid(const Params &base,
                               std::initializer_list<GridAxis<Params>> axes,
                               Keep keep) {
  std::vector<GridAxis<Params>> grid(axes);
  std::vector<Params> points;
  auto walk = [&](auto &self, size_t axis, Params p) -> void {
    if (axis == grid.size()) {
      if (keep(p))
        points.push_back(p);
      return;
    }
    for (int64_t value : grid[axis].values) {
      p.*grid[axis].field = value;
      self(self, axis + 1, p);
    }
  };
  walk(walk, 0, base);
  return points;
}

} // namespace autoconfig

#endif
