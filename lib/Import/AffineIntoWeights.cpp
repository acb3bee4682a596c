//===- AffineIntoWeights.cpp - Fold per-channel affine ops into weights ---===//
//
// Inference batch normalization, as torch-mlir writes it, is an elementwise
// generic after the convolution:
//   y = (x - mean[c]) * rsqrt(var[c] + eps) * gamma[c] + beta[c]
// with constant statistics. Any such body that is affine in the convolution's
// result x, with coefficients that depend only on the output channel c, is
// y = a[c] * x + b[c]; since the convolution is linear in its weights,
// a[c] * conv(x, W) = conv(x, a * W) with the filters of channel c scaled
// (Ioffe and Szegedy, "Batch Normalization", ICML 2015, section 3.2: the
// inference transform is a linear map that can be composed with the
// preceding layer). The scaled weights are computed here at compile time; a
// bias add y = x + b[c] remains, an ordinary elementwise epilogue. The same
// holds for a matmul with constant B, per output column.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Import/Idioms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;

namespace autoconfig {
namespace {

/// Where the output channel is in a contraction's result, and in its
/// weights.
struct ChannelLayout {
  unsigned resultDim = 0;
  unsigned weightsOperand = 1;
  unsigned weightsDim = 0;
};

std::optional<ChannelLayout> channelLayoutOf(Operation *op) {
  if (isa<linalg::Conv2DNchwFchwOp>(op))
    return ChannelLayout{1, 1, 0};
  if (isa<linalg::Conv2DNhwcHwcfOp>(op))
    return ChannelLayout{3, 1, 3};
  if (isa<linalg::Conv2DNhwcFhwcOp>(op))
    return ChannelLayout{3, 1, 0};
  if (isa<linalg::DepthwiseConv2DNchwChwOp>(op))
    return ChannelLayout{1, 1, 0};
  if (isa<linalg::DepthwiseConv2DNhwcHwcOp>(op))
    return ChannelLayout{3, 1, 2};
  if (auto matmul = dyn_cast<linalg::MatmulOp>(op)) {
    // Columns n (loop dim 1) of C; B reads them at the result position of
    // d1 in its map.
    AffineMap bMap = matmul.getIndexingMapsArray()[1];
    for (unsigned r = 0; r < bMap.getNumResults(); ++r)
      if (auto dim = dyn_cast<AffineDimExpr>(bMap.getResult(r));
          dim && dim.getPosition() == 1)
        return ChannelLayout{1, 1, r};
  }
  return std::nullopt;
}

/// A constant f32 tensor's values.
std::optional<DenseFPElementsAttr> constantTensor(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.getElementType().isF32())
    return std::nullopt;
  return attr;
}

bool isZeroInit(Value init) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  DenseFPElementsAttr attr;
  return matchPattern(init, m_Constant(&attr)) && attr.isSplat() &&
         attr.getSplatValue<APFloat>().isZero();
}

/// One elementwise generic of a chain from the contraction to the op being
/// folded: its body, which input carries x, and the per-channel constant of
/// every other input.
struct AffineStep {
  linalg::GenericOp op;
  unsigned xInput = 0;
  /// For each other input: its constant and how channel c indexes it
  /// (a flat index per channel).
  SmallVector<std::pair<DenseFPElementsAttr, SmallVector<int64_t>>> constants;
};

/// y = scale * x + shift.
struct AffineForm {
  double scale = 0, shift = 0;
};

