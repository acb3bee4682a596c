//===- EpilogueChain.cpp - Element-wise work as oneDNN steps --------------===//
//
// The eltwise algorithms' definitions are those of the oneDNN developer
// guide (Eltwise primitive): linear alpha*x+beta, clip min(beta, max(alpha,
// x)), pow alpha*x^beta, logistic 1/(1+e^-x), swish x*logistic(alpha*x),
// gelu_erf 0.5x(1+erf(x/sqrt 2)), gelu_tanh
// 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3))).
//
//===----------------------------------------------------------------------===//

#include "EpilogueChain.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <dnnl_debug.h>

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace llvm;

namespace autoconfig::program {

Step Step::eltwise(dnnl_alg_kind_t alg, float alpha, float beta) {
  Step s;
  s.kind = Kind::Eltwise;
  s.alg = alg;
  s.alpha = alpha;
  s.beta = beta;
  return s;
}

namespace {

Error error(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

/// Whether `value` is `reference` up to a relative 1e-4 (constants written
/// in decimal by a frontend, rounded to f32).
bool near(double value, double reference) {
  return std::fabs(value - reference) <= 1e-4 * std::fabs(reference);
}

bool isConstant(const Expr *e, double value) {
  return e->isConstant() && e->value == value;
}

/// The factors of a product (constants multiplied into `scale`, a division
/// by a constant a factor 1/c).
void factorsOf(const Expr *e, SmallVectorImpl<const Expr *> &factors,
               double &scale) {
  if (e->isConstant()) {
    scale *= e->value;
  } else if (e->is(Fn::Mul)) {
    factorsOf(e->args[0], factors, scale);
    factorsOf(e->args[1], factors, scale);
  } else if (e->is(Fn::Div) && e->args[1]->isConstant()) {
    factorsOf(e->args[0], factors, scale);
    scale /= e->args[1]->value;
  } else {
    factors.push_back(e);
  }
}

/// The terms of a sum (constants added into `offset`); false if a
/// non-constant term is subtracted.
bool termsOf(const Expr *e, SmallVectorImpl<const Expr *> &terms,
             double &offset) {
  if (e->isConstant()) {
    offset += e->value;
    return true;
  }
  if (e->is(Fn::Add))
    return termsOf(e->args[0], terms, offset) &&
           termsOf(e->args[1], terms, offset);
  if (e->is(Fn::Sub) && e->args[1]->isConstant()) {
    offset -= e->args[1]->value;
    return termsOf(e->args[0], terms, offset);
  }
  terms.push_back(e);
  return true;
}

/// x when `e` is -x.
const Expr *negated(const Expr *e) {
  if (e->is(Fn::Neg))
    return e->args[0];
  if (e->is(Fn::Mul)) {
    if (isConstant(e->args[1], -1))
      return e->args[0];
    if (isConstant(e->args[0], -1))
      return e->args[1];
  }
  if (e->is(Fn::Sub) && isConstant(e->args[0], 0))
    return e->args[1];
  return nullptr;
}

/// x when `e` is 1 / (1 + exp(-x)).
const Expr *sigmoidOf(const Expr *e) {
  if (!e->is(Fn::Div) || !isConstant(e->args[0], 1))
    return nullptr;
  SmallVector<const Expr *> terms;
  double offset = 0;
  if (!termsOf(e->args[1], terms, offset) || offset != 1 || terms.size() != 1 ||
      !terms[0]->is(Fn::Exp))
    return nullptr;
  return negated(terms[0]->args[0]);
}

/// x when `e` is x * sigmoid(x).
const Expr *swishOf(const Expr *e) {
  if (!e->is(Fn::Mul))
    return nullptr;
  for (int i = 0; i < 2; ++i)
    if (const Expr *x = sigmoidOf(e->args[1 - i]))
      if (sameExpr(x, e->args[i]))
        return x;
  return nullptr;
}

/// x when `e` is 0.5 * x * (1 + f(inner)) in any association; `inner`
/// receives f's argument.
const Expr *halfTimesOnePlus(const Expr *e, Fn f, const Expr *&inner) {
  SmallVector<const Expr *> factors;
  double scale = 1;
  factorsOf(e, factors, scale);
  if (!near(scale, 0.5) || factors.size() != 2)
    return nullptr;
  for (int i = 0; i < 2; ++i) {
    SmallVector<const Expr *> terms;
    double offset = 0;
    if (termsOf(factors[1 - i], terms, offset) && near(offset, 1) &&
        terms.size() == 1 && terms[0]->is(f)) {
      inner = terms[0]->args[0];
      return factors[i];
    }
  }
  return nullptr;
}

/// x when `e` is 0.5x(1 + erf(x / sqrt 2)).
const Expr *geluErfOf(const Expr *e) {
  const Expr *inner = nullptr;
  const Expr *x = halfTimesOnePlus(e, Fn::Erf, inner);
  if (!x)
    return nullptr;
  SmallVector<const Expr *> factors;
  double scale = 1;
  factorsOf(inner, factors, scale);
  if (near(scale, M_SQRT1_2) && factors.size() == 1 && sameExpr(factors[0], x))
    return x;
  return nullptr;
}

/// x when `e` is 0.5x(1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
const Expr *geluTanhOf(const Expr *e) {
  const Expr *inner = nullptr;
  const Expr *x = halfTimesOnePlus(e, Fn::Tanh, inner);
  if (!x)
    return nullptr;
  SmallVector<const Expr *> factors;
  double scale = 1;
  factorsOf(inner, factors, scale);
  if (!near(scale, std::sqrt(2 / M_PI)) || factors.size() != 1)
    return nullptr;
  SmallVector<const Expr *> terms;
  double offset = 0;
  if (!termsOf(factors[0], terms, offset) || offset != 0 || terms.size() != 2)
    return nullptr;
  for (int i = 0; i < 2; ++i) {
    if (!sameExpr(terms[i], x))
      continue;
    SmallVector<const Expr *> cube;
    double k = 1;
    factorsOf(terms[1 - i], cube, k);
    if (!near(k, 0.044715))
      continue;
    bool isCube =
        (cube.size() == 3 &&
         llvm::all_of(cube, [&](const Expr *f) { return sameExpr(f, x); })) ||
        (cube.size() == 1 && cube[0]->is(Fn::Pow) &&
         sameExpr(cube[0]->args[0], x) && isConstant(cube[0]->args[1], 3));
    if (isCube)
      return x;
  }
  return nullptr;
}

class ChainExtractor {
public:
  ChainExtractor(Value primary, const ChainContext &context)
      : primary(primary), context(context) {}

  Error chain(const Expr *e, std::vector<Step> &steps);

private:
  /// The other operand of a binary function.
  struct Operand {
    std::optional<double> scalar;
    std::optional<ConstantTensor> constant;
    Value tensor;
    AffineMap map;
  };

  bool isPrimary(const Expr *e) const {
    return e->isLeaf() && e->tensor == primary &&
           readsAsIs(e->map, context.shape);
  }
  bool depends(const Expr *e) {
    if (e->isLeaf())
      return isPrimary(e);
    if (auto it = dependsMemo.find(e); it != dependsMemo.end())
      return it->second;
    bool d = llvm::any_of(e->args, [&](const Expr *a) { return depends(a); });
    dependsMemo[e] = d;
    return d;
  }
  bool readsRuntime(const Expr *e) {
    if (e->isLeaf())
      return !context.constantOf(e->tensor);
    return llvm::any_of(e->args,
                        [&](const Expr *a) { return readsRuntime(a); });
  }
  Expected<Operand> operand(const Expr *k);
  Error binary(const Expr *e, const Expr *a0, const Expr *a1,
               std::vector<Step> &steps);

  Value primary;
  const ChainContext &context;
  llvm::DenseMap<const Expr *, bool> dependsMemo;
};

Expected<ChainExtractor::Operand> ChainExtractor::operand(const Expr *k) {
  Operand o;
  if (!readsRuntime(k)) {
    auto value = evaluate(k, context.shape, context.constantOf);
    if (!value)
      return value.takeError();
    ConstantTensor reduced = value->withoutBroadcast();
    if (reduced.elements() == 1)
      o.scalar = reduced.at(0);
    else
      o.constant = std::move(reduced);
    return o;
  }
  if (k->isLeaf()) {
    o.tensor = k->tensor;
    o.map = k->map;
    return o;
  }
  return error("combines it with '" + describeExpr(k) +
               "', computed from another tensor");
}

Error ChainExtractor::chain(const Expr *e, std::vector<Step> &steps) {
  if (isPrimary(e))
    return Error::success();
  if (!depends(e))
    return error("'" + describeExpr(e) + "' does not depend on the tensor");
  // Compound functions first: they use x more than once.
  struct Compound {
    const Expr *(*match)(const Expr *);
    dnnl_alg_kind_t alg;
    float alpha;
  };
  static const Compound compounds[] = {
      {swishOf, dnnl_eltwise_swish, 1},
      {sigmoidOf, dnnl_eltwise_logistic, 0},
      {geluErfOf, dnnl_eltwise_gelu_erf, 0},
      {geluTanhOf, dnnl_eltwise_gelu_tanh, 0},
  };
  for (const Compound &c : compounds)
    if (const Expr *x = c.match(e); x && depends(x)) {
      if (Error err = chain(x, steps))
        return err;
      steps.push_back(Step::eltwise(c.alg, c.alpha, 0));
      return Error::success();
    }
  if (e->kind != Expr::Kind::Apply)
    return error("reads the tensor through a map that is not the identity");
  auto unary = [&](dnnl_alg_kind_t alg, float alpha, float beta) -> Error {
    if (Error err = chain(e->args[0], steps))
      return err;
    steps.push_back(Step::eltwise(alg, alpha, beta));
    return Error::success();
  };
  switch (e->fn) {
  case Fn::Neg:
    return unary(dnnl_eltwise_linear, -1, 0);
  case Fn::Exp:
    return unary(dnnl_eltwise_exp, 0, 0);
  case Fn::Log:
    return unary(dnnl_eltwise_log, 0, 0);
  case Fn::Tanh:
    return unary(dnnl_eltwise_tanh, 0, 0);
  case Fn::Sqrt:
    return unary(dnnl_eltwise_sqrt, 0, 0);
  case Fn::Abs:
    return unary(dnnl_eltwise_abs, 0, 0);
  case Fn::Rsqrt:
    return unary(dnnl_eltwise_pow, 1, -0.5f);
  case Fn::Convert:
    // f32 -> f64 -> f32 round trips exactly; anything else changes values.
    if (!e->f32)
      return error("converts the tensor to another type");
    return chain(e->args[0], steps);
  case Fn::Select: {
    // select(p > q, p, q) is max(p, q); the other arrangements likewise.
    const Expr *cmp = e->args[0];
    if (!cmp->is(Fn::Cmp))
      return error("selects on '" + describeExpr(cmp) + "'");
    using P = arith::CmpFPredicate;
    P pred = cmp->predicate;
    bool greater =
        pred == P::OGT || pred == P::UGT || pred == P::OGE || pred == P::UGE;
    bool less =
        pred == P::OLT || pred == P::ULT || pred == P::OLE || pred == P::ULE;
    const Expr *p = cmp->args[0], *q = cmp->args[1];
    bool same = sameExpr(e->args[1], p) && sameExpr(e->args[2], q);
    bool swapped = sameExpr(e->args[1], q) && sameExpr(e->args[2], p);
    if ((!greater && !less) || (!same && !swapped))
      return error("'" + describeExpr(e) + "' is not a maximum or a minimum");
    Expr minMax = *e;
    minMax.fn = (greater == same) ? Fn::Max : Fn::Min;
    minMax.args = {p, q};
    return binary(&minMax, p, q, steps);
  }
  case Fn::Add:
  case Fn::Sub:
  case Fn::Mul:
  case Fn::Div:
  case Fn::Max:
  case Fn::Min:
  case Fn::Pow:
    return binary(e, e->args[0], e->args[1], steps);
  case Fn::Erf:
  case Fn::Cmp:
    break;
  }
  return error("'" + describeExpr(e) + "' has no oneDNN eltwise algorithm");
}

Error ChainExtractor::binary(const Expr *e, const Expr *a0, const Expr *a1,
                             std::vector<Step> &steps) {
  bool d0 = depends(a0), d1 = depends(a1);
  if (d0 && d1) {
    if (e->fn == Fn::Mul && sameExpr(a0, a1)) {
      if (Error err = chain(a0, steps))
        return err;
      steps.push_back(Step::eltwise(dnnl_eltwise_square));
      return Error::success();
    }
    return error("'" + describeExpr(e) + "' uses the tensor on both sides");
  }
  const Expr *x = d0 ? a0 : a1, *k = d0 ? a1 : a0;
  auto other = operand(k);
  if (!other)
    return other.takeError();
  if (Error err = chain(x, steps))
    return err;
  auto push = [&](dnnl_alg_kind_t alg, float alpha, float beta) {
    steps.push_back(Step::eltwise(alg, alpha, beta));
  };
  auto pushBinary = [&](dnnl_alg_kind_t alg) {
    Step s;
    s.kind = Step::Kind::Binary;
    s.alg = alg;
    s.constant = other->constant;
    s.tensor = other->tensor;
    s.map = other->map;
    steps.push_back(std::move(s));
  };
  std::optional<double> c = other->scalar;
  switch (e->fn) {
  case Fn::Add:
    c ? push(dnnl_eltwise_linear, 1, *c) : pushBinary(dnnl_binary_add);
    return Error::success();
  case Fn::Sub:
    if (d0) {
      c ? push(dnnl_eltwise_linear, 1, -*c) : pushBinary(dnnl_binary_sub);
    } else {
      push(dnnl_eltwise_linear, -1, 0);
      c ? push(dnnl_eltwise_linear, 1, *c) : pushBinary(dnnl_binary_add);
    }
    return Error::success();
  case Fn::Mul:
    c ? push(dnnl_eltwise_linear, *c, 0) : pushBinary(dnnl_binary_mul);
    return Error::success();
  case Fn::Div:
    if (d0) {
      c ? push(dnnl_eltwise_linear, 1 / *c, 0) : pushBinary(dnnl_binary_div);
      return Error::success();
    }
    if (!c)
      return error("divides by the tensor");
    push(dnnl_eltwise_pow, *c, -1);
    return Error::success();
  case Fn::Max:
    c ? push(dnnl_eltwise_clip, *c, FLT_MAX) : pushBinary(dnnl_binary_max);
    return Error::success();
  case Fn::Min:
    c ? push(dnnl_eltwise_clip, -FLT_MAX, *c) : pushBinary(dnnl_binary_min);
    return Error::success();
  case Fn::Pow:
    if (!d0 || !c)
      return error("raises to a power that is not a constant");
    push(dnnl_eltwise_pow, 1, *c);
    return Error::success();
  default:
    break;
  }
  return error("'" + describeExpr(e) + "' has no oneDNN algorithm");
}

bool isLinear(const Step &s) {
  return s.kind == Step::Kind::Eltwise && s.alg == dnnl_eltwise_linear;
}

/// Lower and upper bounds of a clip or a ReLU without slope.
std::optional<std::pair<float, float>> clipBounds(const Step &s) {
  if (s.kind != Step::Kind::Eltwise)
    return std::nullopt;
  if (s.alg == dnnl_eltwise_clip)
    return std::make_pair(s.alpha, s.beta);
  if (s.alg == dnnl_eltwise_relu && s.alpha == 0)
    return std::make_pair(0.0f, FLT_MAX);
  return std::nullopt;
}

} // namespace

bool readsAsIs(AffineMap map, ArrayRef<int64_t> shape) {
  if (map.getNumDims() != shape.size() || map.getNumResults() != shape.size())
    return false;
  for (auto [j, e] : llvm::enumerate(map.getResults())) {
    if (auto d = dyn_cast<AffineDimExpr>(e); d && d.getPosition() == j)
      continue;
    if (auto k = dyn_cast<AffineConstantExpr>(e);
        k && k.getValue() == 0 && shape[j] == 1)
      continue;
    return false;
  }
  return true;
}

Expected<std::vector<Step>> extractChain(const Expr *root, Value primary,
                                         const ChainContext &context) {
  std::vector<Step> steps;
  ChainExtractor extractor(primary, context);
  if (Error e = extractor.chain(root, steps))
    return std::move(e);
  simplifyChain(steps);
  return steps;
}

namespace {

/// y = scale * x + shift, elementwise with broadcasting of size-1 operands.
struct Affine {
  ConstantTensor scale = ConstantTensor::splat({}, 1),
                 shift = ConstantTensor::splat({}, 0);
  int space = 0;
};

/// `fn` of two constants of one shape, or of a constant and a one-element
/// one; nullopt for other shapes.
std::optional<ConstantTensor> combine(const ConstantTensor &a,
                                      const ConstantTensor &b,
                                      double (*fn)(double, double)) {
  bool oneA = a.elements() == 1, oneB = b.elements() == 1;
  if (oneA && oneB)
    return ConstantTensor::splat(a.shape.size() >= b.shape.size() ? a.shape
                                                                  : b.shape,
                                 fn(a.at(0), b.at(0)));
  if (!oneA && !oneB && a.shape != b.shape)
    return std::nullopt;
  const ConstantTensor &full = oneA ? b : a;
  std::vector<double> v(full.elements());
  for (int64_t i = 0; i < full.elements(); ++i)
    v[i] = fn(oneA ? a.at(0) : a.at(i), oneB ? b.at(0) : b.at(i));
  return ConstantTensor::dense(full.shape, std::move(v));
}

double mulOf(double x, double y) { return x * y; }
double addOf(double x, double y) { return x + y; }
double subOf(double x, double y) { return x - y; }
double divOf(double x, double y) { return x / y; }

/// Applies an affine step to `a`; false if it is not one or the shapes do
/// not combine.
bool absorbAffine(Affine &a, const Step &s) {
  if (s.kind == Step::Kind::Eltwise) {
    if (s.alg != dnnl_eltwise_linear)
      return false;
    ConstantTensor alpha = ConstantTensor::splat({}, s.alpha),
                   beta = ConstantTensor::splat({}, s.beta);
    auto scale = combine(a.scale, alpha, mulOf);
    auto shift = combine(a.shift, alpha, mulOf);
    auto shifted = shift ? combine(*shift, beta, addOf) : std::nullopt;
    if (!scale || !shifted)
      return false;
    a.scale = std::move(*scale);
    a.shift = std::move(*shifted);
    return true;
  }
  if (!s.constant || s.space != a.space)
    return false;
  std::optional<ConstantTensor> scale = a.scale, shift;
  switch (s.alg) {
  case dnnl_binary_add:
    shift = combine(a.shift, *s.constant, addOf);
    break;
  case dnnl_binary_sub:
    shift = combine(a.shift, *s.constant, subOf);
    break;
  case dnnl_binary_mul:
    scale = combine(a.scale, *s.constant, mulOf);
    shift = combine(a.shift, *s.constant, mulOf);
    break;
  case dnnl_binary_div:
    scale = combine(a.scale, *s.constant, divOf);
    shift = combine(a.shift, *s.constant, divOf);
    break;
  default:
    return false;
  }
  if (!scale || !shift)
    return false;
  a.scale = std::move(*scale);
  a.shift = std::move(*shift);
  return true;
}

/// The affine map as at most a multiplication and an addition.
void emitAffine(const Affine &a, std::vector<Step> &out) {
  auto binary = [&](dnnl_alg_kind_t alg, const ConstantTensor &c) {
    Step s;
    s.kind = Step::Kind::Binary;
    s.alg = alg;
    s.constant = c;
    s.space = a.space;
    out.push_back(std::move(s));
  };
  bool scalarScale = a.scale.elements() == 1,
       scalarShift = a.shift.elements() == 1;
  if (scalarScale && scalarShift) {
    out.push_back(
        Step::eltwise(dnnl_eltwise_linear, a.scale.at(0), a.shift.at(0)));
    out.back().space = a.space;
    return;
  }
  if (scalarScale) {
    if (a.scale.at(0) != 1) {
      out.push_back(Step::eltwise(dnnl_eltwise_linear, a.scale.at(0), 0));
      out.back().space = a.space;
    }
  } else {
    binary(dnnl_binary_mul, a.scale);
  }
  if (scalarShift) {
    if (a.shift.at(0) != 0) {
      out.push_back(Step::eltwise(dnnl_eltwise_linear, 1, a.shift.at(0)));
      out.back().space = a.space;
    }
  } else {
    binary(dnnl_binary_add, a.shift);
  }
}

/// Runs of affine steps with constants (batch normalization's subtract,
/// multiply, multiply, add) as one multiplication and one addition.
void mergeAffineRuns(std::vector<Step> &steps) {
  std::vector<Step> out;
  for (size_t i = 0; i < steps.size();) {
    Affine run;
    run.space = steps[i].space;
    size_t j = i;
    while (j < steps.size() && absorbAffine(run, steps[j]))
      ++j;
    if (j - i >= 2) {
      emitAffine(run, out);
      i = j;
    } else {
      out.push_back(std::move(steps[i]));
      ++i;
    }
  }
  steps = std::move(out);
}

} // namespace

void simplifyChain(std::vector<Step> &steps) {
  mergeAffineRuns(steps);
  std::vector<Step> out;
  for (Step &s : steps) {
    if (!out.empty() && isLinear(out.back()) && isLinear(s)) {
      Step &p = out.back();
      p.beta = s.alpha * p.beta + s.beta;
      p.alpha = s.alpha * p.alpha;
    } else if (auto b = clipBounds(s); b && !out.empty()) {
      auto a = clipBounds(out.back());
      float lo = a ? std::max(a->first, b->first) : 0,
            hi = a ? std::min(a->second, b->second) : 0;
      if (a && lo <= hi)
        out.back() = Step::eltwise(dnnl_eltwise_clip, lo, hi);
      else
        out.push_back(std::move(s));
    } else {
      out.push_back(std::move(s));
    }
    Step &last = out.back();
    if (isLinear(last) && last.alpha == 1 && last.beta == 0)
      out.pop_back();
  }
  for (Step &s : out)
    if (auto b = clipBounds(s); b && b->first == 0 && b->second == FLT_MAX)
      s = Step::eltwise(dnnl_eltwise_relu, 0, 0);
  steps = std::move(out);
}

} // namespace autoconfig::program
