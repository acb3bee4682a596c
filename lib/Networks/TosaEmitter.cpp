//===- TosaEmitter.cpp - Example networks as TOSA MLIR --------------------===//
//
// TOSA 1.0 as the MLIR 22 TOSA dialect spells it: conv2d with OHWI weights
// and zero points, rank-equal broadcasting, reshape through const_shape,
// mul with a shift operand. Weights are dense_resource blobs (little-endian
// f32 with a 4-byte alignment header), which keeps the text compact.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Networks/Network.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cstring>

using namespace llvm;

namespace autoconfig {
namespace {

std::string tensorType(ArrayRef<int64_t> shape, StringRef element = "f32") {
  std::string text = "tensor<";
  for (int64_t d : shape)
    text += std::to_string(d) + "x";
  return text + element.str() + ">";
}

class Emitter {
public:
  explicit Emitter(const Network &net) : net(net) {}

  std::string run() {
    line("%zp = \"tosa.const\"() <{values = dense<0.0> : tensor<1xf32>}> : () "
         "-> tensor<1xf32>");
    line("%shift = \"tosa.const\"() <{values = dense<0> : tensor<1xi8>}> : () "
         "-> tensor<1xi8>");
    for (size_t i = 0; i < net.layers.size(); ++i)
      names.push_back(layer(i));
    const Layer &last = net.layers.back();
    std::string text =
        formatv("func.func @forward(%input: {0}) -> {1} {{\n",
                tensorType(net.inputShape), tensorType(last.shape))
            .str();
    text += body;
    text +=
        formatv("  return {0} : {1}\n}\n", names.back(), tensorType(last.shape))
            .str();
    text += "{-#\n  dialect_resources: {\n    builtin: {\n";
    for (size_t i = 0; i < blobs.size(); ++i)
      text += formatv("      w{0}: \"0x04000000{1}\"{2}\n", i, blobs[i],
                      i + 1 < blobs.size() ? "," : "")
                  .str();
    text += "    }\n  }\n#-}\n";
    return text;
  }

private:
  void line(const Twine &text) { body += "  " + text.str() + "\n"; }
  std::string fresh() { return "%t" + std::to_string(counter++); }

  std::string input(const Layer &l, unsigned i) const {
    return l.inputs[i] < 0 ? "%input" : names[l.inputs[i]];
  }
  const std::vector<int64_t> &shapeOf(const Layer &l, unsigned i) const {
    return l.inputs[i] < 0 ? net.inputShape : net.layers[l.inputs[i]].shape;
  }

