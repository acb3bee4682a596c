//===- PropagateLayout.cpp - NCHW convolutions to NHWC by the models ----===//
//
// The fastest convolution generators (blocked direct, im2col, Winograd) want
// the channels innermost. On tensors, before bufferization, this pass asks the
// models for every NCHW convolution (linalg.conv_2d_nchw_fchw and
// linalg.depthwise_conv_2d_nchw_chw) whether the NHWC form plus the reorders
// it costs is predicted faster than the best NCHW algorithm; if so the
// convolution runs in NHWC between transposes:
//
//   y = conv_nchw(x, w)   ==>   y = transpose_back(conv_nhwc(to_nhwc(x),
//                                                             to_hwcf(w)))
//
// and the layout propagates: an elementwise op (bias, ReLU, residual add)
// reading transpose_back(t) is rewritten to run on t in NHWC, so the
// transpose moves below it, and a converted convolution whose input is
// transpose_back(t) reads t itself: consecutive convolutions pay one reorder
// at each end of the chain, not two per layer. The reorders a conversion
// cannot avoid are counted in its decision: the input's (unless the producer
// is already NHWC), the output's (unless every user is a convolution or an
// elementwise op), and the weights' (unless constant: constant weights are
// transposed here, at compile time).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/ConstantData.h"
#include "autoconfig/Dialect/AutoConfigDialect.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/StreamingModel.h"
#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/Extraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

#include "llvm/ADT/IntEqClasses.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace autoconfig {

