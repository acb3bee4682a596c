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

#include "GraphState.h"
#include "HostEvaluation.h"
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

/// y = conv(x, weights) for a checked window (padding included), 1-D
/// lifted to 2-D, with the named kernels where they apply.
Value emitConvolution(NodeContext &ctx, Value x, Value weights, int64_t groups,
                      Window w) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Type element = elementType(x);
  int64_t c = shapeOf(x)[1], f = shapeOf(weights)[0];
  // 1-D: a unit height, so that the configured 2-D kernels apply.
  bool oneD = w.rank() == 1;
  if (oneD) {
    x = insertUnitDims(b, loc, x, {2});
    weights = insertUnitDims(b, loc, weights, {2});
    w.prependUnitDim();
  }
  SmallVector<int64_t> low = {0, 0}, high = {0, 0};
  low.append(w.padBegin.begin(), w.padBegin.end());
  high.append(w.padEnd.begin(), w.padEnd.end());
  Value padded = padWith(b, loc, x, low, high, ctx.scalar(element, 0));

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
  return y;
}

/// y + bias (input `index`, a vector of `channels`) along dim 1, the
/// elementwise op the kernel's epilogue fuses.
FailureOr<Value> addBias(NodeContext &ctx, Value y, unsigned index,
                         int64_t channels) {
  FailureOr<Value> bias = ctx.tensor(index);
  if (failed(bias))
    return failure();
  Type element = elementType(y);
  if (shapeOf(*bias) != ArrayRef<int64_t>{channels} ||
      elementType(*bias) != element) {
    (void)ctx.invalid("bias must be a vector of " + Twine(channels) +
                      " elements of the input's type, got " +
                      onnxShapeString(shapeOf(*bias)));
    return failure();
  }
  OpBuilder &b = ctx.b;
  int64_t rank = shapeOf(y).size();
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, {b.getAffineDimExpr(1)}, b.getContext())};
  return buildGeneric(
      b, ctx.loc, {y, *bias}, maps, sizesOf(b, ctx.loc, y), element,
      [](OpBuilder &nested, Location l, ValueRange args) {
        return arith::AddFOp::create(nested, l, args[0], args[1]).getResult();
      });
}

/// The end of Conv and ConvTranspose: output 0 is `y`, plus the bias
/// (input 2) when there is one.
LogicalResult finishWithBias(NodeContext &ctx, Value y, int64_t channels) {
  if (!ctx.hasInput(2))
    return ctx.finish(y);
  return ctx.finish(addBias(ctx, y, 2, channels));
}

/// Input and weights of Conv / ConvTranspose, checked: [N, C, spatial...]
/// with static C and spatial dims, weights of the same rank, static.
LogicalResult readConvOperands(NodeContext &ctx, Value &x, Value &weights) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  FailureOr<std::array<Value, 2>> operands = ctx.tensors<2>();
  if (failed(operands))
    return failure();
  x = (*operands)[0];
  weights = (*operands)[1];
  if (elementType(weights) != elementType(x))
    return ctx.invalid("input and weights have different element types");
  ArrayRef<int64_t> xs = shapeOf(x), ws = shapeOf(weights);
  if (xs.size() < 3)
    return ctx.invalid(ctx.node.op_type() +
                       " input must be [N, C, spatial...], got " +
                       onnxShapeString(xs));
  if (ws.size() != xs.size())
    return ctx.invalid("weights " + onnxShapeString(ws) +
                       " do not match the input's rank (" +
                       onnxShapeString(xs) + ")");
  for (size_t i = 1; i < xs.size(); ++i)
    if (ShapedType::isDynamic(xs[i]))
      return ctx.unsupported(ctx.node.op_type() +
                             " with symbolic channel or spatial dimensions");
  if (!cast<ShapedType>(weights.getType()).hasStaticShape())
    return ctx.unsupported(ctx.node.op_type() +
                           " with symbolic weight dimensions");
  return success();
}

LogicalResult convertConv(NodeContext &ctx) {
  Value x, weights;
  if (failed(readConvOperands(ctx, x, weights)))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(x), ws = shapeOf(weights);
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
  SmallVector<int64_t> outShape = {xs[0], f};
  outShape.append(window->output.begin(), window->output.end());
  if (failed(checkResultSize(ctx, outShape)))
    return failure();
  return finishWithBias(ctx, emitConvolution(ctx, x, weights, groups, *window),
                        f);
}

