//===- ConvLayouts.h - Operand layouts of convolution workloads -*- C++ -*-===//
//
// The runner hands a convolution peer dense row-major buffers in the layout of
// AutoConfig's kernel (see kernelOperandShapes): input, filter, output. These
// helpers give every element's offset as strides, so that each adapter can
// describe the buffers to its library, or repack them, without a case per
// layout.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PEERS_CONVLAYOUTS_H
#define AUTOCONFIG_BENCH_PEERS_CONVLAYOUTS_H

#include "autoconfig/Workload/Workload.h"

#include <cstddef>
#include <cstdint>

namespace autoconfig {

/// Whether the activations are channels-last (NHWC). The single-channel "hw"
/// layout counts as NCHW (N = C = 1: both describe the same buffer).
bool isChannelsLast(const ConvWorkload &w);

/// Element strides of an activation tensor (input: C×H×W, output: F×OH×OW).
struct ActivationStrides {
  int64_t n, c, h, w;
};
ActivationStrides inputStrides(const ConvWorkload &w);
ActivationStrides outputStrides(const ConvWorkload &w);

/// Element strides of the filter, indexed by group, output channel within the
/// group, input channel within the group, kh and kw: the depthwise layouts
/// are the grouped FCHW / HWCF ones with one channel per group.
struct FilterStrides {
  int64_t group, out, in, kh, kw;
};
FilterStrides filterStrides(const ConvWorkload &w);

/// Copies the filter into `dst` as [group][out][kh][kw][in] (XNNPACK's and
/// oneDNN's "ohwi" per group), the order channels-last kernels consume.
void packFilterGohwi(const ConvWorkload &w, const float *filter, float *dst);

/// dst[c * rows + r] = src[r * cols + c] (or +=): a cache-blocked transpose
/// between NCHW and NHWC images (rows = pixels, cols = channels, or back).
void transposePlane(const float *src, size_t rows, size_t cols, float *dst,
                    bool accumulate);

} // namespace autoconfig

#endif
