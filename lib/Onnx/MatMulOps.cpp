//===- MatMulOps.cpp - MatMul and Gemm ------------------------------------===//
//
// Both become linalg.matmul or linalg.batch_matmul, the ops AutoConfig
// configures: MatMul with numpy's batching (a batch that only one operand
// has folds into the rows of one matmul; otherwise both are broadcast and
// one batch_matmul runs), Gemm with its transposes as indexing maps (no
// copy; a constant operand is packed at compile time anyway) and
// alpha * A'B' + beta * C as an elementwise epilogue.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace autoconfig {
namespace {

bool sameOrUnknown(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// C = A (M x K) * B (K x N), A and/or B read transposed.
Value matmul(OpBuilder &b, Location loc, Value lhs, Value rhs, bool transA,
             bool transB) {
  SmallVector<OpFoldResult> as = sizesOf(b, loc, lhs),
                            bs = sizesOf(b, loc, rhs);
  SmallVector<OpFoldResult> sizes = {transA ? as[1] : as[0],
                                     transB ? bs[0] : bs[1]};
  Value init = filledTensor(b, loc, sizes, elementType(lhs), 0);
  auto op = linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                     ValueRange{lhs, rhs}, ValueRange{init});
  if (transA || transB) {
    MLIRContext *ctx = b.getContext();
    AffineExpr m = b.getAffineDimExpr(0), n = b.getAffineDimExpr(1),
               k = b.getAffineDimExpr(2);
    auto map = [&](AffineExpr r, AffineExpr c) {
      return AffineMapAttr::get(AffineMap::get(3, 0, {r, c}, ctx));
    };
    op.setIndexingMapsAttr(
        b.getArrayAttr({transA ? map(k, m) : map(m, k),
                        transB ? map(n, k) : map(k, n), map(m, n)}));
  }
  return op->getResult(0);
}

LogicalResult convertMatMul(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  FailureOr<std::array<Value, 2>> operands = sameTypeOperands(ctx);
  if (failed(operands))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  auto [lhs, rhs] = *operands;
  if (shapeOf(lhs).empty() || shapeOf(rhs).empty())
    return ctx.invalid("MatMul operands must have rank 1 or more");
  // numpy: a 1-D operand is a row (lhs) or a column (rhs), dropped after.
  bool rowVector = shapeOf(lhs).size() == 1;
  bool columnVector = shapeOf(rhs).size() == 1;
  if (rowVector)
    lhs = insertUnitDims(b, loc, lhs, {0});
  if (columnVector)
    rhs = insertUnitDims(b, loc, rhs, {1});
  ArrayRef<int64_t> as = shapeOf(lhs), bs = shapeOf(rhs);
  int64_t ra = as.size(), rb = bs.size();
  if (!sameOrUnknown(as[ra - 1], bs[rb - 2]))
    return ctx.invalid("MatMul of shapes " + onnxShapeString(as) + " and " +
                       onnxShapeString(bs) + ": inner dimensions differ");
  FailureOr<SmallVector<int64_t>> batch =
      broadcastShapes(ctx, {as.drop_back(2), bs.drop_back(2)});
  if (failed(batch))
    return failure();
  int64_t nb = batch->size();
  SmallVector<int64_t> resultShape(*batch);
  resultShape.push_back(as[ra - 2]);
  resultShape.push_back(bs[rb - 1]);
  if (failed(checkResultSize(ctx, resultShape)))
    return failure();

  Value result;
  bool rhsHasBatch =
      llvm::any_of(bs.drop_back(2), [](int64_t d) { return d != 1; });
  if (nb == 0) {
    result = matmul(b, loc, lhs, rhs, false, false);
  } else if (!rhsHasBatch && int64_t(as.size()) - 2 == nb) {
    // [batch..., M, K] x [K, N]: one matmul over batch*M rows.
    SmallVector<OpFoldResult> sizes = sizesOf(b, loc, lhs);
    Value rows = collapseDims(b, loc, lhs, 0, nb);
    Value matrix = collapseDims(b, loc, rhs, 0, rb - 2);
    Value product = matmul(b, loc, rows, matrix, false, false);
    SmallVector<OpFoldResult> outSizes(sizes.begin(), sizes.end() - 1);
    outSizes.push_back(sizesOf(b, loc, matrix)[1]);
    ReassociationIndices first;
    for (int64_t k = 0; k <= nb; ++k)
      first.push_back(k);
    SmallVector<int64_t> shape(resultShape);
    result = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(shape, elementType(lhs)), product,
        ArrayRef<ReassociationIndices>{first, {nb + 1}}, outSizes);
  } else {
    // Both batched: broadcast to the common batch, one batch_matmul. A
    // symbolic batch dim takes its size from the operand that has it.
    SmallVector<OpFoldResult> batchSizes;
    for (int64_t k = 0; k < nb; ++k) {
      if (!ShapedType::isDynamic((*batch)[k])) {
        batchSizes.push_back(b.getIndexAttr((*batch)[k]));
        continue;
      }
      for (Value v : {lhs, rhs}) {
        int64_t j = k - (nb - int64_t(shapeOf(v).size() - 2));
        if (j >= 0 && ShapedType::isDynamic(shapeOf(v)[j])) {
          batchSizes.push_back(tensor::DimOp::create(b, loc, v, j).getResult());
          break;
        }
      }
    }
    auto full = [&](Value v) {
      int64_t r = shapeOf(v).size();
      SmallVector<int64_t> lead;
      for (int64_t k = 0; k < nb + 2 - r; ++k)
        lead.push_back(k);
      Value ranked = insertUnitDims(b, loc, v, lead);
      SmallVector<OpFoldResult> sizes = sizesOf(b, loc, ranked);
      for (int64_t k = 0; k < nb; ++k)
        sizes[k] = batchSizes[k];
      return collapseDims(b, loc, broadcastTo(b, loc, ranked, sizes), 0,
                          nb - 1);
    };
    Value x = full(lhs), y = full(rhs);
    SmallVector<OpFoldResult> xs = sizesOf(b, loc, x), ys = sizesOf(b, loc, y);
    Value init =
        filledTensor(b, loc, {xs[0], xs[1], ys[2]}, elementType(lhs), 0);
    Value product =
        linalg::BatchMatmulOp::create(b, loc, TypeRange{init.getType()},
                                      ValueRange{x, y}, ValueRange{init})
            ->getResult(0);
    SmallVector<OpFoldResult> outSizes(batchSizes);
    outSizes.push_back(xs[1]);
    outSizes.push_back(ys[2]);
    ReassociationIndices first;
    for (int64_t k = 0; k < nb; ++k)
      first.push_back(k);
    result = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(resultShape, elementType(lhs)), product,
        ArrayRef<ReassociationIndices>{first, {nb}, {nb + 1}}, outSizes);
  }
  SmallVector<int64_t> dropped;
  if (rowVector)
    dropped.push_back(nb);
  if (columnVector)
    dropped.push_back(nb + 1);
  ctx.setOutput(0, dropUnitDims(b, loc, result, dropped));
  return success();
}

