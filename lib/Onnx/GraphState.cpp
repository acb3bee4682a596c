//===- GraphState.cpp - The state of one graph's import -------------------===//

#include "GraphState.h"
#include "HostEvaluation.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace autoconfig {

bool GraphState::hostEvaluable(ArrayRef<int64_t> shape) {
  if (!autoconfig::hostEvaluable(shape))
    return false;
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  if (n > hostBudget)
    return false;
  hostBudget -= n;
  return true;
}

Value GraphState::materialize(OpBuilder &b, Location loc,
                              const OnnxTensor &value) {
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> shape(value.shape.begin(), value.shape.end());
  if (value.isFloat()) {
    bool wide = value.type == int32_t(OnnxDataType::Double);
    Type element = wide ? Type(Float64Type::get(ctx)) : Float32Type::get(ctx);
    auto type = RankedTensorType::get(shape, element);
    int64_t bytes = int64_t(value.floats.size()) * (wide ? 8 : 4);
    Attribute attr;
    if (wide) {
      ArrayRef<double> data(value.floats);
      if (bytes >= options.resourceThresholdBytes && bytes > 0)
        attr = DenseF64ResourceElementsAttr::get(
            type, "onnx_const" + std::to_string(blobs++),
            HeapAsmResourceBlob::allocateAndCopyInferAlign(data));
      else
        attr = DenseElementsAttr::get(type, data);
    } else {
      SmallVector<float> data(value.floats.begin(), value.floats.end());
      if (bytes >= options.resourceThresholdBytes && bytes > 0)
        attr = DenseF32ResourceElementsAttr::get(
            type, "onnx_const" + std::to_string(blobs++),
            HeapAsmResourceBlob::allocateAndCopyInferAlign(
                ArrayRef<float>(data)));
      else
        attr = DenseElementsAttr::get(type, ArrayRef<float>(data));
    }
    return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
  }
  auto type = RankedTensorType::get(shape, IntegerType::get(ctx, 64));
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef<int64_t>(value.ints)));
}

} // namespace autoconfig
