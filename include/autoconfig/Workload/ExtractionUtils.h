//===- ExtractionUtils.h - Shared checks of workload extraction -*- C++ -*-===//
#ifndef AUTOCONFIG_WORKLOAD_EXTRACTIONUTILS_H
#define AUTOCONFIG_WORKLOAD_EXTRACTIONUTILS_H

#include "autoconfig/Workload/Workload.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <tuple>

namespace autoconfig {

/// "128x64xf32".
std::string shapeText(mlir::ShapedType type);

/// Checks that every operand is a statically shaped tensor or memref of one
/// supported element type, with no zero-sized or oversized dimension (with
/// `allowDynamic`, dynamic dimensions pass; their ranges are checked by the
/// caller).
mlir::LogicalResult checkOperandTypes(mlir::Operation *op,
                                      llvm::ArrayRef<mlir::Value> operands,
                                      llvm::ArrayRef<const char *> names,
                                      ElementKind &element,
                                      bool allowDynamic = false);
/// The same for an op's inputs and its output, which must have the inputs'
/// type, or f32 for bf16 inputs (outputElement); `element` receives the
/// inputs' type.
mlir::LogicalResult
checkOperandTypes(mlir::Operation *op, llvm::ArrayRef<mlir::Value> inputs,
                  llvm::ArrayRef<const char *> inputNames, mlir::Value output,
                  const char *outputName, ElementKind &element,
                  bool allowDynamic = false);

/// The ranges of an op's dynamic sizes, from its `autoconfig.sizes`
/// attribute: a dictionary from a size's name to `array<i64: min, max>` or
/// `array<i64: min, max, likely>`. A dynamic size it does not name takes
/// kDefaultSizeRange. `dynamic` names the op's dynamic sizes; `likely`
/// receives the size the model predicts at (the declared likely size, also
/// kept in the range, or the range's geometric middle). Errors on the op
/// name what is wrong.
mlir::LogicalResult readSizeRanges(mlir::Operation *op,
                                   llvm::ArrayRef<llvm::StringRef> dynamic,
                                   llvm::SmallVectorImpl<SizeRange> &ranges,
                                   llvm::SmallVectorImpl<int64_t> &likely);

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

/// The names ("M", "N", "K") of a linalg.matmul's sizes that no operand
/// fixes (empty for other ops or unsupported indexing maps).
llvm::SmallVector<llvm::StringRef> dynamicGemmSizes(mlir::Operation *op);

/// Ranges of dynamic sizes given on the command line, by name.
using SizeRangeDefaults =
    llvm::SmallVector<std::tuple<std::string, SizeRange, int64_t>>;

/// Parses "M=1:4096,N=1:2048:128" (min:max or min:max:likely per name).
llvm::Expected<SizeRangeDefaults> parseSizeRanges(llvm::StringRef text);

/// Adds `defaults` to the autoconfig.sizes of every matmul in `root` with
/// those sizes dynamic, where the attribute does not name them already.
void applySizeRangeDefaults(mlir::Operation *root,
                            const SizeRangeDefaults &defaults);
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
