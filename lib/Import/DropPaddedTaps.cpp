//===- DropPaddedTaps.cpp - Filter taps that only ever read padding -------===//
//
// A convolution over a small feature map with "same" padding has filter taps
// whose input row or column is padding for every output position: a 3x3
// filter on a 1x1 map reads its 8 outer taps from the zeros around it. The
// filter tap kh reads input row oh * stride + kh * dilation - padTop; it
// contributes only if that row is inside [0, H) for some output row oh. The
// leading and trailing dead taps are cut from the constant filter and the
// padding reduced by as many rows: the same result, without the weights'
// traffic and the multiply-adds by zero (oneDNN skips such taps too).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Import/Idioms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace autoconfig {
namespace {

/// Positions of the spatial dimensions in a convolution's input and filter.
struct SpatialDims {
  unsigned inputH, inputW, filterH, filterW;
};

std::optional<SpatialDims> spatialDimsOf(Operation *op) {
  if (isa<linalg::Conv2DNchwFchwOp>(op))
    return SpatialDims{2, 3, 2, 3};
  if (isa<linalg::Conv2DNhwcHwcfOp>(op))
    return SpatialDims{1, 2, 0, 1};
  if (isa<linalg::Conv2DNhwcFhwcOp>(op))
    return SpatialDims{1, 2, 1, 2};
  if (isa<linalg::DepthwiseConv2DNchwChwOp>(op))
    return SpatialDims{2, 3, 1, 2};
  if (isa<linalg::DepthwiseConv2DNhwcHwcOp>(op))
    return SpatialDims{1, 2, 0, 1};
  return std::nullopt;
}

int64_t attrAt(DenseIntElementsAttr attr, unsigned i) {
  if (!attr)
    return 1;
  return (*(attr.getValues<APInt>().begin() + i)).getSExtValue();
}

/// The live taps [first, last] of one spatial dimension, or nullopt when
/// none is live.
std::optional<std::pair<int64_t, int64_t>>
liveTaps(int64_t size, int64_t padLow, int64_t kernel, int64_t stride,
         int64_t dilation, int64_t outputs) {
  std::optional<int64_t> first, last;
  for (int64_t k = 0; k < kernel; ++k) {
    bool live = false;
    for (int64_t o = 0; o < outputs && !live; ++o) {
      int64_t row = o * stride + k * dilation - padLow;
      live = row >= 0 && row < size;
    }
    if (live) {
      if (!first)
        first = k;
      last = k;
    }
  }
  if (!first)
    return std::nullopt;
  return std::make_pair(*first, *last);
}

struct DropPaddedTaps : public OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<SpatialDims> dims = spatialDimsOf(op);
    if (!dims || !op.hasPureTensorSemantics())
      return failure();
    Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1];
    auto pad = input.getDefiningOp<tensor::PadOp>();
    DenseFPElementsAttr weights;
    if (!pad || !matchPattern(filter, m_Constant(&weights)))
      return rewriter.notifyMatchFailure(op, "no padded input or constant "
                                             "filter");
    Value padValue = pad.getConstantPaddingValue();
    if (!padValue || !matchPattern(padValue, m_AnyZeroFloat()) ||
        !pad.getSourceType().hasStaticShape() ||
        !pad.getResultType().hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not a static zero padding");
    SmallVector<int64_t> low(pad.getStaticLow()), high(pad.getStaticHigh());
    if (llvm::any_of(low, ShapedType::isDynamic) ||
        llvm::any_of(high, ShapedType::isDynamic))
      return failure();

    auto strides = op->getAttrOfType<DenseIntElementsAttr>("strides");
    auto dilations = op->getAttrOfType<DenseIntElementsAttr>("dilations");
    auto outType = cast<RankedTensorType>(op.getDpsInits()[0].getType());
    RankedTensorType sourceType = pad.getSourceType();
    auto filterType = cast<RankedTensorType>(weights.getType());
    SmallVector<int64_t> newLow(low), newHigh(high);
    SmallVector<int64_t> offsets(filterType.getRank(), 0);
    SmallVector<int64_t> sizes(filterType.getShape());
    bool dropped = false;
    for (unsigned s = 0; s < 2; ++s) {
      unsigned inDim = s == 0 ? dims->inputH : dims->inputW;
      unsigned fDim = s == 0 ? dims->filterH : dims->filterW;
      int64_t size = sourceType.getDimSize(inDim);
      int64_t kernel = filterType.getDimSize(fDim);
      int64_t stride = attrAt(strides, s), dilation = attrAt(dilations, s);
      int64_t outputs = outType.getDimSize(inDim);
      std::optional<std::pair<int64_t, int64_t>> live =
          liveTaps(size, low[inDim], kernel, stride, dilation, outputs);
      if (!live)
        return rewriter.notifyMatchFailure(op, "no live tap");
      auto [first, last] = *live;
      if (first == 0 && last == kernel - 1)
        continue;
      int64_t padLow = low[inDim] - first * dilation;
      if (padLow < 0)
        return rewriter.notifyMatchFailure(op, "would crop the input");
      int64_t taps = last - first + 1;
      int64_t extent = (outputs - 1) * stride + (taps - 1) * dilation + 1;
      newLow[inDim] = padLow;
      newHigh[inDim] = std::max<int64_t>(0, extent - size - padLow);
      offsets[fDim] = first;
      sizes[fDim] = taps;
      dropped = true;
    }
    if (!dropped)
      return rewriter.notifyMatchFailure(op, "every tap is live");

    // The filter's live window, computed at compile time.
    auto slicedType = RankedTensorType::get(sizes, filterType.getElementType());
    DenseElementsAttr sliced;
    if (weights.isSplat()) {
      sliced = DenseElementsAttr::get(
          slicedType, ArrayRef<Attribute>{weights.getSplatValue<Attribute>()});
    } else {
      SmallVector<APFloat> values;
      values.reserve(slicedType.getNumElements());
      auto all = weights.getValues<APFloat>();
      SmallVector<int64_t> strideOf(filterType.getRank(), 1);
      for (int64_t d = filterType.getRank() - 2; d >= 0; --d)
        strideOf[d] = strideOf[d + 1] * filterType.getDimSize(d + 1);
      SmallVector<int64_t> index(filterType.getRank(), 0);
      for (int64_t i = 0; i < slicedType.getNumElements(); ++i) {
        int64_t flat = 0;
        for (unsigned d = 0; d < index.size(); ++d)
          flat += (index[d] + offsets[d]) * strideOf[d];
        values.push_back(all[flat]);
        for (int64_t d = index.size() - 1; d >= 0; --d) {
          if (++index[d] < sizes[d])
            break;
          index[d] = 0;
        }
      }
      sliced = DenseElementsAttr::get(slicedType, values);
    }
    Location loc = op.getLoc();
    Value newFilter =
        arith::ConstantOp::create(rewriter, loc, slicedType, sliced);
    Value newInput = pad.getSource();
    if (llvm::any_of(newLow, [](int64_t v) { return v != 0; }) ||
        llvm::any_of(newHigh, [](int64_t v) { return v != 0; })) {
      SmallVector<int64_t> paddedShape(sourceType.getShape());
      for (unsigned d = 0; d < paddedShape.size(); ++d)
        paddedShape[d] += newLow[d] + newHigh[d];
      auto paddedType =
          RankedTensorType::get(paddedShape, sourceType.getElementType());
      newInput = tensor::PadOp::create(
          rewriter, pad.getLoc(), paddedType, pad.getSource(),
          getAsIndexOpFoldResult(rewriter.getContext(), newLow),
          getAsIndexOpFoldResult(rewriter.getContext(), newHigh), padValue);
    }
    IRMapping mapping;
    mapping.map(input, newInput);
    mapping.map(filter, newFilter);
    Operation *conv = rewriter.clone(*op, mapping);
    rewriter.replaceOp(op, conv->getResults());
    return success();
  }
};

} // namespace

void populateDropPaddedTapsPatterns(RewritePatternSet &patterns) {
  patterns.add<DropPaddedTaps>(patterns.getContext());
}

} // namespace autoconfig
