//===- ElementwiseOps.cpp - Activations and arithmetic --------------------===//
//
// One linalg.generic per op, its operands broadcast with numpy's rules
// (ONNX "multidirectional broadcasting", opset 7 on; before, the `broadcast`
// and `axis` attributes align the second operand). Formulas are the ONNX
// operator specification's (docs/Operators.md of the ONNX project), written
// so that they match its numpy reference within float rounding.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cfloat>
#include <cmath>

using namespace mlir;

namespace autoconfig {
namespace {

using UnaryFn =
    llvm::function_ref<Value(OpBuilder &, Location, Value x, Type element)>;

LogicalResult unary(NodeContext &ctx, UnaryFn fn) {
  FailureOr<Value> x = ctx.onlyOutputOperand();
  if (failed(x))
    return failure();
  Type element = elementType(*x);
  return ctx.finish(elementwise(
      ctx, {*x}, element, [&](OpBuilder &b, Location loc, ValueRange args) {
        return fn(b, loc, args[0], element);
      }));
}

/// Operand `i`, aligned to operand 0 the way opsets before 7 broadcast
/// (attributes `broadcast` and `axis`): its dims placed at `axis` of the
/// first operand's rank, 1 elsewhere.
FailureOr<Value> legacyAligned(NodeContext &ctx, Value first, Value operand) {
  int64_t broadcast = ctx.intAttr("broadcast", 0);
  bool hasAxis = ctx.hasAttr("axis");
  int64_t axis = ctx.intAttr("axis", 0);
  if (ctx.failed())
    return failure();
  ArrayRef<int64_t> a = shapeOf(first), s = shapeOf(operand);
  if (!broadcast) {
    if (a != s) {
      (void)ctx.invalid("operands of shapes " + onnxShapeString(a) + " and " +
                        onnxShapeString(s) +
                        " differ and attribute broadcast is 0");
      return failure();
    }
    return operand;
  }
  int64_t rank = a.size(), r = s.size();
  if (!hasAxis)
    axis = rank - r;
  if (axis < 0 || axis + r > rank) {
    (void)ctx.invalid("broadcast axis " + Twine(axis) + " does not fit " +
                      onnxShapeString(s) + " into " + onnxShapeString(a));
    return failure();
  }
  SmallVector<int64_t> positions;
  for (int64_t k = 0; k < rank; ++k)
    if (k < axis || k >= axis + r)
      positions.push_back(k);
  return insertUnitDims(ctx.b, ctx.loc, operand, positions);
}

using BinaryFn = llvm::function_ref<Value(OpBuilder &, Location, Value, Value)>;

LogicalResult binary(NodeContext &ctx, BinaryFn fn) {
  ctx.ignoreAttr("consumed_inputs");
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  if (ctx.numInputs() != 2)
    return ctx.invalid("expects 2 inputs, got " + Twine(ctx.numInputs()));
  FailureOr<std::array<Value, 2>> operands = sameTypeOperands(ctx);
  if (failed(operands))
    return failure();
  auto [a, b] = *operands;
  if (ctx.opset < 7) {
    FailureOr<Value> aligned = legacyAligned(ctx, a, b);
    if (failed(aligned))
      return failure();
    b = *aligned;
  }
  return ctx.finish(
      elementwise(ctx, {a, b}, elementType(a),
                  [&](OpBuilder &bb, Location loc, ValueRange args) {
                    return fn(bb, loc, args[0], args[1]);
                  }));
}

template <typename ArithOp> LogicalResult convertBinary(NodeContext &ctx) {
  return binary(ctx, [](OpBuilder &b, Location loc, Value x, Value y) -> Value {
    return ArithOp::create(b, loc, x, y);
  });
}

/// Max, Min, Sum, Mean: any number of inputs, broadcast together (opset 8
/// on; before, all of one shape).
LogicalResult variadic(NodeContext &ctx, BinaryFn fn, bool mean = false) {
  ctx.ignoreAttr("consumed_inputs");
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  SmallVector<Value> operands;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    FailureOr<Value> v = ctx.tensor(i);
    if (failed(v))
      return failure();
    if (!operands.empty() && elementType(*v) != elementType(operands[0]))
      return ctx.invalid("operands have different element types");
    operands.push_back(*v);
  }
  if (operands.empty())
    return ctx.invalid("expects at least one input");
  Type element = elementType(operands[0]);
  return ctx.finish(elementwise(
      ctx, operands, element, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value acc = args[0];
        for (Value v : args.drop_front())
          acc = fn(b, loc, acc, v);
        if (mean)
          acc = arith::DivFOp::create(
              b, loc, acc, floatConstant(b, loc, element, double(args.size())));
        return acc;
      }));
}

