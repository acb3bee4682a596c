//===- OneDnn.h - oneDNN peers: GEMM and convolution ------------*- C++ -*-===//
//
// The oneDNN peers share this code:
// - `onednn`: dnnl_sgemm for GEMM; for convolution the primitive at its
//   best, on operands reordered to the formats it chose, reorders outside
//   the timed region;
// - `onednn_plain`: the same convolution primitive fed from, and writing
//   back to, the plain NCHW/NHWC buffers, the reorders timed;
// - `onednn-matmul`: the matmul primitive on A and B as they are;
// - `onednn-prepacked`: the matmul primitive with B (the weights) reordered
//   beforehand into the layout it prefers; for convolution, as `onednn`.
//
// The C API is used (see OneDnnApi.h).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PEERS_ONEDNN_H
#define AUTOCONFIG_BENCH_PEERS_ONEDNN_H

#include "../onednn/GompThreads.h"
#include "autoconfig/Bench/Peer.h"

namespace autoconfig::onednn {

/// "oneDNN 2.6.3, JIT for avx512_core".
std::string versionAndIsa();

/// Whether the convolution primitive takes this workload.
bool supportsConv(const ConvWorkload &w, std::string &whyNot);

enum class ConvMode {
  /// Operands reordered to the primitive's formats in prepare(); the timed
  /// call is the primitive alone, accumulating with a sum post-op.
  BestCase,
  /// The timed call reorders from and to the plain buffers around the
  /// primitive.
  Plain,
};

/// Builds the primitive and its reorders; `note` receives the implementation
/// name and the formats chosen, `implementation` the name alone.
llvm::Expected<std::function<void()>>
prepareConv(const ConvWorkload &w, WorkloadBuffers &buffers, unsigned threads,
            ConvMode mode, std::string &note, std::string &implementation);

/// Whether the matmul primitive takes this workload.
bool supportsMatmul(const GemmWorkload &w, std::string &whyNot);

enum class WeightsMode {
  /// A and B are read where they are, in the workload's layout.
  AsGiven,
  /// B is reordered into the primitive's preferred layout in prepare()
  /// (format_tag::any), as a library user does once for constant weights.
  Prepacked,
};

/// Creates the matmul primitive (C += op(A) op(B) through a sum post-op,
/// batches as a 3-D problem) and, for Prepacked, reorders B; the timed call
/// is the primitive alone.
llvm::Expected<std::function<void()>>
prepareMatmul(const GemmWorkload &w, WorkloadBuffers &buffers, unsigned threads,
              WeightsMode mode, std::string &note, std::string &implementation);

} // namespace autoconfig::onednn

#endif