  /// A weight constant of `shape` holding `values`.
  std::string constant(ArrayRef<int64_t> shape, ArrayRef<float> values) {
    std::string hex;
    hex.reserve(values.size() * 8);
    for (float v : values) {
      uint32_t bits;
      std::memcpy(&bits, &v, 4);
      for (int byte = 0; byte < 4; ++byte)
        hex += utohexstr((bits >> (8 * byte)) & 0xff, false, 2);
    }
    std::string name = fresh();
    line(formatv("{0} = \"tosa.const\"() <{{values = dense_resource<w{1}> : "
                 "{2}}> : () -> {2}",
                 name, blobs.size(), tensorType(shape)));
    blobs.push_back(std::move(hex));
    return name;
  }
  std::string scalar(ArrayRef<int64_t> shape, float value) {
    std::string name = fresh();
    line(formatv("{0} = \"tosa.const\"() <{{values = dense<{1:e}> : {2}}> : "
                 "() -> {2}",
                 name, value, tensorType(shape)));
    return name;
  }
  std::string reshape(StringRef x, ArrayRef<int64_t> from,
                      ArrayRef<int64_t> to) {
    std::string shape = fresh(), result = fresh();
    std::string dims;
    for (size_t i = 0; i < to.size(); ++i)
      dims += (i ? ", " : "") + std::to_string(to[i]);
    line(formatv("{0} = tosa.const_shape {{values = dense<[{1}]> : "
                 "tensor<{2}xindex>} : () -> !tosa.shape<{2}>",
                 shape, dims, to.size()));
    line(formatv("{0} = tosa.reshape {1}, {2} : ({3}, !tosa.shape<{4}>) -> "
                 "{5}",
                 result, x, shape, tensorType(from), to.size(),
                 tensorType(to)));
    return result;
  }
  std::string transpose(StringRef x, ArrayRef<int64_t> from,
                        ArrayRef<int32_t> perms) {
    std::vector<int64_t> to;
    std::string p;
    for (size_t i = 0; i < perms.size(); ++i) {
      to.push_back(from[perms[i]]);
      p += (i ? ", " : "") + std::to_string(perms[i]);
    }
    std::string result = fresh();
    line(formatv("{0} = tosa.transpose {1} {{perms = array<i32: {2}>} : ({3}) "
                 "-> {4}",
                 result, x, p, tensorType(from), tensorType(to)));
    return result;
  }
  std::string binary(StringRef op, StringRef a, StringRef b,
                     ArrayRef<int64_t> sa, ArrayRef<int64_t> sb,
                     ArrayRef<int64_t> out) {
    std::string result = fresh();
    if (op == "mul")
      line(formatv("{0} = tosa.mul {1}, {2}, %shift : ({3}, {4}, "
                   "tensor<1xi8>) -> {5}",
                   result, a, b, tensorType(sa), tensorType(sb),
                   tensorType(out)));
    else
      line(formatv("{0} = tosa.{1} {2}, {3} : ({4}, {5}) -> {6}", result, op, a,
                   b, tensorType(sa), tensorType(sb), tensorType(out)));
    return result;
  }
  std::string unary(StringRef op, StringRef x, ArrayRef<int64_t> shape) {
    std::string result = fresh();
    line(formatv("{0} = tosa.{1} {2} : ({3}) -> {3}", result, op, x,
                 tensorType(shape)));
    return result;
  }
  std::string reduce(StringRef op, StringRef x, ArrayRef<int64_t> shape,
                     int axis) {
    std::vector<int64_t> out(shape.begin(), shape.end());
    out[axis] = 1;
    std::string result = fresh();
    line(formatv("{0} = tosa.{1} {2} {{axis = {3} : i32} : ({4}) -> {5}",
                 result, op, x, axis, tensorType(shape), tensorType(out)));
    return result;
  }
  std::string relu(StringRef x, ArrayRef<int64_t> shape) {
    std::string result = fresh();
    line(formatv("{0} = tosa.clamp {1} {{max_val = 3.40282347e+38 : f32, "
                 "min_val = 0.000000e+00 : f32} : ({2}) -> {2}",
                 result, x, tensorType(shape)));
    return result;
  }

