//===- HostEvaluation.h - Data movement known at import ---------*- C++ -*-===//
//
// Shape computations in exported models (Shape -> Gather -> Concat ->
// Reshape, weights transposed or unsqueezed by the exporter) only move or
// convert values: evaluated here, at import time, their results stay known
// constants (a Reshape needs its shape then; constant weights stay constant
// for packing).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_LIB_ONNX_HOSTEVALUATION_H
#define AUTOCONFIG_LIB_ONNX_HOSTEVALUATION_H

#include "autoconfig/Onnx/OnnxTensor.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

namespace autoconfig {

/// Tensors beyond this many elements are not evaluated on the host (the
/// compiled program computes them).
constexpr int64_t kMaxHostElements = int64_t(1) << 22;

/// True when a result of `shape` is small enough to evaluate on the host.
bool hostEvaluable(llvm::ArrayRef<int64_t> shape);

/// A tensor of `shape` and `source`'s type whose element at each index is
/// source's element at the row-major offset `offsetOf(index)`.
OnnxTensor
hostRemap(const OnnxTensor &source, llvm::ArrayRef<int64_t> shape,
          llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> offsetOf);

/// Row-major strides of `shape`.
llvm::SmallVector<int64_t> rowMajorStrides(llvm::ArrayRef<int64_t> shape);

OnnxTensor hostTranspose(const OnnxTensor &t,
                         llvm::ArrayRef<int64_t> permutation);
/// Along `axis`; the parts have one type and agree elsewhere.
OnnxTensor hostConcat(llvm::ArrayRef<const OnnxTensor *> parts, int64_t axis);
/// ONNX Gather with in-range, non-negative `indices` of `indexShape`.
OnnxTensor hostGather(const OnnxTensor &data, llvm::ArrayRef<int64_t> indices,
                      llvm::ArrayRef<int64_t> indexShape, int64_t axis);
/// Elements start + i * step along each dim, `shape` of them.
OnnxTensor hostSlice(const OnnxTensor &t, llvm::ArrayRef<int64_t> starts,
                     llvm::ArrayRef<int64_t> steps,
                     llvm::ArrayRef<int64_t> shape);
/// Broadcast (numpy, right-aligned) to `shape`.
OnnxTensor hostBroadcast(const OnnxTensor &t, llvm::ArrayRef<int64_t> shape);
/// Conversion to `type` as numpy's astype: float to integer truncates
/// toward zero, integers wrap to the type's width, anything nonzero is
/// true.
OnnxTensor hostCast(const OnnxTensor &t, int32_t type);

} // namespace autoconfig

#endif
