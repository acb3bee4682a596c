//===- ProgramNormalizations.cpp - Decomposed softmax, layer norm ---------===//
//
// Frontends that have no softmax or layer normalization op (TOSA, and
// torch-mlir for some models) decompose them into reductions and
// element-wise ops. oneDNN computes each in one primitive, which reads the
// tensor once or twice instead of once per op, so an expert maps the
// pattern back. The patterns are the textbook definitions, checked op by op
// from the first reduction:
//   softmax:  e = exp(x - max_a(x));  y = e * (1 / sum_a(e))  (or e / sum)
//   layer normalization (over the innermost dimension a, N elements):
//     d = x - sum_a(x) / N;  y = d * rsqrt(sum_a(d * d) / N + eps)
// Every intermediate tensor must be read by the pattern only; otherwise the
// ops are mapped one by one (reductions, binary and eltwise primitives).
//
//===----------------------------------------------------------------------===//

#include "ProgramBuilder.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/Support/FormatVariadic.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace llvm;

namespace autoconfig::program {

using onednn::formatOf;

namespace {

SmallVector<int64_t> dimsOf(Value v) {
  return SmallVector<int64_t>(cast<ShapedType>(v.getType()).getShape());
}

/// A reduction over one loop of a tensor read element by element, whose
/// result keeps the other loops in order.
struct Reduction {
  linalg::LinalgOp op;
  Fn combine = Fn::Add;
  unsigned axis = 0;
  Value input;
};

std::optional<Reduction> reductionOf(Operation *operation) {
  auto op = dyn_cast_if_present<linalg::LinalgOp>(operation);
  if (!op || op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 1 || op->getNumResults() != 1)
    return std::nullopt;
  AffineMap in = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!in.isIdentity())
    return std::nullopt;
  SmallVector<unsigned> reduced;
  op.getReductionDims(reduced);
  Reduction r{op, Fn::Add, reduced[0], op.getDpsInputs()[0]};
  unsigned next = 0;
  for (AffineExpr e : out.getResults()) {
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d || d.getPosition() == r.axis)
      return std::nullopt;
    next += next == r.axis;
    if (d.getPosition() != next++)
      return std::nullopt;
  }
  Block *body = op.getBlock();
  Operation *combine = body->getTerminator()->getOperand(0).getDefiningOp();
  if (!combine || std::distance(body->begin(), body->end()) != 2)
    return std::nullopt;
  if (isa<arith::AddFOp>(combine))
    r.combine = Fn::Add;
  else if (isa<arith::MaximumFOp, arith::MaxNumFOp>(combine))
    r.combine = Fn::Max;
  else
    return std::nullopt;
  return r;
}

/// `v` after the reshapes that only add or remove unit dimensions, each
/// the only reader of the previous value (appended to `ops`).
Value throughUnitReshapes(Value v, SmallVectorImpl<Operation *> &ops) {
  while (v.hasOneUse()) {
    Operation *user = *v.getUsers().begin();
    if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(user))
      break;
    SmallVector<int64_t> from, to;
    for (int64_t d : dimsOf(v))
      if (d != 1)
        from.push_back(d);
    for (int64_t d : dimsOf(user->getResult(0)))
      if (d != 1)
        to.push_back(d);
    if (from != to)
      break;
    ops.push_back(user);
    v = user->getResult(0);
  }
  return v;
}

/// Whether `e` reads the reduced tensor `reduced` at the indices of the
/// other loops of a space of `rank` loops (a broadcast along `axis`).
bool readsBroadcast(const Expr *e, Value reduced, unsigned axis,
                    unsigned rank) {
  if (!e->isLeaf() || e->tensor != reduced)
    return false;
  SmallVector<int64_t> shape = dimsOf(reduced);
  unsigned next = 0;
  for (auto [j, r] : llvm::enumerate(e->map.getResults())) {
    if (auto k = dyn_cast<AffineConstantExpr>(r);
        k && k.getValue() == 0 && shape[j] == 1)
      continue;
    auto d = dyn_cast<AffineDimExpr>(r);
    next += next == axis;
    if (!d || d.getPosition() != next++)
      return false;
  }
  next += next == axis;
  return next == rank;
}

/// `s` when `e` is s * c or s / (1/c) with c = 1/n (up to f32 rounding).
const Expr *meanOf(const Expr *e, int64_t n) {
  auto near = [&](double c) { return std::fabs(c * n - 1) <= 1e-5; };
  if (e->is(Fn::Mul)) {
    if (e->args[1]->isConstant() && near(e->args[1]->value))
      return e->args[0];
    if (e->args[0]->isConstant() && near(e->args[0]->value))
      return e->args[1];
  }
  if (e->is(Fn::Div) && e->args[1]->isConstant() && near(1 / e->args[1]->value))
    return e->args[0];
  return nullptr;
}

