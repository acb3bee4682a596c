//===- Extraction.h - Workloads from MLIR ops -------------------*- C++ -*-===//
#ifndef AUTOCONFIG_WORKLOAD_EXTRACTION_H
#define AUTOCONFIG_WORKLOAD_EXTRACTION_H

#include "autoconfig/Workload/Workload.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

namespace autoconfig {

/// Whether AutoConfig configures this kind of op (matmul or conv family).
/// It may still reject a particular instance (dynamic shapes, types...).
bool isConfigurableOp(mlir::Operation *op);

/// Extracts the static workload of a configurable op. On failure, emits an
/// error at the op's location that names the problem.
mlir::FailureOr<Workload> extractWorkload(mlir::Operation *op);

/// Largest element count of one operand the generators index safely.
inline constexpr int64_t kMaxOperandElements = (int64_t(1) << 31) - 1;

} // namespace autoconfig

#endif
