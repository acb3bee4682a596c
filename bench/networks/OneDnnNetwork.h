//===- OneDnnNetwork.h - A Network layer by layer on oneDNN -----*- C++ -*-===//
//
// The hand-built peer of whole-network compilation: the layers of a Network,
// with exactly its weights, as a sequence of oneDNN 2.6 primitives used the
// way an expert would use them. Activation formats are left to the
// primitives (format_tag::any) and reordered between layers only where two
// primitives disagree; weights are reordered to the chosen formats once, when
// the network is built; bias, ReLU, the scale of the attention scores and the
// residual addition are fused into the producing convolution, inner product
// or matmul as post-ops (the residual as a sum post-op into the shortcut's
// buffer when nothing reads it afterwards); split and merged attention heads
// are strided views, not copies.
//
// oneDNN's OpenMP build (Debian) runs on libgomp; its thread count is set
// through libgomp before the primitives are created.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_NETWORKS_ONEDNNNETWORK_H
#define AUTOCONFIG_BENCH_NETWORKS_ONEDNNNETWORK_H

#include "autoconfig/Networks/Network.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace autoconfig::netbench {

class OneDnnNetwork {
public:
  /// Builds the primitives of `network` (shapes inferred) for `threads`
  /// threads. `input` (dense, laid out as Network::inputShape) and `output`
  /// (dense row-major, the last layer's shape) belong to the caller and must
  /// outlive the object. Errors name the layer and the oneDNN call.
  static llvm::Expected<std::unique_ptr<OneDnnNetwork>>
  create(const Network &network, unsigned threads, const float *input,
         float *output);
  ~OneDnnNetwork();

  /// One inference: reads the input, writes the output.
  llvm::Error run();

  /// One line per primitive in execution order: the layer, the primitive,
  /// oneDNN's implementation, formats and post-ops.
  const std::vector<std::string> &plan() const;
  /// Reorders executed in every inference (activations between primitives
  /// that chose different formats, and into the caller's output).
  unsigned timedReorders() const;

private:
  OneDnnNetwork();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace autoconfig::netbench

#endif
