//===- TileCalibration.h - The GEMM micro-kernel, measured ------*- C++ -*-===//
#ifndef AUTOCONFIG_CALIBRATE_TILECALIBRATION_H
#define AUTOCONFIG_CALIBRATE_TILECALIBRATION_H

#include "autoconfig/Calibrate/Calibration.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Target/TargetDesc.h"

#include "llvm/Support/Error.h"

#include <utility>
#include <vector>

namespace autoconfig {

/// Every register tile (mr rows, nv vectors) of the target's widest
/// vectors that fits its register file with one B vector per column and a
/// broadcast: mr * nv + nv + 1 registers.
std::vector<std::pair<unsigned, unsigned>>
registerTileShapes(const TargetDesc &target);

/// Times the blocked GEMM generator's micro-kernel for every register tile
/// and the strided-panel penalty into `profile` (tiles, stridedPanelFactor).
llvm::Error measureRegisterTiles(const TargetDesc &target,
                                 const CalibrationOptions &options,
                                 Profile &profile);

} // namespace autoconfig

#endif
