//===- OneDnn.h - oneDNN peers: GEMM and convolution ------------*- C++ -*-===//
//
// Two peers share this code: `onednn` (dnnl_sgemm for GEMM; for convolution
// the primitive at its best, on operands reordered to the formats it chose,
// reorders outside the timed region) and `onednn_plain` (the same convolution
// primitive fed from, and writing back to, the plain NCHW/NHWC buffers, the
// reorders timed).
//
// The C API is used: this project builds without exceptions, and the C++ API
// of oneDNN 2.6 then traps on any error instead of reporting it.
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
/// name and the formats chosen.
llvm::Expected<std::function<void()>>
prepareConv(const ConvWorkload &w, WorkloadBuffers &buffers, unsigned threads,
            ConvMode mode, std::string &note);

} // namespace autoconfig::onednn

#endif
