//===- TileFit.h - Least-squares fit of tile times --------------*- C++ -*-===//
#ifndef AUTOCONFIG_CALIBRATE_TILEFIT_H
#define AUTOCONFIG_CALIBRATE_TILEFIT_H

#include "autoconfig/Profile/Profile.h"

#include <vector>

namespace autoconfig {

/// Fits `TileFit`'s coefficients to the measured tiles of `bits` by least
/// squares on relative errors, starting from the profile's operation rates
/// (`start`: 1/FMA rate, 1/load rate, 1/broadcast rate, FMA latency).
TileFit fitTiles(const std::vector<TileCost> &tiles, unsigned bits,
                 const TileFit &start);

} // namespace autoconfig

#endif
