//===- CalibrateCommand.cpp - autoconfig calibrate ------------------------===//

#include "Options.h"

namespace autoconfig::cli {

llvm::cl::SubCommand calibrateCommand(
    "calibrate", "Measure the host's costs and cache them as a Profile");

int runCalibrate() { return fail("calibration is not implemented yet"); }

} // namespace autoconfig::cli
