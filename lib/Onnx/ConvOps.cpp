//===- ConvOps.cpp - Conv -------------------------------------------------===//
//
// ONNX convolutions are NCHW with FCHW weights. In the project's idiom (and
// torch-mlir's): the input zero-padded by tensor.pad, then
//   2-D, one group:            linalg.conv_2d_nchw_fchw
//   2-D, depthwise (F = C = G): linalg.depthwise_conv_2d_nchw_chw
//   1-D:                       the 2-D forms over a unit height
//   other groups, 3-D and up:  a linalg.generic over [N, G, F/G, out...]
//                              x [C/G, kernel...] (correct, not configured)
// and the bias added by an elementwise op the kernel's epilogue can fuse.
// Layout propagation later runs chains of NCHW convolutions in NHWC where
// the models predict it faster.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"
#include "TensorBuilders.h"
#include "Window.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace autoconfig {
namespace {

/// Output sizes [N, F, out...]: N from the input (static or dynamic).
SmallVector<OpFoldResult> outputSizes(OpBuilder &b, Location loc, Value input,
                                      int64_t channels,
                                      ArrayRef<int64_t> spatial) {
  SmallVector<OpFoldResult> sizes = {sizesOf(b, loc, input)[0],
                                     b.getIndexAttr(channels)};
  for (int64_t d : spatial)
    sizes.push_back(b.getIndexAttr(d));
  return sizes;
}

NamedAttribute vectorAttr(OpBuilder &b, StringRef name,
                          ArrayRef<int64_t> values) {
  return b.getNamedAttr(name, b.getI64VectorAttr(values));
}

/// The grouped N-d convolution as a linalg.generic on [N, G, F/G, out...].
Value genericConv(OpBuilder &b, Location loc, Value padded, Value weights,
                  int64_t groups, const Window &w) {
  int64_t s = w.rank();
  auto inType = cast<RankedTensorType>(padded.getType());
  auto wType = cast<RankedTensorType>(weights.getType());
  Type element = inType.getElementType();
  int64_t c = inType.getDimSize(1), f = wType.getDimSize(0);
  int64_t cg = c / groups, fg = f / groups;
  SmallVector<OpFoldResult> inSizes = sizesOf(b, loc, padded);
  // [N, C, ...] -> [N, G, C/G, ...]; [F, C/G, k...] -> [G, F/G, C/G, k...].
  SmallVector<int64_t> xShape = {inType.getDimSize(0), groups, cg};
  SmallVector<OpFoldResult> xSizes = {inSizes[0], b.getIndexAttr(groups),
                                      b.getIndexAttr(cg)};
  SmallVector<ReassociationIndices> xGroups = {{0}, {1, 2}};
  for (int64_t i = 0; i < s; ++i) {
    xShape.push_back(inType.getDimSize(2 + i));
    xSizes.push_back(inSizes[2 + i]);
    xGroups.push_back({3 + i});
  }
  Value x = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(xShape, element), padded, xGroups, xSizes);
  SmallVector<int64_t> kShape = {groups, fg, cg};
  SmallVector<ReassociationIndices> kGroups = {{0, 1}, {2}};
  for (int64_t i = 0; i < s; ++i) {
    kShape.push_back(w.kernel[i]);
    kGroups.push_back({3 + i});
  }
  Value k = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(kShape, element), weights, kGroups);
  // Loops: n, g, f, out... (parallel), c, kernel... (reduction).
  int64_t loops = 4 + 2 * s;
  auto dim = [&](int64_t i) { return b.getAffineDimExpr(i); };
  SmallVector<AffineExpr> xExprs = {dim(0), dim(1), dim(3 + s)};
  SmallVector<AffineExpr> kExprs = {dim(1), dim(2), dim(3 + s)};
  SmallVector<AffineExpr> yExprs = {dim(0), dim(1), dim(2)};
  for (int64_t i = 0; i < s; ++i) {
    xExprs.push_back(dim(3 + i) * w.strides[i] +
                     dim(4 + s + i) * w.dilations[i]);
    kExprs.push_back(dim(4 + s + i));
    yExprs.push_back(dim(3 + i));
  }
  SmallVector<OpFoldResult> ySizes = {inSizes[0], b.getIndexAttr(groups),
                                      b.getIndexAttr(fg)};
  for (int64_t o : w.output)
    ySizes.push_back(b.getIndexAttr(o));
  Value init = filledTensor(b, loc, ySizes, element, 0);
  SmallVector<utils::IteratorType> iterators(3 + s,
                                             utils::IteratorType::parallel);
  iterators.append(1 + s, utils::IteratorType::reduction);
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, xExprs, ctx),
                                 AffineMap::get(loops, 0, kExprs, ctx),
                                 AffineMap::get(loops, 0, yExprs, ctx)};
  Value y =
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{x, k}, ValueRange{init},
          maps, iterators,
          [](OpBuilder &nested, Location l, ValueRange args) {
            Value product = arith::MulFOp::create(nested, l, args[0], args[1]);
            linalg::YieldOp::create(
                nested, l,
                arith::AddFOp::create(nested, l, args[2], product).getResult());
          })
          .getResult(0);
  return collapseDims(b, loc, y, 1, 2);
}

