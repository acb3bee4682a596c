//===- Extraction.cpp - Dispatch and shared checks of extraction ----------===//

#include "autoconfig/Workload/Extraction.h"
#include "autoconfig/Workload/ExtractionUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace autoconfig {

std::string shapeText(ShapedType type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (int64_t d : type.getShape()) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
    os << "x";
  }
  os << type.getElementType();
  return text;
}

LogicalResult checkOperandTypes(Operation *op, ArrayRef<Value> operands,
                                ArrayRef<const char *> names,
                                ElementKind &element, bool allowDynamic) {
  Type common;
  for (auto [value, name] : llvm::zip(operands, names)) {
    auto shaped = dyn_cast<ShapedType>(value.getType());
    if (!shaped || !shaped.hasRank())
      return op->emitError("autoconfig: operand ")
             << name << " is not a ranked tensor or memref";
    if (!shaped.hasStaticShape() && !allowDynamic)
      return op->emitError("autoconfig: dynamic shapes are not supported "
                           "(operand ")
             << name << " has type " << value.getType() << ")";
    for (int64_t d : shaped.getShape())
      if (d == 0)
        return op->emitError("autoconfig: zero-sized dimension in operand ")
               << name << " (" << shapeText(shaped) << ")";
    // Counted with overflow checks: ShapedType::getNumElements() wraps
    // around for shapes like 2^32 x 2^32 and would let them through.
    int64_t elements = 1;
    bool overflow = false;
    for (int64_t d : shaped.getShape())
      if (!ShapedType::isDynamic(d) &&
          (overflow = llvm::MulOverflow(elements, d, elements)))
        break;
    if (overflow || elements > kMaxOperandElements)
      return op->emitError("autoconfig: operand ")
             << name << " (" << shapeText(shaped) << ") has "
             << (overflow ? std::string("more than 2^63")
                          : std::to_string(elements))
             << " elements, more than the supported 2^31-1";
    Type elementType = shaped.getElementType();
    if (!elementType.isF32() && !elementType.isF64() && !elementType.isBF16() &&
        !elementType.isSignlessInteger(8) && !elementType.isSignlessInteger(32))
      return op->emitError("autoconfig: unsupported element type ")
             << elementType << " in operand " << name
             << " (supported: f32, f64, bf16 inputs with an f32 output, i8 "
                "inputs with an i32 output)";
    if (common && common != elementType)
      return op->emitError("autoconfig: mixed element types (")
             << common << " and " << elementType << ") are not supported";
    common = elementType;
  }
  element = common.isF64()                 ? ElementKind::F64
            : common.isBF16()              ? ElementKind::BF16
            : common.isSignlessInteger(8)  ? ElementKind::I8
            : common.isSignlessInteger(32) ? ElementKind::I32
                                           : ElementKind::F32;
  return success();
}

LogicalResult checkOperandTypes(Operation *op, ArrayRef<Value> inputs,
                                ArrayRef<const char *> inputNames, Value output,
                                const char *outputName, ElementKind &element,
                                bool allowDynamic) {
  ElementKind in, out;
  if (failed(checkOperandTypes(op, inputs, inputNames, in, allowDynamic)) ||
      failed(checkOperandTypes(op, {output}, {outputName}, out, allowDynamic)))
    return failure();
  // bf16 inputs accumulate in f32 (vdpbf16ps, bfdot), i8 in i32 (vpdpbusd,
  // AMX); a bf16 output would round every partial sum.
  if (in == ElementKind::I32 || out != outputElement(in))
    return op->emitError("autoconfig: ")
           << elementName(in) << " inputs and an output of " << elementName(out)
           << " are not supported (supported: f32 or f64 throughout, bf16 "
              "inputs with an f32 output, i8 inputs with an i32 output)";
  element = in;
  return success();
}

