//===- ProgramOps.cpp - Convolution, pooling, matmul, eltwise, softmax ----===//
//
// Each op's operands are described to oneDNN in the primitive's logical
// dimension order ([N, C, spatial...] for convolution and pooling, [M, K] x
// [N, K] for an inner product, [batch, M, K] x [batch, K, N] for matmul),
// as views of the program's tensors whatever their layout (NCHW, NHWC,
// transposed): the roles of the dimensions come from the op's indexing maps
// (linalg::inferConvolutionDims, inferContractionDims), not from its name.
// Activations are left to the primitive (format_tag::any) and reordered
// only when the producer chose another format; constant weights are
// reordered once into the primitive's format.
//
//===----------------------------------------------------------------------===//

#include "ProgramBuilder.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/Support/FormatVariadic.h"

#include <dnnl_debug.h>

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace llvm;

namespace autoconfig::program {

using onednn::dnnlError;
using onednn::formatOf;
using onednn::rowMajor;

static Error error(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

static SmallVector<int64_t> dimsOf(Value v) {
  return SmallVector<int64_t>(cast<ShapedType>(v.getType()).getShape());
}

static dnnl_memory_desc_t anyOf(ArrayRef<int64_t> dims) {
  dnnl_dims_t d = {};
  std::copy(dims.begin(), dims.end(), d);
  dnnl_memory_desc_t md;
  dnnl_memory_desc_init_by_tag(&md, int(dims.size()), d, dnnl_f32,
                               dnnl_format_tag_any);
  return md;
}

static dnnl_memory_desc_t rowMajorOf(ArrayRef<int64_t> dims) {
  dnnl_dims_t d = {};
  std::copy(dims.begin(), dims.end(), d);
  return rowMajor(int(dims.size()), d);
}

/// The sizes of `dims` the groups make.
static SmallVector<int64_t> groupedDims(const DimGroups &groups,
                                        ArrayRef<int64_t> dims) {
  SmallVector<int64_t> out;
  for (const auto &g : groups) {
    int64_t size = 1;
    for (int d : g)
      size *= dims[d];
    out.push_back(size);
  }
  return out;
}

static SmallVector<int, 2> groupOf(std::initializer_list<int> dims) {
  SmallVector<int, 2> g;
  for (int d : dims)
    if (d >= 0)
      g.push_back(d);
  return g;
}

/// The tensor dimension `map` reads with loop `loop`, or -1.
static int tensorDimOf(AffineMap map, unsigned loop) {
  for (auto [j, e] : llvm::enumerate(map.getResults()))
    if (auto d = dyn_cast<AffineDimExpr>(e); d && d.getPosition() == loop)
      return int(j);
  return -1;
}

/// `expr` as a sum of loop * coefficient terms.
static bool linearTerms(AffineExpr expr,
                        SmallVectorImpl<std::pair<unsigned, int64_t>> &terms) {
  if (auto d = dyn_cast<AffineDimExpr>(expr)) {
    terms.push_back({d.getPosition(), 1});
    return true;
  }
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!bin)
    return false;
  if (bin.getKind() == AffineExprKind::Add)
    return linearTerms(bin.getLHS(), terms) && linearTerms(bin.getRHS(), terms);
  if (bin.getKind() == AffineExprKind::Mul) {
    auto d = dyn_cast<AffineDimExpr>(bin.getLHS());
    auto k = dyn_cast<AffineConstantExpr>(bin.getRHS());
    if (!d || !k) {
      d = dyn_cast<AffineDimExpr>(bin.getRHS());
      k = dyn_cast<AffineConstantExpr>(bin.getLHS());
    }
    if (!d || !k)
      return false;
    terms.push_back({d.getPosition(), k.getValue()});
    return true;
  }
  return false;
}

/// One spatial dimension of a convolution or pooling.
struct Spatial {
  int inputDim = -1, filterDim = -1, outputDim = -1;
  unsigned outputLoop = 0, filterLoop = 0;
  int64_t stride = 1, dilation = 1;
  int64_t padLow = 0, padHigh = 0;
};

/// The spatial dimensions of a convolution-like op, in the input's order.
static Expected<SmallVector<Spatial>>
spatialDims(linalg::LinalgOp op, const linalg::ConvolutionDimensions &cd) {
  AffineMap in = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  AffineMap filter = op.getMatchingIndexingMap(op.getDpsInputOperand(1));
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  SmallVector<Spatial> spatial;
  for (auto [j, expr] : llvm::enumerate(in.getResults())) {
    if (isa<AffineDimExpr>(expr))
      continue;
    SmallVector<std::pair<unsigned, int64_t>> terms;
    if (!linearTerms(expr, terms) || terms.size() != 2)
      return error("an input index that is not output * stride + filter * "
                   "dilation");
    Spatial s;
    s.inputDim = int(j);
    bool image = false, window = false;
    for (auto [loop, coefficient] : terms) {
      if (llvm::is_contained(cd.outputImage, loop)) {
        s.outputLoop = loop;
        s.stride = coefficient;
        image = true;
      } else if (llvm::is_contained(cd.filterLoop, loop)) {
        s.filterLoop = loop;
        s.dilation = coefficient;
        window = true;
      }
    }
    if (!image || !window)
      return error("an input index that is not output * stride + filter * "
                   "dilation");
    s.outputDim = tensorDimOf(out, s.outputLoop);
    s.filterDim = tensorDimOf(filter, s.filterLoop);
    if (s.outputDim < 0)
      return error("an output that does not index the image");
    spatial.push_back(s);
  }
  if (spatial.empty() || spatial.size() > 3 ||
      spatial.size() != cd.outputImage.size())
    return error("1 to 3 spatial dimensions only");
  return spatial;
}

/// Folds a `tensor.pad` of `padValue` on the spatial dimensions into the
/// op's padding; returns the value the op then reads.
static Value
foldPadding(Value input, SmallVectorImpl<Spatial> &spatial,
            llvm::function_ref<bool(std::optional<double>)> accepts,
            llvm::function_ref<std::optional<double>(Value)> scalarOf,
            llvm::function_ref<bool(Value)> available) {
  auto pad = input.getDefiningOp<tensor::PadOp>();
  if (!pad || !available(pad.getSource()))
    return input;
  Value v = pad.getConstantPaddingValue();
  if (!v || !accepts(scalarOf(v)))
    return input;
  ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
  for (size_t d = 0; d < low.size(); ++d) {
    if (ShapedType::isDynamic(low[d]) || ShapedType::isDynamic(high[d]) ||
        low[d] < 0 || high[d] < 0)
      return input;
    bool isSpatial = llvm::any_of(
        spatial, [&](const Spatial &s) { return s.inputDim == int(d); });
    if (!isSpatial && (low[d] || high[d]))
      return input;
  }
  for (Spatial &s : spatial) {
    s.padLow = low[s.inputDim];
    s.padHigh = high[s.inputDim];
  }
  return pad.getSource();
}

/// Adjusts the high padding so that oneDNN's output size formula gives the
/// op's (a frontend pads by what the window needs; rows it never reads are
/// no padding).
static Error checkOutputSizes(SmallVectorImpl<Spatial> &spatial,
                              ArrayRef<int64_t> inputDims,
                              ArrayRef<int64_t> loops) {
  for (Spatial &s : spatial) {
    int64_t in = inputDims[s.inputDim], out = loops[s.outputLoop],
            extent = (loops[s.filterLoop] - 1) * s.dilation + 1;
    int64_t needed = (out - 1) * s.stride + extent - in - s.padLow;
    s.padHigh = std::min(s.padHigh, std::max<int64_t>(needed, 0));
    if ((in + s.padLow + s.padHigh - extent) / s.stride + 1 != out)
      return error(formatv("output size {0} does not follow from input {1}, "
                           "padding {2}+{3}, window {4} and stride {5}",
                           out, in, s.padLow, s.padHigh, extent, s.stride));
  }
  return Error::success();
}

Expected<std::vector<Step>>
ProgramBuilder::initSteps(Value init, dnnl_alg_kind_t combine, double neutral) {
  std::vector<Step> steps;
  if (isEmpty(init))
    return error("it accumulates into an uninitialized tensor");
  std::optional<ConstantTensor> reduced;
  if (const ConstantTensor *c = constantOf(init))
    reduced = c->withoutBroadcast();
  if (const ConstantTensor *c = reduced ? &*reduced : nullptr) {
    // A max from the lowest float (or a min from the highest) is nothing.
    double v = c->at(0);
    bool uniform = c->isSplat() || c->elements() == 1;
    bool isNeutral = uniform && (combine == dnnl_binary_max   ? v <= -FLT_MAX
                                 : combine == dnnl_binary_min ? v >= FLT_MAX
                                                              : v == neutral);
    if (isNeutral)
      return steps;
    if (uniform) {
      switch (combine) {
      case dnnl_binary_max:
        steps.push_back(Step::eltwise(dnnl_eltwise_clip, v, FLT_MAX));
        break;
      case dnnl_binary_min:
        steps.push_back(Step::eltwise(dnnl_eltwise_clip, -FLT_MAX, v));
        break;
      case dnnl_binary_mul:
        steps.push_back(Step::eltwise(dnnl_eltwise_linear, v, 0));
        break;
      default:
        steps.push_back(Step::eltwise(dnnl_eltwise_linear, 1, v));
        break;
      }
      return steps;
    }
  }
  Step s;
  s.kind = Step::Kind::Binary;
  s.alg = combine;
  if (reduced)
    s.constant = *reduced;
  else
    s.tensor = init;
  s.map = AffineMap::getMultiDimIdentityMap(
      cast<ShapedType>(init.getType()).getRank(), init.getContext());
  steps.push_back(std::move(s));
  return steps;
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

Error ProgramBuilder::buildConvolution(linalg::LinalgOp op) {
  FailureOr<linalg::ConvolutionDimensions> cd =
      linalg::inferConvolutionDims(op);
  if (failed(cd))
    return error("its indexing maps are not a convolution's");
  if (cd->batch.size() > 1 || cd->outputChannel.size() > 1 ||
      cd->inputChannel.size() > 1 || cd->depth.size() > 1)
    return error("several batch, channel or group dimensions");
  auto spatialOr = spatialDims(op, *cd);
  if (!spatialOr)
    return spatialOr.takeError();
  SmallVector<Spatial> spatial = std::move(*spatialOr);
  SmallVector<int64_t> loops = op.getStaticLoopRanges();
  AffineMap in = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  AffineMap filterMap = op.getMatchingIndexingMap(op.getDpsInputOperand(1));
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  auto loopOf = [](const SmallVector<unsigned, 2> &dims) {
    return dims.empty() ? -1 : int(dims[0]);
  };
  int batch = loopOf(cd->batch), group = loopOf(cd->depth),
      oc = loopOf(cd->outputChannel), ic = loopOf(cd->inputChannel);
  auto size = [&](int loop) { return loop < 0 ? int64_t(1) : loops[loop]; };
  int64_t n = size(batch), groups = size(group), ocs = size(oc), ics = size(ic);
  auto dimIn = [&](AffineMap m, int loop) {
    return loop < 0 ? -1 : tensorDimOf(m, unsigned(loop));
  };

  Value input = foldPadding(
      op.getDpsInputs()[0], spatial,
      [](std::optional<double> v) { return v && *v == 0; },
      [this](Value v) { return scalarOf(v); },
      [this](Value v) { return available(v); });
  SmallVector<int64_t> inputDims = dimsOf(input);
  if (Error e = checkOutputSizes(spatial, inputDims, loops))
    return e;

  // Logical dimensions and how the tensors make them.
  DimGroups srcGroups = {groupOf({dimIn(in, batch)}),
                         groupOf({dimIn(in, group), dimIn(in, ic)})};
  DimGroups weightGroups,
      dstGroups = {groupOf({dimIn(out, batch)}),
                   groupOf({dimIn(out, group), dimIn(out, oc)})};
  if (group >= 0)
    weightGroups.push_back(groupOf({dimIn(filterMap, group)}));
  weightGroups.push_back(groupOf({dimIn(filterMap, oc)}));
  weightGroups.push_back(groupOf({dimIn(filterMap, ic)}));
  dnnl_dims_t strides = {}, dilates = {}, padL = {}, padR = {};
  for (auto [i, s] : llvm::enumerate(spatial)) {
    srcGroups.push_back({s.inputDim});
    weightGroups.push_back(groupOf({s.filterDim}));
    dstGroups.push_back({s.outputDim});
    strides[i] = s.stride;
    dilates[i] = s.dilation - 1;
    padL[i] = s.padLow;
    padR[i] = s.padHigh;
  }
  SmallVector<int64_t> srcDims = groupedDims(srcGroups, inputDims);
  SmallVector<int64_t> weightDims;
  if (group >= 0)
    weightDims.push_back(groups);
  weightDims.append({ocs, ics});
  for (const Spatial &s : spatial)
    weightDims.push_back(loops[s.filterLoop]);
  SmallVector<int64_t> resultDims = dimsOf(op->getResult(0));
  SmallVector<int64_t> dstDims = groupedDims(dstGroups, resultDims);
  if (srcDims[0] != n || srcDims[1] != groups * ics ||
      dstDims[1] != groups * ocs)
    return error("operand shapes that do not match the loops");

  auto srcTensor = tensorOf(input);
  if (!srcTensor)
    return srcTensor.takeError();
  auto src = arranged(*srcTensor, srcGroups, describeOp(op));
  if (!src)
    return src.takeError();
  Value filter = op.getDpsInputs()[1];
  const ConstantTensor *constantWeights = constantOf(filter);
  auto init = initSteps(op.getDpsInits()[0], dnnl_binary_add, 0);
  if (!init)
    return init.takeError();

  Producer producer;
  producer.op = op;
  producer.logicalDims = dstDims;
  producer.value = op->getResult(0);
  producer.valueDims = resultDims;
  producer.groups = dstGroups;
  producer.ownSteps = std::move(*init);
  producer.channelDim = constantWeights ? 1 : -1;
  producer.readBuffers.push_back(src->buffer);
  dnnl_memory_desc_t anySrc = anyOf(srcDims), anyWeights = anyOf(weightDims),
                     biasMd = rowMajorOf({dstDims[1]});
  auto make = [&](const dnnl_memory_desc_t &dst,
                  const_dnnl_primitive_attr_t attr, bool withBias,
                  onednn::PrimitiveDesc &pd) {
    dnnl_convolution_desc_t desc;
    dnnl_status_t s = dnnl_dilated_convolution_forward_desc_init(
        &desc, dnnl_forward_inference, dnnl_convolution_auto, &anySrc,
        &anyWeights, withBias ? &biasMd : nullptr, &dst, strides, dilates, padL,
        padR);
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

  auto srcIn = inFormat(*src, PrimitiveSequence::queryMd(pd, dnnl_query_src_md),
                        describeOp(op));
  if (!srcIn)
    return srcIn.takeError();
  const dnnl_memory_desc_t &weightsMd =
      PrimitiveSequence::queryMd(pd, dnnl_query_weights_md);
  dnnl_memory_t weights = nullptr;
  if (constantWeights) {
    ConstantTensor logical = arrangeConstant(*constantWeights, weightGroups,
                                             dimsOf(filter), weightDims);
    std::vector<float> data = logical.toFloats();
    size_t perChannel = data.size() / produced->scale.size();
    for (size_t i = 0; i < data.size(); ++i)
      data[i] *= float(produced->scale[i / perChannel]);
    auto memory = seq.constant(rowMajorOf(weightDims), data.data(), data.size(),
                               weightsMd);
    if (!memory)
      return memory.takeError();
    weights = *memory;
  } else {
    auto w = tensorOf(filter);
    if (!w)
      return w.takeError();
    auto view = arranged(*w, weightGroups, describeOp(op));
    if (!view)
      return view.takeError();
    auto reordered = inFormat(*view, weightsMd, describeOp(op) + " (weights)");
    if (!reordered)
      return reordered.takeError();
    weights = reordered->memory;
  }
  std::vector<dnnl_exec_arg_t> args = {{DNNL_ARG_SRC, srcIn->memory},
                                       {DNNL_ARG_WEIGHTS, weights}};
  if (produced->withBias) {
    std::vector<float> bias(produced->shift.begin(), produced->shift.end());
    auto memory =
        seq.constant(biasMd, bias.data(), bias.size(),
                     PrimitiveSequence::queryMd(pd, dnnl_query_weights_md, 1));
    if (!memory)
      return memory.takeError();
    args.push_back({DNNL_ARG_BIAS, *memory});
  }
  std::string what = group >= 0
                         ? formatv("convolution ({0} groups)", groups).str()
                         : std::string("convolution");
  return emit(producer, *produced, std::move(args), what,
              "src " + formatOf(srcIn->md) + ", weights " +
                  formatOf(weightsMd));
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

Error ProgramBuilder::buildPooling(linalg::LinalgOp op, bool isMax) {
  FailureOr<linalg::ConvolutionDimensions> cd =
      linalg::inferConvolutionDims(op);
  if (failed(cd))
    return error("its indexing maps are not a pooling's");
  auto spatialOr = spatialDims(op, *cd);
  if (!spatialOr)
    return spatialOr.takeError();
  SmallVector<Spatial> spatial = std::move(*spatialOr);
  SmallVector<int64_t> loops = op.getStaticLoopRanges();
  AffineMap in = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  // The dimensions that are neither image nor window: batch, then channels
  // (in the input's order).
  SmallVector<unsigned> plainLoops;
  for (AffineExpr e : in.getResults())
    if (auto d = dyn_cast<AffineDimExpr>(e))
      plainLoops.push_back(d.getPosition());
  if (plainLoops.empty() || plainLoops.size() > 2 ||
      !cd->outputChannel.empty() || !cd->inputChannel.empty())
    return error("a pooling with other than batch and channel dimensions");
  int batch = plainLoops.size() == 2 ? int(plainLoops[0]) : -1;
  int channel = int(plainLoops.back());

  Value input = foldPadding(
      op.getDpsInputs()[0], spatial,
      [&](std::optional<double> v) {
        // Padding a max with the lowest value, a sum with zero, changes
        // nothing oneDNN's padding would not.
        return v && (isMax ? *v <= -FLT_MAX : *v == 0);
      },
      [this](Value v) { return scalarOf(v); },
      [this](Value v) { return available(v); });
  SmallVector<int64_t> inputDims = dimsOf(input);
  if (Error e = checkOutputSizes(spatial, inputDims, loops))
    return e;
  auto dimIn = [&](AffineMap m, int loop) {
    return loop < 0 ? -1 : tensorDimOf(m, unsigned(loop));
  };
  DimGroups srcGroups = {groupOf({dimIn(in, batch)}),
                         groupOf({dimIn(in, channel)})};
  DimGroups dstGroups = {groupOf({dimIn(out, batch)}),
                         groupOf({dimIn(out, channel)})};
  dnnl_dims_t strides = {}, kernel = {}, dilates = {}, padL = {}, padR = {};
  int64_t area = 1;
  bool identity = true;
  for (auto [i, s] : llvm::enumerate(spatial)) {
    srcGroups.push_back({s.inputDim});
    dstGroups.push_back({s.outputDim});
    strides[i] = s.stride;
    kernel[i] = loops[s.filterLoop];
    dilates[i] = s.dilation - 1;
    padL[i] = s.padLow;
    padR[i] = s.padHigh;
    area *= kernel[i];
    identity &= kernel[i] == 1 && s.stride == 1 && !s.padLow && !s.padHigh;
  }
  SmallVector<int64_t> resultDims = dimsOf(op->getResult(0));
  SmallVector<int64_t> dstDims = groupedDims(dstGroups, resultDims);
  auto init = initSteps(op.getDpsInits()[0],
                        isMax ? dnnl_binary_max : dnnl_binary_add, 0);
  if (!init)
    return init.takeError();
  auto srcTensor = tensorOf(input);
  if (!srcTensor)
    return srcTensor.takeError();

  if (identity && init->empty() && inputDims == resultDims) {
    // A 1x1 window with stride 1 reads each element once: the input itself.
    seq.addNote(describeOp(op) + ": a 1x1 window with stride 1, the identity");
    define(op->getResult(0), *srcTensor);
    done.insert(op);
    return Error::success();
  }
  auto src = arranged(*srcTensor, srcGroups, describeOp(op));
  if (!src)
    return src.takeError();

  Producer producer;
  producer.op = op;
  producer.logicalDims = dstDims;
  producer.value = op->getResult(0);
  producer.valueDims = resultDims;
  producer.groups = dstGroups;
  // A sum is oneDNN's average (padding included) times the window.
  if (!isMax)
    producer.ownSteps.push_back(
        Step::eltwise(dnnl_eltwise_linear, float(area), 0));
  llvm::append_range(producer.ownSteps, *init);
  producer.readBuffers.push_back(src->buffer);
  dnnl_memory_desc_t srcMd = src->md;
  auto make = [&](const dnnl_memory_desc_t &dst,
                  const_dnnl_primitive_attr_t attr, bool,
                  onednn::PrimitiveDesc &pd) {
    dnnl_pooling_v2_desc_t desc;
    dnnl_status_t s = dnnl_pooling_v2_forward_desc_init(
        &desc, dnnl_forward_inference,
        isMax ? dnnl_pooling_max : dnnl_pooling_avg_include_padding, &srcMd,
        &dst, strides, kernel, dilates, padL, padR);
    if (s == dnnl_success)
      s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                     nullptr);
    return s;
  };
  producer.make = make;
  auto produced = produce(producer);
  if (!produced)
    return produced.takeError();
  return emit(producer, *produced, {{DNNL_ARG_SRC, src->memory}},
              isMax ? "pooling_max" : "pooling_avg_include_padding",
              "src " + formatOf(src->md));
}

//===----------------------------------------------------------------------===//
// Matmul and inner product
//===----------------------------------------------------------------------===//

Error ProgramBuilder::buildContraction(linalg::LinalgOp op) {
  FailureOr<linalg::ContractionDimensions> cd =
      linalg::inferContractionDims(op);
  if (failed(cd) || cd->m.size() != 1 || cd->n.size() != 1 ||
      cd->k.size() != 1 || cd->batch.size() > 1)
    return error("a contraction with other than one M, N, K and at most one "
                 "batch dimension");
  SmallVector<int64_t> loops = op.getStaticLoopRanges();
  AffineMap mapA = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  AffineMap mapB = op.getMatchingIndexingMap(op.getDpsInputOperand(1));
  AffineMap mapC = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  int b = cd->batch.empty() ? -1 : int(cd->batch[0]);
  // A batch of one (TOSA's matmul is always batched) is no batch: an inner
  // product may then compute it.
  if (b >= 0 && loops[b] == 1)
    b = -1;
  unsigned m = cd->m[0], n = cd->n[0], k = cd->k[0];
  auto dimIn = [&](AffineMap map, int loop) {
    return loop < 0 ? -1 : tensorDimOf(map, unsigned(loop));
  };
  auto withBatch = [&](AffineMap map, int x, int y) {
    DimGroups g;
    if (b >= 0)
      g.push_back(groupOf({dimIn(map, b)}));
    g.push_back(groupOf({dimIn(map, x)}));
    g.push_back(groupOf({dimIn(map, y)}));
    return g;
  };
  DimGroups groupsA = withBatch(mapA, m, k), groupsB = withBatch(mapB, k, n),
            groupsC = withBatch(mapC, m, n);
  Value a = op.getDpsInputs()[0], bValue = op.getDpsInputs()[1];
  SmallVector<int64_t> resultDims = dimsOf(op->getResult(0));
  SmallVector<int64_t> dstDims = groupedDims(groupsC, resultDims);
  int64_t M = loops[m], N = loops[n], K = loops[k];
  const ConstantTensor *constantB = constantOf(bValue);
  auto init = initSteps(op.getDpsInits()[0], dnnl_binary_add, 0);
  if (!init)
    return init.takeError();

  Producer producer;
  producer.op = op;
  producer.logicalDims = dstDims;
  producer.value = op->getResult(0);
  producer.valueDims = resultDims;
  producer.groups = groupsC;
  producer.ownSteps = std::move(*init);

  if (b < 0 && constantB && !constantOf(a)) {
    // An inner product: weights [N, K] in the primitive's format. A source
    // that collapses an image ([N, C, H, W] -> [N, C*H*W]) is read as the
    // image, so that the producer's blocked format needs no reorder.
    ConstantTensor weights = arrangeConstant(
        *constantB,
        DimGroups{groupOf({dimIn(mapB, n)}), groupOf({dimIn(mapB, k)})},
        dimsOf(bValue), {N, K});
    SmallVector<int64_t> weightDims = {N, K};
    Value source = a;
    if (auto collapse = a.getDefiningOp<tensor::CollapseShapeOp>();
        collapse && dimIn(mapA, m) == 0 && dimIn(mapA, k) == 1 &&
        available(collapse.getSrc())) {
      auto reassociation = collapse.getReassociationIndices();
      SmallVector<int64_t> imageDims = dimsOf(collapse.getSrc());
      if (reassociation.size() == 2 && reassociation[0].size() == 1 &&
          imageDims.size() >= 3 && imageDims.size() <= 5) {
        source = collapse.getSrc();
        weightDims.assign({N});
        weightDims.append(imageDims.begin() + 1, imageDims.end());
      }
    }
    auto srcTensor = tensorOf(source);
    if (!srcTensor)
      return srcTensor.takeError();
    Tensor src = *srcTensor;
    if (source == a) {
      auto view = arranged(
          src, DimGroups{groupOf({dimIn(mapA, m)}), groupOf({dimIn(mapA, k)})},
          describeOp(op));
      if (!view)
        return view.takeError();
      src = *view;
    }
    producer.channelDim = 1;
    producer.readBuffers.push_back(src.buffer);
    SmallVector<int64_t> srcDims(src.md.dims, src.md.dims + src.md.ndims);
    dnnl_memory_desc_t anySrc = anyOf(srcDims), anyWeights = anyOf(weightDims),
                       biasMd = rowMajorOf({N});
    // The source as its producer wrote it when the inner product picks the
    // same kernel for it as for its own choice of format: no reorder.
    auto implFor = [&](const dnnl_memory_desc_t &srcMd) -> std::string {
      dnnl_memory_desc_t anyDst = anyOf({M, N});
      dnnl_inner_product_desc_t desc;
      onednn::PrimitiveDesc pd;
      if (dnnl_inner_product_forward_desc_init(&desc, dnnl_forward_inference,
                                               &srcMd, &anyWeights, nullptr,
                                               &anyDst) ||
          dnnl_primitive_desc_create(pd.slot(), &desc, nullptr, seq.engine(),
                                     nullptr))
        return "";
      return PrimitiveSequence::implName(pd.get());
    };
    std::string own = implFor(anySrc);
    if (!own.empty() && implFor(src.md) == own)
      anySrc = src.md;
    auto make = [&](const dnnl_memory_desc_t &dst,
                    const_dnnl_primitive_attr_t attr, bool withBias,
                    onednn::PrimitiveDesc &pd) {
      dnnl_inner_product_desc_t desc;
      dnnl_status_t s = dnnl_inner_product_forward_desc_init(
          &desc, dnnl_forward_inference, &anySrc, &anyWeights,
          withBias ? &biasMd : nullptr, &dst);
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
    auto srcIn = inFormat(
        src, PrimitiveSequence::queryMd(pd, dnnl_query_src_md), describeOp(op));
    if (!srcIn)
      return srcIn.takeError();
    std::vector<float> data = weights.toFloats();
    for (size_t i = 0; i < data.size(); ++i)
      data[i] *= float(produced->scale[i / K]);
    const dnnl_memory_desc_t &weightsMd =
        PrimitiveSequence::queryMd(pd, dnnl_query_weights_md);
    auto w = seq.constant(rowMajorOf(weightDims), data.data(), data.size(),
                          weightsMd);
    if (!w)
      return w.takeError();
    std::vector<dnnl_exec_arg_t> args = {{DNNL_ARG_SRC, srcIn->memory},
                                         {DNNL_ARG_WEIGHTS, *w}};
    if (produced->withBias) {
      std::vector<float> bias(produced->shift.begin(), produced->shift.end());
      auto memory = seq.constant(
          biasMd, bias.data(), bias.size(),
          PrimitiveSequence::queryMd(pd, dnnl_query_weights_md, 1));
      if (!memory)
        return memory.takeError();
      args.push_back({DNNL_ARG_BIAS, *memory});
    }
    return emit(producer, *produced, std::move(args), "inner_product",
                "src " + formatOf(srcIn->md) + ", weights " +
                    formatOf(weightsMd));
  }

  // The matmul primitive: plain (strided) operands; constant weights in the
  // format it prefers.
  auto plainView = [&](Value v, const DimGroups &groups) -> Expected<Tensor> {
    auto t = tensorOf(v);
    if (!t)
      return t.takeError();
    auto view = arranged(*t, groups, describeOp(op));
    if (!view)
      return view.takeError();
    if (onednn::isPlain(view->md))
      return *view;
    return inFormat(*view, rowMajor(view->md.ndims, view->md.dims),
                    describeOp(op));
  };
  auto srcA = plainView(a, groupsA);
  if (!srcA)
    return srcA.takeError();
  SmallVector<int64_t> weightDims;
  if (b >= 0)
    weightDims.push_back(groupedDims(groupsB, dimsOf(bValue))[0]);
  weightDims.append({K, N});
  Tensor weightsTensor;
  if (!constantB) {
    auto view = plainView(bValue, groupsB);
    if (!view)
      return view.takeError();
    weightsTensor = *view;
    producer.readBuffers.push_back(view->buffer);
  } else {
    producer.channelDim = int(dstDims.size()) - 1;
  }
  producer.readBuffers.push_back(srcA->buffer);
  dnnl_memory_desc_t weightsMd =
      constantB ? anyOf(weightDims) : weightsTensor.md;
  SmallVector<int64_t> biasDims(dstDims.size(), 1);
  biasDims.back() = N;
  dnnl_memory_desc_t biasMd = rowMajorOf(biasDims);
  dnnl_memory_desc_t srcMd = srcA->md;
  auto make = [&](const dnnl_memory_desc_t &dst,
                  const_dnnl_primitive_attr_t attr, bool withBias,
                  onednn::PrimitiveDesc &pd) {
    dnnl_matmul_desc_t desc;
    dnnl_status_t s = dnnl_matmul_desc_init(&desc, &srcMd, &weightsMd,
                                            withBias ? &biasMd : nullptr, &dst);
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
  dnnl_memory_t weights = weightsTensor.memory;
  const dnnl_memory_desc_t &chosenWeights =
      PrimitiveSequence::queryMd(pd, dnnl_query_weights_md);
  if (constantB) {
    ConstantTensor logical =
        arrangeConstant(*constantB, groupsB, dimsOf(bValue), weightDims);
    std::vector<float> data = logical.toFloats();
    for (size_t i = 0; i < data.size(); ++i)
      data[i] *= float(produced->scale[i % N]);
    auto w = seq.constant(rowMajorOf(weightDims), data.data(), data.size(),
                          chosenWeights);
    if (!w)
      return w.takeError();
    weights = *w;
  }
  std::vector<dnnl_exec_arg_t> args = {{DNNL_ARG_SRC, srcA->memory},
                                       {DNNL_ARG_WEIGHTS, weights}};
  if (produced->withBias) {
    std::vector<float> bias(produced->shift.begin(), produced->shift.end());
    auto memory = seq.constant(biasMd, bias.data(), bias.size(), biasMd);
    if (!memory)
      return memory.takeError();
    args.push_back({DNNL_ARG_BIAS, *memory});
  }
  return emit(producer, *produced, std::move(args), "matmul",
              "src " + formatOf(srcA->md) + ", weights " +
                  formatOf(chosenWeights));
}

//===----------------------------------------------------------------------===//
// Element-wise ops on their own
//===----------------------------------------------------------------------===//

Error ProgramBuilder::buildElementwise(linalg::LinalgOp op) {
  ExprBuilder builder([this](Value v) { return scalarOf(v); });
  SmallVector<Operation *> inlined;
  std::string why;
  FailureOr<const Expr *> expr = expressionOf(op, builder, inlined, {}, why);
  if (failed(expr))
    return error(why);
  SmallVector<int64_t> dims = dimsOf(op->getResult(0));
  auto lookup = [this](Value v) { return constantOf(v); };
  ChainContext context{dims, lookup};
  // The chain is in one of the tensors it reads as they are.
  SmallVector<Value> candidates;
  std::function<void(const Expr *)> collect = [&](const Expr *e) {
    if (e->isLeaf() && readsAsIs(e->map, dims) && !constantOf(e->tensor) &&
        !llvm::is_contained(candidates, e->tensor))
      candidates.push_back(e->tensor);
    for (const Expr *a : e->args)
      collect(a);
  };
  collect(*expr);
  std::optional<std::vector<Step>> steps;
  Value primary;
  std::string reasons;
  for (Value candidate : candidates) {
    auto chain = extractChain(*expr, candidate, context);
    if (chain) {
      steps = std::move(*chain);
      primary = candidate;
      break;
    }
    reasons += (reasons.empty() ? "" : "; ") + toString(chain.takeError());
  }
  if (!steps)
    return error(
        "not a chain of oneDNN eltwise and binary operations in one "
        "of its operands (" +
        (reasons.empty() ? std::string("no operand is read as is") : reasons) +
        ")");
  auto source = tensorOf(primary);
  if (!source)
    return source.takeError();
  for (Operation *x : inlined)
    done.insert(x);
  if (steps->empty()) {
    seq.addNote(describeOp(op) + ": a copy, the same buffer");
    define(op->getResult(0), *source);
    done.insert(op);
    return Error::success();
  }
  DimGroups identity;
  for (size_t d = 0; d < dims.size(); ++d)
    identity.push_back({int(d)});
  Step first = steps->front();
  Producer producer;
  producer.op = op;
  producer.logicalDims = dims;
  producer.value = op->getResult(0);
  producer.valueDims = dims;
  producer.groups = identity;
  producer.ownSteps.assign(steps->begin() + 1, steps->end());
  producer.readBuffers.push_back(source->buffer);
  producer.fixedDst = source->md;
  dnnl_memory_desc_t srcMd = source->md;
  Tensor src1;
  std::vector<dnnl_exec_arg_t> args;
  std::string what;
  if (first.kind == Step::Kind::Binary) {
    if (first.constant) {
      ConstantTensor c = *first.constant;
      dnnl_memory_desc_t md = rowMajorOf(c.shape);
      std::vector<float> data = c.toFloats();
      auto memory = seq.constant(md, data.data(), data.size(), md);
      if (!memory)
        return memory.takeError();
      src1 = Tensor{md, *memory, -1};
    } else {
      auto t = readThrough(first.tensor, first.map, dims, describeOp(op));
      if (!t)
        return t.takeError();
      src1 = *t;
      // Both operands in one format: oneDNN's fast binary kernels need it.
      bool full = std::equal(dims.begin(), dims.end(), src1.md.dims);
      if (full) {
        auto same = inFormat(src1, source->md, describeOp(op));
        if (!same)
          return same.takeError();
        src1 = *same;
      }
      producer.readBuffers.push_back(t->buffer);
    }
    args = {{DNNL_ARG_SRC_0, source->memory}, {DNNL_ARG_SRC_1, src1.memory}};
    what = onednn::describe(PostOp::binary(first.alg, src1.md, nullptr));
  } else {
    args = {{DNNL_ARG_SRC, source->memory}};
    what = "eltwise " + onednn::describe(PostOp::eltwise(first.alg, first.alpha,
                                                         first.beta));
  }
  auto make = [&](const dnnl_memory_desc_t &dst,
                  const_dnnl_primitive_attr_t attr, bool,
                  onednn::PrimitiveDesc &pd) {
    dnnl_status_t s;
    if (first.kind == Step::Kind::Binary) {
      dnnl_binary_desc_t desc;
      s = dnnl_binary_desc_init(&desc, first.alg, &srcMd, &src1.md, &dst);
      if (s == dnnl_success)
        s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                       nullptr);
    } else {
      dnnl_eltwise_desc_t desc;
      s = dnnl_eltwise_forward_desc_init(&desc, dnnl_forward_inference,
                                         first.alg, &srcMd, first.alpha,
                                         first.beta);
      if (s == dnnl_success)
        s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                       nullptr);
    }
    return s;
  };
  producer.make = make;
  auto produced = produce(producer);
  if (!produced)
    return produced.takeError();
  // In place, when nothing reads the source afterwards and no post-op reads
  // a tensor.
  SmallVector<Operation *> fused = {op};
  bool readsTensors = first.tensor != nullptr;
  for (const Step &s : producer.ownSteps)
    readsTensors |= s.tensor != nullptr;
  for (const Part &part : produced->parts) {
    fused.append(part.ops.begin(), part.ops.end());
    for (const Step &s : part.steps)
      readsTensors |= s.tensor != nullptr;
  }
  const dnnl_memory_desc_t &dstMd =
      PrimitiveSequence::queryMd(produced->pd.get(), dnnl_query_dst_md);
  if (!produced->dst.memory && !readsTensors &&
      onednn::sameLayout(dstMd, source->md) &&
      canOverwrite(source->buffer, fused))
    produced->dst = *source;
  return emit(producer, *produced, std::move(args), what,
              "src " + formatOf(source->md) +
                  (src1.memory ? ", src1 " + formatOf(src1.md) : "") +
                  (produced->dst.memory == source->memory ? ", in place" : ""));
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

Error ProgramBuilder::buildReduction(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1)
    return error("a reduction of other than one tensor");
  // The body combines the element with the accumulator: which oneDNN
  // algorithm, and its neutral element.
  Block *body = op.getBlock();
  Value in = op.getMatchingBlockArgument(op.getDpsInputOperand(0));
  Value acc = op.getMatchingBlockArgument(op.getDpsInitOperand(0));
  Operation *yield = body->getTerminator();
  Operation *combine = yield->getOperand(0).getDefiningOp();
  if (!combine || combine->getBlock() != body ||
      std::distance(body->begin(), body->end()) != 2 ||
      combine->getNumOperands() != 2 ||
      !((combine->getOperand(0) == in && combine->getOperand(1) == acc) ||
        (combine->getOperand(0) == acc && combine->getOperand(1) == in)))
    return error("a reduction whose body is not one combining op");
  dnnl_alg_kind_t alg, combineAlg;
  double neutral;
  if (isa<arith::AddFOp>(combine)) {
    alg = dnnl_reduction_sum, combineAlg = dnnl_binary_add, neutral = 0;
  } else if (isa<arith::MulFOp>(combine)) {
    alg = dnnl_reduction_mul, combineAlg = dnnl_binary_mul, neutral = 1;
  } else if (isa<arith::MaximumFOp, arith::MaxNumFOp>(combine)) {
    alg = dnnl_reduction_max, combineAlg = dnnl_binary_max, neutral = -INFINITY;
  } else if (isa<arith::MinimumFOp, arith::MinNumFOp>(combine)) {
    alg = dnnl_reduction_min, combineAlg = dnnl_binary_min, neutral = INFINITY;
  } else {
    return error("a reduction by '" + combine->getName().getStringRef() +
                 "', which oneDNN does not have");
  }
  AffineMap inMap = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!inMap.isPermutation() || !outMap.isProjectedPermutation())
    return error("a reduction that does not read its input element by "
                 "element");
  // Logical dimensions: the loops; the destination has size 1 where they
  // reduce.
  SmallVector<int64_t> loops = op.getStaticLoopRanges();
  DimGroups srcGroups(loops.size()), dstGroups(loops.size());
  for (auto [j, e] : llvm::enumerate(inMap.getResults()))
    srcGroups[cast<AffineDimExpr>(e).getPosition()].push_back(int(j));
  for (auto [j, e] : llvm::enumerate(outMap.getResults()))
    dstGroups[cast<AffineDimExpr>(e).getPosition()].push_back(int(j));
  SmallVector<int64_t> dstDims = loops;
  for (size_t d = 0; d < loops.size(); ++d)
    if (dstGroups[d].empty())
      dstDims[d] = 1;
  // The init combined with the result (a max from -inf is nothing).
  auto own = initSteps(op.getDpsInits()[0], combineAlg, neutral);
  if (!own)
    return own.takeError();
  auto srcTensor = tensorOf(op.getDpsInputs()[0]);
  if (!srcTensor)
    return srcTensor.takeError();
  auto src = arranged(*srcTensor, srcGroups, describeOp(op));
  if (!src)
    return src.takeError();
  Producer producer;
  producer.op = op;
  producer.logicalDims = dstDims;
  producer.value = op->getResult(0);
  producer.valueDims = dimsOf(op->getResult(0));
  producer.groups = dstGroups;
  producer.ownSteps = std::move(*own);
  producer.readBuffers.push_back(src->buffer);
  dnnl_memory_desc_t srcMd = src->md;
  auto make = [&](const dnnl_memory_desc_t &dst,
                  const_dnnl_primitive_attr_t attr, bool,
                  onednn::PrimitiveDesc &pd) {
    dnnl_reduction_desc_t desc;
    dnnl_status_t s = dnnl_reduction_desc_init(&desc, alg, &srcMd, &dst, 0, 0);
    if (s == dnnl_success)
      s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                     nullptr);
    return s;
  };
  producer.make = make;
  auto produced = produce(producer);
  if (!produced)
    return produced.takeError();
  StringRef name = dnnl_alg_kind2str(alg);
  return emit(producer, *produced, {{DNNL_ARG_SRC, src->memory}}, name,
              "src " + formatOf(src->md));
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

Error ProgramBuilder::buildSoftmax(linalg::SoftmaxOp op) {
  auto source = tensorOf(op.getInput());
  if (!source)
    return source.takeError();
  SmallVector<int64_t> dims = dimsOf(op.getResult()[0]);
  DimGroups identity;
  for (size_t d = 0; d < dims.size(); ++d)
    identity.push_back({int(d)});
  Producer producer;
  producer.op = op;
  producer.logicalDims = dims;
  producer.value = op.getResult()[0];
  producer.valueDims = dims;
  producer.groups = identity;
  producer.readBuffers.push_back(source->buffer);
  dnnl_memory_desc_t srcMd = source->md;
  int axis = int(op.getDimension());
  auto make = [&](const dnnl_memory_desc_t &dst,
                  const_dnnl_primitive_attr_t attr, bool,
                  onednn::PrimitiveDesc &pd) {
    dnnl_softmax_v2_desc_t desc;
    dnnl_status_t s = dnnl_softmax_v2_forward_desc_init(
        &desc, dnnl_forward_inference, dnnl_softmax_accurate, &srcMd, &dst,
        axis);
    if (s == dnnl_success)
      s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                     nullptr);
    return s;
  };
  producer.make = make;
  auto produced = produce(producer);
  if (!produced)
    return produced.takeError();
  return emit(producer, *produced, {{DNNL_ARG_SRC, source->memory}},
              formatv("softmax (axis {0})", axis).str(),
              "src " + formatOf(source->md));
}

} // namespace autoconfig::program
