//===- TensorBuilders.h - linalg/tensor IR for converters -------*- C++ -*-===//
//
// The pieces the op converters share: elementwise ops with numpy
// broadcasting, reductions, reshapes that insert or drop unit dimensions,
// transposes and padding, all on tensors, static or dynamic dimensions alike.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_LIB_ONNX_TENSORBUILDERS_H
#define AUTOCONFIG_LIB_ONNX_TENSORBUILDERS_H

#include "NodeContext.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

namespace autoconfig {

using ScalarBody = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;
using Combine = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::Value acc, mlir::Value x)>;

mlir::Type elementType(mlir::Value tensor);
/// A scalar arith.constant of float type `element`.
mlir::Value floatConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Type element, double value);
llvm::ArrayRef<int64_t> shapeOf(mlir::Value tensor);

/// Sizes of `tensor`: static ones as attributes, dynamic ones as tensor.dim.
llvm::SmallVector<mlir::OpFoldResult>
sizesOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor);
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes,
                        mlir::Type element);
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Type element, double value);

/// Inputs 0 and 1 as runtime tensors of one element type (invalid
/// otherwise): the operands of a binary op.
mlir::FailureOr<std::array<mlir::Value, 2>> sameTypeOperands(NodeContext &ctx);

/// The numpy broadcast of `shapes` (ShapedType::kDynamic for symbolic
/// dims, which are assumed to be the broadcast size, not 1). Reports
/// incompatible static dims as invalid.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(NodeContext &ctx,
                llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

/// result[i...] = body(operands broadcast to the common shape[i...]).
mlir::FailureOr<mlir::Value> elementwise(NodeContext &ctx,
                                         mlir::ValueRange operands,
                                         mlir::Type resultElement,
                                         ScalarBody body);

/// A parallel linalg.generic over `sizes`: result[d...] = body(inputs read
/// through `inputMaps`).
mlir::Value buildGeneric(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::ValueRange inputs,
                         llvm::ArrayRef<mlir::AffineMap> inputMaps,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Type resultElement, ScalarBody body);

/// Reduces `input` over `axes` (sorted, unique, in range) starting from
/// `init` with `combine`; reduced dims are kept as 1 when `keepDims`.
mlir::Value reduce(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                   llvm::ArrayRef<int64_t> axes, bool keepDims, double init,
                   Combine combine);

/// `input` with unit dims inserted at `positions` of the result (sorted).
mlir::Value insertUnitDims(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input,
                           llvm::ArrayRef<int64_t> positions);
/// `input` without the dims at `axes` (sorted), which must be 1.
mlir::Value dropUnitDims(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value input, llvm::ArrayRef<int64_t> axes);
/// `input` (static shape) reshaped to `shape` of the same element count.
mlir::Value reshapeStatic(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value input, llvm::ArrayRef<int64_t> shape);
/// Dims [first, last] of `input` merged into one.
mlir::Value collapseDims(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value input, int64_t first, int64_t last);

mlir::Value transpose(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                      llvm::ArrayRef<int64_t> permutation);

/// `input` padded by `low`/`high` elements per dim with `value`.
mlir::Value padWith(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                    llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                    mlir::Value value);

/// `input` broadcast (materialized) to `sizes` of the same rank, where its
/// static unit dims stretch.
mlir::Value broadcastTo(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value input,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// Normalizes a possibly negative `axis` of a rank-`rank` tensor; reports
/// out-of-range axes as invalid.
mlir::FailureOr<int64_t> normalizeAxis(NodeContext &ctx, int64_t axis,
                                       int64_t rank,
                                       llvm::StringRef what = "axis");
/// Normalizes, sorts and checks for duplicates.
mlir::FailureOr<llvm::SmallVector<int64_t>>
normalizeAxes(NodeContext &ctx, llvm::ArrayRef<int64_t> axes, int64_t rank);

/// The number of elements of `tensor` over `axes`, whose dims must be
/// static (unsupported otherwise).
mlir::FailureOr<int64_t> countOver(NodeContext &ctx, mlir::Value tensor,
                                   llvm::ArrayRef<int64_t> axes);

/// Checks that an input `shape` is [N, C, spatial...] (rank 3 or more), as
/// pooling and instance normalization need; reports invalid otherwise.
mlir::LogicalResult checkSpatialInput(NodeContext &ctx,
                                      llvm::ArrayRef<int64_t> shape);

/// Checks that every dim of a result is within kMaxOnnxTensorElements in
/// total (static dims only); reports unsupported otherwise.
mlir::LogicalResult checkResultSize(NodeContext &ctx,
                                    llvm::ArrayRef<int64_t> shape);

} // namespace autoconfig

#endif