LogicalResult convertConv(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  FailureOr<Value> xv = ctx.tensor(0);
  if (failed(xv))
    return failure();
  FailureOr<Value> wv = ctx.tensor(1);
  if (failed(wv))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = *xv, weights = *wv;
  Type element = elementType(x);
  if (elementType(weights) != element)
    return ctx.invalid("input and weights have different element types");
  ArrayRef<int64_t> xs = shapeOf(x), ws = shapeOf(weights);
  if (xs.size() < 3)
    return ctx.invalid("Conv input must be [N, C, spatial...], got " +
                       onnxShapeString(xs));
  if (ws.size() != xs.size())
    return ctx.invalid("weights " + onnxShapeString(ws) +
                       " do not match the input's rank (" +
                       onnxShapeString(xs) + ")");
  for (size_t i = 1; i < xs.size(); ++i)
    if (ShapedType::isDynamic(xs[i]))
      return ctx.unsupported("Conv with symbolic channel or spatial "
                             "dimensions");
  if (!cast<ShapedType>(weights.getType()).hasStaticShape())
    return ctx.unsupported("Conv with symbolic weight dimensions");
  int64_t groups = ctx.intAttr("group", 1);
  if (ctx.failed())
    return failure();
  int64_t c = xs[1], f = ws[0];
  if (groups < 1 || c % groups || f % groups || ws[1] * groups != c)
    return ctx.invalid("group " + Twine(groups) + " does not fit input " +
                       onnxShapeString(xs) + " and weights " +
                       onnxShapeString(ws));
  SmallVector<int64_t> spatial(xs.begin() + 2, xs.end());
  FailureOr<Window> window =
      readWindow(ctx, spatial, ws.drop_front(2), WindowOptions{});
  if (failed(window))
    return failure();
  Window w = *window;
  SmallVector<int64_t> outShape = {xs[0], f};
  outShape.append(w.output.begin(), w.output.end());
  if (failed(checkResultSize(ctx, outShape)))
    return failure();

  // 1-D: a unit height, so that the configured 2-D kernels apply.
  bool oneD = w.rank() == 1;
  if (oneD) {
    x = insertUnitDims(b, loc, x, {2});
    weights = insertUnitDims(b, loc, weights, {2});
    auto prepend = [](SmallVector<int64_t> &v, int64_t value) {
      v.insert(v.begin(), value);
    };
    prepend(w.kernel, 1);
    prepend(w.strides, 1);
    prepend(w.dilations, 1);
    prepend(w.padBegin, 0);
    prepend(w.padEnd, 0);
    prepend(w.ceilExtra, 0);
    prepend(w.output, 1);
  }
  SmallVector<int64_t> low = {0, 0}, high = {0, 0};
  low.append(w.padBegin.begin(), w.padBegin.end());
  high.append(w.padEnd.begin(), w.padEnd.end());
  Value zero = ctx.scalar(element, 0);
  Value padded = padWith(b, loc, x, low, high, zero);

  Value y;
  if (w.rank() == 2 && (groups == 1 || (groups == c && f == c))) {
    SmallVector<OpFoldResult> sizes = outputSizes(b, loc, padded, f, w.output);
    Value init = filledTensor(b, loc, sizes, element, 0);
    SmallVector<NamedAttribute> attrs = {
        vectorAttr(b, "strides", w.strides),
        vectorAttr(b, "dilations", w.dilations)};
    if (groups == 1) {
      y = linalg::Conv2DNchwFchwOp::create(b, loc, TypeRange{init.getType()},
                                           ValueRange{padded, weights},
                                           ValueRange{init}, attrs)
              ->getResult(0);
    } else {
      Value filter = dropUnitDims(b, loc, weights, {1});
      y = linalg::DepthwiseConv2DNchwChwOp::create(
              b, loc, TypeRange{init.getType()}, ValueRange{padded, filter},
              ValueRange{init}, attrs)
              ->getResult(0);
    }
    if (!ctx.node.name().empty())
      y.getDefiningOp()->setAttr("autoconfig.name",
                                 b.getStringAttr(ctx.node.name()));
  } else {
    y = genericConv(b, loc, padded, weights, groups, w);
  }
  if (oneD)
    y = dropUnitDims(b, loc, y, {2});

  if (ctx.hasInput(2)) {
    FailureOr<Value> bias = ctx.tensor(2);
    if (failed(bias))
      return failure();
    if (shapeOf(*bias) != ArrayRef<int64_t>{f} || elementType(*bias) != element)
      return ctx.invalid("bias must be a vector of " + Twine(f) +
                         " elements of the input's type, got " +
                         onnxShapeString(shapeOf(*bias)));
    int64_t rank = shapeOf(y).size();
    MLIRContext *mctx = b.getContext();
    SmallVector<AffineMap> maps = {
        b.getMultiDimIdentityMap(rank),
        AffineMap::get(rank, 0, {b.getAffineDimExpr(1)}, mctx)};
    y = buildGeneric(
        b, loc, {y, *bias}, maps, sizesOf(b, loc, y), element,
        [](OpBuilder &nested, Location l, ValueRange args) {
          return arith::AddFOp::create(nested, l, args[0], args[1]).getResult();
        });
  }
  ctx.setOutput(0, y);
  return success();
}

const ConverterEntry kConverters[] = {
    {"Conv", convertConv},
};

} // namespace

ArrayRef<ConverterEntry> convConverters() { return kConverters; }

} // namespace autoconfig