  std::string layer(size_t index) {
    const Layer &l = net.layers[index];
    std::vector<std::vector<float>> params = net.parameters(index);
    std::string x = input(l, 0);
    const std::vector<int64_t> &xs = shapeOf(l, 0);
    switch (l.kind) {
    case Layer::Kind::Conv: {
      std::string w =
          constant({l.filters, l.kernel, l.kernel, xs[3]}, params[0]);
      std::string b = constant({l.filters}, params[1]);
      std::string y = fresh();
      line(
          formatv("{0} = tosa.conv2d {1}, {2}, {3}, %zp, %zp {{acc_type = "
                  "f32, dilation = array<i64: 1, 1>, pad = array<i64: {4}, "
                  "{4}, {4}, {4}>, stride = array<i64: {5}, {5}>} : ({6}, {7}, "
                  "{8}, tensor<1xf32>, tensor<1xf32>) -> {9}",
                  y, x, w, b, l.pad, l.stride, tensorType(xs),
                  tensorType({l.filters, l.kernel, l.kernel, xs[3]}),
                  tensorType({l.filters}), tensorType(l.shape)));
      return l.relu ? relu(y, l.shape) : y;
    }
    case Layer::Kind::MaxPool: {
      std::string y = fresh();
      line(formatv("{0} = tosa.max_pool2d {1} {{kernel = array<i64: {2}, {2}>, "
                   "pad = array<i64: {3}, {3}, {3}, {3}>, stride = array<i64: "
                   "{4}, {4}>} : ({5}) -> {6}",
                   y, x, l.kernel, l.pad, l.stride, tensorType(xs),
                   tensorType(l.shape)));
      return y;
    }
    case Layer::Kind::GlobalAvgPool: {
      std::string y = fresh();
      line(formatv("{0} = tosa.avg_pool2d {1}, %zp, %zp {{acc_type = f32, "
                   "kernel = array<i64: {2}, {3}>, pad = array<i64: 0, 0, 0, "
                   "0>, stride = array<i64: 1, 1>} : ({4}, tensor<1xf32>, "
                   "tensor<1xf32>) -> {5}",
                   y, x, xs[1], xs[2], tensorType(xs), tensorType(l.shape)));
      return y;
    }
    case Layer::Kind::Add: {
      std::string y = binary("add", x, input(l, 1), xs, shapeOf(l, 1), l.shape);
      return l.relu ? relu(y, l.shape) : y;
    }
    case Layer::Kind::Dense: {
      int64_t k = xs.back(), rows = l.shape[0], n = l.units;
      std::string x3 = reshape(x, xs, {1, rows, k});
      std::string w = constant({1, k, n}, params[0]);
      std::string b = constant({1, 1, n}, params[1]);
      std::string y = fresh();
      line(formatv("{0} = tosa.matmul {1}, {2}, %zp, %zp : ({3}, {4}, "
                   "tensor<1xf32>, tensor<1xf32>) -> {5}",
                   y, x3, w, tensorType({1, rows, k}), tensorType({1, k, n}),
                   tensorType({1, rows, n})));
      y = binary("add", y, b, {1, rows, n}, {1, 1, n}, {1, rows, n});
      if (l.relu)
        y = relu(y, {1, rows, n});
      return reshape(y, {1, rows, n}, l.shape);
    }
    case Layer::Kind::MatMul: {
      std::string b = input(l, 1);
      std::vector<int64_t> bs = shapeOf(l, 1);
      if (l.transposeB) {
        b = transpose(b, bs, {0, 2, 1});
        bs = {bs[0], bs[2], bs[1]};
      }
      std::string y = fresh();
      line(formatv("{0} = tosa.matmul {1}, {2}, %zp, %zp : ({3}, {4}, "
                   "tensor<1xf32>, tensor<1xf32>) -> {5}",
                   y, x, b, tensorType(xs), tensorType(bs),
                   tensorType(l.shape)));
      return y;
    }
    case Layer::Kind::Scale: {
      std::vector<int64_t> one(xs.size(), 1);
      return binary("mul", x, scalar(one, l.scale), xs, one, xs);
    }
    case Layer::Kind::Softmax: {
      int axis = int(xs.size()) - 1;
      std::vector<int64_t> rs = xs;
      rs[axis] = 1;
      std::string m = reduce("reduce_max", x, xs, axis);
      std::string e = unary("exp", binary("sub", x, m, xs, rs, xs), xs);
      std::string s =
          unary("reciprocal", reduce("reduce_sum", e, xs, axis), rs);
      return binary("mul", e, s, xs, rs, xs);
    }
    case Layer::Kind::LayerNorm: {
      int64_t s = xs[0], d = xs[1];
      std::vector<int64_t> rs = {s, 1}, one = {1, 1}, row = {1, d};
      std::string invD = scalar(one, float(1.0 / double(d)));
      std::string mean =
          binary("mul", reduce("reduce_sum", x, xs, 1), invD, rs, one, rs);
      std::string c = binary("sub", x, mean, xs, rs, xs);
      std::string var = binary(
          "mul", reduce("reduce_sum", binary("mul", c, c, xs, xs, xs), xs, 1),
          invD, rs, one, rs);
      std::string eps = scalar(one, 1e-5f);
      std::string inv =
          unary("rsqrt", binary("add", var, eps, rs, one, rs), rs);
      std::string scale = constant(row, params[0]);
      std::string shift = constant(row, params[1]);
      std::string y = binary("mul", c, inv, xs, rs, xs);
      y = binary("mul", y, scale, xs, row, xs);
      return binary("add", y, shift, xs, row, xs);
    }
    case Layer::Kind::SplitHeads: {
      int64_t dh = xs[1] / l.heads;
      std::string r = reshape(x, xs, {xs[0], l.heads, dh});
      return transpose(r, {xs[0], l.heads, dh}, {1, 0, 2});
    }
    case Layer::Kind::MergeHeads: {
      std::string t = transpose(x, xs, {1, 0, 2});
      return reshape(t, {xs[1], xs[0], xs[2]}, l.shape);
    }
    }
    return x;
  }

  const Network &net;
  std::string body;
  std::vector<std::string> names;
  std::vector<std::string> blobs;
  unsigned counter = 0;
};

} // namespace

std::string emitTosa(const Network &network) { return Emitter(network).run(); }

} // namespace autoconfig
