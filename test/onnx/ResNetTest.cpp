//===- ResNetTest.cpp - An ONNX ResNet-18 against the example network -----===//
//
// `autoconfig example resnet18` builds a ResNet-18-like network (NHWC, OHWI
// weights from a seeded generator) as TOSA. The same network, with the same
// weights transposed to ONNX's NCHW / OIHW, is written here with the ONNX
// C++ API (onnx::ModelProto), imported, compiled with AutoConfig and run on
// the same input (transposed): both outputs agree, and agree with MLIR's
// default lowering of the imported module.
//
//===----------------------------------------------------------------------===//

#include "OnnxModelBuilder.h"

#include "autoconfig/Import/Import.h"
#include "autoconfig/Networks/Network.h"
#include "autoconfig/Onnx/OnnxModel.h"
#include "autoconfig/Pipeline/ModuleRunner.h"
#include "autoconfig/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace autoconfig;
using autoconfig::testing::OnnxModelBuilder;

namespace {

const TargetDesc &hostTarget() {
  static TargetDesc target = [] {
    auto resolved = resolveTarget("host", "");
    if (!resolved) {
      llvm::consumeError(resolved.takeError());
      return TargetDesc();
    }
    return *resolved;
  }();
  return target;
}

/// The example network as an ONNX model: NCHW input, OIHW weights.
std::string resnetAsOnnx(const Network &net) {
  OnnxModelBuilder m(13, net.name);
  const std::vector<int64_t> &in = net.inputShape; // NHWC
  m.input("input", {in[0], in[3], in[1], in[2]});
  auto valueOf = [&](int index) {
    return index < 0 ? std::string("input") : net.layers[index].name;
  };
  auto shapeOf = [&](int index) -> const std::vector<int64_t> & {
    return index < 0 ? net.inputShape : net.layers[index].shape;
  };
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer &l = net.layers[i];
    std::vector<std::vector<float>> params = net.parameters(i);
    std::string out = l.relu ? l.name + "_pre" : l.name;
    switch (l.kind) {
    case Layer::Kind::Conv: {
      int64_t c = shapeOf(l.inputs[0])[3], k = l.kernel, f = l.filters;
      // OHWI -> OIHW.
      std::vector<float> oihw(params[0].size());
      for (int64_t o = 0; o < f; ++o)
        for (int64_t h = 0; h < k; ++h)
          for (int64_t w = 0; w < k; ++w)
            for (int64_t ch = 0; ch < c; ++ch)
              oihw[((o * c + ch) * k + h) * k + w] =
                  params[0][((o * k + h) * k + w) * c + ch];
      m.initializer(l.name + "_w", {f, c, k, k}, oihw);
      m.initializer(l.name + "_b", {f}, params[1]);
      auto &node =
          m.node("Conv", {valueOf(l.inputs[0]), l.name + "_w", l.name + "_b"},
                 {out}, l.name);
      OnnxModelBuilder::attr(node, "kernel_shape", std::vector<int64_t>{k, k});
      OnnxModelBuilder::attr(node, "strides",
                             std::vector<int64_t>{l.stride, l.stride});
      OnnxModelBuilder::attr(node, "pads",
                             std::vector<int64_t>{l.pad, l.pad, l.pad, l.pad});
      break;
    }
    case Layer::Kind::Add:
      m.node("Add", {valueOf(l.inputs[0]), valueOf(l.inputs[1])}, {out},
             l.name);
      break;
    case Layer::Kind::GlobalAvgPool:
      m.node("GlobalAveragePool", {valueOf(l.inputs[0])}, {out}, l.name);
      break;
    case Layer::Kind::Dense: {
      int64_t k = shapeOf(l.inputs[0]).back();
      m.node("Flatten", {valueOf(l.inputs[0])}, {l.name + "_flat"});
      m.initializer(l.name + "_w", {k, l.units}, params[0]);
      m.initializer(l.name + "_b", {l.units}, params[1]);
      m.node("Gemm", {l.name + "_flat", l.name + "_w", l.name + "_b"}, {out},
             l.name);
      break;
    }
    default:
      ADD_FAILURE() << "layer kind not used by resnet18Like";
    }
    if (l.relu)
      m.node("Relu", {out}, {l.name});
  }
  m.output(net.layers.back().name, net.layers.back().shape);
  return m.serialize();
}