#define GEN_PASS_DEF_PROPAGATELAYOUTPASS
#include "autoconfig/Transforms/Passes.h.inc"
namespace {

/// NCHW -> NHWC and back; FCHW -> HWCF; CHW -> HWC.
constexpr int64_t kToNhwc[] = {0, 2, 3, 1};
constexpr int64_t kToNchw[] = {0, 3, 1, 2};
constexpr int64_t kToHwcf[] = {2, 3, 1, 0};
constexpr int64_t kToHwc[] = {1, 2, 0};
constexpr StringLiteral kBackMarker = "autoconfig.layout_back";

bool isStatic(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape();
}

/// The NHWC tensor t when `v` is transpose_back(t) made by this pass.
Value nhwcSource(Value v) {
  auto transpose = v.getDefiningOp<linalg::TransposeOp>();
  if (!transpose || !transpose->hasAttr(kBackMarker))
    return Value();
  return transpose.getInput();
}

bool isElementwise(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  return generic && generic.hasPureTensorSemantics() &&
         generic.getNumParallelLoops() == generic.getNumLoops() &&
         generic.getNumDpsInits() == 1 && generic.getNumLoops() == 4 &&
         generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
             .isIdentity() &&
         !generic.hasIndexSemantics();
}

/// A 4-D `tensor.pad` with a constant padding value: it commutes with a
/// transpose (the padding amounts are permuted along).
bool isPlainPad(Operation *op) {
  auto pad = dyn_cast<tensor::PadOp>(op);
  return pad && pad.getSourceType().getRank() == 4 &&
         pad.getResultType().hasStaticShape() &&
         pad.getConstantPaddingValue() &&
         llvm::none_of(pad.getStaticLow(), ShapedType::isDynamic) &&
         llvm::none_of(pad.getStaticHigh(), ShapedType::isDynamic);
}

/// `permutation` of constant `values` of `shape` (row-major).
std::vector<double> permuteValues(ArrayRef<double> values,
                                  ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> permutation) {
  int64_t rank = shape.size();
  SmallVector<int64_t> strides(rank, 1), outShape;
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  for (int64_t d : permutation)
    outShape.push_back(shape[d]);
  std::vector<double> out(values.size());
  SmallVector<int64_t> index(rank, 0); // in the output's dimensions
  for (double &slot : out) {
    int64_t source = 0;
    for (int64_t d = 0; d < rank; ++d)
      source += index[d] * strides[permutation[d]];
    slot = values[source];
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

Value transposed(OpBuilder &b, Location loc, Value v,
                 ArrayRef<int64_t> permutation, bool back = false) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  for (int64_t d : permutation)
    shape.push_back(type.getDimSize(d));
  // Constant weights are transposed now, at compile time (a splat stays a
  // splat: no dense copy of a value repeated).
  if (auto constant = v.getDefiningOp<arith::ConstantOp>()) {
    if (auto splat = dyn_cast<SplatElementsAttr>(constant.getValue()))
      return arith::ConstantOp::create(b, loc,
                                       splat.resizeSplat(RankedTensorType::get(
                                           shape, type.getElementType())));
    if (auto values = elementsAsDoubles(constant.getValue())) {
      std::vector<double> permuted =
          permuteValues(*values, type.getShape(), permutation);
      auto newType = RankedTensorType::get(shape, type.getElementType());
      Attribute attr;
      if (type.getElementType().isF32()) {
        SmallVector<float> narrow(permuted.begin(), permuted.end());
        attr = DenseElementsAttr::get(newType, ArrayRef<float>(narrow));
      } else if (type.getElementType().isF64()) {
        attr = DenseElementsAttr::get(newType, ArrayRef<double>(permuted));
      }
      if (attr)
        return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
    }
  }
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  auto op = linalg::TransposeOp::create(b, loc, v, init, permutation);
  if (back)
    op->setAttr(kBackMarker, b.getUnitAttr());
  return op->getResult(0);
}

/// The NHWC destination for an NCHW `init`: a fill is re-made in NHWC, an
/// empty tensor is re-made, anything else is transposed.
Value nhwcInit(OpBuilder &b, Location loc, Value init) {
  auto type = cast<RankedTensorType>(init.getType());
  SmallVector<int64_t> shape;
  for (int64_t d : kToNhwc)
    shape.push_back(type.getDimSize(d));
  if (Value source = nhwcSource(init))
    return source;
  if (init.getDefiningOp<tensor::EmptyOp>())
    return tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    if (fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>()) {
      Value empty =
          tensor::EmptyOp::create(b, loc, shape, type.getElementType());
      return linalg::FillOp::create(b, loc, fill.getInputs()[0], empty)
          .getResult(0);
    }
  return transposed(b, loc, init, kToNhwc);
}

struct PropagateLayoutPass
    : public impl::PropagateLayoutPassBase<PropagateLayoutPass>,
      InjectableOptions<PropagateLayoutPass, LayoutPropagationOptions> {
  using Base::Base;
  PropagateLayoutPass(LayoutPropagationOptions options)
      : InjectableOptions(std::move(options)) {}

  /// From the textual options (autoconfig-opt): the target, its cached
  /// profile or nominal figures.
  FailureOr<LayoutPropagationOptions> textOptions() {
    auto options = optionsFromText<LayoutPropagationOptions>(
        getOperation(), targetName, targetFile, threads);
    if (succeeded(options)) {
      options->always = always;
    }
    return options;
  }

  /// One NCHW convolution: its predicted times in both layouts and the
  /// reorders converting it alone would cost.
  struct Candidate {
    Operation *op;
    double asIs = 0, converted = 0; // the convolution alone
    std::string asIsAlgorithm, convertedAlgorithm;
    double inReorder = 0, outReorder = 0, filterReorder = 0;
    int chain = -1;
  };

  void runOnOperation() override {
    FailureOr<LayoutPropagationOptions> resolved = resolvedOptions();
    if (failed(resolved))
      return signalPassFailure();
    options = std::move(*resolved);
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp>(op) ||
          isElementwise(op) || isPlainPad(op))
        ops.push_back(op);
    });
    std::vector<Candidate> candidates;
    DenseMap<Operation *, int> index;
    for (Operation *op : ops)
      if (!isElementwise(op) && !isPlainPad(op))
        if (std::optional<Candidate> c = analyze(op)) {
          index[op] = int(candidates.size());
          candidates.push_back(std::move(*c));
        }
    // Chains: convolutions connected through elementwise ops. Inside a
    // chain the reorders between layers cancel; only its ends pay.
    llvm::IntEqClasses chains(unsigned(candidates.size()));
    std::vector<SmallVector<int>> producersOf(candidates.size());
    for (size_t i = 0; i < candidates.size(); ++i) {
      SmallVector<Operation *> producers;
      convProducers(candidates[i].op->getOperand(0), producers, 0);
      for (Operation *producer : producers)
        if (auto it = index.find(producer); it != index.end()) {
          producersOf[i].push_back(it->second);
          chains.join(unsigned(it->second), unsigned(i));
        }
    }
    // A chain converts as a whole when its NHWC time, reorders at its ends
    // included, is clearly below its NCHW time (the reorders' estimate is
    // rough: a 10% margin).
    DenseMap<int, std::pair<double, double>> chainTimes;
    for (size_t i = 0; i < candidates.size(); ++i) {
      Candidate &c = candidates[i];
      c.chain = int(chains.findLeader(unsigned(i)));
      // Every producer found is in the same chain: the input is NHWC already.
      bool inChain = !producersOf[i].empty();
      double reorders =
          (inChain ? 0 : c.inReorder) + c.outReorder + c.filterReorder;
      chainTimes[c.chain].first += c.asIs;
      chainTimes[c.chain].second += c.converted + reorders;
    }
    SmallPtrSet<Operation *, 16> convert;
    for (Candidate &c : candidates) {
      auto [asIs, converted] = chainTimes[c.chain];
      bool yes = options.always || converted < 0.9 * asIs;
      if (yes)
        convert.insert(c.op);
      describe(c, yes, asIs, converted);
    }
    // Program order: a producer is converted before its users are visited.
    for (Operation *op : ops) {
      if (isElementwise(op))
        sinkTransposes(cast<linalg::GenericOp>(op));
      else if (isPlainPad(op))
        sinkTransposeThroughPad(cast<tensor::PadOp>(op));
      else if (convert.count(op))
        rewrite(op);
    }
  }

  /// The convolutions `v` comes from through elementwise ops.
  static void convProducers(Value v, SmallVectorImpl<Operation *> &producers,
                            int depth) {
    Operation *def = v.getDefiningOp();
    if (!def || depth > 8)
      return;
    if (isa<linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp>(def)) {
      producers.push_back(def);
      return;
    }
    if (isElementwise(def))
      for (Value input : cast<linalg::GenericOp>(def).getDpsInputs())
        if (input.getType() == def->getResult(0).getType())
          convProducers(input, producers, depth + 1);
    if (isPlainPad(def))
      convProducers(cast<tensor::PadOp>(def).getSource(), producers, depth + 1);
  }

  /// Every use of `v` stays NHWC: convolutions, or elementwise ops whose
  /// results do.
  static bool keepsNhwc(Value v, int depth) {
    if (v.use_empty() || depth > 8)
      return false;
    return llvm::all_of(v.getUsers(), [&](Operation *user) {
      if (isa<linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp>(user))
        return true;
      return (isElementwise(user) || isPlainPad(user)) &&
             keepsNhwc(user->getResult(0), depth + 1);
    });
  }

  /// Seconds of a reorder of a dense `shape` by `permutation`: the
  /// transpose is lowered by the streaming lowering, so its model costs it.
  static double reorderSeconds(ArrayRef<int64_t> shape,
                               ArrayRef<int64_t> permutation,
                               const Machine &machine) {
    StreamingWorkload w = transposeWorkload(shape, permutation, 4);
    return StreamingModel(machine).decide(w).prediction.seconds;
  }

  std::optional<Candidate> analyze(Operation *op) {
    auto conv = cast<linalg::LinalgOp>(op);
    // A hand-written config is for the layout the user wrote.
    if (!conv.hasPureTensorSemantics() || op->hasAttr(kConfigAttrName) ||
        !llvm::all_of(op->getOperands(), isStatic) || op->getNumResults() != 1)
      return std::nullopt;
    FailureOr<Workload> extracted = extractWorkload(op);
    if (failed(extracted) || !isConv(*extracted))
      return std::nullopt;
    bool depthwise = isa<linalg::DepthwiseConv2DNchwChwOp>(op);
    ConvWorkload nchw = std::get<ConvWorkload>(*extracted);
    ConvWorkload nhwc = nchw;
    nhwc.layout = depthwise ? ConvLayout::NhwcHwc : ConvLayout::NhwcHwcf;

    Machine machine{options.target, options.profile, options.threads};
    DecideOptions decideOptions;
    decideOptions.threads = options.threads;
    auto asIs = decide(nchw, machine, decideOptions);
    auto converted = decide(nhwc, machine, decideOptions);
    if (!asIs || !converted) {
      llvm::consumeError(asIs.takeError());
      llvm::consumeError(converted.takeError());
      return std::nullopt;
    }
    Candidate c;
    c.op = op;
    c.asIs = asIs->winner().prediction.seconds;
    c.asIsAlgorithm = asIs->winner().algorithm;
    c.converted = converted->winner().prediction.seconds;
    c.convertedAlgorithm = converted->winner().algorithm;
    // NCHW -> NHWC in, NHWC -> NCHW out, FCHW -> HWCF (CHW -> HWC).
    c.inReorder =
        reorderSeconds({nchw.n, nchw.c, nchw.h, nchw.w}, {0, 2, 3, 1}, machine);
    c.outReorder =
        keepsNhwc(op->getResult(0), 0)
            ? 0
            : reorderSeconds({nchw.n, nchw.outH(), nchw.outW(), nchw.f},
                             {0, 3, 1, 2}, machine);
    // Constant weights are transposed at compile time.
    if (!nchw.constWeights)
      c.filterReorder =
          depthwise
              ? reorderSeconds({nchw.c, nchw.kh, nchw.kw}, {1, 2, 0}, machine)
              : reorderSeconds({nchw.f, nchw.c / nchw.groups, nchw.kh, nchw.kw},
                               {2, 3, 1, 0}, machine);
    return c;
  }

  /// The decision, for `explain`.
  void describe(const Candidate &c, bool converted, double chainAsIs,
                double chainConverted) {
    MLIRContext *context = c.op->getContext();
    context->getOrLoadDialect<AutoConfigDialect>();
    c.op->setAttr(
        kLayoutAttrName,
        LayoutAttr::get(
            context, converted ? "nhwc" : "nchw",
            llvm::formatv("this convolution {0} ({1}) in NCHW, {2} ({3}) "
                          "in NHWC; its chain of convolutions {4} in NCHW "
                          "against {5} in NHWC with the reorders at its ends",
                          formatSeconds(c.asIs), c.asIsAlgorithm,
                          formatSeconds(c.converted), c.convertedAlgorithm,
                          formatSeconds(chainAsIs),
                          formatSeconds(chainConverted))
                .str()));
  }

  void rewrite(Operation *op) {
    bool depthwise = isa<linalg::DepthwiseConv2DNchwChwOp>(op);
    Value input = op->getOperand(0), filter = op->getOperand(1);
    OpBuilder b(op);
    Location loc = op->getLoc();
    Value x = nhwcSource(input);
    // A pad feeding the convolution pads the reordered source instead, so
    // that it still folds into the convolution's padding.
    if (auto pad = input.getDefiningOp<tensor::PadOp>();
        !x && pad && isPlainPad(pad)) {
      Value source = nhwcSource(pad.getSource());
      if (!source)
        source = transposed(b, loc, pad.getSource(), kToNhwc);
      x = padInNhwc(b, pad, source);
    }
    if (!x)
      x = transposed(b, loc, input, kToNhwc);
    Value w = transposed(b, loc, filter,
                         depthwise ? ArrayRef(kToHwc) : ArrayRef(kToHwcf));
    Value init = nhwcInit(b, loc, op->getOperand(2));
    SmallVector<NamedAttribute> attributes;
    for (StringRef name : {StringRef("strides"), StringRef("dilations"),
                           StringRef(kLayoutAttrName)})
      if (Attribute a = op->getAttr(name))
        attributes.push_back(b.getNamedAttr(name, a));
    Operation *replacement;
    if (depthwise)
      replacement = linalg::DepthwiseConv2DNhwcHwcOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{x, w}, ValueRange{init},
          attributes);
    else
      replacement = linalg::Conv2DNhwcHwcfOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{x, w}, ValueRange{init},
          attributes);
    Value back = transposed(b, loc, replacement->getResult(0), kToNchw,
                            /*back=*/true);
    op->getResult(0).replaceAllUsesWith(back);
    op->erase();
  }

  /// An elementwise op reading transpose_back(t) runs on t in NHWC instead,
  /// and its result is transposed back.
  void sinkTransposes(linalg::GenericOp generic) {
    if (!llvm::any_of(generic.getDpsInputs(),
                      [](Value v) { return bool(nhwcSource(v)); }))
      return;
    MLIRContext *context = generic.getContext();
    // New loops (n, h, w, c) -> old loops (n, c, h, w), and an NCHW index
    // tuple -> the NHWC one.
    AffineMap newToOld = AffineMap::getPermutationMap(kToNchw, context);
    AffineMap toNhwc = AffineMap::getPermutationMap(kToNhwc, context);
    OpBuilder b(generic);
    Location loc = generic.getLoc();
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *operand : generic.getDpsInputOperands()) {
      AffineMap map = generic.getMatchingIndexingMap(operand);
      if (Value source = nhwcSource(operand->get())) {
        inputs.push_back(source);
        maps.push_back(toNhwc.compose(map).compose(newToOld));
      } else {
        inputs.push_back(operand->get());
        maps.push_back(map.compose(newToOld));
      }
    }
    Value init = nhwcInit(b, loc, generic.getDpsInits()[0]);
    maps.push_back(AffineMap::getMultiDimIdentityMap(4, context));
    auto replacement = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
        generic.getIteratorTypesArray());
    replacement.getRegion().takeBody(generic.getRegion());
    for (NamedAttribute a : generic->getDiscardableAttrs())
      replacement->setAttr(a.getName(), a.getValue());
    Value back = transposed(b, loc, replacement->getResult(0), kToNchw,
                            /*back=*/true);
    generic->getResult(0).replaceAllUsesWith(back);
    generic->erase();
  }

  /// `pad` (a plain NCHW pad) applied to `nhwc`, the NHWC form of its
  /// source: the amounts permuted.
  static Value padInNhwc(OpBuilder &b, tensor::PadOp pad, Value nhwc) {
    SmallVector<int64_t> low, high, shape;
    for (int64_t d : kToNhwc) {
      low.push_back(pad.getStaticLow()[d]);
      high.push_back(pad.getStaticHigh()[d]);
      shape.push_back(pad.getResultType().getDimSize(d));
    }
    auto type =
        RankedTensorType::get(shape, pad.getResultType().getElementType());
    return tensor::PadOp::create(b, pad.getLoc(), type, nhwc,
                                 getAsIndexOpFoldResult(b.getContext(), low),
                                 getAsIndexOpFoldResult(b.getContext(), high),
                                 pad.getConstantPaddingValue())
        .getResult();
  }

  /// A pad of transpose_back(t) pads t in NHWC instead, and the result is
  /// transposed back: the next convolution converted reads the NHWC padded
  /// tensor.
  void sinkTransposeThroughPad(tensor::PadOp pad) {
    Value source = nhwcSource(pad.getSource());
    if (!source)
      return;
    OpBuilder b(pad);
    Value back = transposed(b, pad.getLoc(), padInNhwc(b, pad, source), kToNchw,
                            /*back=*/true);
    pad.getResult().replaceAllUsesWith(back);
    pad->erase();
  }

  /// This run's options (injected or textual).
  LayoutPropagationOptions options;
};

} // namespace

std::unique_ptr<Pass>
createPropagateLayoutPass(LayoutPropagationOptions options) {
  return std::make_unique<PropagateLayoutPass>(std::move(options));
}

} // namespace autoconfig
