//===- Network.cpp - Example networks: shapes, parameters, builders -------===//

#include "autoconfig/Networks/Network.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <random>

using namespace llvm;

namespace autoconfig {

static Error layerError(const Layer &l, const Twine &msg) {
  return createStringError(inconvertibleErrorCode(),
                           "layer '" + l.name + "': " + msg);
}

Error Network::inferShapes() {
  auto shapeOf = [&](int index) -> const std::vector<int64_t> & {
    return index < 0 ? inputShape : layers[index].shape;
  };
  for (size_t i = 0; i < layers.size(); ++i) {
    Layer &l = layers[i];
    for (int in : l.inputs)
      if (in >= int(i) || in < -1)
        return layerError(l, "input index out of order");
    const std::vector<int64_t> &x = shapeOf(l.inputs.at(0));
    switch (l.kind) {
    case Layer::Kind::Conv:
    case Layer::Kind::MaxPool: {
      if (x.size() != 4)
        return layerError(l, "expects an NHWC input");
      // TOSA requires windows that tile the padded input exactly.
      if ((x[1] + 2 * l.pad - l.kernel) % l.stride ||
          (x[2] + 2 * l.pad - l.kernel) % l.stride)
        return layerError(l, "stride does not divide the padded input "
                             "(TOSA requires it; use sizes 2^k + 1)");
      int64_t oh = (x[1] + 2 * l.pad - l.kernel) / l.stride + 1;
      int64_t ow = (x[2] + 2 * l.pad - l.kernel) / l.stride + 1;
      if (oh < 1 || ow < 1)
        return layerError(l, "kernel larger than the padded input");
      l.shape = {x[0], oh, ow, l.kind == Layer::Kind::Conv ? l.filters : x[3]};
      break;
    }
    case Layer::Kind::GlobalAvgPool:
      l.shape = {x[0], 1, 1, x[3]};
      break;
    case Layer::Kind::Add:
      if (shapeOf(l.inputs.at(1)) != x)
        return layerError(l, "adds tensors of different shapes");
      l.shape = x;
      break;
    case Layer::Kind::Dense: {
      int64_t rows = 1;
      for (size_t d = 0; d + 1 < x.size(); ++d)
        rows *= x[d];
      l.shape = {rows, l.units};
      break;
    }
    case Layer::Kind::MatMul: {
      const std::vector<int64_t> &y = shapeOf(l.inputs.at(1));
      if (x.size() != 3 || y.size() != 3 || x[0] != y[0] ||
          x[2] != (l.transposeB ? y[2] : y[1]))
        return layerError(l, "mismatched batched matmul operands");
      l.shape = {x[0], x[1], l.transposeB ? y[1] : y[2]};
      break;
    }
    case Layer::Kind::Softmax:
    case Layer::Kind::LayerNorm:
    case Layer::Kind::Scale:
      l.shape = x;
      break;
    case Layer::Kind::SplitHeads:
      if (x.size() != 2 || x[1] % l.heads)
        return layerError(l, "width is not a multiple of the heads");
      l.shape = {l.heads, x[0], x[1] / l.heads};
      break;
    case Layer::Kind::MergeHeads:
      if (x.size() != 3)
        return layerError(l, "expects [heads, seq, dh]");
      l.shape = {x[1], x[0] * x[2]};
      break;
    }
  }
  return Error::success();
}

/// Uniform values in [-bound, bound) from a stream of (seed, layer, slot).
static std::vector<float> uniform(uint64_t seed, size_t layer, size_t slot,
                                  size_t count, double bound, double center) {
  std::mt19937_64 rng(seed * 1000003 + layer * 131 + slot);
  std::uniform_real_distribution<double> dist(-bound, bound);
  std::vector<float> values(count);
  for (float &v : values)
    v = float(center + dist(rng));
  return values;
}

std::vector<std::vector<float>> Network::parameters(size_t index) const {
  const Layer &l = layers[index];
  const std::vector<int64_t> &x = l.inputs.empty() || l.inputs[0] < 0
                                      ? inputShape
                                      : layers[l.inputs[0]].shape;
  switch (l.kind) {
  case Layer::Kind::Conv: {
    int64_t fanIn = l.kernel * l.kernel * x[3];
    // He-uniform: keeps ReLU activations of order one through the depth.
    double bound = std::sqrt(6.0 / double(fanIn));
    return {uniform(seed, index, 0, l.filters * fanIn, bound, 0),
            uniform(seed, index, 1, l.filters, 0.1, 0)};
  }
  case Layer::Kind::Dense: {
    int64_t k = x.back();
    double bound = std::sqrt(3.0 / double(k));
    return {uniform(seed, index, 0, k * l.units, bound, 0),
            uniform(seed, index, 1, l.units, 0.1, 0)};
  }
  case Layer::Kind::LayerNorm:
    return {uniform(seed, index, 0, x.back(), 0.1, 1.0),
            uniform(seed, index, 1, x.back(), 0.1, 0)};
  default:
    return {};
  }
}

std::vector<float> Network::input() const {
  size_t count = 1;
  for (int64_t d : inputShape)
    count *= size_t(d);
  return uniform(seed, 1000000, 0, count, 1.0, 0);
}

double Network::flops() const {
  double total = 0;
  for (const Layer &l : layers) {
    const std::vector<int64_t> &x =
        l.inputs[0] < 0 ? inputShape : layers[l.inputs[0]].shape;
    if (l.kind == Layer::Kind::Conv)
      total += 2.0 * l.shape[1] * l.shape[2] * l.filters * l.kernel * l.kernel *
               x[3];
    else if (l.kind == Layer::Kind::Dense)
      total += 2.0 * l.shape[0] * l.units * x.back();
    else if (l.kind == Layer::Kind::MatMul)
      total += 2.0 * l.shape[0] * l.shape[1] * l.shape[2] * x[2];
  }
  return total;
}

Network resnet18Like(int64_t width, int64_t size, int64_t classes) {
  Network net;
  net.name = formatv("resnet18_w{0}_s{1}", width, size).str();
  net.inputShape = {1, size, size, 3};
  auto add = [&](Layer l) {
    net.layers.push_back(std::move(l));
    return int(net.layers.size()) - 1;
  };
  auto conv = [&](std::string name, int in, int64_t filters, int64_t kernel,
                  int64_t stride, bool relu) {
    Layer l;
    l.kind = Layer::Kind::Conv;
    l.name = std::move(name);
    l.inputs = {in};
    l.filters = filters;
    l.kernel = kernel;
    l.stride = stride;
    l.pad = kernel / 2;
    l.relu = relu;
    return add(l);
  };
  int x = conv("stem", -1, width, 3, 1, true);
  int64_t channels = width;
  for (int stage = 0; stage < 4; ++stage) {
    int64_t filters = width << stage;
    for (int block = 0; block < 2; ++block) {
      int64_t stride = stage > 0 && block == 0 ? 2 : 1;
      std::string prefix = formatv("s{0}b{1}", stage + 1, block + 1).str();
      int a = conv(prefix + "_conv1", x, filters, 3, stride, true);
      int b = conv(prefix + "_conv2", a, filters, 3, 1, false);
      int shortcut = x;
      if (stride != 1 || channels != filters)
        shortcut = conv(prefix + "_proj", x, filters, 1, stride, false);
      Layer sum;
      sum.kind = Layer::Kind::Add;
      sum.name = prefix + "_add";
      sum.inputs = {b, shortcut};
      sum.relu = true;
      x = add(sum);
      channels = filters;
    }
  }
  Layer pool;
  pool.kind = Layer::Kind::GlobalAvgPool;
  pool.name = "pool";
  pool.inputs = {x};
  x = add(pool);
  Layer fc;
  fc.kind = Layer::Kind::Dense;
  fc.name = "fc";
  fc.inputs = {x};
  fc.units = classes;
  add(fc);
  return net;
}

Network transformerEncoder(int64_t seq, int64_t dModel, int64_t heads) {
  Network net;
  net.name = formatv("encoder_s{0}_d{1}_h{2}", seq, dModel, heads).str();
  net.inputShape = {seq, dModel};
  auto add = [&](Layer l) {
    net.layers.push_back(std::move(l));
    return int(net.layers.size()) - 1;
  };
  auto make = [](Layer::Kind kind, std::string name, std::vector<int> in) {
    Layer l;
    l.kind = kind;
    l.name = std::move(name);
    l.inputs = std::move(in);
    return l;
  };
  auto dense = [&](std::string name, int in, int64_t units, bool relu) {
    Layer l = make(Layer::Kind::Dense, std::move(name), {in});
    l.units = units;
    l.relu = relu;
    return add(l);
  };
  auto split = [&](std::string name, int in) {
    Layer l = make(Layer::Kind::SplitHeads, std::move(name), {in});
    l.heads = heads;
    return add(l);
  };
  int q = split("q_heads", dense("q", -1, dModel, false));
  int k = split("k_heads", dense("k", -1, dModel, false));
  int v = split("v_heads", dense("v", -1, dModel, false));
  Layer scores = make(Layer::Kind::MatMul, "scores", {q, k});
  scores.transposeB = true;
  int s = add(scores);
  Layer scale = make(Layer::Kind::Scale, "scale", {s});
  scale.scale = float(1.0 / std::sqrt(double(dModel / heads)));
  s = add(scale);
  s = add(make(Layer::Kind::Softmax, "softmax", {s}));
  int context = add(make(Layer::Kind::MatMul, "context", {s, v}));
  context = add(make(Layer::Kind::MergeHeads, "merge", {context}));
  int attn = dense("out_proj", context, dModel, false);
  int res1 = add(make(Layer::Kind::Add, "residual1", {attn, -1}));
  int norm1 = add(make(Layer::Kind::LayerNorm, "norm1", {res1}));
  int ffn =
      dense("ffn2", dense("ffn1", norm1, 4 * dModel, true), dModel, false);
  int res2 = add(make(Layer::Kind::Add, "residual2", {ffn, norm1}));
  add(make(Layer::Kind::LayerNorm, "norm2", {res2}));
  cantFail(net.inferShapes());
  return net;
}

} // namespace autoconfig