LogicalResult readSizeRanges(Operation *op, ArrayRef<StringRef> dynamic,
                             SmallVectorImpl<SizeRange> &ranges,
                             SmallVectorImpl<int64_t> &likely) {
  ranges.assign(dynamic.size(), kDefaultSizeRange);
  likely.assign(dynamic.size(), 0);
  SmallVector<bool> declaredLikely(dynamic.size(), false);
  Attribute raw = op->getAttr("autoconfig.sizes");
  if (raw) {
    auto sizes = dyn_cast<DictionaryAttr>(raw);
    if (!sizes)
      return op->emitError("autoconfig: 'autoconfig.sizes' must be a "
                           "dictionary of size ranges, e.g. {M = array<i64: "
                           "1, 4096>}, not ")
             << raw;
    for (NamedAttribute entry : sizes) {
      const auto *at = llvm::find(dynamic, entry.getName().getValue());
      if (at == dynamic.end())
        return op->emitError("autoconfig: 'autoconfig.sizes' names '")
               << entry.getName().getValue()
               << "', which is not a dynamic size of this op (dynamic: "
               << llvm::join(dynamic, ", ") << ")";
      size_t i = at - dynamic.begin();
      auto values = dyn_cast<DenseI64ArrayAttr>(entry.getValue());
      if (!values || values.size() < 2 || values.size() > 3)
        return op->emitError("autoconfig: the range of ")
               << dynamic[i]
               << " must be array<i64: min, max> or array<i64: min, max, "
                  "likely>, not "
               << entry.getValue();
      SizeRange range{values[0], values[1]};
      if (range.min < 1 || range.max < range.min ||
          range.max > kMaxOperandElements)
        return op->emitError("autoconfig: invalid range ")
               << range.min << ":" << range.max << " of " << dynamic[i]
               << " (need 1 <= min <= max <= " << kMaxOperandElements << ")";
      ranges[i] = range;
      if (values.size() == 3) {
        if (!range.contains(values[2]))
          return op->emitError("autoconfig: the likely size ")
                 << values[2] << " of " << dynamic[i]
                 << " is outside its range " << range.min << ":" << range.max;
        likely[i] = values[2];
        ranges[i].likely = values[2];
        declaredLikely[i] = true;
      }
    }
  }
  for (size_t i = 0; i < dynamic.size(); ++i)
    if (!declaredLikely[i])
      likely[i] = std::clamp<int64_t>(
          int64_t(std::llround(
              std::sqrt(double(ranges[i].min) * double(ranges[i].max)))),
          ranges[i].min, ranges[i].max);
  return success();
}

bool isCompileTimeConstant(Value value) {
  // Look through casts that bufferization and canonicalization introduce.
  while (Operation *def = value.getDefiningOp()) {
    if (isa<arith::ConstantOp>(def))
      return true;
    if (auto toBuffer = dyn_cast<bufferization::ToBufferOp>(def)) {
      value = toBuffer.getTensor();
      continue;
    }
    if (auto cast = dyn_cast<memref::CastOp>(def)) {
      value = cast.getSource();
      continue;
    }
    if (auto get = dyn_cast<memref::GetGlobalOp>(def)) {
      auto module = def->getParentOfType<ModuleOp>();
      auto global =
          module ? SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
                       def, get.getNameAttr())
                 : nullptr;
      return global && global.getConstant() && global.getInitialValue();
    }
    return false;
  }
  return false;
}

double programConstantBytes(Operation *op) {
  auto module = op->getParentOfType<ModuleOp>();
  if (!module)
    return 0;
  auto bytesOf = [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped || !shaped.hasStaticShape() ||
        !shaped.getElementType().isIntOrFloat())
      return 0.0;
    return double(shaped.getNumElements()) *
           double(shaped.getElementTypeBitWidth()) / 8;
  };
  double bytes = 0;
  module.walk([&](Operation *inner) {
    if (auto global = dyn_cast<memref::GlobalOp>(inner)) {
      if (global.getConstant() && global.getInitialValue())
        bytes += bytesOf(global.getType());
    } else if (auto constant = dyn_cast<arith::ConstantOp>(inner)) {
      bytes += bytesOf(constant.getType());
    }
  });
  return bytes;
}

std::string defaultWorkloadName(Operation *op, std::string fallback) {
  if (auto name = op->getAttrOfType<StringAttr>("autoconfig.name"))
    return name.str();
  return fallback;
}

bool isConfigurableOp(Operation *op) {
  return isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) || isConvOp(op);
}

FailureOr<Workload> extractWorkload(Operation *op) {
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op)) {
    FailureOr<GemmWorkload> gemm = extractGemm(cast<linalg::LinalgOp>(op));
    if (failed(gemm))
      return failure();
    return Workload(std::move(*gemm));
  }
  if (isConvOp(op)) {
    FailureOr<ConvWorkload> conv = extractConv(cast<linalg::LinalgOp>(op));
    if (failed(conv))
      return failure();
    return Workload(std::move(*conv));
  }
  return op->emitError("autoconfig: unsupported op '") << op->getName() << "'";
}

} // namespace autoconfig
