//===- ExtractionUtils.h - Shared checks of workload extraction -*- C++ -*-===//
#ifndef AUTOCONFIG_WORKLOAD_EXTRACTIONUTILS_H
#define AUTOCONFIG_WORKLOAD_EXTRACTIONUTILS_H

#include "autoconfig/Workload/Workload.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include <string>

namespace autoconfig {

/// "128x64xf32".
std::string shapeText(mlir::ShapedType type);

/// Checks that every operand is a statically shaped tensor or memref of one
/// supported element type, with no zero-sized or oversized dimension.
mlir::LogicalResult checkOperandTypes(mlir::Operation *op,
                                      llvm::ArrayRef<mlir::Value> operands,
                                      llvm::ArrayRef<const char *> names,
                                      ElementKind &element);

/// Whether the value is known at compile time (an arith.constant tensor or a
/// constant memref.global).
bool isCompileTimeConstant(mlir::Value value);

/// The op's `autoconfig.name` string attribute if present, else `fallback`.
std::string defaultWorkloadName(mlir::Operation *op, std::string fallback);

mlir::FailureOr<GemmWorkload> extractGemm(mlir::linalg::LinalgOp op);

} // namespace autoconfig

#endif
