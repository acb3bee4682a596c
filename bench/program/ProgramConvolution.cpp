//===- ProgramConvolution.cpp - Convolution and pooling -------------------===//
//
// Convolutions and pooling in any layout: the roles of the dimensions come
// from the op's indexing maps (linalg::inferConvolutionDims), so NCHW, NHWC,
// depthwise and grouped convolutions map alike onto oneDNN's logical
// [N, C, spatial...] order, as views of the program's tensors. A zero pad
// before a convolution (a lowest-value pad before a max pooling) is its
// padding. Activations are left to the primitive (format_tag::any) and
// reordered only when the producer chose another format; constant weights
// are reordered once into the primitive's format.
//
//===----------------------------------------------------------------------===//

#include "ProgramBuilder.h"
#include "ProgramLayouts.h"

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
} // namespace autoconfig::program