/// The affine form of `step`'s body for channel c, propagated op by op in
/// double precision from x = (1, 0) and the constants = (0, value): exact
/// for the adds, so that a bias add has a scale of exactly 1. nullopt on an
/// op it does not know or a product of two terms in x.
std::optional<AffineForm> affineForm(const AffineStep &step, int64_t c) {
  linalg::GenericOp op = step.op;
  Block &body = op.getRegion().front();
  llvm::SmallDenseMap<Value, AffineForm, 16> forms;
  unsigned constantIndex = 0;
  for (unsigned i = 0, e = step.constants.size() + 1; i < e; ++i) {
    if (i == step.xInput) {
      forms[body.getArgument(i)] = {1, 0};
      continue;
    }
    const auto &[attr, index] = step.constants[constantIndex++];
    forms[body.getArgument(i)] = {
        0, attr.getValues<APFloat>()[index[c]].convertToDouble()};
  }
  auto formOf = [&](Value v) -> std::optional<AffineForm> {
    if (auto it = forms.find(v); it != forms.end())
      return it->second;
    FloatAttr attr;
    if (matchPattern(v, m_Constant(&attr)))
      return AffineForm{0, attr.getValueAsDouble()};
    return std::nullopt;
  };
  for (Operation &inner : body.without_terminator()) {
    if (isa<arith::ConstantOp>(inner))
      continue;
    SmallVector<AffineForm, 2> in;
    for (Value operand : inner.getOperands()) {
      std::optional<AffineForm> f = formOf(operand);
      if (!f)
        return std::nullopt;
      in.push_back(*f);
    }
    auto constant = [](const AffineForm &f) { return f.scale == 0; };
    AffineForm out;
    if (isa<arith::AddFOp>(inner)) {
      out = {in[0].scale + in[1].scale, in[0].shift + in[1].shift};
    } else if (isa<arith::SubFOp>(inner)) {
      out = {in[0].scale - in[1].scale, in[0].shift - in[1].shift};
    } else if (isa<arith::NegFOp>(inner)) {
      out = {-in[0].scale, -in[0].shift};
    } else if (isa<arith::MulFOp>(inner)) {
      if (!constant(in[0]) && !constant(in[1]))
        return std::nullopt;
      const AffineForm &k = constant(in[0]) ? in[0] : in[1];
      const AffineForm &v = constant(in[0]) ? in[1] : in[0];
      out = {v.scale * k.shift, v.shift * k.shift};
    } else if (isa<arith::DivFOp>(inner)) {
      if (!constant(in[1]))
        return std::nullopt;
      out = {in[0].scale / in[1].shift, in[0].shift / in[1].shift};
    } else if (llvm::all_of(in, constant)) {
      // Functions of the constants only.
      double a = in[0].shift;
      if (isa<arith::TruncFOp>(inner))
        a = double(float(a));
      else if (isa<arith::ExtFOp>(inner))
        ;
      else if (isa<math::RsqrtOp>(inner))
        a = 1.0 / std::sqrt(a);
      else if (isa<math::SqrtOp>(inner))
        a = std::sqrt(a);
      else
        return std::nullopt;
      out = {0, a};
    } else {
      return std::nullopt;
    }
    forms[inner.getResult(0)] = out;
  }
  return formOf(body.getTerminator()->getOperand(0));
}

/// Whether the yielded value is affine in x: x enters only through adds,
/// subtractions, negations, and multiplications or divisions by values that
/// do not depend on x.
bool isAffineInX(linalg::GenericOp op, unsigned xInput) {
  Block &body = op.getRegion().front();
  llvm::DenseSet<Value> dependsOnX = {body.getArgument(xInput)};
  for (Operation &inner : body.without_terminator()) {
    bool onX = llvm::any_of(inner.getOperands(),
                            [&](Value v) { return dependsOnX.contains(v); });
    if (!onX)
      continue;
    bool affine = false;
    if (isa<arith::AddFOp, arith::SubFOp, arith::NegFOp>(inner))
      affine = true;
    else if (isa<arith::MulFOp>(inner))
      affine = !(dependsOnX.contains(inner.getOperand(0)) &&
                 dependsOnX.contains(inner.getOperand(1)));
    else if (isa<arith::DivFOp>(inner))
      affine = !dependsOnX.contains(inner.getOperand(1));
    if (!affine)
      return false;
    dependsOnX.insert(inner.getResult(0));
  }
  return dependsOnX.contains(body.getTerminator()->getOperand(0));
}

