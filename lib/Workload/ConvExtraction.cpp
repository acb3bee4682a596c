//===- ConvExtraction.cpp - Convolution workloads from linalg ops ---------===//

#include "autoconfig/Workload/Extraction.h"
#include "autoconfig/Workload/ExtractionUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace autoconfig {

bool isConvOp(Operation *op) {
  return isa<linalg::Conv2DOp, linalg::Conv2DNchwFchwOp,
             linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNhwcFhwcOp,
             linalg::DepthwiseConv2DNhwcHwcOp,
             linalg::DepthwiseConv2DNchwChwOp>(op);
}

/// True for a constant zero (float) value.
static bool isZero(Value v) { return matchPattern(v, m_AnyZeroFloat()); }

std::optional<ZeroPaddedInput> matchZeroPaddedInput(Value input,
                                                    Operation *consumer) {
  auto alloc = input.getDefiningOp<memref::AllocOp>();
  if (!alloc)
    return std::nullopt;
  ZeroPaddedInput result;
  Operation *filler = nullptr;
  memref::SubViewOp interior;
  memref::CopyOp copy;
  for (Operation *user : alloc->getUsers()) {
    if (user == consumer)
      continue;
    if (auto fill = dyn_cast<linalg::FillOp>(user)) {
      if (filler || !isZero(fill.getInputs()[0]) ||
          fill.getOutputs()[0] != input)
        return std::nullopt;
      filler = fill;
      continue;
    }
    // What bufferization makes of tensor.pad: a linalg.map yielding zero.
    if (auto map = dyn_cast<linalg::MapOp>(user)) {
      auto yield = dyn_cast<linalg::YieldOp>(map.getMapper().front().back());
      if (filler || !map.getInputs().empty() || map.getInit() != input ||
          !yield || yield->getNumOperands() != 1 ||
          !isZero(yield->getOperand(0)))
        return std::nullopt;
      filler = map;
      continue;
    }
    if (auto view = dyn_cast<memref::SubViewOp>(user)) {
      if (interior || !view->hasOneUse())
        return std::nullopt;
      auto use = dyn_cast<memref::CopyOp>(*view->getUsers().begin());
      if (!use || use.getTarget() != view.getResult())
        return std::nullopt;
      interior = view;
      copy = use;
      continue;
    }
    if (isa<memref::DeallocOp>(user)) {
      result.producers.push_back(user);
      continue;
    }
    return std::nullopt;
  }
  if (!filler || !interior)
    return std::nullopt;
  // The fill must come before the copy, and both before the consumer, in the
  // same block (the straight-line code bufferization emits). The consumer
  // may sit in a region of that block: the one its kernel is generated in
  // before being outlined.
  Operation *fill = filler;
  Operation *at = fill->getBlock()->findAncestorOpInBlock(*consumer);
  if (!at || copy->getBlock() != fill->getBlock() ||
      !fill->isBeforeInBlock(copy) || !copy->isBeforeInBlock(at))
    return std::nullopt;
  auto type = cast<MemRefType>(input.getType());
  auto sourceType = dyn_cast<MemRefType>(copy.getSource().getType());
  if (!sourceType || !sourceType.hasStaticShape())
    return std::nullopt;
  for (auto [i, offset, size, stride] :
       llvm::enumerate(interior.getStaticOffsets(), interior.getStaticSizes(),
                       interior.getStaticStrides())) {
    if (ShapedType::isDynamic(offset) || ShapedType::isDynamic(size) ||
        stride != 1 || size != sourceType.getDimSize(i))
      return std::nullopt;
    result.low.push_back(offset);
    result.high.push_back(type.getDimSize(i) - offset - size);
  }
  result.source = copy.getSource();
  result.producers.push_back(filler);
  result.producers.push_back(copy);
  result.producers.push_back(interior);
  result.producers.push_back(alloc);
  return result;
}

static SmallVector<int64_t, 2> pairAttr(DenseIntElementsAttr attr) {
  SmallVector<int64_t, 2> values;
  if (attr)
    for (const APInt &v : attr.getValues<APInt>())
      values.push_back(v.getSExtValue());
  while (values.size() < 2)
    values.push_back(1);
  return values;
}

namespace {
/// Where a convolution's sizes sit in its operands' shapes, as the letters of
/// Linalg's op names say; -1 where the op has no such dimension.
struct ConvOperandLayout {
  ConvLayout layout;
  /// n, c, h, w.
  std::array<int, 4> input;
  /// f, c, kh, kw. A depthwise filter has no f: one filter per channel.
  std::array<int, 4> filter;
  /// n, f, h, w.
  std::array<int, 4> output;
};
} // namespace

