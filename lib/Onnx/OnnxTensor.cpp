//===- OnnxTensor.cpp - Decoding onnx.TensorProto -------------------------===//
//
// A TensorProto holds its values either in the typed repeated field of its
// type (float_data, int32_data, int64_data, double_data, uint64_data) or as
// raw little-endian bytes (raw_data); see onnx/onnx.proto. Every count is
// checked against the dimensions before anything is read.
//
//===----------------------------------------------------------------------===//

#include "TensorDecoding.h"

#include "autoconfig/Onnx/OnnxModel.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace autoconfig {

char OnnxImportError::ID = 0;

std::string onnxTypeName(int32_t type) {
  switch (OnnxDataType(type)) {
  case OnnxDataType::Undefined:
    return "undefined";
  case OnnxDataType::Float:
    return "float";
  case OnnxDataType::UInt8:
    return "uint8";
  case OnnxDataType::Int8:
    return "int8";
  case OnnxDataType::UInt16:
    return "uint16";
  case OnnxDataType::Int16:
    return "int16";
  case OnnxDataType::Int32:
    return "int32";
  case OnnxDataType::Int64:
    return "int64";
  case OnnxDataType::String:
    return "string";
  case OnnxDataType::Bool:
    return "bool";
  case OnnxDataType::Float16:
    return "float16";
  case OnnxDataType::Double:
    return "double";
  case OnnxDataType::UInt32:
    return "uint32";
  case OnnxDataType::UInt64:
    return "uint64";
  case OnnxDataType::Complex64:
    return "complex64";
  case OnnxDataType::Complex128:
    return "complex128";
  case OnnxDataType::BFloat16:
    return "bfloat16";
  }
  return "type " + std::to_string(type);
}

bool isOnnxComputeType(int32_t type) {
  return type == int32_t(OnnxDataType::Float) ||
         type == int32_t(OnnxDataType::Double);
}

bool isOnnxIntegerType(int32_t type) {
  switch (OnnxDataType(type)) {
  case OnnxDataType::UInt8:
  case OnnxDataType::Int8:
  case OnnxDataType::UInt16:
  case OnnxDataType::Int16:
  case OnnxDataType::Int32:
  case OnnxDataType::Int64:
  case OnnxDataType::Bool:
  case OnnxDataType::UInt32:
  case OnnxDataType::UInt64:
    return true;
  default:
    return false;
  }
}

int64_t OnnxTensor::elements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// A tensor of `type` and `shape` whose values the caller fills in.
static OnnxTensor typedTensor(OnnxDataType type, std::vector<int64_t> shape) {
  OnnxTensor t;
  t.type = int32_t(type);
  t.shape = std::move(shape);
  return t;
}

OnnxTensor OnnxTensor::ofInts(std::vector<int64_t> shape,
                              std::vector<int64_t> values, OnnxDataType type) {
  OnnxTensor t = typedTensor(type, std::move(shape));
  t.ints = std::move(values);
  return t;
}

OnnxTensor OnnxTensor::ofFloats(std::vector<int64_t> shape,
                                std::vector<double> values, OnnxDataType type) {
  OnnxTensor t = typedTensor(type, std::move(shape));
  t.floats = std::move(values);
  return t;
}

std::string onnxShapeString(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      text += ", ";
    text += shape[i] < 0 ? "?" : std::to_string(shape[i]);
  }
  return text + "]";
}

Expected<int64_t> checkedElementCount(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return make_error<OnnxImportError>(OnnxErrorKind::Invalid,
                                         "negative dimension in shape " +
                                             onnxShapeString(shape));
    if (d && n > kMaxOnnxTensorElements / d)
      return make_error<OnnxImportError>(
          OnnxErrorKind::Unsupported,
          "tensor of shape " + onnxShapeString(shape) + " has more than " +
              std::to_string(kMaxOnnxTensorElements) + " elements",
          "tensor larger than 2^31-1 elements");
    n *= d;
  }
  return n;
}

