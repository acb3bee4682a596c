//===- OnnxTensor.h - ONNX tensors held on the host -------------*- C++ -*-===//
//
// A tensor known at import time: an initializer, a Constant node's value, a
// test's input or expected output, or the result of shape arithmetic the
// importer evaluates. Decoded from an onnx.TensorProto (typed fields or raw
// little-endian bytes) with every size checked.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_ONNX_ONNXTENSOR_H
#define AUTOCONFIG_ONNX_ONNXTENSOR_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace autoconfig {

/// The element types of onnx.TensorProto.DataType that the importer names;
/// the values are the protocol's.
enum class OnnxDataType : int32_t {
  Undefined = 0,
  Float = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  UInt32 = 12,
  UInt64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  BFloat16 = 16,
};

/// "float", "int64", ... ("type 42" for a value the protocol does not
/// define).
std::string onnxTypeName(int32_t type);
/// Float and Double: the element types the compiled code computes in.
bool isOnnxComputeType(int32_t type);
/// Integer and boolean types, held as int64 on the host.
bool isOnnxIntegerType(int32_t type);
/// `v` wrapped to the width and signedness of integer `type` (0 or 1 for
/// Bool); unchanged for 64-bit and non-integer types.
int64_t wrapToOnnxInteger(int64_t v, int32_t type);

/// Tensors with more elements are refused: every operand of a compiled
/// kernel stays within 32-bit element offsets, and host copies stay small.
constexpr int64_t kMaxOnnxTensorElements = (int64_t(1) << 31) - 1;
/// Tensors of higher rank are refused (real models stay below 8).
constexpr size_t kMaxOnnxRank = 32;

struct OnnxTensor {
  int32_t type = int32_t(OnnxDataType::Float);
  std::vector<int64_t> shape;
  /// Float, Double, Float16 and BFloat16 values (exactly, as double).
  std::vector<double> floats;
  /// Integer and Bool values.
  std::vector<int64_t> ints;

  bool isFloat() const { return !isOnnxIntegerType(type); }
  int64_t elements() const;
  /// Value `i` (row-major) as a double whatever the type.
  double at(size_t i) const { return isFloat() ? floats[i] : double(ints[i]); }

  static OnnxTensor ofInts(std::vector<int64_t> shape,
                           std::vector<int64_t> values,
                           OnnxDataType type = OnnxDataType::Int64);
  static OnnxTensor ofFloats(std::vector<int64_t> shape,
                             std::vector<double> values,
                             OnnxDataType type = OnnxDataType::Float);
};

/// Elements of `shape`, or an error when a dimension is negative or the
/// count exceeds kMaxOnnxTensorElements.
llvm::Expected<int64_t> checkedElementCount(llvm::ArrayRef<int64_t> shape);

/// Decodes a serialized onnx.TensorProto (a test's input_N.pb).
llvm::Expected<OnnxTensor> parseOnnxTensor(llvm::StringRef bytes,
                                           llvm::StringRef what);
/// Reads and decodes a .pb file holding one onnx.TensorProto.
llvm::Expected<OnnxTensor> readOnnxTensorFile(llvm::StringRef path);

/// "[2, 3, 4]".
std::string onnxShapeString(llvm::ArrayRef<int64_t> shape);

} // namespace autoconfig

#endif