static std::optional<ConvOperandLayout> operandLayoutOf(Operation *op) {
  using Result = std::optional<ConvOperandLayout>;
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([](linalg::Conv2DOp) {
        return ConvOperandLayout{
            ConvLayout::Hw, {-1, -1, 0, 1}, {-1, -1, 0, 1}, {-1, -1, 0, 1}};
      })
      .Case([](linalg::Conv2DNchwFchwOp) {
        return ConvOperandLayout{
            ConvLayout::NchwFchw, {0, 1, 2, 3}, {0, 1, 2, 3}, {0, 1, 2, 3}};
      })
      .Case([](linalg::Conv2DNhwcHwcfOp) {
        return ConvOperandLayout{
            ConvLayout::NhwcHwcf, {0, 3, 1, 2}, {3, 2, 0, 1}, {0, 3, 1, 2}};
      })
      .Case([](linalg::Conv2DNhwcFhwcOp) {
        return ConvOperandLayout{
            ConvLayout::NhwcFhwc, {0, 3, 1, 2}, {0, 3, 1, 2}, {0, 3, 1, 2}};
      })
      .Case([](linalg::DepthwiseConv2DNhwcHwcOp) {
        return ConvOperandLayout{
            ConvLayout::NhwcHwc, {0, 3, 1, 2}, {-1, 2, 0, 1}, {0, 3, 1, 2}};
      })
      .Case([](linalg::DepthwiseConv2DNchwChwOp) {
        return ConvOperandLayout{
            ConvLayout::NchwChw, {0, 1, 2, 3}, {-1, 0, 1, 2}, {0, 1, 2, 3}};
      })
      .Default([](Operation *) { return std::nullopt; });
}

FailureOr<ConvWorkload> extractConv(linalg::LinalgOp op) {
  Operation *raw = op.getOperation();
  ConvWorkload w;
  w.opName = raw->getName().getStringRef().str();
  Value input = op.getDpsInputOperand(0)->get();
  Value filter = op.getDpsInputOperand(1)->get();
  Value output = op.getDpsInitOperand(0)->get();
  if (failed(checkOperandTypes(raw, {input, filter}, {"input", "filter"},
                               output, "output", w.element)))
    return failure();
  auto in = cast<ShapedType>(input.getType()).getShape();
  auto fl = cast<ShapedType>(filter.getType()).getShape();
  auto out = cast<ShapedType>(output.getType()).getShape();

  std::optional<ConvOperandLayout> where = operandLayoutOf(raw);
  if (!where)
    return raw->emitError("autoconfig: unsupported convolution '")
           << raw->getName() << "'";
  w.layout = where->layout;
  auto size = [](ArrayRef<int64_t> shape, int position, int64_t absent) {
    return position < 0 ? absent : shape[position];
  };
  w.n = size(in, where->input[0], w.n);
  w.c = size(in, where->input[1], w.c);
  w.h = in[where->input[2]];
  w.w = in[where->input[3]];
  bool depthwise = where->filter[0] < 0 && where->filter[1] >= 0;
  w.f = depthwise ? w.c : size(fl, where->filter[0], w.f);
  if (depthwise)
    w.groups = w.c;
  w.kh = fl[where->filter[2]];
  w.kw = fl[where->filter[3]];
  int64_t oh = out[where->output[2]], ow = out[where->output[3]];
  // Spatial dims of the input, for folding a zero-padded input buffer.
  unsigned hDim = where->input[2], wDim = where->input[3];
  if (size(fl, where->filter[1], w.c) != w.c ||
      size(out, where->output[1], w.f) != w.f ||
      size(out, where->output[0], w.n) != w.n)
    return raw->emitError("autoconfig: mismatched convolution shapes");
  SmallVector<int64_t, 2> strides =
      pairAttr(raw->getAttrOfType<DenseIntElementsAttr>("strides"));
  SmallVector<int64_t, 2> dilations =
      pairAttr(raw->getAttrOfType<DenseIntElementsAttr>("dilations"));
  w.strideH = strides[0], w.strideW = strides[1];
  w.dilationH = dilations[0], w.dilationW = dilations[1];
  // Bounded like the operands, so that the output size arithmetic below
  // cannot overflow.
  for (int64_t v : {w.strideH, w.strideW, w.dilationH, w.dilationW})
    if (v < 1 || v > kMaxOperandElements)
      return raw->emitError("autoconfig: strides and dilations must be in "
                            "[1, 2^31-1], got ")
             << v;

  // Fold a zero-padded input buffer: the workload sees the real input.
  if (auto padded = matchZeroPaddedInput(input, raw)) {
    bool onlySpatial = true;
    for (unsigned d = 0; d < padded->low.size(); ++d)
      if (d != hDim && d != wDim && (padded->low[d] || padded->high[d]))
        onlySpatial = false;
    if (onlySpatial) {
      w.padTop = padded->low[hDim];
      w.padBottom = padded->high[hDim];
      w.padLeft = padded->low[wDim];
      w.padRight = padded->high[wDim];
      w.h -= w.padTop + w.padBottom;
      w.w -= w.padLeft + w.padRight;
    }
  }
  if (w.outH() != oh || w.outW() != ow)
    return raw->emitError(llvm::formatv(
        "autoconfig: output {0}x{1} does not match input {2}x{3}, kernel "
        "{4}x{5}, stride {6}, dilation {7}, padding {8} (expected {9}x{10})",
        oh, ow, w.h, w.w, w.kh, w.kw, w.strideH, w.dilationH, w.padTop,
        w.outH(), w.outW()));
  if (w.outH() < 1 || w.outW() < 1)
    return raw->emitError("autoconfig: kernel larger than the padded input");
  w.constWeights = isCompileTimeConstant(filter);
  if (w.constWeights)
    w.weightsReuseBytes = programConstantBytes(raw);
  w.name = defaultWorkloadName(
      raw, llvm::formatv("conv_{0}x{1}x{2}x{3}_f{4}_k{5}x{6}_s{7}", w.n, w.c,
                         w.h, w.w, w.f, w.kh, w.kw, w.strideH)
               .str());
  return w;
}

} // namespace autoconfig
