//===- ExtractionUtils.h - Shared checks of workload extraction -*- C++ -*-===//
#ifndef AUTOCONFIG_WORKLOAD_EXTRACTIONUTILS_H
#define AUTOCONFIG_WORKLOAD_EXTRACTIONUTILS_H

#include "autoconfig/Workload/Workload.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include <optional>
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

/// Bytes of the constant data (constant memref.globals, arith.constant
/// tensors) of the module around `op`: what a program reads between two
/// runs of one of its layers (Workload's weightsReuseBytes).
double programConstantBytes(mlir::Operation *op);

/// The op's `autoconfig.name` string attribute if present, else `fallback`.
std::string defaultWorkloadName(mlir::Operation *op, std::string fallback);

mlir::FailureOr<GemmWorkload> extractGemm(mlir::linalg::LinalgOp op);
mlir::FailureOr<ConvWorkload> extractConv(mlir::linalg::LinalgOp op);
bool isConvOp(mlir::Operation *op);

/// A convolution input that bufferization materialized as a zero-filled
/// buffer with the real input copied into its interior (what tensor.pad
/// becomes): alloc, linalg.fill 0, subview, memref.copy. Generators read
/// `source` directly and treat the border as zeros, so the copy disappears.
struct ZeroPaddedInput {
  mlir::Value source;
  /// Padding before and after, per dimension of the buffer.
  llvm::SmallVector<int64_t> low, high;
  /// The alloc, fill, subview and copy (and deallocs) that build it.
  llvm::SmallVector<mlir::Operation *> producers;
};

/// Matches the zero-padded buffer pattern on a conv input, when the buffer
/// has no user other than `consumer` and its producers.
std::optional<ZeroPaddedInput> matchZeroPaddedInput(mlir::Value input,
                                                    mlir::Operation *consumer);

} // namespace autoconfig

#endif
