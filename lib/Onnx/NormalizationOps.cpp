//===- NormalizationOps.cpp - BatchNorm, LayerNorm, InstanceNorm, Softmax -===//
//
// Reductions (linalg.generic with reduction loops) and elementwise ops, in
// the order of operations of the ONNX reference implementation
// (onnx/backend/test/case/node/*.py), so that float rounding follows it:
//   BatchNormalization  scale * (x - mean) / sqrt(var + eps) + B
//   InstanceNormalization  the same with mean and variance over the spatial
//                       dims of each (n, c)
//   LayerNormalization  ((x - mean) * (1 / sqrt(var + eps))) * scale + B
//   Softmax             exp(x - max) / sum(exp(x - max))
//   LogSoftmax          (x - max) - log(sum(exp(x - max)))
// Inference only: BatchNormalization's training mode is unsupported.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;

namespace autoconfig {
namespace {

Value sumOver(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes) {
  return reduce(b, loc, x, axes, true, 0.0,
                [](OpBuilder &nb, Location l, Value acc, Value v) -> Value {
                  return arith::AddFOp::create(nb, l, acc, v);
                });
}

Value maxOver(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes) {
  return reduce(b, loc, x, axes, true, -std::numeric_limits<double>::infinity(),
                [](OpBuilder &nb, Location l, Value acc, Value v) -> Value {
                  return arith::MaximumFOp::create(nb, l, acc, v);
                });
}

/// mean and variance (population) of x over `axes`, kept as unit dims;
/// also returns x - mean.
struct Moments {
  Value mean, centered, variance;
};
FailureOr<Moments> moments(NodeContext &ctx, Value x, ArrayRef<int64_t> axes) {
  FailureOr<int64_t> count = countOver(ctx, x, axes);
  if (failed(count))
    return failure();
  Type element = elementType(x);
  Value n = ctx.scalar(element, double(*count));
  auto divide = [&](Value v) {
    return elementwise(ctx, {v}, element,
                       [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                         return arith::DivFOp::create(b, l, args[0], n);
                       });
  };
  Moments m;
  FailureOr<Value> mean = divide(sumOver(ctx.b, ctx.loc, x, axes));
  if (failed(mean))
    return failure();
  m.mean = *mean;
  FailureOr<Value> centered =
      elementwise(ctx, {x, m.mean}, element,
                  [](OpBuilder &b, Location l, ValueRange args) -> Value {
                    return arith::SubFOp::create(b, l, args[0], args[1]);
                  });
  if (failed(centered))
    return failure();
  m.centered = *centered;
  FailureOr<Value> squares =
      elementwise(ctx, {m.centered}, element,
                  [](OpBuilder &b, Location l, ValueRange args) -> Value {
                    return arith::MulFOp::create(b, l, args[0], args[0]);
                  });
  if (failed(squares))
    return failure();
  FailureOr<Value> variance = divide(sumOver(ctx.b, ctx.loc, *squares, axes));
  if (failed(variance))
    return failure();
  m.variance = *variance;
  return m;
}

/// scale * centered / sqrt(variance + eps) + bias, in the reference's order
/// of operations (BatchNormalization and InstanceNormalization).
Value normalized(OpBuilder &b, Location l, Value eps, Value scale,
                 Value centered, Value variance, Value bias) {
  Value scaled = arith::MulFOp::create(b, l, scale, centered);
  Value deviation =
      math::SqrtOp::create(b, l, arith::AddFOp::create(b, l, variance, eps));
  return arith::AddFOp::create(
      b, l, arith::DivFOp::create(b, l, scaled, deviation), bias);
}

/// A [C] vector read along dim 1 of a rank-`rank` tensor: [C, 1, ...].
FailureOr<Value> perChannel(NodeContext &ctx, unsigned input, int64_t channels,
                            int64_t rank, Type element) {
  FailureOr<Value> v = ctx.tensor(input);
  if (failed(v))
    return failure();
  ArrayRef<int64_t> s = shapeOf(*v);
  if (s.size() != 1 ||
      (!ShapedType::isDynamic(s[0]) && !ShapedType::isDynamic(channels) &&
       s[0] != channels) ||
      elementType(*v) != element) {
    (void)ctx.invalid("input " + Twine(input) + " must be a vector of " +
                      Twine(channels) + " elements of the input's type, got " +
                      onnxShapeString(s));
    return failure();
  }
  SmallVector<int64_t> units;
  for (int64_t k = 1; k < rank - 1; ++k)
    units.push_back(k);
  return insertUnitDims(ctx.b, ctx.loc, *v, units);
}

/// The inputs BatchNormalization and InstanceNormalization share: epsilon,
/// x as [N, C, ...] and inputs 1..numVectors as per-channel vectors shaped
/// to broadcast along x.
struct ChannelNormInputs {
  double epsilon;
  Value x;
  Type element;
  SmallVector<Value> vectors;
};

/// Reads ChannelNormInputs; `spatial` asks for [N, C, spatial...] (at least
/// one spatial dim) rather than [N, C, ...].
FailureOr<ChannelNormInputs>
readChannelNormInputs(NodeContext &ctx, unsigned numVectors, bool spatial) {
  double epsilon = ctx.floatAttr("epsilon", 1e-5f);
  if (ctx.failed() || failed(ctx.onlyFirstOutput()))
    return failure();
  FailureOr<Value> x = ctx.tensor(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(*x);
  if (spatial) {
    if (failed(checkSpatialInput(ctx, xs)))
      return failure();
  } else if (xs.size() < 2) {
    (void)ctx.invalid("input must be [N, C, ...], got " + onnxShapeString(xs));
    return failure();
  }
  ChannelNormInputs in{epsilon, *x, elementType(*x), {}};
  for (unsigned i = 1; i <= numVectors; ++i) {
    FailureOr<Value> v = perChannel(ctx, i, xs[1], xs.size(), in.element);
    if (failed(v))
      return failure();
    in.vectors.push_back(*v);
  }
  return in;
}

LogicalResult convertBatchNormalization(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  ctx.ignoreAttr("is_test");
  ctx.ignoreAttr("momentum");
  if (ctx.intAttr("training_mode", 0))
    return ctx.unsupported("BatchNormalization training_mode=1");
  if (ctx.opset < 9 && ctx.intAttr("spatial", 1) == 0)
    return ctx.unsupported("BatchNormalization spatial=0");
  // Inputs: x, scale, B, input_mean, input_var.
  FailureOr<ChannelNormInputs> in =
      readChannelNormInputs(ctx, 4, /*spatial=*/false);
  if (failed(in))
    return failure();
  SmallVector<Value> operands = {in->x};
  llvm::append_range(operands, in->vectors);
  Type element = in->element;
  double epsilon = in->epsilon;
  return ctx.finish(elementwise(
      ctx, operands, element, [&](OpBuilder &b, Location l, ValueRange args) {
        Value eps = floatConstant(b, l, element, epsilon);
        Value centered = arith::SubFOp::create(b, l, args[0], args[3]);
        return normalized(b, l, eps, args[1], centered, args[4], args[2]);
      }));
}

LogicalResult convertInstanceNormalization(NodeContext &ctx) {
  // Inputs: x, scale, B.
  FailureOr<ChannelNormInputs> in =
      readChannelNormInputs(ctx, 2, /*spatial=*/true);
  if (failed(in))
    return failure();
  Value scale = in->vectors[0], bias = in->vectors[1];
  SmallVector<int64_t> axes;
  for (size_t k = 2; k < shapeOf(in->x).size(); ++k)
    axes.push_back(k);
  FailureOr<Moments> m = moments(ctx, in->x, axes);
  if (failed(m))
    return failure();
  Type element = in->element;
  double epsilon = in->epsilon;
  return ctx.finish(elementwise(
      ctx, {scale, m->centered, m->variance, bias}, element,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Value eps = floatConstant(b, l, element, epsilon);
        return normalized(b, l, eps, args[0], args[1], args[2], args[3]);
      }));
}

LogicalResult convertLayerNormalization(NodeContext &ctx) {
  int64_t axis = ctx.intAttr("axis", -1);
  double epsilon = ctx.floatAttr("epsilon", 1e-5f);
  if (ctx.intAttr("stash_type", 1) != 1)
    return ctx.unsupported("LayerNormalization stash_type other than float");
  FailureOr<Value> x = ctx.tensorAfterAttributes(0);
  if (failed(x))
    return failure();
  int64_t rank = shapeOf(*x).size();
  FailureOr<int64_t> first = normalizeAxis(ctx, axis, rank);
  if (failed(first))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t k = *first; k < rank; ++k)
    axes.push_back(k);
  Type element = elementType(*x);
  FailureOr<Value> scale = ctx.tensor(1);
  if (failed(scale))
    return failure();
  SmallVector<Value> operands = {Value(), Value(), *scale};
  if (ctx.hasInput(2)) {
    FailureOr<Value> bias = ctx.tensor(2);
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  for (Value v : ArrayRef<Value>(operands).drop_front(2))
    if (elementType(v) != element)
      return ctx.invalid("scale and bias must have the input's element type");
  FailureOr<Moments> m = moments(ctx, *x, axes);
  if (failed(m))
    return failure();
  FailureOr<Value> inverse =
      elementwise(ctx, {m->variance}, element,
                  [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                    Value eps = floatConstant(b, l, element, epsilon);
                    Value one = floatConstant(b, l, element, 1.0);
                    Value deviation = math::SqrtOp::create(
                        b, l, arith::AddFOp::create(b, l, args[0], eps));
                    return arith::DivFOp::create(b, l, one, deviation);
                  });
  if (failed(inverse))
    return failure();
  operands[0] = m->centered;
  operands[1] = *inverse;
  FailureOr<Value> y = elementwise(
      ctx, operands, element, [&](OpBuilder &b, Location l, ValueRange args) {
        Value normalized = arith::MulFOp::create(b, l, args[0], args[1]);
        Value v = arith::MulFOp::create(b, l, normalized, args[2]);
        if (args.size() == 4)
          v = arith::AddFOp::create(b, l, v, args[3]);
        return v;
      });
  if (failed(y))
    return failure();
  if (shapeOf(*y) != shapeOf(*x))
    return ctx.invalid("scale or bias does not broadcast to the input's shape");
  ctx.setOutput(0, *y);
  ctx.setOutput(1, m->mean);
  ctx.setOutput(2, *inverse);
  return success();
}

LogicalResult softmax(NodeContext &ctx, bool logarithm) {
  FailureOr<Value> x = ctx.onlyOutputOperand();
  if (failed(x))
    return failure();
  int64_t rank = shapeOf(*x).size();
  int64_t axis = ctx.intAttr("axis", ctx.opset < 13 ? 1 : -1);
  if (ctx.failed())
    return failure();
  FailureOr<int64_t> a = normalizeAxis(ctx, axis, rank);
  if (failed(a))
    return failure();
  // Before opset 13 the input is coerced to 2-D at `axis`: the softmax runs
  // over all dims from `axis` on.
  SmallVector<int64_t> axes = {*a};
  if (ctx.opset < 13)
    for (int64_t k = *a + 1; k < rank; ++k)
      axes.push_back(k);
  Type element = elementType(*x);
  Value max = maxOver(ctx.b, ctx.loc, *x, axes);
  FailureOr<Value> shifted =
      elementwise(ctx, {*x, max}, element,
                  [](OpBuilder &b, Location l, ValueRange args) -> Value {
                    return arith::SubFOp::create(b, l, args[0], args[1]);
                  });
  if (failed(shifted))
    return failure();
  FailureOr<Value> exp =
      elementwise(ctx, {*shifted}, element,
                  [](OpBuilder &b, Location l, ValueRange args) -> Value {
                    return math::ExpOp::create(b, l, args[0]);
                  });
  if (failed(exp))
    return failure();
  Value sum = sumOver(ctx.b, ctx.loc, *exp, axes);
  return ctx.finish(
      elementwise(ctx, {logarithm ? *shifted : *exp, sum}, element,
                  [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                    if (logarithm)
                      return arith::SubFOp::create(
                          b, l, args[0], math::LogOp::create(b, l, args[1]));
                    return arith::DivFOp::create(b, l, args[0], args[1]);
                  }));
}

LogicalResult convertSoftmax(NodeContext &ctx) { return softmax(ctx, false); }
LogicalResult convertLogSoftmax(NodeContext &ctx) { return softmax(ctx, true); }

const ConverterEntry kConverters[] = {
    {"BatchNormalization", convertBatchNormalization},
    {"InstanceNormalization", convertInstanceNormalization},
    {"LayerNormalization", convertLayerNormalization, 17},
    {"LogSoftmax", convertLogSoftmax},
    {"Softmax", convertSoftmax},
};

} // namespace

ArrayRef<ConverterEntry> normalizationConverters() { return kConverters; }

} // namespace autoconfig
