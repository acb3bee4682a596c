//===- OnnxSeeds.cpp - Seed models for the ONNX importer fuzzer -----------===//
//
// autoconfig-onnx-seeds DIR writes small ONNX models, one per op family
// and opset idiom, with the ONNX C++ API: the seed corpus of
// autoconfig-fuzz-onnx (fuzz/corpus/onnx). Every model imports.
//
//===----------------------------------------------------------------------===//

#include "OnnxModelBuilder.h"

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using autoconfig::testing::OnnxModelBuilder;

namespace {

std::vector<float> values(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = 0.125f * float(int(i % 7) - 3);
  return v;
}

OnnxModelBuilder convBlock() {
  OnnxModelBuilder m(13);
  m.input("x", {1, 3, 6, 6});
  m.initializer("w", {4, 3, 3, 3}, values(108));
  m.initializer("b", {4}, values(4));
  auto &conv = m.node("Conv", {"x", "w", "b"}, {"c"}, "conv");
  OnnxModelBuilder::attr(conv, "pads", std::vector<int64_t>{1, 1, 1, 1});
  OnnxModelBuilder::attr(conv, "strides", std::vector<int64_t>{2, 2});
  m.initializer("s", {4}, values(4));
  m.initializer("mean", {4}, values(4));
  m.initializer("var", {4}, std::vector<float>(4, 1.0f));
  m.node("BatchNormalization", {"c", "s", "b", "mean", "var"}, {"n"});
  m.node("Relu", {"n"}, {"r"});
  auto &pool = m.node("MaxPool", {"r"}, {"p"});
  OnnxModelBuilder::attr(pool, "kernel_shape", std::vector<int64_t>{2, 2});
  OnnxModelBuilder::attr(pool, "ceil_mode", int64_t(1));
  m.node("GlobalAveragePool", {"p"}, {"g"});
  m.node("Flatten", {"g"}, {"f"});
  m.output("f", {1, 4});
  return m;
}

OnnxModelBuilder groupedConv() {
  OnnxModelBuilder m(11);
  m.input("x", {-1, 4, 5, 5});
  m.initializer("w", {4, 2, 3, 3}, values(72));
  auto &conv = m.node("Conv", {"x", "w"}, {"y"});
  OnnxModelBuilder::attr(conv, "group", int64_t(2));
  OnnxModelBuilder::attr(conv, "auto_pad", std::string("SAME_UPPER"));
  OnnxModelBuilder::attr(conv, "dilations", std::vector<int64_t>{2, 1});
  m.output("y", {-1, 4, 5, 5});
  return m;
}

OnnxModelBuilder attention() {
  OnnxModelBuilder m(17);
  m.input("x", {1, 4, 8});
  m.initializer("wq", {8, 8}, values(64));
  m.node("MatMul", {"x", "wq"}, {"q"});
  m.initializer("shape", {4}, std::vector<int64_t>{1, 4, 2, 4});
  m.node("Reshape", {"q", "shape"}, {"qh"});
  auto &t = m.node("Transpose", {"qh"}, {"qt"});
  OnnxModelBuilder::attr(t, "perm", std::vector<int64_t>{0, 2, 1, 3});
  auto &tk = m.node("Transpose", {"qh"}, {"kt"});
  OnnxModelBuilder::attr(tk, "perm", std::vector<int64_t>{0, 2, 3, 1});
  m.node("MatMul", {"qt", "kt"}, {"scores"});
  auto &sm = m.node("Softmax", {"scores"}, {"p"});
  OnnxModelBuilder::attr(sm, "axis", int64_t(-1));
  m.node("MatMul", {"p", "qt"}, {"ctx"});
  m.initializer("scale", {8}, values(8));
  m.initializer("bias", {8}, values(8));
  m.initializer("flat", {3}, std::vector<int64_t>{1, 4, 8});
  m.node("Reshape", {"ctx", "flat"}, {"merged"});
  auto &ln = m.node("LayerNormalization", {"merged", "scale", "bias"}, {"y"});
  OnnxModelBuilder::attr(ln, "epsilon", 1e-5f);
  m.node("Erf", {"y"}, {"e"});
  m.output("e", {1, 4, 8});
  return m;
}

OnnxModelBuilder gemmAndShapes() {
  OnnxModelBuilder m(13);
  m.input("a", {3, 5});
  m.initializer("w", {2, 5}, values(10));
  m.initializer("c", {2}, values(2));
  auto &gemm = m.node("Gemm", {"a", "w", "c"}, {"g"});
  OnnxModelBuilder::attr(gemm, "transB", int64_t(1));
  OnnxModelBuilder::attr(gemm, "alpha", 0.5f);
  m.node("Shape", {"g"}, {"s"});
  m.initializer("i", {1}, std::vector<int64_t>{1});
  m.node("Gather", {"s", "i"}, {"n"});
  m.initializer("axes", {1}, std::vector<int64_t>{0});
  m.node("Unsqueeze", {"g", "axes"}, {"u"});
  m.node("Squeeze", {"u", "axes"}, {"sq"});
  auto &cat = m.node("Concat", {"sq", "g"}, {"cat"});
  OnnxModelBuilder::attr(cat, "axis", int64_t(0));
  m.initializer("pads", {4}, std::vector<int64_t>{1, 0, 1, 2});
  auto &pad = m.node("Pad", {"cat", "pads"}, {"p"});
  OnnxModelBuilder::attr(pad, "mode", std::string("reflect"));
  auto &clip = m.node("HardSigmoid", {"p"}, {"h"});
  OnnxModelBuilder::attr(clip, "alpha", 0.25f);
  auto &mean = m.node("ReduceMean", {"h"}, {"y"});
  OnnxModelBuilder::attr(mean, "axes", std::vector<int64_t>{-1});
  m.output("y", {8, 1});
  return m;
}

OnnxModelBuilder legacyOpset() {
  // Opset 6 idioms: broadcast attributes, Pad with attributes.
  OnnxModelBuilder m(6);
  m.input("x", {2, 3, 4});
  m.initializer("b", {3}, values(3));
  auto &add = m.node("Add", {"x", "b"}, {"a"});
  OnnxModelBuilder::attr(add, "broadcast", int64_t(1));
  OnnxModelBuilder::attr(add, "axis", int64_t(1));
  auto &pad = m.node("Pad", {"a"}, {"p"});
  OnnxModelBuilder::attr(pad, "pads", std::vector<int64_t>{0, 0, 1, 0, 0, 1});
  OnnxModelBuilder::attr(pad, "value", 0.5f);
  auto &pool = m.node("AveragePool", {"p"}, {"y"});
  OnnxModelBuilder::attr(pool, "kernel_shape", std::vector<int64_t>{2});
  OnnxModelBuilder::attr(pool, "pads", std::vector<int64_t>{1, 1});
  m.output("y", {2, 3, 6});
  return m;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  std::vector<std::pair<std::string, std::function<OnnxModelBuilder()>>> seeds =
      {{"conv-block", convBlock},
       {"grouped-conv", groupedConv},
       {"attention", attention},
       {"gemm-shapes", gemmAndShapes},
       {"legacy-opset", legacyOpset}};
  for (auto &[name, make] : seeds) {
    std::string path = std::string(argv[1]) + "/" + name + ".onnx";
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f) {
      std::perror(path.c_str());
      return 1;
    }
    std::string bytes = make().serialize();
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  return 0;
}