/// The weights of the direct convolution equal to a transposed one: W of
/// [C, F/G, k...] read as [F, C/G, k...] per group and flipped spatially:
/// out[f, ci, k...] = W[g * C/G + ci, f - g * F/G, K - 1 - k...], g = f /
/// (F/G). Constant weights are rearranged at import.
Value transposedWeights(NodeContext &ctx, Value weights, int64_t groups) {
  ArrayRef<int64_t> ws = shapeOf(weights);
  int64_t fg = ws[1], cg = ws[0] / groups, rank = ws.size();
  SmallVector<int64_t> shape = {fg * groups, cg};
  shape.append(ws.begin() + 2, ws.end());
  if (const OnnxTensor *c = ctx.constant(1);
      c && ctx.graph.hostEvaluable(c->shape)) {
    SmallVector<int64_t> strides = rowMajorStrides(c->shape);
    OnnxTensor t = hostRemap(*c, shape, [&](ArrayRef<int64_t> out) {
      int64_t g = out[0] / fg;
      int64_t offset =
          (g * cg + out[1]) * strides[0] + (out[0] % fg) * strides[1];
      for (int64_t d = 2; d < rank; ++d)
        offset += (ws[d] - 1 - out[d]) * strides[d];
      return offset;
    });
    return ctx.materialize(t);
  }
  OpBuilder &b = ctx.b;
  return buildGeneric(
      b, ctx.loc, ValueRange(), ArrayRef<AffineMap>(),
      getAsIndexOpFoldResult(b.getContext(), shape), elementType(weights),
      [&](OpBuilder &nb, Location l, ValueRange) {
        auto cst = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(nb, l, v);
        };
        Value f = linalg::IndexOp::create(nb, l, 0);
        Value ci = linalg::IndexOp::create(nb, l, 1);
        Value g = arith::DivUIOp::create(nb, l, f, cst(fg));
        SmallVector<Value> source = {
            arith::AddIOp::create(nb, l,
                                  arith::MulIOp::create(nb, l, g, cst(cg)), ci),
            arith::RemUIOp::create(nb, l, f, cst(fg))};
        for (int64_t d = 2; d < rank; ++d)
          source.push_back(arith::SubIOp::create(
              nb, l, cst(ws[d] - 1), linalg::IndexOp::create(nb, l, d)));
        return tensor::ExtractOp::create(nb, l, weights, source).getResult();
      });
}

