//===- Window.cpp - Sliding windows of Conv and the pooling ops -----------===//
//
// Output sizes and automatic padding as the ONNX operator specification
// defines them for Conv, MaxPool and AveragePool:
//   explicit pads: out = floor((in + pb + pe - ((k - 1) * d + 1)) / s) + 1
//                  (ceil instead of floor with ceil_mode, but a last window
//                  that would start in the end padding is dropped, as in
//                  PyTorch, which the ONNX reference implementation follows)
//   SAME_UPPER/SAME_LOWER: out = ceil(in / s), total padding
//                  max(0, (out - 1) * s + (k - 1) * d + 1 - in), the odd
//                  element at the end (UPPER) or the beginning (LOWER)
//   VALID: no padding.
//
//===----------------------------------------------------------------------===//

#include "Window.h"

using namespace mlir;

namespace autoconfig {

bool Window::padded() const {
  for (size_t i = 0; i < rank(); ++i)
    if (padBegin[i] || padEnd[i] || ceilExtra[i])
      return true;
  return false;
}

void Window::prependUnitDim() {
  auto prepend = [](SmallVector<int64_t> &v, int64_t value) {
    v.insert(v.begin(), value);
  };
  prepend(kernel, 1);
  prepend(strides, 1);
  prepend(dilations, 1);
  prepend(padBegin, 0);
  prepend(padEnd, 0);
  prepend(ceilExtra, 0);
  prepend(output, 1);
}

LogicalResult readIntList(NodeContext &ctx, StringRef name, size_t size,
                          int64_t fallback, SmallVector<int64_t> &out) {
  std::optional<SmallVector<int64_t>> values = ctx.intsAttr(name);
  if (!values) {
    out.assign(size, fallback);
    return success();
  }
  if (values->size() != size)
    return ctx.invalid("attribute " + name + " has " + Twine(values->size()) +
                       " values, expected " + Twine(size));
  out = *values;
  return success();
}

/// Values beyond this are refused (they would overflow the size formulas
/// long before they could describe a real model).
static constexpr int64_t kMaxWindowValue = int64_t(1) << 31;

FailureOr<Window> readWindow(NodeContext &ctx, ArrayRef<int64_t> input,
                             ArrayRef<int64_t> kernel, WindowOptions options) {
  size_t rank = input.size();
  Window w;
  auto fail = [&](const Twine &message) -> FailureOr<Window> {
    (void)ctx.invalid(message);
    return failure();
  };
  std::optional<SmallVector<int64_t>> kernelShape =
      ctx.intsAttr("kernel_shape");
  if (kernelShape) {
    if (!kernel.empty() && ArrayRef<int64_t>(*kernelShape) != kernel) {
      return fail("kernel_shape " + onnxShapeString(*kernelShape) +
                  " differs from the weights' " + onnxShapeString(kernel));
    }
    w.kernel = *kernelShape;
  } else if (!kernel.empty()) {
    w.kernel.assign(kernel.begin(), kernel.end());
  } else {
    return fail("attribute kernel_shape is required");
  }
  if (w.kernel.size() != rank)
    return fail("kernel_shape " + onnxShapeString(w.kernel) +
                " does not match " + Twine(rank) + " spatial dimensions");
  SmallVector<int64_t> pads;
  if (failed(readIntList(ctx, "strides", rank, 1, w.strides)) ||
      failed(readIntList(ctx, "pads", 2 * rank, 0, pads)))
    return failure();
  if (options.dilations) {
    if (failed(readIntList(ctx, "dilations", rank, 1, w.dilations)))
      return failure();
  } else {
    w.dilations.assign(rank, 1);
  }
  bool ceil = options.ceilMode && ctx.intAttr("ceil_mode", 0) != 0;
  std::string autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  if (ctx.failed())
    return failure();
  for (size_t i = 0; i < rank; ++i) {
    if (w.kernel[i] < 1 || w.kernel[i] > kMaxWindowValue || w.strides[i] < 1 ||
        w.strides[i] > kMaxWindowValue || w.dilations[i] < 1 ||
        w.dilations[i] > kMaxWindowValue)
      return fail("kernel " + onnxShapeString(w.kernel) + ", strides " +
                  onnxShapeString(w.strides) + " and dilations " +
                  onnxShapeString(w.dilations) +
                  " must be positive (and below 2^31)");
    if (pads[i] < 0 || pads[i + rank] < 0 || pads[i] > kMaxWindowValue ||
        pads[i + rank] > kMaxWindowValue)
      return fail("pads " + onnxShapeString(pads) +
                  " must be non-negative (and below 2^31)");
  }
  w.padBegin.assign(rank, 0);
  w.padEnd.assign(rank, 0);
  w.ceilExtra.assign(rank, 0);
  w.output.assign(rank, 0);
  for (size_t i = 0; i < rank; ++i) {
    int64_t in = input[i], k = w.kernel[i], s = w.strides[i],
            d = w.dilations[i];
    int64_t span = (k - 1) * d + 1;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = (in + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + span - in);
      w.padBegin[i] = autoPad == "SAME_UPPER" ? total / 2 : (total + 1) / 2;
      w.padEnd[i] = total - w.padBegin[i];
      w.output[i] = out;
      continue;
    }
    if (autoPad == "NOTSET") {
      w.padBegin[i] = pads[i];
      w.padEnd[i] = pads[i + rank];
    } else if (autoPad != "VALID") {
      return fail("auto_pad '" + autoPad +
                  "' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    }
    int64_t room = in + w.padBegin[i] + w.padEnd[i] - span;
    if (room < 0)
      return fail("window of " + Twine(span) +
                  " elements is larger than the padded input (" +
                  Twine(in + w.padBegin[i] + w.padEnd[i]) + ")");
    int64_t out = room / s + 1;
    if (ceil && room % s) {
      // The last window starts inside the input or the begin padding.
      if (out * s < in + w.padBegin[i])
        ++out;
      w.ceilExtra[i] = std::max<int64_t>(
          0, (out - 1) * s + span - (in + w.padBegin[i] + w.padEnd[i]));
    }
    w.output[i] = out;
  }
  return w;
}

} // namespace autoconfig
