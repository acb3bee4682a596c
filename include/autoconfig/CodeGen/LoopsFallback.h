//===- LoopsFallback.h - The scalar loop-nest fallback ----------*- C++ -*-===//
#ifndef AUTOCONFIG_CODEGEN_LOOPSFALLBACK_H
#define AUTOCONFIG_CODEGEN_LOOPSFALLBACK_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

#include "mlir/IR/PatternMatch.h"

namespace autoconfig {

/// Lowers the op to linalg's scalar loop nest (the "loops" algorithm).
mlir::LogicalResult generateLoops(mlir::RewriterBase &rewriter,
                                  mlir::Operation *op, const Workload &workload,
                                  const Config &config,
                                  const TargetDesc &target);

} // namespace autoconfig

#endif