LogicalResult convertGemm(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  bool transA = ctx.intAttr("transA", 0) != 0;
  bool transB = ctx.intAttr("transB", 0) != 0;
  double alpha = ctx.floatAttr("alpha", 1.0f);
  double beta = ctx.floatAttr("beta", 1.0f);
  // Opsets before 7 say whether C broadcasts; numpy rules cover both.
  ctx.ignoreAttr("broadcast");
  if (ctx.failed())
    return failure();
  FailureOr<std::array<Value, 2>> factors = ctx.tensors<2>();
  if (failed(factors))
    return failure();
  auto [a, bv] = *factors;
  if (shapeOf(a).size() != 2 || shapeOf(bv).size() != 2)
    return ctx.invalid("Gemm operands must be matrices, got " +
                       onnxShapeString(shapeOf(a)) + " and " +
                       onnxShapeString(shapeOf(bv)));
  Type element = elementType(a);
  if (elementType(bv) != element)
    return ctx.invalid("operands have different element types");
  ArrayRef<int64_t> as = shapeOf(a), bs = shapeOf(bv);
  int64_t k = as[transA ? 0 : 1], kb = bs[transB ? 1 : 0];
  if (!sameOrUnknown(k, kb))
    return ctx.invalid("Gemm of shapes " + onnxShapeString(as) +
                       (transA ? " (transposed)" : "") + " and " +
                       onnxShapeString(bs) + (transB ? " (transposed)" : "") +
                       ": inner dimensions differ");
  Value product = matmul(ctx.b, ctx.loc, a, bv, transA, transB);
  SmallVector<Value> operands = {product};
  if (ctx.hasInput(2)) {
    FailureOr<Value> c = ctx.tensor(2);
    if (failed(c))
      return failure();
    if (elementType(*c) != element)
      return ctx.invalid("C has a different element type");
    operands.push_back(*c);
  }
  if (operands.size() == 1 && alpha == 1.0) {
    ctx.setOutput(0, product);
    return success();
  }
  FailureOr<Value> y = elementwise(
      ctx, operands, element, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value v = args[0];
        if (alpha != 1.0)
          v = arith::MulFOp::create(b, loc, v,
                                    floatConstant(b, loc, element, alpha));
        if (args.size() == 2) {
          Value c = args[1];
          if (beta != 1.0)
            c = arith::MulFOp::create(b, loc, c,
                                      floatConstant(b, loc, element, beta));
          v = arith::AddFOp::create(b, loc, v, c);
        }
        return v;
      });
  if (failed(y))
    return failure();
  if (shapeOf(*y) != shapeOf(product))
    return ctx.invalid("C of shape " + onnxShapeString(shapeOf(operands[1])) +
                       " does not broadcast to the result's shape " +
                       onnxShapeString(shapeOf(product)));
  ctx.setOutput(0, *y);
  return success();
}

const ConverterEntry kConverters[] = {
    {"Gemm", convertGemm},
    {"MatMul", convertMatMul},
};

} // namespace

ArrayRef<ConverterEntry> matmulConverters() { return kConverters; }

} // namespace autoconfig