/// Checks that `op` is an elementwise generic of a per-channel affine step
/// reading x from `x`, and collects its constants; `channelDim` is the
/// loop dim of the output channel, `channels` their count.
std::optional<AffineStep> matchStep(linalg::GenericOp op, Value x,
                                    unsigned channelDim, int64_t channels) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumResults() != 1 || op.getNumParallelLoops() != op.getNumLoops() ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity() ||
      op.getResult(0).getType() != x.getType())
    return std::nullopt;
  Block &body = op.getRegion().front();
  if (!body.getArguments().back().use_empty())
    return std::nullopt;
  AffineStep step;
  step.op = op;
  bool found = false;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (input->get() == x && !found) {
      if (!map.isIdentity())
        return std::nullopt;
      step.xInput = input->getOperandNumber();
      found = true;
      continue;
    }
    std::optional<DenseFPElementsAttr> attr = constantTensor(input->get());
    if (!attr)
      return std::nullopt;
    // Every result of the map is the channel dim or a constant index.
    auto shape = attr->getType().getShape();
    SmallVector<int64_t> perChannel;
    for (int64_t c = 0; c < channels; ++c) {
      int64_t flat = 0;
      for (unsigned r = 0; r < map.getNumResults(); ++r) {
        int64_t index;
        if (auto dim = dyn_cast<AffineDimExpr>(map.getResult(r))) {
          if (dim.getPosition() != channelDim)
            return std::nullopt;
          index = shape[r] == 1 ? 0 : c;
        } else if (auto cst = dyn_cast<AffineConstantExpr>(map.getResult(r))) {
          index = cst.getValue();
        } else {
          return std::nullopt;
        }
        if (index < 0 || index >= shape[r])
          return std::nullopt;
        flat = flat * shape[r] + index;
      }
      perChannel.push_back(flat);
    }
    step.constants.push_back({*attr, std::move(perChannel)});
  }
  if (!found || !isAffineInX(op, step.xInput))
    return std::nullopt;
  return step;
}

/// Whether every use of `v` is by `user` (as an input, or as an output the
/// body does not read).
bool onlyUsedBy(Value v, Operation *user) {
  return llvm::all_of(v.getUses(),
                      [&](OpOperand &use) { return use.getOwner() == user; });
}