template <typename ArithOp> LogicalResult convertVariadic(NodeContext &ctx) {
  return variadic(ctx,
                  [](OpBuilder &b, Location loc, Value x, Value y) -> Value {
                    return ArithOp::create(b, loc, x, y);
                  });
}

Value select(OpBuilder &b, Location loc, arith::CmpFPredicate predicate,
             Value lhs, Value rhs, Value ifTrue, Value ifFalse) {
  Value cond = arith::CmpFOp::create(b, loc, predicate, lhs, rhs);
  return arith::SelectOp::create(b, loc, cond, ifTrue, ifFalse);
}

LogicalResult convertRelu(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  return unary(ctx, [](OpBuilder &b, Location loc, Value x, Type t) -> Value {
    return arith::MaximumFOp::create(b, loc, x, floatConstant(b, loc, t, 0));
  });
}

LogicalResult convertLeakyRelu(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  double alpha = ctx.floatAttr("alpha", 0.01f);
  return unary(ctx, [&](OpBuilder &b, Location loc, Value x, Type t) {
    Value scaled =
        arith::MulFOp::create(b, loc, x, floatConstant(b, loc, t, alpha));
    return select(b, loc, arith::CmpFPredicate::OLT, x,
                  floatConstant(b, loc, t, 0), scaled, x);
  });
}

LogicalResult convertSigmoid(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  return unary(ctx, [](OpBuilder &b, Location loc, Value x, Type t) -> Value {
    Value one = floatConstant(b, loc, t, 1);
    Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, one,
                                 arith::AddFOp::create(b, loc, one, e));
  });
}

LogicalResult convertHardSigmoid(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  double alpha = ctx.floatAttr("alpha", 0.2f);
  double beta = ctx.floatAttr("beta", 0.5f);
  return unary(ctx, [&](OpBuilder &b, Location loc, Value x, Type t) -> Value {
    Value y = arith::AddFOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, x, floatConstant(b, loc, t, alpha)),
        floatConstant(b, loc, t, beta));
    y = arith::MinimumFOp::create(b, loc, y, floatConstant(b, loc, t, 1));
    return arith::MaximumFOp::create(b, loc, y, floatConstant(b, loc, t, 0));
  });
}

LogicalResult convertHardSwish(NodeContext &ctx) {
  // x * max(0, min(1, x / 6 + 0.5)).
  return unary(ctx, [](OpBuilder &b, Location loc, Value x, Type t) -> Value {
    Value y = arith::AddFOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, x, floatConstant(b, loc, t, 1.0 / 6.0)),
        floatConstant(b, loc, t, 0.5));
    y = arith::MinimumFOp::create(b, loc, y, floatConstant(b, loc, t, 1));
    y = arith::MaximumFOp::create(b, loc, y, floatConstant(b, loc, t, 0));
    return arith::MulFOp::create(b, loc, x, y);
  });
}