bool isLeafOf(const Expr *e, Value v, ArrayRef<int64_t> shape) {
  return e->isLeaf() && e->tensor == v && readsAsIs(e->map, shape);
}

} // namespace

Expected<bool> ProgramBuilder::tryNormalization(linalg::LinalgOp op) {
  std::optional<Reduction> first = reductionOf(op);
  if (!first || !available(first->input))
    return false;
  Value x = first->input;
  SmallVector<int64_t> shape = dimsOf(x);
  unsigned rank = shape.size(), axis = first->axis;
  const ConstantTensor *init = constantOf(op.getDpsInits()[0]);
  double neutral = first->combine == Fn::Max ? -FLT_MAX : 0;
  if (!init || !init->isSplat() ||
      !(first->combine == Fn::Max ? init->splatValue <= neutral
                                  : init->splatValue == neutral))
    return false;
  SmallVector<Operation *> ops = {op};
  Value reduced = throughUnitReshapes(op->getResult(0), ops);
  ExprBuilder builder([this](Value v) { return scalarOf(v); });
  // The last of the element-wise ops that follow `v`, each read only by
  // the next (they are inlined into its expression); null if none.
  auto forward = [&](Value v) -> linalg::LinalgOp {
    linalg::LinalgOp last;
    while (v.hasOneUse()) {
      auto user = dyn_cast<linalg::LinalgOp>(*v.getUsers().begin());
      if (!user || done.contains(user) || !isElementwise(user))
        break;
      last = user;
      v = user->getResult(0);
    }
    if (last && dimsOf(last->getResult(0)) != shape)
      return {};
    return last;
  };
  auto expression = [&](linalg::LinalgOp user) -> const Expr * {
    SmallVector<Operation *> inlined;
    std::string why;
    FailureOr<const Expr *> e = expressionOf(user, builder, inlined, ops, why);
    if (failed(e))
      return nullptr;
    ops.append(inlined.begin(), inlined.end());
    ops.push_back(user);
    return *e;
  };
  // A reduction over `axis` of `v` alone, from its neutral element.
  auto sumOf = [&](Value v) -> std::optional<Value> {
    if (!v.hasOneUse())
      return std::nullopt;
    Operation *user = *v.getUsers().begin();
    std::optional<Reduction> r = reductionOf(user);
    const ConstantTensor *zero =
        r ? constantOf(r->op.getDpsInits()[0]) : nullptr;
    if (!r || r->combine != Fn::Add || r->axis != axis || !zero ||
        !zero->isUniformly(0))
      return std::nullopt;
    ops.push_back(user);
    return throughUnitReshapes(user->getResult(0), ops);
  };

  if (first->combine == Fn::Max) {
    // Softmax: e = exp(x - max), then y = e * (1 / sum(e)).
    linalg::LinalgOp exponent = forward(reduced);
    const Expr *e = exponent ? expression(exponent) : nullptr;
    if (!e || !e->is(Fn::Exp) || !e->args[0]->is(Fn::Sub) ||
        !isLeafOf(e->args[0]->args[0], x, shape) ||
        !readsBroadcast(e->args[0]->args[1], reduced, axis, rank))
      return false;
    Value exps = exponent->getResult(0);
    // Its readers: the sum and the normalization.
    SmallVector<Operation *> readers;
    for (Operation *user : exps.getUsers())
      if (!llvm::is_contained(readers, user))
        readers.push_back(user);
    if (readers.size() != 2)
      return false;
    std::optional<Reduction> sum = reductionOf(readers[0]);
    Operation *scale = sum ? readers[1] : readers[0];
    if (!sum)
      sum = reductionOf(readers[1]);
    if (!sum || sum->combine != Fn::Add || sum->axis != axis ||
        !constantOf(sum->op.getDpsInits()[0]) ||
        !constantOf(sum->op.getDpsInits()[0])->isUniformly(0))
      return false;
    ops.push_back(sum->op);
    Value total = throughUnitReshapes(sum->op->getResult(0), ops);
    auto normalize = dyn_cast<linalg::LinalgOp>(scale);
    if (!normalize || !isElementwise(normalize) ||
        dimsOf(normalize->getResult(0)) != shape)
      return false;
    const Expr *y = expression(normalize);
    if (!y)
      return false;
    auto isTotal = [&](const Expr *t) {
      return readsBroadcast(t, total, axis, rank);
    };
    auto isInverse = [&](const Expr *t) {
      return (t->is(Fn::Div) && t->args[0]->isConstant() &&
              t->args[0]->value == 1 && isTotal(t->args[1])) ||
             (t->is(Fn::Pow) && isTotal(t->args[0]) &&
              t->args[1]->isConstant() && t->args[1]->value == -1);
    };
    bool matches =
        (y->is(Fn::Div) && isLeafOf(y->args[0], exps, shape) &&
         isTotal(y->args[1])) ||
        (y->is(Fn::Mul) &&
         ((isLeafOf(y->args[0], exps, shape) && isInverse(y->args[1])) ||
          (isLeafOf(y->args[1], exps, shape) && isInverse(y->args[0]))));
    // Every intermediate is read by the pattern only.
    if (!matches || !total.hasOneUse() ||
        !llvm::is_contained(ops, *total.getUsers().begin()))
      return false;
    if (Error err = buildSoftmaxOver(x, axis, normalize, ops))
      return std::move(err);
    return true;
  }

  // Layer normalization over the innermost dimension.
  if (axis != rank - 1)
    return false;
  int64_t n = shape[axis];
  linalg::LinalgOp center = forward(reduced);
  const Expr *d = center ? expression(center) : nullptr;
  if (!d || !d->is(Fn::Sub) || !isLeafOf(d->args[0], x, shape))
    return false;
  const Expr *mean = meanOf(d->args[1], n);
  if (!mean || !readsBroadcast(mean, reduced, axis, rank))
    return false;
  Value centered = center->getResult(0);
  SmallVector<Operation *> readers;
  for (Operation *user : centered.getUsers())
    if (!llvm::is_contained(readers, user))
      readers.push_back(user);
  if (readers.size() != 2)
    return false;
  for (int i = 0; i < 2; ++i) {
    auto square = dyn_cast<linalg::LinalgOp>(readers[i]);
    auto scale = dyn_cast<linalg::LinalgOp>(readers[1 - i]);
    if (!square || !scale || !isElementwise(square) || !isElementwise(scale) ||
        dimsOf(scale->getResult(0)) != shape)
      continue;
    SmallVector<Operation *> saved = ops;
    const Expr *sq = expression(square);
    bool squares =
        sq && ((sq->is(Fn::Mul) && isLeafOf(sq->args[0], centered, shape) &&
                isLeafOf(sq->args[1], centered, shape)) ||
               (sq->is(Fn::Pow) && isLeafOf(sq->args[0], centered, shape) &&
                sq->args[1]->isConstant() && sq->args[1]->value == 2));
    std::optional<Value> variance =
        squares ? sumOf(square->getResult(0)) : std::nullopt;
    const Expr *y = variance ? expression(scale) : nullptr;
    // y = d * rsqrt(variance / n + eps)
    const Expr *factor = nullptr;
    if (y && y->is(Fn::Mul)) {
      if (isLeafOf(y->args[0], centered, shape))
        factor = y->args[1];
      else if (isLeafOf(y->args[1], centered, shape))
        factor = y->args[0];
    }
    std::optional<double> eps;
    if (factor && factor->is(Fn::Rsqrt) && factor->args[0]->is(Fn::Add)) {
      const Expr *sum = factor->args[0];
      for (int j = 0; j < 2 && !eps; ++j)
        if (sum->args[1 - j]->isConstant()) {
          const Expr *m = meanOf(sum->args[j], n);
          if (m && readsBroadcast(m, *variance, axis, rank))
            eps = sum->args[1 - j]->value;
        }
    }
    if (!eps || *eps < 0 || !variance->hasOneUse() ||
        !llvm::is_contained(ops, *variance->getUsers().begin())) {
      ops = std::move(saved);
      continue;
    }
    if (Error err = buildLayerNormOver(x, float(*eps), scale, ops))
      return std::move(err);
    return true;
  }
  return false;
}