/// Bytes per element of the types held in raw_data; 0 for the others.
static size_t elementBytes(int32_t type) {
  switch (OnnxDataType(type)) {
  case OnnxDataType::UInt8:
  case OnnxDataType::Int8:
  case OnnxDataType::Bool:
    return 1;
  case OnnxDataType::UInt16:
  case OnnxDataType::Int16:
  case OnnxDataType::Float16:
  case OnnxDataType::BFloat16:
    return 2;
  case OnnxDataType::Float:
  case OnnxDataType::Int32:
  case OnnxDataType::UInt32:
    return 4;
  case OnnxDataType::Int64:
  case OnnxDataType::Double:
  case OnnxDataType::UInt64:
    return 8;
  default:
    return 0;
  }
}

int64_t wrapToOnnxInteger(int64_t v, int32_t type) {
  if (type == int32_t(OnnxDataType::Bool))
    return v != 0;
  unsigned bits = 8 * elementBytes(type);
  if (!isOnnxIntegerType(type) || bits == 64)
    return v;
  // Two's complement of the type's width.
  bool isSigned = type == int32_t(OnnxDataType::Int8) ||
                  type == int32_t(OnnxDataType::Int16) ||
                  type == int32_t(OnnxDataType::Int32);
  return isSigned ? SignExtend64(uint64_t(v), bits)
                  : int64_t(uint64_t(v) & maskTrailingOnes<uint64_t>(bits));
}

static double halfToDouble(uint16_t bits, bool bfloat) {
  if (bfloat) {
    // bfloat16 is the upper half of an IEEE single.
    return llvm::bit_cast<float>(uint32_t(bits) << 16);
  }
  APFloat half(APFloat::IEEEhalf(), APInt(16, bits));
  bool losesInfo = false;
  half.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
  return half.convertToDouble();
}

/// Decodes element `i` of little-endian `raw` data of `type` into `t`.
static void decodeRaw(const char *raw, int64_t count, OnnxTensor &t) {
  using namespace llvm::support;
  size_t size = elementBytes(t.type);
  for (int64_t i = 0; i < count; ++i) {
    const char *p = raw + i * size;
    switch (OnnxDataType(t.type)) {
    case OnnxDataType::Float:
      t.floats.push_back(llvm::bit_cast<float>(endian::read32le(p)));
      break;
    case OnnxDataType::Double:
      t.floats.push_back(llvm::bit_cast<double>(endian::read64le(p)));
      break;
    case OnnxDataType::Float16:
    case OnnxDataType::BFloat16:
      t.floats.push_back(halfToDouble(
          endian::read16le(p), t.type == int32_t(OnnxDataType::BFloat16)));
      break;
    default: {
      // Integers: the type's width, little-endian, wrapped to its
      // signedness (UInt64 values beyond int64 wrap; no op of the importer
      // reads them).
      uint64_t bits = 0;
      for (size_t k = 0; k < size; ++k)
        bits |= uint64_t(uint8_t(p[k])) << (8 * k);
      t.ints.push_back(wrapToOnnxInteger(int64_t(bits), t.type));
      break;
    }
    }
  }
}

