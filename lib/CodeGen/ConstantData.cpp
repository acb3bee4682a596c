//===- ConstantData.cpp - Operands known at compile time ------------------===//

#include "autoconfig/CodeGen/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace autoconfig {

std::optional<std::vector<double>> elementsAsDoubles(Attribute attr) {
  std::vector<double> values;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    // f32 and f64 without an APFloat per element (weights run to millions).
    values.reserve(size_t(dense.getNumElements()));
    if (dense.getElementType().isF32()) {
      for (float v : dense.getValues<float>())
        values.push_back(v);
      return values;
    }
    if (dense.getElementType().isF64()) {
      for (double v : dense.getValues<double>())
        values.push_back(v);
      return values;
    }
    for (APFloat v : dense.getValues<APFloat>()) {
      bool lost = false;
      v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v.convertToDouble());
    }
    return values;
  }
  if (auto blob = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    if (auto data = blob.tryGetAsArrayRef()) {
      values.assign(data->begin(), data->end());
      return values;
    }
  }
  if (auto blob = dyn_cast<DenseF64ResourceElementsAttr>(attr)) {
    if (auto data = blob.tryGetAsArrayRef()) {
      values.assign(data->begin(), data->end());
      return values;
    }
  }
  return std::nullopt;
}

/// The attribute holding `memref`'s values when known at compile time.
static Attribute constantElements(Value memref) {
  while (Operation *def = memref.getDefiningOp()) {
    if (auto cast = dyn_cast<memref::CastOp>(def)) {
      memref = cast.getSource();
      continue;
    }
    if (auto toBuffer = dyn_cast<bufferization::ToBufferOp>(def)) {
      memref = toBuffer.getTensor();
      continue;
    }
    // Reshapes of a contiguous buffer keep its row-major element order (the
    // generators view weights as matrices this way).
    if (isa<memref::CollapseShapeOp, memref::ExpandShapeOp>(def)) {
      Value source = def->getOperand(0);
      auto type = cast<MemRefType>(source.getType());
      if (!type.getLayout().isIdentity())
        return {};
      memref = source;
      continue;
    }
    if (auto constant = dyn_cast<arith::ConstantOp>(def))
      return constant.getValue();
    if (auto get = dyn_cast<memref::GetGlobalOp>(def)) {
      auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          def, get.getNameAttr());
      if (!global || !global.getConstant() || !global.getInitialValue())
        return {};
      return *global.getInitialValue();
    }
    return {};
  }
  return {};
}

std::optional<std::vector<double>> constantValues(Value memref) {
  Attribute elements = constantElements(memref);
  if (!elements)
    return std::nullopt;
  return elementsAsDoubles(elements);
}

std::optional<ConstantBytes> constantBytes(Value memref) {
  Attribute elements = constantElements(memref);
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(elements))
    return ConstantBytes{dense.getRawData(), dense.isSplat()};
  if (auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(elements))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return ConstantBytes{blob->getData(), false};
  return std::nullopt;
}

/// A private constant memref.global initialized with `init`, inserted into
/// the module around the builder's insertion point; its get_global there.
static Value insertConstantGlobal(OpBuilder &builder, Location loc,
                                  StringRef name, ArrayRef<int64_t> shape,
                                  Type element, DenseElementsAttr init) {
  auto module =
      builder.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
  auto memrefType = MemRefType::get(shape, element);
  // Built detached, then inserted by the symbol table, which renames it
  // when another kernel's constant has the name already.
  OpBuilder detached(module.getContext());
  auto global = memref::GlobalOp::create(
      detached, loc, name, detached.getStringAttr("private"), memrefType, init,
      /*constant=*/true, detached.getI64IntegerAttr(64));
  SymbolTable(module).insert(global, module.getBody()->begin());
  return memref::GetGlobalOp::create(builder, loc, memrefType,
                                     global.getSymName());
}

Value createConstantBufferFromBytes(OpBuilder &builder, Location loc,
                                    StringRef name, ArrayRef<int64_t> shape,
                                    Type element, ArrayRef<char> bytes) {
  auto init = DenseElementsAttr::getFromRawBuffer(
      RankedTensorType::get(shape, element), bytes);
  return insertConstantGlobal(builder, loc, name, shape, element, init);
}

Value createConstantBuffer(OpBuilder &builder, Location loc, StringRef name,
                           ArrayRef<int64_t> shape, Type element,
                           ArrayRef<double> values) {
  auto tensorType = RankedTensorType::get(shape, element);
  DenseElementsAttr init;
  if (element.isF32()) {
    std::vector<float> narrowed(values.begin(), values.end());
    init = DenseElementsAttr::get(tensorType, ArrayRef<float>(narrowed));
  } else {
    init = DenseElementsAttr::get(tensorType, values);
  }
  return insertConstantGlobal(builder, loc, name, shape, element, init);
}

} // namespace autoconfig