LogicalResult convertClip(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  FailureOr<Value> x = ctx.onlyOutputOperand();
  if (failed(x))
    return failure();
  Type element = elementType(*x);
  SmallVector<Value> operands = {*x};
  std::optional<double> lo, hi;
  bool runtimeLo = false, runtimeHi = false;
  if (ctx.opset < 11) {
    lo = ctx.floatAttr("min", -FLT_MAX);
    hi = ctx.floatAttr("max", FLT_MAX);
  } else {
    // Scalars given as inputs 1 and 2 (known or at run time).
    for (unsigned i : {1u, 2u}) {
      if (!ctx.hasInput(i))
        continue;
      auto shape = ctx.staticShape(i);
      if (ctx.rank(i) && *ctx.rank(i) > 1)
        return ctx.invalid("min and max must be scalars");
      if (shape && !shape->empty() && (*shape)[0] != 1)
        return ctx.invalid("min and max must be scalars");
      FailureOr<Value> v = ctx.tensor(i);
      if (failed(v))
        return failure();
      if (elementType(*v) != element)
        return ctx.invalid("min/max element type differs from the input's");
      // A one-element rank-1 bound is read as a scalar.
      if (shapeOf(*v).size() == 1)
        *v = dropUnitDims(ctx.b, ctx.loc, *v, {0});
      operands.push_back(*v);
      (i == 1 ? runtimeLo : runtimeHi) = true;
    }
  }
  if (ctx.failed())
    return failure();
  return ctx.finish(elementwise(
      ctx, operands, element, [&](OpBuilder &b, Location loc, ValueRange args) {
        Value v = args[0];
        unsigned next = 1;
        // numpy.clip: minimum(maximum(x, min), max).
        if (runtimeLo)
          v = arith::MaximumFOp::create(b, loc, v, args[next++]);
        else if (lo)
          v = arith::MaximumFOp::create(b, loc, v,
                                        floatConstant(b, loc, element, *lo));
        if (runtimeHi)
          v = arith::MinimumFOp::create(b, loc, v, args[next++]);
        else if (hi)
          v = arith::MinimumFOp::create(b, loc, v,
                                        floatConstant(b, loc, element, *hi));
        return v;
      }));
}

template <typename MathOp> LogicalResult convertMath(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  return unary(ctx, [](OpBuilder &b, Location loc, Value x, Type) -> Value {
    return MathOp::create(b, loc, x);
  });
}

LogicalResult convertNeg(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  return unary(ctx, [](OpBuilder &b, Location loc, Value x, Type) -> Value {
    return arith::NegFOp::create(b, loc, x);
  });
}

LogicalResult convertReciprocal(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  return unary(ctx, [](OpBuilder &b, Location loc, Value x, Type t) -> Value {
    return arith::DivFOp::create(b, loc, floatConstant(b, loc, t, 1), x);
  });
}

LogicalResult convertElu(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  double alpha = ctx.floatAttr("alpha", 1.0f);
  return unary(ctx, [&](OpBuilder &b, Location loc, Value x, Type t) {
    Value em1 = arith::SubFOp::create(b, loc, math::ExpOp::create(b, loc, x),
                                      floatConstant(b, loc, t, 1));
    Value neg =
        arith::MulFOp::create(b, loc, floatConstant(b, loc, t, alpha), em1);
    return select(b, loc, arith::CmpFPredicate::OLT, x,
                  floatConstant(b, loc, t, 0), neg, x);
  });
}

LogicalResult convertSelu(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  double alpha = ctx.floatAttr("alpha", 1.67326319217681884765625f);
  double gamma = ctx.floatAttr("gamma", 1.05070102214813232421875f);
  return unary(ctx, [&](OpBuilder &b, Location loc, Value x, Type t) {
    Value a = floatConstant(b, loc, t, alpha);
    Value neg = arith::SubFOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, a, math::ExpOp::create(b, loc, x)), a);
    Value y = select(b, loc, arith::CmpFPredicate::OGT, x,
                     floatConstant(b, loc, t, 0), x, neg);
    return arith::MulFOp::create(b, loc, floatConstant(b, loc, t, gamma), y);
  });
}

LogicalResult convertSoftplus(NodeContext &ctx) {
  return unary(ctx, [](OpBuilder &b, Location loc, Value x, Type t) -> Value {
    return math::LogOp::create(
        b, loc,
        arith::AddFOp::create(b, loc, math::ExpOp::create(b, loc, x),
                              floatConstant(b, loc, t, 1)));
  });
}

LogicalResult convertSoftsign(NodeContext &ctx) {
  return unary(ctx, [](OpBuilder &b, Location loc, Value x, Type t) -> Value {
    Value d = arith::AddFOp::create(b, loc, floatConstant(b, loc, t, 1),
                                    math::AbsFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, x, d);
  });
}

LogicalResult convertSign(NodeContext &ctx) {
  return unary(ctx, [](OpBuilder &b, Location loc, Value x, Type t) -> Value {
    Value zero = floatConstant(b, loc, t, 0);
    Value neg = select(b, loc, arith::CmpFPredicate::OLT, x, zero,
                       floatConstant(b, loc, t, -1), zero);
    return select(b, loc, arith::CmpFPredicate::OGT, x, zero,
                  floatConstant(b, loc, t, 1), neg);
  });
}