/// Appends to `t` the values of the typed field of `proto` that holds its
/// type (onnx.proto); `take(field, append)` checks the field's count, then
/// appends each value.
template <typename Take>
static Error decodeFields(const ::onnx::TensorProto &proto, OnnxTensor &t,
                          Take take) {
  // Values stored as they are: floats widened, integers as int64.
  auto toFloats = [&](auto v) { t.floats.push_back(v); };
  auto toInts = [&](auto v) { t.ints.push_back(int64_t(v)); };
  switch (OnnxDataType(t.type)) {
  case OnnxDataType::Float:
    return take(proto.float_data(), toFloats);
  case OnnxDataType::Double:
    return take(proto.double_data(), toFloats);
  case OnnxDataType::Float16:
  case OnnxDataType::BFloat16:
    // The 16 bits of each value in an int32_data entry.
    return take(proto.int32_data(), [&](int32_t v) {
      t.floats.push_back(
          halfToDouble(uint16_t(v), t.type == int32_t(OnnxDataType::BFloat16)));
    });
  case OnnxDataType::Int64:
    return take(proto.int64_data(), toInts);
  case OnnxDataType::UInt32:
  case OnnxDataType::UInt64:
    return take(proto.uint64_data(), toInts);
  case OnnxDataType::Bool:
    return take(proto.int32_data(),
                [&](int32_t v) { t.ints.push_back(v != 0); });
  default: // the other integer types live in int32_data
    return take(proto.int32_data(), toInts);
  }
}

Expected<OnnxTensor> decodeTensor(const ::onnx::TensorProto &proto,
                                  StringRef what) {
  auto invalid = [&](const Twine &message) {
    return make_error<OnnxImportError>(OnnxErrorKind::Invalid,
                                       (what + ": " + message).str());
  };
  OnnxTensor t;
  t.type = proto.data_type();
  if (proto.has_segment())
    return make_error<OnnxImportError>(OnnxErrorKind::Unsupported,
                                       (what + ": segmented tensor").str(),
                                       "segmented tensor");
  if (proto.data_location() == ::onnx::TensorProto::EXTERNAL)
    return make_error<OnnxImportError>(
        OnnxErrorKind::Unsupported,
        (what + ": tensor data stored in an external file").str(),
        "external tensor data");
  size_t size = elementBytes(t.type);
  if (!size)
    return make_error<OnnxImportError>(
        OnnxErrorKind::Unsupported,
        (what + ": element type " + onnxTypeName(t.type) + " is not supported")
            .str(),
        "type " + onnxTypeName(t.type));
  if (size_t(proto.dims_size()) > kMaxOnnxRank)
    return make_error<OnnxImportError>(
        OnnxErrorKind::Unsupported,
        (what + ": rank " + Twine(proto.dims_size())).str(),
        "rank above " + std::to_string(kMaxOnnxRank));
  for (int64_t d : proto.dims())
    t.shape.push_back(d);
  Expected<int64_t> count = checkedElementCount(t.shape);
  if (!count)
    return invalid(toString(count.takeError()));
  auto mismatch = [&](size_t given) {
    return invalid("holds " + Twine(given) + " values for shape " +
                   onnxShapeString(t.shape) + " (" + Twine(*count) +
                   " elements)");
  };
  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    if (raw.size() != size_t(*count) * size)
      return mismatch(raw.size() / size);
    if (t.isFloat())
      t.floats.reserve(*count);
    else
      t.ints.reserve(*count);
    decodeRaw(raw.data(), *count, t);
    return t;
  }
  auto take = [&](const auto &field, auto convert) -> Error {
    if (size_t(field.size()) != size_t(*count))
      return mismatch(field.size());
    for (const auto &v : field)
      convert(v);
    return Error::success();
  };
  if (Error err = decodeFields(proto, t, take))
    return std::move(err);
  return t;
}

Expected<OnnxTensor> parseOnnxTensor(StringRef bytes, StringRef what) {
  ::onnx::TensorProto proto;
  if (bytes.size() > size_t(INT32_MAX) ||
      !proto.ParseFromArray(bytes.data(), int(bytes.size())))
    return make_error<OnnxImportError>(
        OnnxErrorKind::Invalid,
        (what + ": not a valid serialized onnx.TensorProto").str());
  return decodeTensor(proto, what);
}

Expected<OnnxTensor> readOnnxTensorFile(StringRef path) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return make_error<OnnxImportError>(
        OnnxErrorKind::Invalid,
        ("cannot read '" + path + "': " + buffer.getError().message()).str());
  return parseOnnxTensor((*buffer)->getBuffer(), path);
}

} // namespace autoconfig
