//===- ConstantData.h - Operands known at compile time ----------*- C++ -*-===//
//
// Weights given as constants are packed or transformed at compile time into
// the layout a generator wants: read their values, build the new constant.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_CODEGEN_CONSTANTDATA_H
#define AUTOCONFIG_CODEGEN_CONSTANTDATA_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <vector>

namespace autoconfig {

/// The values (dense, row-major) of a dense or dense_resource f32/f64
/// elements attribute.
std::optional<std::vector<double>> elementsAsDoubles(mlir::Attribute attr);

/// The values of `memref` when known at compile time: a constant
/// memref.global (through casts and to_buffer), or an arith.constant.
std::optional<std::vector<double>> constantValues(mlir::Value memref);

/// The bytes of `memref`'s elements when known at compile time, as
/// constantValues finds them: for repacking large weights without converting
/// every element. A splat holds one element's bytes.
struct ConstantBytes {
  llvm::ArrayRef<char> data;
  bool splat = false;
};
std::optional<ConstantBytes> constantBytes(mlir::Value memref);

/// As createConstantBuffer, from the elements' bytes in `element`'s format.
mlir::Value createConstantBufferFromBytes(mlir::OpBuilder &builder,
                                          mlir::Location loc,
                                          llvm::StringRef name,
                                          llvm::ArrayRef<int64_t> shape,
                                          mlir::Type element,
                                          llvm::ArrayRef<char> bytes);

/// A new private constant memref.global of `shape` holding `values`
/// (rounded to `element`), inserted in the module around the builder's
/// insertion point under a unique name based on `name`; returns its
/// memref.get_global at the insertion point.
mlir::Value createConstantBuffer(mlir::OpBuilder &builder, mlir::Location loc,
                                 llvm::StringRef name,
                                 llvm::ArrayRef<int64_t> shape,
                                 mlir::Type element,
                                 llvm::ArrayRef<double> values);

} // namespace autoconfig

#endif