struct FoldAffineIntoWeights : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    // Walk up the chain of single-use elementwise generics to a contraction.
    SmallVector<linalg::GenericOp> chain = {op};
    Operation *producer = nullptr;
    Value x;
    while (true) {
      linalg::GenericOp last = chain.back();
      Operation *found = nullptr;
      for (Value input : last.getDpsInputs())
        if (Operation *def = input.getDefiningOp();
            def && onlyUsedBy(input, last) &&
            (channelLayoutOf(def) || isa<linalg::GenericOp>(def))) {
          if (found)
            return rewriter.notifyMatchFailure(op, "two candidate producers");
          found = def;
          x = input;
        }
      if (!found)
        return rewriter.notifyMatchFailure(op, "no single-use producer");
      if (channelLayoutOf(found)) {
        producer = found;
        break;
      }
      if (chain.size() >= 4)
        return rewriter.notifyMatchFailure(op, "chain too long");
      chain.push_back(cast<linalg::GenericOp>(found));
    }
    auto contraction = cast<linalg::LinalgOp>(producer);
    ChannelLayout layout = *channelLayoutOf(producer);
    if (!contraction.hasPureTensorSemantics() ||
        !isZeroInit(contraction.getDpsInits()[0]))
      return rewriter.notifyMatchFailure(op, "not a zero-initialized op");
    Value weights = producer->getOperand(layout.weightsOperand);
    std::optional<DenseFPElementsAttr> w = constantTensor(weights);
    if (!w)
      return rewriter.notifyMatchFailure(op, "weights are not constant");
    auto resultType = cast<RankedTensorType>(x.getType());
    int64_t channels = resultType.getDimSize(layout.resultDim);
    if (w->getType().getDimSize(layout.weightsDim) != channels)
      return rewriter.notifyMatchFailure(op, "weights do not match channels");

    // Steps from the contraction outwards; each reads the previous result.
    SmallVector<AffineStep> steps;
    Value stepInput = producer->getResult(0);
    for (linalg::GenericOp g : llvm::reverse(chain)) {
      std::optional<AffineStep> step =
          matchStep(g, stepInput, layout.resultDim, channels);
      if (!step)
        return rewriter.notifyMatchFailure(g, "not a per-channel affine op");
      steps.push_back(std::move(*step));
      stepInput = g.getResult(0);
    }
    // The chain's composite y = scale[c] * x + shift[c].
    SmallVector<double> scale(channels), shift(channels);
    for (int64_t c = 0; c < channels; ++c) {
      AffineForm total{1, 0};
      for (const AffineStep &step : steps) {
        std::optional<AffineForm> f = affineForm(step, c);
        if (!f)
          return rewriter.notifyMatchFailure(op, "body cannot be evaluated");
        total = {f->scale * total.scale, f->scale * total.shift + f->shift};
      }
      if (!std::isfinite(total.scale) || !std::isfinite(total.shift))
        return rewriter.notifyMatchFailure(op, "non-finite coefficients");
      scale[c] = total.scale;
      shift[c] = total.shift;
    }

    // Scaled weights, channel by channel (a splat stays a splat when every
    // channel has the same scale). A pure bias add (scale 1) has nothing to
    // fold: it stays the epilogue it is (and the bias add this pattern
    // creates is not folded again).
    auto wType = cast<RankedTensorType>(w->getType());
    bool uniformScale = llvm::all_equal(scale);
    if (uniformScale && scale[0] == 1.0)
      return rewriter.notifyMatchFailure(op, "no scale to fold");
    DenseElementsAttr newWeights;
    if (w->isSplat() && uniformScale) {
      newWeights = DenseElementsAttr::get(
          wType, ArrayRef<Attribute>{rewriter.getF32FloatAttr(
                     float(w->getSplatValue<float>() * scale[0]))});
    } else {
      int64_t inner = 1;
      for (int64_t d = layout.weightsDim + 1; d < wType.getRank(); ++d)
        inner *= wType.getDimSize(d);
      SmallVector<float> values;
      values.reserve(wType.getNumElements());
      int64_t index = 0;
      for (float v : w->getValues<float>()) {
        int64_t c = (index++ / inner) % channels;
        values.push_back(float(v * scale[c]));
      }
      newWeights = DenseElementsAttr::get(wType, ArrayRef<float>(values));
    }
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(producer);
    Value scaled = arith::ConstantOp::create(rewriter, producer->getLoc(),
                                             wType, newWeights);
    IRMapping mapping;
    mapping.map(weights, scaled);
    Operation *rescaled = rewriter.clone(*producer, mapping);
    Value result = rescaled->getResult(0);

    if (llvm::any_of(shift, [](double b) { return b != 0; })) {
      // y = x + b[c], with b a constant vector over the channels.
      rewriter.setInsertionPoint(op);
      auto biasType =
          RankedTensorType::get({channels}, resultType.getElementType());
      SmallVector<float> bias(shift.begin(), shift.end());
      auto biasAttr =
          llvm::all_equal(bias)
              ? DenseElementsAttr::get(
                    biasType,
                    ArrayRef<Attribute>{rewriter.getF32FloatAttr(bias[0])})
              : DenseElementsAttr::get(biasType, ArrayRef<float>(bias));
      Value biasValue =
          arith::ConstantOp::create(rewriter, loc, biasType, biasAttr);
      unsigned rank = resultType.getRank();
      MLIRContext *ctx = op.getContext();
      AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
      AffineMap perChannel =
          AffineMap::get(rank, 0, getAffineDimExpr(layout.resultDim, ctx), ctx);
      Value empty = tensor::EmptyOp::create(
          rewriter, loc, resultType.getShape(), resultType.getElementType());
      auto add = linalg::GenericOp::create(
          rewriter, loc, TypeRange{resultType}, ValueRange{result, biasValue},
          ValueRange{empty},
          ArrayRef<AffineMap>{identity, perChannel, identity},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [](OpBuilder &b, Location l, ValueRange args) {
            Value sum = arith::AddFOp::create(b, l, args[0], args[1]);
            linalg::YieldOp::create(b, l, sum);
          });
      result = add.getResult(0);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateAffineIntoWeightsPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldAffineIntoWeights>(patterns.getContext());
}

} // namespace autoconfig