/// Normalizes, configures and generates (or not: MLIR's default lowering),
/// JIT-compiles and runs `module` on `input`.
std::vector<float> runModule(mlir::ModuleOp module,
                             const std::vector<float> &input, bool configure) {
  const TargetDesc &target = hostTarget();
  Profile profile = Profile::nominal(target);
  LayoutPropagationOptions layout{target, profile, 1, false};
  EXPECT_TRUE(
      mlir::succeeded(normalizeModule(module, configure ? &layout : nullptr)));
  if (configure) {
    ConfigureOptions options;
    options.target = target;
    options.profile = profile;
    mlir::PassManager pm(module.getContext());
    pm.addPass(createFuseEpiloguesPass());
    pm.addPass(createConfigurePass(options));
    pm.addPass(createGeneratePass(target));
    EXPECT_TRUE(mlir::succeeded(pm.run(module)));
  }
  auto runner = ModuleRunner::create(module, "forward", target, 1);
  if (!runner) {
    ADD_FAILURE() << llvm::toString(runner.takeError());
    return {};
  }
  AlignedBuffer in(input.size(), 4);
  std::copy(input.begin(), input.end(), in.as<float>());
  std::vector<AlignedBuffer> outputs;
  (*runner)->run({in.data()}, outputs);
  EXPECT_EQ(outputs.size(), 1u);
  if (outputs.empty())
    return {};
  return std::vector<float>(outputs[0].as<float>(),
                            outputs[0].as<float>() + outputs[0].size());
}

/// max |a - b| / max |b|.
double relativeError(const std::vector<float> &a, const std::vector<float> &b) {
  double diff = 0, scale = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (!std::isfinite(a[i]))
      return INFINITY;
    diff = std::max(diff, double(std::fabs(a[i] - b[i])));
    scale = std::max(scale, double(std::fabs(b[i])));
  }
  return diff / std::max(scale, 1e-30);
}

TEST(OnnxResNet, MatchesTheExampleNetwork) {
  // `autoconfig example resnet18`'s defaults: stem width 32, input 65x65.
  Network net = resnet18Like();
  ASSERT_FALSE(bool(net.inferShapes()));
  std::vector<float> nhwc = net.input();
  const std::vector<int64_t> &s = net.inputShape;
  std::vector<float> nchw(nhwc.size());
  for (int64_t h = 0; h < s[1]; ++h)
    for (int64_t w = 0; w < s[2]; ++w)
      for (int64_t c = 0; c < s[3]; ++c)
        nchw[(c * s[1] + h) * s[2] + w] = nhwc[(h * s[2] + w) * s[3] + c];

  auto tosaContext = createAutoConfigContext();
  mlir::OwningOpRef<mlir::ModuleOp> tosa =
      parseInputString(emitTosa(net), *tosaContext);
  ASSERT_TRUE(tosa);
  std::vector<float> expected = runModule(*tosa, nhwc, true);

  llvm::Expected<OnnxModel> model =
      OnnxModel::parse(resnetAsOnnx(net), "resnet18.onnx");
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  auto context = createAutoConfigContext();
  auto imported = model->import(*context);
  ASSERT_TRUE(bool(imported)) << llvm::toString(imported.takeError());
  std::vector<float> actual = runModule(**imported, nchw, true);

  auto referenceContext = createAutoConfigContext();
  auto reference = model->import(*referenceContext);
  ASSERT_TRUE(bool(reference)) << llvm::toString(reference.takeError());
  std::vector<float> defaultLowering = runModule(**reference, nchw, false);

  ASSERT_EQ(expected.size(), size_t(10));
  ASSERT_EQ(actual.size(), expected.size());
  ASSERT_EQ(defaultLowering.size(), expected.size());
  double vsExample = relativeError(actual, expected);
  double vsDefault = relativeError(actual, defaultLowering);
  // Different summation orders (NCHW and NHWC kernels, Winograd) over 20
  // layers: far below 1e-3 of the output's scale unless something is wrong.
  EXPECT_LT(vsExample, 1e-3);
  EXPECT_LT(vsDefault, 1e-3);
  double maxAbs = 0;
  for (size_t i = 0; i < expected.size(); ++i)
    maxAbs = std::max(maxAbs, double(std::fabs(actual[i] - expected[i])));
  std::printf("ONNX ResNet-18 (w32, 65x65) vs the example network: max "
              "abs error %.3g, relative %.3g; vs the default lowering of the "
              "import: relative %.3g\n",
              maxAbs, vsExample, vsDefault);
}

} // namespace
