//===- Network.h - Example networks built in the repository -----*- C++ -*-===//
//
// Small layer graphs with deterministic random weights, from which the
// project emits TOSA MLIR (what front ends such as torch-mlir or the Buddy
// Compiler produce) and builds the same network layer by layer on oneDNN, so
// that whole-network compilation can be checked and compared. Nothing is
// downloaded: weights come from a seeded generator.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_NETWORKS_NETWORK_H
#define AUTOCONFIG_NETWORKS_NETWORK_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace autoconfig {

/// One layer. Activations are NHWC (batch 1) for the CNN, [S, D] for the
/// transformer; `inputs` index earlier layers' outputs (-1: the network
/// input).
struct Layer {
  enum class Kind {
    Conv,    // NHWC conv, OHWI weights, bias, optional fused ReLU
    MaxPool, // NHWC max pooling
    GlobalAvgPool,
    Add,        // elementwise sum of two inputs, optional ReLU
    Dense,      // [M, K] x [K, N] + bias, optional ReLU
    MatMul,     // batched [B, M, K] x [B, K, N] (attention), optional B^T
    Softmax,    // along the last dimension
    LayerNorm,  // along the last dimension, learned scale and shift
    SplitHeads, // [S, H*dh] -> [H, S, dh]
    MergeHeads, // [H, S, dh] -> [S, H*dh]
    Scale,      // multiply by a constant
  };
  Kind kind = Kind::Conv;
  std::string name;
  std::vector<int> inputs;
  // Conv / pooling.
  int64_t filters = 0, kernel = 1, stride = 1, pad = 0;
  // Dense.
  int64_t units = 0;
  // MatMul: transpose the second operand; SplitHeads/MergeHeads: heads.
  bool transposeB = false;
  int64_t heads = 1;
  float scale = 1.0f;
  bool relu = false;
  /// Output shape (filled by Network::inferShapes).
  std::vector<int64_t> shape;
};

struct Network {
  std::string name;
  std::vector<int64_t> inputShape;
  std::vector<Layer> layers;
  uint64_t seed = 1;

  /// Fills every layer's output shape; errors name the bad layer.
  llvm::Error inferShapes();
  /// Parameters (weights, biases, scales) of layer `index`, in the order
  /// and layout the TOSA emitter uses: Conv: OHWI weights then bias; Dense:
  /// [K, N] weights then bias; LayerNorm: scale then shift. Deterministic
  /// in (seed, layer index); scaled to keep activations O(1).
  std::vector<std::vector<float>> parameters(size_t index) const;
  /// Deterministic random input of `inputShape`.
  std::vector<float> input() const;
  double flops() const;
};

/// ResNet-18-like: 3x3 stem, four stages of two basic blocks (widths
/// `width`, 2w, 4w, 8w; stride 2 and 1x1 projection at each stage change),
/// global average pooling and a dense classifier. NHWC input size x size x 3;
/// the size must be 2^k + 1 (k >= 3) so that TOSA's stride-2 windows tile
/// it exactly (call inferShapes to check).
Network resnet18Like(int64_t width = 32, int64_t size = 65,
                     int64_t classes = 10);

/// One transformer encoder block: QKV projections, scaled dot-product
/// attention over `heads` heads, output projection, residual + LayerNorm,
/// ReLU FFN (4 x dModel), residual + LayerNorm. Input [seq, dModel].
Network transformerEncoder(int64_t seq = 128, int64_t dModel = 256,
                           int64_t heads = 4);

/// The network as a TOSA module with one function @forward(input) ->
/// output; weights are dense_resource constants.
std::string emitTosa(const Network &network);

} // namespace autoconfig

#endif
