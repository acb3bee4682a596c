//===- Window.h - Sliding windows of Conv and the pooling ops ---*- C++ -*-===//
//
// Kernel, strides, dilations, explicit or automatic padding (auto_pad) and
// the output size (floor or, with ceil_mode, ceil) of a sliding-window op,
// per spatial dimension, from the node's attributes, checked.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_LIB_ONNX_WINDOW_H
#define AUTOCONFIG_LIB_ONNX_WINDOW_H

#include "NodeContext.h"

namespace autoconfig {

struct Window {
  llvm::SmallVector<int64_t> kernel, strides, dilations;
  /// Padding before and after each spatial dimension (ONNX pads).
  llvm::SmallVector<int64_t> padBegin, padEnd;
  /// Padding beyond padEnd that ceil_mode's last window reads.
  llvm::SmallVector<int64_t> ceilExtra;
  llvm::SmallVector<int64_t> output;

  size_t rank() const { return kernel.size(); }
  bool padded() const;
  /// Adds a leading spatial dim of one element (kernel, stride and dilation
  /// 1, no padding): a 1-D window lifted to 2-D.
  void prependUnitDim();
};

struct WindowOptions {
  bool dilations = true;
  bool ceilMode = false;
};

/// Reads INTS attribute `name` into `out`: `size` values, or `fallback`
/// for each when absent; another count is invalid.
mlir::LogicalResult readIntList(NodeContext &ctx, llvm::StringRef name,
                                size_t size, int64_t fallback,
                                llvm::SmallVector<int64_t> &out);

/// Reads kernel_shape (which must agree with `kernel` when given; pass an
/// empty `kernel` to require the attribute), strides, dilations, pads,
/// auto_pad and ceil_mode for an input of spatial dims `input` (static).
mlir::FailureOr<Window> readWindow(NodeContext &ctx,
                                   llvm::ArrayRef<int64_t> input,
                                   llvm::ArrayRef<int64_t> kernel,
                                   WindowOptions options);

} // namespace autoconfig

#endif
