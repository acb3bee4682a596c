//===- ReductionOps.cpp - ReduceMean, ReduceSum, ReduceMax... -------------===//
//
// One linalg.generic with reduction loops over `axes` (all dims when none
// are given; ReduceSum takes them as an input from opset 13, the others as
// an attribute up to opset 17), the reduced dims kept as 1 with keepdims
// (the default), then the op's finishing step (the mean divides the sum by
// the count, as numpy.mean does).
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

enum class Reduction {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  SumSquare,
  L1,
  L2,
  LogSum,
  LogSumExp
};

LogicalResult convertReduce(NodeContext &ctx, Reduction kind) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  bool keepDims = ctx.intAttr("keepdims", 1) != 0;
  std::optional<SmallVector<int64_t>> axes;
  bool noopWithEmptyAxes = false;
  if (kind == Reduction::Sum && ctx.opset >= 13) {
    noopWithEmptyAxes = ctx.intAttr("noop_with_empty_axes", 0) != 0;
    if (ctx.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> given = ctx.constantInts(1, "axes");
      if (failed(given))
        return failure();
      axes = *given;
    }
  } else {
    axes = ctx.intsAttr("axes");
  }
  FailureOr<Value> x = ctx.tensorAfterAttributes(0);
  if (failed(x))
    return failure();
  int64_t rank = shapeOf(*x).size();
  if (axes && axes->empty())
    axes.reset();
  if (!axes && noopWithEmptyAxes) {
    ctx.setOutput(0, *x);
    return success();
  }
  SmallVector<int64_t> reduced;
  if (axes) {
    FailureOr<SmallVector<int64_t>> normalized =
        normalizeAxes(ctx, *axes, rank);
    if (failed(normalized))
      return failure();
    reduced = *normalized;
  } else {
    for (int64_t k = 0; k < rank; ++k)
      reduced.push_back(k);
  }
  Type element = elementType(*x);
  double init = 0.0;
  if (kind == Reduction::Max)
    init = -std::numeric_limits<double>::infinity();
  else if (kind == Reduction::Min)
    init = std::numeric_limits<double>::infinity();
  else if (kind == Reduction::Prod)
    init = 1.0;
  Value acc = reduce(
      ctx.b, ctx.loc, *x, reduced, keepDims, init,
      [&](OpBuilder &b, Location l, Value a, Value v) -> Value {
        switch (kind) {
        case Reduction::Max:
          return arith::MaximumFOp::create(b, l, a, v);
        case Reduction::Min:
          return arith::MinimumFOp::create(b, l, a, v);
        case Reduction::Prod:
          return arith::MulFOp::create(b, l, a, v);
        case Reduction::SumSquare:
        case Reduction::L2:
          return arith::AddFOp::create(b, l, a,
                                       arith::MulFOp::create(b, l, v, v));
        case Reduction::L1:
          return arith::AddFOp::create(b, l, a, math::AbsFOp::create(b, l, v));
        case Reduction::LogSumExp:
          // log(sum(exp(x))) as the ONNX reference computes it (no shift).
          return arith::AddFOp::create(b, l, a, math::ExpOp::create(b, l, v));
        default:
          return arith::AddFOp::create(b, l, a, v);
        }
      });
  if (kind == Reduction::LogSum || kind == Reduction::LogSumExp) {
    FailureOr<Value> y =
        elementwise(ctx, {acc}, element,
                    [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                      return math::LogOp::create(b, l, args[0]);
                    });
    if (failed(y))
      return failure();
    acc = *y;
  }
  if (kind == Reduction::Mean || kind == Reduction::L2) {
    FailureOr<int64_t> count = countOver(ctx, *x, reduced);
    if (failed(count))
      return failure();
    FailureOr<Value> y = elementwise(
        ctx, {acc}, element, [&](OpBuilder &b, Location l, ValueRange args) {
          if (kind == Reduction::L2)
            return math::SqrtOp::create(b, l, args[0]).getResult();
          Value n = floatConstant(b, l, element, double(*count));
          return arith::DivFOp::create(b, l, args[0], n).getResult();
        });
    if (failed(y))
      return failure();
    acc = *y;
  }
  ctx.setOutput(0, acc);
  return success();
}

template <Reduction kind> LogicalResult convert(NodeContext &ctx) {
  return convertReduce(ctx, kind);
}

const ConverterEntry kConverters[] = {
    {"ReduceL1", convert<Reduction::L1>},
    {"ReduceL2", convert<Reduction::L2>},
    {"ReduceLogSum", convert<Reduction::LogSum>},
    {"ReduceLogSumExp", convert<Reduction::LogSumExp>},
    {"ReduceMax", convert<Reduction::Max>},
    {"ReduceMean", convert<Reduction::Mean>},
    {"ReduceMin", convert<Reduction::Min>},
    {"ReduceProd", convert<Reduction::Prod>},
    {"ReduceSum", convert<Reduction::Sum>},
    {"ReduceSumSquare", convert<Reduction::SumSquare>},
};

} // namespace

ArrayRef<ConverterEntry> reductionConverters() { return kConverters; }

} // namespace autoconfig
