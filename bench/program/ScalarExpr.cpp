//===- ScalarExpr.cpp - An element-wise body as a tree --------------------===//

#include "ScalarExpr.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace llvm;

namespace autoconfig::program {

bool sameExpr(const Expr *a, const Expr *b) {
  if (a == b)
    return true;
  if (a->kind != b->kind)
    return false;
  switch (a->kind) {
  case Expr::Kind::Constant:
    return a->value == b->value;
  case Expr::Kind::Leaf:
    return a->tensor == b->tensor && a->map == b->map;
  case Expr::Kind::Apply:
    if (a->fn != b->fn || a->predicate != b->predicate ||
        a->args.size() != b->args.size())
      return false;
    for (auto [x, y] : llvm::zip(a->args, b->args))
      if (!sameExpr(x, y))
        return false;
    return true;
  }
  return false;
}

static StringRef fnName(Fn fn) {
  switch (fn) {
  case Fn::Add:
    return "add";
  case Fn::Sub:
    return "sub";
  case Fn::Mul:
    return "mul";
  case Fn::Div:
    return "div";
  case Fn::Neg:
    return "neg";
  case Fn::Max:
    return "max";
  case Fn::Min:
    return "min";
  case Fn::Cmp:
    return "cmp";
  case Fn::Select:
    return "select";
  case Fn::Exp:
    return "exp";
  case Fn::Log:
    return "log";
  case Fn::Tanh:
    return "tanh";
  case Fn::Erf:
    return "erf";
  case Fn::Sqrt:
    return "sqrt";
  case Fn::Rsqrt:
    return "rsqrt";
  case Fn::Abs:
    return "abs";
  case Fn::Pow:
    return "pow";
  case Fn::Convert:
    return "convert";
  }
  return "?";
}

std::string describeExpr(const Expr *e) {
  switch (e->kind) {
  case Expr::Kind::Constant:
    return formatv("{0}", e->value).str();
  case Expr::Kind::Leaf:
    return "x";
  case Expr::Kind::Apply:
    break;
  }
  std::string text = fnName(e->fn).str();
  if (e->fn == Fn::Cmp)
    text += " " + arith::stringifyCmpFPredicate(e->predicate).str();
  text += "(";
  for (auto [i, arg] : llvm::enumerate(e->args))
    text += (i ? ", " : "") + describeExpr(arg);
  return text + ")";
}

double applyFn(const Expr &e, ArrayRef<double> a) {
  double r = 0;
  switch (e.fn) {
  case Fn::Add:
    r = a[0] + a[1];
    break;
  case Fn::Sub:
    r = a[0] - a[1];
    break;
  case Fn::Mul:
    r = a[0] * a[1];
    break;
  case Fn::Div:
    r = a[0] / a[1];
    break;
  case Fn::Neg:
    r = -a[0];
    break;
  case Fn::Max:
    r = std::isnan(a[0]) || std::isnan(a[1]) ? NAN : std::max(a[0], a[1]);
    break;
  case Fn::Min:
    r = std::isnan(a[0]) || std::isnan(a[1]) ? NAN : std::min(a[0], a[1]);
    break;
  case Fn::Cmp:
    return arith::applyCmpPredicate(e.predicate, APFloat(a[0]), APFloat(a[1]))
               ? 1
               : 0;
  case Fn::Select:
    r = a[0] != 0 ? a[1] : a[2];
    break;
  case Fn::Exp:
    r = std::exp(a[0]);
    break;
  case Fn::Log:
    r = std::log(a[0]);
    break;
  case Fn::Tanh:
    r = std::tanh(a[0]);
    break;
  case Fn::Erf:
    r = std::erf(a[0]);
    break;
  case Fn::Sqrt:
    r = std::sqrt(a[0]);
    break;
  case Fn::Rsqrt:
    r = 1 / std::sqrt(a[0]);
    break;
  case Fn::Abs:
    r = std::fabs(a[0]);
    break;
  case Fn::Pow:
    r = std::pow(a[0], a[1]);
    break;
  case Fn::Convert:
    r = a[0];
    break;
  }
  return e.f32 ? double(float(r)) : r;
}

/// The scalar function of a body op, if it has one here.
static std::optional<Fn> fnOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<Fn>>(op)
      .Case<arith::AddFOp>([](auto) { return Fn::Add; })
      .Case<arith::SubFOp>([](auto) { return Fn::Sub; })
      .Case<arith::MulFOp>([](auto) { return Fn::Mul; })
      .Case<arith::DivFOp>([](auto) { return Fn::Div; })
      .Case<arith::NegFOp>([](auto) { return Fn::Neg; })
      .Case<arith::MaximumFOp, arith::MaxNumFOp>([](auto) { return Fn::Max; })
      .Case<arith::MinimumFOp, arith::MinNumFOp>([](auto) { return Fn::Min; })
      .Case<arith::CmpFOp>([](auto) { return Fn::Cmp; })
      .Case<arith::SelectOp>([](auto) { return Fn::Select; })
      .Case<arith::TruncFOp, arith::ExtFOp, arith::SIToFPOp, arith::UIToFPOp>(
          [](auto) { return Fn::Convert; })
      .Case<math::ExpOp>([](auto) { return Fn::Exp; })
      .Case<math::LogOp>([](auto) { return Fn::Log; })
      .Case<math::TanhOp>([](auto) { return Fn::Tanh; })
      .Case<math::ErfOp>([](auto) { return Fn::Erf; })
      .Case<math::SqrtOp>([](auto) { return Fn::Sqrt; })
      .Case<math::RsqrtOp>([](auto) { return Fn::Rsqrt; })
      .Case<math::AbsFOp>([](auto) { return Fn::Abs; })
      .Case<math::PowFOp>([](auto) { return Fn::Pow; })
      .Default([](Operation *) { return std::nullopt; });
}

