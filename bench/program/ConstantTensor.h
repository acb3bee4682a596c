//===- ConstantTensor.h - A program constant, on the host -------*- C++ -*-===//
//
// The values the oneDNN program peer knows when it builds the primitives:
// weights (`arith.constant dense<...>`, splat or not, `dense_resource`),
// scalars, and whatever the program computes from them alone (a transposed
// weight, a fill, the clamp bound of a ReLU6), evaluated once. Elements are
// kept as doubles in row-major order; a splat keeps one value.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PROGRAM_CONSTANTTENSOR_H
#define AUTOCONFIG_BENCH_PROGRAM_CONSTANTTENSOR_H

#include "mlir/IR/Attributes.h"

#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <optional>
#include <vector>

namespace autoconfig::program {

struct ConstantTensor {
  /// Empty for a scalar.
  llvm::SmallVector<int64_t, 4> shape;
  /// Row-major elements; null for a splat.
  std::shared_ptr<const std::vector<double>> values;
  double splatValue = 0;

  static ConstantTensor splat(llvm::ArrayRef<int64_t> shape, double value);
  static ConstantTensor dense(llvm::ArrayRef<int64_t> shape,
                              std::vector<double> values);
  /// From a dense, dense_resource, float, integer or bool attribute; nullopt
  /// for any other.
  static std::optional<ConstantTensor> fromAttribute(mlir::Attribute attr);

  int64_t elements() const;
  bool isSplat() const { return !values; }
  double at(int64_t index) const {
    return values ? (*values)[index] : splatValue;
  }
  /// Whether every element equals `value`.
  bool isUniformly(double value) const;
  /// Row-major strides of `shape`.
  llvm::SmallVector<int64_t, 4> strides() const;
  /// The same values with size 1 in every dimension along which they do not
  /// change (a bias broadcast to a whole image is a per-channel vector).
  ConstantTensor withoutBroadcast() const;
  /// The elements as f32 (splats expanded).
  std::vector<float> toFloats() const;
};

/// `c`, a tensor of an index space of sizes `spaceDims` (size 1 where it is
/// broadcast), with the dimensions `groups` make of that space (dimension i
/// made of the space's dimensions groups[i], outermost first) whose sizes
/// are `logicalDims`; row-major, size 1 where every member is broadcast.
ConstantTensor arrangeConstant(const ConstantTensor &c,
                               llvm::ArrayRef<llvm::SmallVector<int, 2>> groups,
                               llvm::ArrayRef<int64_t> spaceDims,
                               llvm::ArrayRef<int64_t> logicalDims);

} // namespace autoconfig::program

#endif