/// ConvTranspose as the direct convolution it equals (the adjoint of a
/// strided convolution): the input with s - 1 zeros between elements,
/// padded by (k - 1) * d - pad on each side (cropped where negative, and
/// output_padding more at the end), convolved at stride 1 with the flipped,
/// per-group transposed weights. Output size (ONNX specification):
///   s * (in - 1) + output_padding + (k - 1) * d + 1 - pads.
LogicalResult convertConvTranspose(NodeContext &ctx) {
  Value x, weights;
  if (failed(readConvOperands(ctx, x, weights)))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(x), ws = shapeOf(weights);
  size_t rank = xs.size() - 2;
  int64_t groups = ctx.intAttr("group", 1);
  if (ctx.failed())
    return failure();
  int64_t c = xs[1];
  if (groups < 1 || c % groups || ws[0] != c)
    return ctx.invalid("group " + Twine(groups) + " does not fit input " +
                       onnxShapeString(xs) + " and weights " +
                       onnxShapeString(ws));
  int64_t f = ws[1] * groups;
  SmallVector<int64_t> kernel(ws.begin() + 2, ws.end()), strides, dilations,
      pads, outputPadding;
  if (std::optional<SmallVector<int64_t>> k = ctx.intsAttr("kernel_shape"))
    if (ArrayRef<int64_t>(*k) != ArrayRef<int64_t>(kernel))
      return ctx.invalid("kernel_shape " + onnxShapeString(*k) +
                         " differs from the weights' " +
                         onnxShapeString(kernel));
  if (failed(readIntList(ctx, "strides", rank, 1, strides)) ||
      failed(readIntList(ctx, "dilations", rank, 1, dilations)) ||
      failed(readIntList(ctx, "pads", 2 * rank, 0, pads)) ||
      failed(readIntList(ctx, "output_padding", rank, 0, outputPadding)))
    return failure();
  std::optional<SmallVector<int64_t>> outputShape =
      ctx.intsAttr("output_shape");
  std::string autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  if (ctx.failed())
    return failure();
  if (outputShape && outputShape->size() == rank + 2)
    outputShape->erase(outputShape->begin(), outputShape->begin() + 2);
  if (outputShape && outputShape->size() != rank)
    return ctx.invalid("output_shape has " + Twine(outputShape->size()) +
                       " values for " + Twine(rank) + " spatial dimensions");
  constexpr int64_t limit = int64_t(1) << 31;
  Window w;
  w.kernel = kernel;
  w.dilations = dilations;
  w.strides.assign(rank, 1);
  w.ceilExtra.assign(rank, 0);
  SmallVector<int64_t> zeroGaps;
  for (size_t i = 0; i < rank; ++i) {
    int64_t k = kernel[i], s = strides[i], d = dilations[i],
            op = outputPadding[i], in = xs[2 + i];
    if (s < 1 || s > limit || d < 1 || d > limit || op < 0 || op >= limit ||
        pads[i] < 0 || pads[i] > limit || pads[i + rank] < 0 ||
        pads[i + rank] > limit)
      return ctx.invalid("strides and dilations must be positive, pads and "
                         "output_padding non-negative (and below 2^31)");
    int64_t span = (k - 1) * d + 1;
    int64_t full = s * (in - 1) + op + span;
    int64_t begin = pads[i], end = pads[i + rank];
    bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
    if (outputShape || same) {
      int64_t out = outputShape ? (*outputShape)[i] : in * s;
      if (out < 1 || out > limit)
        return ctx.invalid("output_shape must be positive (and below 2^31)");
      // Negative when the output is larger than the input covers: zeros
      // extend it (floor division, as the ONNX reference computes it).
      int64_t total = full - out;
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      if (autoPad == "SAME_UPPER") {
        begin = half;
        end = total - half;
      } else {
        begin = total - half;
        end = half;
      }
    } else if (autoPad == "VALID") {
      begin = end = 0;
    } else if (autoPad != "NOTSET") {
      return ctx.invalid("auto_pad '" + autoPad +
                         "' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    }
    int64_t out = full - begin - end;
    if (out < 1)
      return ctx.invalid("ConvTranspose output would be empty");
    w.padBegin.push_back(span - 1 - begin);
    w.padEnd.push_back(span - 1 - end + op);
    w.output.push_back(out);
    zeroGaps.push_back(s);
  }
  SmallVector<int64_t> outShape = {xs[0], f};
  outShape.append(w.output.begin(), w.output.end());
  if (failed(checkResultSize(ctx, outShape)))
    return failure();

  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Type element = elementType(x);
  // Zeros between the input's elements: a strided insert into zeros.
  if (llvm::any_of(zeroGaps, [](int64_t s) { return s > 1; })) {
    SmallVector<OpFoldResult> sizes = sizesOf(b, loc, x), dilatedSizes,
                              offsets(rank + 2, b.getIndexAttr(0)), steps;
    dilatedSizes = {sizes[0], sizes[1]};
    steps = {b.getIndexAttr(1), b.getIndexAttr(1)};
    for (size_t i = 0; i < rank; ++i) {
      dilatedSizes.push_back(b.getIndexAttr((xs[2 + i] - 1) * zeroGaps[i] + 1));
      steps.push_back(b.getIndexAttr(zeroGaps[i]));
    }
    Value zeros = filledTensor(b, loc, dilatedSizes, element, 0);
    x = tensor::InsertSliceOp::create(b, loc, x, zeros, offsets, sizes, steps);
  }
  // Negative padding crops.
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0)},
                            sizes = sizesOf(b, loc, x),
                            unit(rank + 2, b.getIndexAttr(1));
  bool crop = false;
  for (size_t i = 0; i < rank; ++i) {
    int64_t lo = std::max<int64_t>(0, -w.padBegin[i]);
    int64_t hi = std::max<int64_t>(0, -w.padEnd[i]);
    int64_t extent = shapeOf(x)[2 + i];
    if (lo + hi >= extent)
      return ctx.unsupported("ConvTranspose pads beyond its input");
    crop |= lo || hi;
    offsets.push_back(b.getIndexAttr(lo));
    sizes[2 + i] = b.getIndexAttr(extent - lo - hi);
    w.padBegin[i] = std::max<int64_t>(0, w.padBegin[i]);
    w.padEnd[i] = std::max<int64_t>(0, w.padEnd[i]);
  }
  if (crop)
    x = tensor::ExtractSliceOp::create(b, loc, x, offsets, sizes, unit);
  Value y = emitConvolution(ctx, x, transposedWeights(ctx, weights, groups),
                            groups, w);
  if (shapeOf(y).drop_front(2) != ArrayRef<int64_t>(w.output))
    return ctx.invalid("internal error: ConvTranspose output size");
  return finishWithBias(ctx, y, f);
}

const ConverterEntry kConverters[] = {
    {"Conv", convertConv},
    {"ConvTranspose", convertConvTranspose},
};

} // namespace

ArrayRef<ConverterEntry> convConverters() { return kConverters; }

} // namespace autoconfig