const Expr *ExprBuilder::constant(double value) {
  Expr &e = nodes.emplace_back();
  e.kind = Expr::Kind::Constant;
  e.value = value;
  return &e;
}

bool isElementwise(linalg::LinalgOp op) {
  if (op->getNumResults() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != op.getNumParallelLoops())
    return false;
  if (!op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isPermutation())
    return false;
  return llvm::all_of(op.getIndexingMapsArray(), [](AffineMap m) {
    return m.isProjectedPermutation(/*allowZeroInResults=*/true);
  });
}

Expected<const Expr *>
ExprBuilder::build(linalg::LinalgOp op, InlinePolicy inlinePolicy,
                   SmallVectorImpl<Operation *> &inlined) {
  if (!isElementwise(op))
    return error("not an element-wise op");
  // The expression lives in the result's index space.
  AffineMap outer =
      inversePermutation(op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
  return buildBody(op, outer, inlinePolicy, inlined);
}

Expected<const Expr *>
ExprBuilder::buildBody(linalg::LinalgOp op, AffineMap outer,
                       InlinePolicy inlinePolicy,
                       SmallVectorImpl<Operation *> &inlined) {
  Block *body = op.getBlock();
  llvm::DenseMap<Value, const Expr *> env;
  for (OpOperand &operand : op->getOpOperands()) {
    BlockArgument arg = op.getMatchingBlockArgument(&operand);
    if (arg.use_empty())
      continue;
    Value v = operand.get();
    if (!isa<ShapedType>(v.getType())) {
      // A scalar operand (linalg.fill's value, a generic's scalar input).
      std::optional<double> value = scalarOf(v);
      if (!value)
        return error("reads a scalar operand that is not a constant");
      env[arg] = constant(*value);
      continue;
    }
    // A constant tensor of one value is that value wherever it is read.
    if (std::optional<double> value = scalarOf(v)) {
      env[arg] = constant(*value);
      continue;
    }
    AffineMap map = op.getMatchingIndexingMap(&operand).compose(outer);
    if (linalg::LinalgOp producer = inlinePolicy(v)) {
      AffineMap producerOuter =
          inversePermutation(
              producer.getMatchingIndexingMap(producer.getDpsInitOperand(0)))
              .compose(map);
      auto inner = buildBody(producer, producerOuter, inlinePolicy, inlined);
      if (!inner)
        return inner.takeError();
      inlined.push_back(producer);
      env[arg] = *inner;
      continue;
    }
    Expr &leaf = nodes.emplace_back();
    leaf.kind = Expr::Kind::Leaf;
    leaf.tensor = v;
    leaf.map = map;
    env[arg] = &leaf;
  }
  auto lookup = [&](Value v) -> Expected<const Expr *> {
    if (const Expr *e = env.lookup(v))
      return e;
    if (std::optional<double> value = scalarOf(v))
      return constant(*value);
    return error("uses a value defined outside its body that is not a "
                 "constant");
  };
  for (Operation &inner : body->without_terminator()) {
    if (inner.getNumResults() != 1)
      return error("its body applies '" + inner.getName().getStringRef() +
                   "', which the peer does not know");
    if (auto c = dyn_cast<arith::ConstantOp>(inner)) {
      auto value = lookup(c.getResult());
      if (!value)
        return value.takeError();
      env[c.getResult()] = *value;
      continue;
    }
    std::optional<Fn> fn = fnOf(&inner);
    if (!fn)
      return error("its body applies '" + inner.getName().getStringRef() +
                   "', which the peer does not know");
    Expr node;
    node.kind = Expr::Kind::Apply;
    node.fn = *fn;
    node.f32 = inner.getResult(0).getType().isF32();
    if (auto cmp = dyn_cast<arith::CmpFOp>(inner))
      node.predicate = cmp.getPredicate();
    bool allConstant = true;
    for (Value operand : inner.getOperands()) {
      auto arg = lookup(operand);
      if (!arg)
        return arg.takeError();
      node.args.push_back(*arg);
      allConstant &= (*arg)->isConstant();
    }
    if (allConstant) {
      SmallVector<double, 3> values;
      for (const Expr *a : node.args)
        values.push_back(a->value);
      env[inner.getResult(0)] = constant(applyFn(node, values));
      continue;
    }
    nodes.push_back(std::move(node));
    env[inner.getResult(0)] = &nodes.back();
  }
  Operation *yield = body->getTerminator();
  if (yield->getNumOperands() != 1)
    return error("yields more than one value");
  return lookup(yield->getOperand(0));
}

/// Collects the distinct leaves of `e`.
static void collectLeaves(const Expr *e, SmallVectorImpl<const Expr *> &out) {
  if (e->isLeaf()) {
    if (!llvm::is_contained(out, e))
      out.push_back(e);
    return;
  }
  for (const Expr *a : e->args)
    collectLeaves(a, out);
}

SmallVector<bool> dimensionsRead(const Expr *e, unsigned rank) {
  SmallVector<const Expr *> leaves;
  collectLeaves(e, leaves);
  SmallVector<bool> read(rank, false);
  for (const Expr *leaf : leaves)
    for (AffineExpr r : leaf->map.getResults())
      if (auto d = dyn_cast<AffineDimExpr>(r))
        read[d.getPosition()] = true;
  return read;
}

Expected<ConstantTensor>
evaluate(const Expr *e, ArrayRef<int64_t> shape,
         llvm::function_ref<const ConstantTensor *(Value)> constantOf) {
  unsigned rank = shape.size();
  SmallVector<const Expr *> leaves;
  collectLeaves(e, leaves);
  struct LeafAccess {
    const ConstantTensor *data;
    int64_t offset = 0;
    SmallVector<int64_t, 6> strides;
  };
  std::vector<LeafAccess> access;
  llvm::DenseMap<const Expr *, unsigned> leafIndex;
  for (const Expr *leaf : leaves) {
    const ConstantTensor *c = constantOf(leaf->tensor);
    if (!c)
      return error("reads a tensor that is not a constant");
    LeafAccess a{c, 0, SmallVector<int64_t, 6>(rank, 0)};
    SmallVector<int64_t, 4> tensorStrides = c->strides();
    for (auto [r, expr] : llvm::enumerate(leaf->map.getResults())) {
      if (auto d = dyn_cast<AffineDimExpr>(expr))
        a.strides[d.getPosition()] += tensorStrides[r];
      else if (auto k = dyn_cast<AffineConstantExpr>(expr))
        a.offset += k.getValue() * tensorStrides[r];
      else
        return error("reads a constant through a map that is not a "
                     "projected permutation");
    }
    leafIndex[leaf] = access.size();
    access.push_back(std::move(a));
  }
  SmallVector<bool> read = dimensionsRead(e, rank);
  SmallVector<int64_t, 6> resultShape;
  for (unsigned d = 0; d < rank; ++d)
    resultShape.push_back(read[d] ? shape[d] : 1);
  int64_t count = 1;
  for (int64_t s : resultShape)
    count *= s;
  std::vector<double> values(count);
  SmallVector<int64_t, 6> index(rank, 0);
  std::vector<double> leafValues(access.size());
  std::function<double(const Expr *)> eval = [&](const Expr *x) -> double {
    switch (x->kind) {
    case Expr::Kind::Constant:
      return x->value;
    case Expr::Kind::Leaf:
      return leafValues[leafIndex.lookup(x)];
    case Expr::Kind::Apply:
      break;
    }
    SmallVector<double, 3> args;
    for (const Expr *a : x->args)
      args.push_back(eval(a));
    return applyFn(*x, args);
  };
  for (int64_t n = 0; n < count; ++n) {
    for (auto [i, a] : llvm::enumerate(access)) {
      int64_t offset = a.offset;
      for (unsigned d = 0; d < rank; ++d)
        offset += index[d] * a.strides[d];
      leafValues[i] = a.data->at(offset);
    }
    values[n] = eval(e);
    for (int d = int(rank) - 1; d >= 0; --d) {
      if (++index[d] < resultShape[d])
        break;
      index[d] = 0;
    }
  }
  if (count > 0 && llvm::all_of(values, [&](double v) {
        return v == values[0] || (std::isnan(v) && std::isnan(values[0]));
      }))
    return ConstantTensor::splat(resultShape, values[0]);
  return ConstantTensor::dense(resultShape, std::move(values));
}

} // namespace autoconfig::program