Error ProgramBuilder::buildSoftmaxOver(Value x, unsigned axis,
                                       linalg::LinalgOp last,
                                       ArrayRef<Operation *> pattern) {
  auto source = tensorOf(x);
  if (!source)
    return source.takeError();
  SmallVector<int64_t> dims = dimsOf(x);
  DimGroups identity;
  for (size_t d = 0; d < dims.size(); ++d)
    identity.push_back({int(d)});
  Producer producer;
  producer.op = last;
  producer.logicalDims = dims;
  producer.value = last->getResult(0);
  producer.valueDims = dims;
  producer.groups = identity;
  producer.readBuffers.push_back(source->buffer);
  dnnl_memory_desc_t srcMd = source->md;
  auto make = [&](const dnnl_memory_desc_t &dst,
                  const_dnnl_primitive_attr_t attr, bool,
                  onednn::PrimitiveDesc &pd) {
    dnnl_softmax_v2_desc_t desc;
    dnnl_status_t s = dnnl_softmax_v2_forward_desc_init(
        &desc, dnnl_forward_inference, dnnl_softmax_accurate, &srcMd, &dst,
        int(axis));
    if (s == dnnl_success)
      s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                     nullptr);
    return s;
  };
  producer.make = make;
  auto produced = produce(producer);
  if (!produced)
    return produced.takeError();
  for (Operation *o : pattern)
    done.insert(o);
  std::string what =
      formatv("softmax over dimension {0} (the pattern from {1})", axis,
              describeOp(pattern.front()))
          .str();
  return emit(producer, *produced, {{DNNL_ARG_SRC, source->memory}}, what,
              "src " + formatOf(source->md));
}

