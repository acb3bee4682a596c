//===- StreamingCombiner.h - Combining op of a reduction --------*- C++ -*-===//
//
// A reduction along the vectorized loop keeps vector accumulators and
// reduces them at the end, so it needs the body's combining operation
// (out = out + x, max(out, x), ...): associative and commutative, with a
// neutral element for masked tail lanes and a vector.reduction kind.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_CODEGEN_STREAMINGCOMBINER_H
#define AUTOCONFIG_CODEGEN_STREAMINGCOMBINER_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <optional>

namespace autoconfig {

/// The op combining the single output's old value with the rest of the body
/// (the output's only use, yielded), if it is one the generator knows.
mlir::Operation *findCombiner(mlir::linalg::LinalgOp op);

/// The vector.reduction kind of a combining op.
std::optional<mlir::vector::CombiningKind> combiningKind(mlir::Operation *op);

/// The neutral element of a combining op, as an attribute of `type`.
mlir::TypedAttr neutralElement(mlir::Operation *op, mlir::Type type);

} // namespace autoconfig

#endif
