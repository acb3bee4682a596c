//===- WorkloadInputs.h - Workloads named on the command line ---*- C++ -*-===//
#ifndef AUTOCONFIG_TOOLS_WORKLOADINPUTS_H
#define AUTOCONFIG_TOOLS_WORKLOADINPUTS_H

#include "autoconfig/Workload/Workload.h"

#include <vector>

namespace autoconfig::cli {

/// Appends the workloads of FILE.mlir (every configurable op), --gemm,
/// --conv (in --layout) and --suite, in that order. Prints the error and
/// returns false on bad input; `purpose` names the command in messages.
bool collectWorkloads(std::vector<Workload> &out, const char *purpose);

} // namespace autoconfig::cli

#endif
