//===- PoolingOps.cpp - MaxPool, AveragePool, global pooling --------------===//
//
// 2-D windows become linalg.pooling_nchw_max / pooling_nchw_sum on a padded
// input (1-D over a unit height), other ranks a linalg.generic of the same
// shape. Max pooling pads with -inf, so padding never wins. Average pooling
// divides a zero-padded sum by the number of elements each window counts:
// the input's (count_include_pad = 0) or the input and explicit padding's
// (count_include_pad = 1), never the extra of ceil_mode; that count is
// itself the sum pooling of a mask, so every window shape, dilation and
// ceil mode is handled alike.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"
#include "TensorBuilders.h"
#include "Window.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;

namespace autoconfig {
namespace {

enum class PoolKind { Max, Sum };

/// Pools `padded` ([N, C, spatial...], already padded) with window `w`.
Value pool(OpBuilder &b, Location loc, Value padded, const Window &w,
           PoolKind kind) {
  Type element = elementType(padded);
  SmallVector<OpFoldResult> inSizes = sizesOf(b, loc, padded);
  SmallVector<OpFoldResult> sizes = {inSizes[0], inSizes[1]};
  for (int64_t o : w.output)
    sizes.push_back(b.getIndexAttr(o));
  double init =
      kind == PoolKind::Max ? -std::numeric_limits<double>::infinity() : 0.0;
  Value acc = filledTensor(b, loc, sizes, element, init);
  SmallVector<OpFoldResult> windowSizes;
  for (int64_t k : w.kernel)
    windowSizes.push_back(b.getIndexAttr(k));
  Value window = emptyTensor(b, loc, windowSizes, element);
  int64_t s = w.rank();
  if (s == 2) {
    SmallVector<NamedAttribute> attrs = {
        b.getNamedAttr("strides", b.getI64VectorAttr(w.strides)),
        b.getNamedAttr("dilations", b.getI64VectorAttr(w.dilations))};
    if (kind == PoolKind::Max)
      return linalg::PoolingNchwMaxOp::create(b, loc, TypeRange{acc.getType()},
                                              ValueRange{padded, window},
                                              ValueRange{acc}, attrs)
          ->getResult(0);
    return linalg::PoolingNchwSumOp::create(b, loc, TypeRange{acc.getType()},
                                            ValueRange{padded, window},
                                            ValueRange{acc}, attrs)
        ->getResult(0);
  }
  // Loops: n, c, out... (parallel), window... (reduction).
  int64_t loops = 2 + 2 * s;
  auto dim = [&](int64_t i) { return b.getAffineDimExpr(i); };
  SmallVector<AffineExpr> xExprs = {dim(0), dim(1)}, kExprs,
                          yExprs = {dim(0), dim(1)};
  for (int64_t i = 0; i < s; ++i) {
    xExprs.push_back(dim(2 + i) * w.strides[i] +
                     dim(2 + s + i) * w.dilations[i]);
    kExprs.push_back(dim(2 + s + i));
    yExprs.push_back(dim(2 + i));
  }
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, xExprs, ctx),
                                 AffineMap::get(loops, 0, kExprs, ctx),
                                 AffineMap::get(loops, 0, yExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(2 + s,
                                             utils::IteratorType::parallel);
  iterators.append(s, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{acc.getType()}, ValueRange{padded, window},
             ValueRange{acc}, maps, iterators,
             [&](OpBuilder &nested, Location l, ValueRange args) {
               Value r =
                   kind == PoolKind::Max
                       ? arith::MaximumFOp::create(nested, l, args[2], args[0])
                             .getResult()
                       : arith::AddFOp::create(nested, l, args[2], args[0])
                             .getResult();
               linalg::YieldOp::create(nested, l, r);
             })
      .getResult(0);
}

/// The input and window of a pooling node; 1-D is lifted to 2-D.
struct PoolInput {
  Value x;
  Window w;
  bool oneD = false;
};

/// Checks a pooling input is [N, C, spatial...] with static spatial dims.
LogicalResult checkPoolInputShape(NodeContext &ctx, ArrayRef<int64_t> xs) {
  if (failed(checkSpatialInput(ctx, xs)))
    return failure();
  for (size_t i = 2; i < xs.size(); ++i)
    if (ShapedType::isDynamic(xs[i]))
      return ctx.unsupported(ctx.node.op_type() +
                             " with symbolic spatial dimensions");
  return success();
}

FailureOr<PoolInput> readPoolInput(NodeContext &ctx, WindowOptions options) {
  FailureOr<Value> xv = ctx.tensor(0);
  if (failed(xv))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(*xv);
  if (failed(checkPoolInputShape(ctx, xs)))
    return failure();
  FailureOr<Window> w = readWindow(ctx, xs.drop_front(2), {}, options);
  if (failed(w))
    return failure();
  SmallVector<int64_t> outShape = {xs[0], xs[1]};
  outShape.append(w->output.begin(), w->output.end());
  if (failed(checkResultSize(ctx, outShape)))
    return failure();
  PoolInput in{*xv, *w};
  if (w->rank() == 1) {
    in.oneD = true;
    in.x = insertUnitDims(ctx.b, ctx.loc, in.x, {2});
    in.w.prependUnitDim();
  }
  return in;
}

void padsOf(const Window &w, bool withCeil, SmallVector<int64_t> &low,
            SmallVector<int64_t> &high) {
  low = {0, 0};
  high = {0, 0};
  for (size_t i = 0; i < w.rank(); ++i) {
    low.push_back(w.padBegin[i]);
    high.push_back(w.padEnd[i] + (withCeil ? w.ceilExtra[i] : 0));
  }
}

LogicalResult convertMaxPool(NodeContext &ctx) {
  if (ctx.wantsOutput(1))
    return ctx.unsupported("MaxPool output Indices",
                           "the Indices output (int64) is not supported");
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  // Only the Indices output depends on it.
  ctx.ignoreAttr("storage_order");
  FailureOr<PoolInput> in =
      readPoolInput(ctx, WindowOptions{ctx.opset >= 10, ctx.opset >= 10});
  if (failed(in))
    return failure();
  SmallVector<int64_t> low, high;
  padsOf(in->w, true, low, high);
  Type element = elementType(in->x);
  Value padded =
      padWith(ctx.b, ctx.loc, in->x, low, high,
              ctx.scalar(element, -std::numeric_limits<double>::infinity()));
  Value y = pool(ctx.b, ctx.loc, padded, in->w, PoolKind::Max);
  if (in->oneD)
    y = dropUnitDims(ctx.b, ctx.loc, y, {2});
  ctx.setOutput(0, y);
  return success();
}

LogicalResult convertAveragePool(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  bool includePad = ctx.intAttr("count_include_pad", 0) != 0;
  FailureOr<PoolInput> in =
      readPoolInput(ctx, WindowOptions{ctx.opset >= 19, ctx.opset >= 10});
  if (failed(in))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  const Window &w = in->w;
  Type element = elementType(in->x);
  SmallVector<int64_t> low, high;
  padsOf(w, true, low, high);
  Value sum =
      pool(b, loc, padWith(b, loc, in->x, low, high, ctx.scalar(element, 0)), w,
           PoolKind::Sum);
  bool explicitPads = false, ceilExtra = false;
  for (size_t i = 0; i < w.rank(); ++i) {
    explicitPads |= w.padBegin[i] || w.padEnd[i];
    ceilExtra |= w.ceilExtra[i] != 0;
  }
  Value y;
  if ((includePad || !explicitPads) && !ceilExtra) {
    // Every window counts all of its elements.
    int64_t count = 1;
    for (int64_t k : w.kernel)
      count *= k;
    Value divisor = ctx.scalar(element, double(count));
    y = *elementwise(ctx, {sum}, element,
                     [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                       return arith::DivFOp::create(nb, l, args[0], divisor);
                     });
  } else {
    // count[out...] = sum over the window of a mask that is 1 where the
    // window's elements count: pooled once for [1, 1, spatial...].
    SmallVector<OpFoldResult> maskSizes = {b.getIndexAttr(1),
                                           b.getIndexAttr(1)};
    SmallVector<int64_t> maskLow = {0, 0}, maskHigh = {0, 0};
    ArrayRef<int64_t> xs = shapeOf(in->x);
    for (size_t i = 0; i < w.rank(); ++i) {
      int64_t counted = xs[2 + i];
      int64_t lo = w.padBegin[i], hi = w.padEnd[i] + w.ceilExtra[i];
      if (includePad) {
        counted += w.padBegin[i] + w.padEnd[i];
        lo = 0;
        hi = w.ceilExtra[i];
      }
      maskSizes.push_back(b.getIndexAttr(counted));
      maskLow.push_back(lo);
      maskHigh.push_back(hi);
    }
    Value ones = filledTensor(b, loc, maskSizes, element, 1);
    Value mask =
        padWith(b, loc, ones, maskLow, maskHigh, ctx.scalar(element, 0));
    Value count = pool(b, loc, mask, w, PoolKind::Sum);
    // [1, 1, out...] -> [out...], read along the spatial loops.
    SmallVector<int64_t> units = {0, 1};
    count = dropUnitDims(b, loc, count, units);
    int64_t rank = shapeOf(sum).size();
    SmallVector<AffineExpr> spatial;
    for (int64_t k = 2; k < rank; ++k)
      spatial.push_back(b.getAffineDimExpr(k));
    SmallVector<AffineMap> maps = {
        b.getMultiDimIdentityMap(rank),
        AffineMap::get(rank, 0, spatial, b.getContext())};
    y = buildGeneric(b, loc, {sum, count}, maps, sizesOf(b, loc, sum), element,
                     [](OpBuilder &nb, Location l, ValueRange args) -> Value {
                       return arith::DivFOp::create(nb, l, args[0], args[1]);
                     });
  }
  if (in->oneD)
    y = dropUnitDims(b, loc, y, {2});
  ctx.setOutput(0, y);
  return success();
}

/// GlobalAveragePool / GlobalMaxPool: over every spatial dim, kept as 1.
LogicalResult globalPool(NodeContext &ctx, PoolKind kind) {
  FailureOr<Value> xv = ctx.onlyOutputOperand();
  if (failed(xv))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(*xv);
  if (failed(checkPoolInputShape(ctx, xs)))
    return failure();
  SmallVector<int64_t> axes;
  int64_t count = 1;
  for (size_t i = 2; i < xs.size(); ++i) {
    axes.push_back(i);
    count *= xs[i];
  }
  Type element = elementType(*xv);
  Value y;
  if (kind == PoolKind::Max) {
    y = reduce(ctx.b, ctx.loc, *xv, axes, true,
               -std::numeric_limits<double>::infinity(),
               [](OpBuilder &b, Location l, Value acc, Value x) -> Value {
                 return arith::MaximumFOp::create(b, l, acc, x);
               });
  } else {
    Value sum =
        reduce(ctx.b, ctx.loc, *xv, axes, true, 0.0,
               [](OpBuilder &b, Location l, Value acc, Value x) -> Value {
                 return arith::AddFOp::create(b, l, acc, x);
               });
    Value divisor = ctx.scalar(element, double(count));
    FailureOr<Value> mean =
        elementwise(ctx, {sum}, element,
                    [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                      return arith::DivFOp::create(b, l, args[0], divisor);
                    });
    if (failed(mean))
      return failure();
    y = *mean;
  }
  ctx.setOutput(0, y);
  return success();
}

LogicalResult convertGlobalAveragePool(NodeContext &ctx) {
  return globalPool(ctx, PoolKind::Sum);
}
LogicalResult convertGlobalMaxPool(NodeContext &ctx) {
  return globalPool(ctx, PoolKind::Max);
}

const ConverterEntry kConverters[] = {
    {"AveragePool", convertAveragePool},
    {"GlobalAveragePool", convertGlobalAveragePool},
    {"GlobalMaxPool", convertGlobalMaxPool},
    {"MaxPool", convertMaxPool},
};

} // namespace

ArrayRef<ConverterEntry> poolingConverters() { return kConverters; }

} // namespace autoconfig