Error ProgramBuilder::buildLayerNormOver(Value x, float eps,
                                         linalg::LinalgOp last,
                                         ArrayRef<Operation *> pattern) {
  auto source = tensorOf(x);
  if (!source)
    return source.takeError();
  SmallVector<int64_t> dims = dimsOf(x);
  DimGroups identity;
  for (size_t d = 0; d < dims.size(); ++d)
    identity.push_back({int(d)});
  // oneDNN normalizes the innermost dimension of a plain layout.
  Tensor src = *source;
  if (!onednn::isPlain(src.md) ||
      src.md.format_desc.blocking.strides[dims.size() - 1] != 1) {
    auto plain = inFormat(src, onednn::rowMajor(src.md.ndims, src.md.dims),
                          describeOp(pattern.front()));
    if (!plain)
      return plain.takeError();
    src = *plain;
  }
  Producer producer;
  producer.op = last;
  producer.logicalDims = dims;
  producer.value = last->getResult(0);
  producer.valueDims = dims;
  producer.groups = identity;
  // A per-feature scale and shift after it (gamma, beta) are its own.
  producer.channelDim = int(dims.size()) - 1;
  producer.readBuffers.push_back(src.buffer);
  producer.fixedDst = src.md;
  dnnl_memory_desc_t srcMd = src.md;
  producer.appliesScale = true;
  auto make = [&](const dnnl_memory_desc_t &, const_dnnl_primitive_attr_t attr,
                  bool scaleShift, onednn::PrimitiveDesc &pd) {
    dnnl_layer_normalization_desc_t desc;
    dnnl_status_t s = dnnl_layer_normalization_forward_desc_init(
        &desc, dnnl_forward_inference, &srcMd, nullptr, eps,
        scaleShift ? dnnl_use_scale | dnnl_use_shift : 0);
    if (s == dnnl_success)
      s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                     nullptr);
    return s;
  };
  producer.make = make;
  auto produced = produce(producer);
  if (!produced)
    return produced.takeError();
  const_dnnl_primitive_desc_t pd = produced->pd.get();
  std::vector<dnnl_exec_arg_t> args = {{DNNL_ARG_SRC, src.memory}};
  if (produced->withBias) {
    dnnl_dims_t width = {dims.back()};
    dnnl_memory_desc_t vectorMd;
    dnnl_memory_desc_init_by_tag(&vectorMd, 1, width, dnnl_f32, dnnl_a);
    std::vector<float> scale(produced->scale.begin(), produced->scale.end()),
        shift(produced->shift.begin(), produced->shift.end());
    auto scaleMemory = seq.constant(
        vectorMd, scale.data(), scale.size(),
        PrimitiveSequence::queryMd(pd, dnnl_query_exec_arg_md, DNNL_ARG_SCALE));
    if (!scaleMemory)
      return scaleMemory.takeError();
    auto shiftMemory = seq.constant(
        vectorMd, shift.data(), shift.size(),
        PrimitiveSequence::queryMd(pd, dnnl_query_exec_arg_md, DNNL_ARG_SHIFT));
    if (!shiftMemory)
      return shiftMemory.takeError();
    args.push_back({DNNL_ARG_SCALE, *scaleMemory});
    args.push_back({DNNL_ARG_SHIFT, *shiftMemory});
  }
  // Statistics the primitive computes for itself, when it asks for room.
  for (int arg : {DNNL_ARG_MEAN, DNNL_ARG_VARIANCE}) {
    const dnnl_memory_desc_t &md =
        PrimitiveSequence::queryMd(pd, dnnl_query_exec_arg_md, arg);
    if (dnnl_memory_desc_get_size(&md) == 0)
      continue;
    auto stats = seq.allocate(md);
    if (!stats)
      return stats.takeError();
    args.push_back({arg, stats->memory});
  }
  for (Operation *o : pattern)
    done.insert(o);
  std::string what =
      ("layer_normalization (eps " + formatv("{0:e}", eps).str() +
       "; the pattern from " + describeOp(pattern.front()) + ")");
  return emit(producer, *produced, std::move(args), what,
              "src " + formatOf(src.md));
}

} // namespace autoconfig::program