LogicalResult convertThresholdedRelu(NodeContext &ctx) {
  double alpha = ctx.floatAttr("alpha", 1.0f);
  return unary(ctx, [&](OpBuilder &b, Location loc, Value x, Type t) {
    return select(b, loc, arith::CmpFPredicate::OGT, x,
                  floatConstant(b, loc, t, alpha), x,
                  floatConstant(b, loc, t, 0));
  });
}

LogicalResult convertCelu(NodeContext &ctx) {
  // max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
  double alpha = ctx.floatAttr("alpha", 1.0f);
  if (alpha == 0)
    return ctx.invalid("Celu alpha must not be 0");
  return unary(ctx, [&](OpBuilder &b, Location loc, Value x, Type t) -> Value {
    Value zero = floatConstant(b, loc, t, 0),
          a = floatConstant(b, loc, t, alpha);
    Value e = math::ExpOp::create(b, loc, arith::DivFOp::create(b, loc, x, a));
    Value neg = arith::MulFOp::create(
        b, loc, a,
        arith::SubFOp::create(b, loc, e, floatConstant(b, loc, t, 1)));
    return arith::AddFOp::create(b, loc,
                                 arith::MaximumFOp::create(b, loc, zero, x),
                                 arith::MinimumFOp::create(b, loc, zero, neg));
  });
}

LogicalResult convertShrink(NodeContext &ctx) {
  double lambd = ctx.floatAttr("lambd", 0.5f);
  double bias = ctx.floatAttr("bias", 0.0f);
  return unary(ctx, [&](OpBuilder &b, Location loc, Value x, Type t) {
    Value l = floatConstant(b, loc, t, lambd),
          bv = floatConstant(b, loc, t, bias);
    Value zero = floatConstant(b, loc, t, 0);
    Value high = select(b, loc, arith::CmpFPredicate::OGT, x, l,
                        arith::SubFOp::create(b, loc, x, bv), zero);
    return select(b, loc, arith::CmpFPredicate::OLT, x,
                  arith::NegFOp::create(b, loc, l),
                  arith::AddFOp::create(b, loc, x, bv), high);
  });
}

LogicalResult convertIdentity(NodeContext &ctx) {
  if (ctx.numInputs() != 1)
    return ctx.invalid("expects 1 input");
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  return ctx.passThrough(0);
}

LogicalResult convertPow(NodeContext &ctx) {
  FailureOr<Value> x = ctx.onlyOutputOperand();
  if (failed(x))
    return failure();
  Type element = elementType(*x);
  // An integer exponent known at import time is exact in floating point
  // (|e| < 2^24); the result has the base's type either way.
  Value exponent;
  const OnnxTensor *c = ctx.constant(1);
  if (c && !c->isFloat()) {
    OnnxTensor asFloat = OnnxTensor::ofFloats(
        c->shape, {},
        element.isF64() ? OnnxDataType::Double : OnnxDataType::Float);
    for (int64_t v : c->ints) {
      if (v > (int64_t(1) << 24) || v < -(int64_t(1) << 24))
        return ctx.unsupported("Pow with an integer exponent beyond 2^24");
      asFloat.floats.push_back(double(v));
    }
    exponent = ctx.materialize(asFloat);
  } else {
    FailureOr<Value> e = ctx.tensor(1);
    if (failed(e))
      return failure();
    if (elementType(*e) != element)
      return ctx.unsupported(
          "Pow with exponent type " + onnxTypeName(ctx.inputType(1)) +
          " and base type " + onnxTypeName(ctx.inputType(0)));
    exponent = *e;
  }
  if (ctx.opset < 7) {
    FailureOr<Value> aligned = legacyAligned(ctx, *x, exponent);
    if (failed(aligned))
      return failure();
    exponent = *aligned;
  }
  return ctx.finish(
      elementwise(ctx, {*x, exponent}, element,
                  [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
                    return math::PowFOp::create(b, loc, args[0], args[1]);
                  }));
}

