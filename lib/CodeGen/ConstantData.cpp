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

std::optional<std::vector<double>> constantValues(Value memref) {
  while (Operation *def = memref.getDefiningOp()) {
    if (auto cast = dyn_cast<memref::CastOp>(def)) {
      memref = cast.getSource();
      continue;
    }
    if (auto toBuffer = dyn_cast<bufferization::ToBufferOp>(def)) {
      memref = toBuffer.getTensor();
      continue;
    }
    if (auto constant = dyn_cast<arith::ConstantOp>(def))
      return elementsAsDoubles(constant.getValue());
    if (auto get = dyn_cast<memref::GetGlobalOp>(def)) {
      auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          def, get.getNameAttr());
      if (!global || !global.getConstant() || !global.getInitialValue())
        return std::nullopt;
      return elementsAsDoubles(*global.getInitialValue());
    }
    return std::nullopt;
  }
  return std::nullopt;
}

Value createConstantBuffer(OpBuilder &builder, Location loc, StringRef name,
                           ArrayRef<int64_t> shape, Type element,
                           ArrayRef<double> values) {
  auto module =
      builder.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
  auto tensorType = RankedTensorType::get(shape, element);
  DenseElementsAttr init;
  if (element.isF32()) {
    std::vector<float> narrowed(values.begin(), values.end());
    init = DenseElementsAttr::get(tensorType, ArrayRef<float>(narrowed));
  } else {
    init = DenseElementsAttr::get(tensorType, values);
  }
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

} // namespace autoconfig