LogicalResult convertPRelu(NodeContext &ctx) {
  ctx.ignoreAttr("consumed_inputs");
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  FailureOr<std::array<Value, 2>> operands = ctx.tensors<2>();
  if (failed(operands))
    return failure();
  auto [x, slope] = *operands;
  // The slope broadcasts to the input ("unidirectional"): the result has
  // the input's shape. Before opset 7 a slope of rank 1 follows the
  // channels (dim 1), as the PyTorch exporter of that time wrote it.
  if (ctx.opset < 7 && shapeOf(slope).size() == 1 && shapeOf(x).size() > 2 &&
      shapeOf(slope)[0] != 1) {
    SmallVector<int64_t> units;
    for (int64_t k = 1; k < int64_t(shapeOf(x).size()) - 1; ++k)
      units.push_back(k);
    slope = insertUnitDims(ctx.b, ctx.loc, slope, units);
  }
  if (elementType(slope) != elementType(x))
    return ctx.invalid("slope element type differs from the input's");
  Type element = elementType(x);
  FailureOr<Value> y = elementwise(
      ctx, {x, slope}, element,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value scaled = arith::MulFOp::create(b, loc, args[0], args[1]);
        return select(b, loc, arith::CmpFPredicate::OLT, args[0],
                      floatConstant(b, loc, element, 0), scaled, args[0]);
      });
  if (failed(y))
    return failure();
  if (shapeOf(*y) != shapeOf(x))
    return ctx.invalid("slope of shape " + onnxShapeString(shapeOf(slope)) +
                       " does not broadcast to the input's shape " +
                       onnxShapeString(shapeOf(x)));
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult convertMean(NodeContext &ctx) {
  return variadic(
      ctx,
      [](OpBuilder &b, Location loc, Value x, Value y) -> Value {
        return arith::AddFOp::create(b, loc, x, y);
      },
      /*mean=*/true);
}

const ConverterEntry kConverters[] = {
    {"Abs", convertMath<math::AbsFOp>},
    {"Acos", convertMath<math::AcosOp>, 7},
    {"Acosh", convertMath<math::AcoshOp>, 9},
    {"Asin", convertMath<math::AsinOp>, 7},
    {"Asinh", convertMath<math::AsinhOp>, 9},
    {"Atan", convertMath<math::AtanOp>, 7},
    {"Atanh", convertMath<math::AtanhOp>, 9},
    {"Celu", convertCelu, 12},
    {"Cosh", convertMath<math::CoshOp>, 9},
    {"Round", convertMath<math::RoundEvenOp>, 11},
    {"Shrink", convertShrink, 9},
    {"Sinh", convertMath<math::SinhOp>, 9},
    {"Tan", convertMath<math::TanOp>, 7},
    {"Add", convertBinary<arith::AddFOp>},
    {"Ceil", convertMath<math::CeilOp>},
    {"Clip", convertClip},
    {"Cos", convertMath<math::CosOp>},
    {"Div", convertBinary<arith::DivFOp>},
    {"Elu", convertElu},
    {"Erf", convertMath<math::ErfOp>, 9},
    {"Exp", convertMath<math::ExpOp>},
    {"Floor", convertMath<math::FloorOp>},
    {"HardSigmoid", convertHardSigmoid},
    {"HardSwish", convertHardSwish, 14},
    {"Identity", convertIdentity},
    {"LeakyRelu", convertLeakyRelu},
    {"Log", convertMath<math::LogOp>},
    {"Max", convertVariadic<arith::MaximumFOp>},
    {"Mean", convertMean},
    {"Min", convertVariadic<arith::MinimumFOp>},
    {"Mul", convertBinary<arith::MulFOp>},
    {"Neg", convertNeg},
    {"Pow", convertPow},
    {"PRelu", convertPRelu},
    {"Reciprocal", convertReciprocal},
    {"Relu", convertRelu},
    {"Selu", convertSelu},
    {"Sigmoid", convertSigmoid},
    {"Sign", convertSign, 9},
    {"Sin", convertMath<math::SinOp>, 7},
    {"Softplus", convertSoftplus},
    {"Softsign", convertSoftsign},
    {"Sqrt", convertMath<math::SqrtOp>},
    {"Sub", convertBinary<arith::SubFOp>},
    {"Sum", convertVariadic<arith::AddFOp>},
    {"Tanh", convertMath<math::TanhOp>},
    {"ThresholdedRelu", convertThresholdedRelu, 10},
};

} // namespace

ArrayRef<ConverterEntry> elementwiseConverters() { return kConverters; }

} // namespace autoconfig
