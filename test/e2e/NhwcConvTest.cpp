//===- NhwcConvTest.cpp - Direct and depthwise NHWC kernels vs reference --===//
//
// Every case JIT-compiles one kernel of the blocked direct convolution
// ("direct", NHWC input with an HWCF or FHWC filter) or of the depthwise
// convolution ("depthwise", NHWC/HWC) through the whole pipeline, runs it on
// random inputs and a random initial output with guard zones after every
// operand, and compares with the double-precision reference. Shapes have odd
// sizes, stride 2, dilation 2, padding 0, 1, 2 and 3, asymmetric kernels
// and strides, F and C not multiples of the vector length, batch 2; configs
// have remainder tiles along OW, F and C, channel blocks that do not divide
// C, row blocks that do not divide OH, tiles wider than the output, two
// threads, f64, the AVX2 preset, and the model's own choice (decide() with
// the algorithm forced and the nominal profile).
//
// About 70 kernels at 0.1-0.4 s of JIT compilation each.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Select/Decision.h"

#include "llvm/Support/FormatVariadic.h"

#include "gtest/gtest.h"

#include <cstring>
#include <map>
#include <ostream>
#include <string>
#include <vector>

using namespace autoconfig;

namespace {

const TargetDesc *targetNamed(const std::string &name) {
  static std::map<std::string, TargetDesc> cache;
  auto it = cache.find(name);
  if (it != cache.end())
    return &it->second;
  auto resolved = resolveTarget(name, "");
  if (!resolved) {
    llvm::consumeError(resolved.takeError());
    return nullptr;
  }
  return &cache.emplace(name, std::move(*resolved)).first->second;
}

struct Shape {
  int64_t n, c, h, w, f, kh, kw;
  int64_t strideH = 1, strideW = 1, pad = 0, dilationH = 1, dilationW = 1;
};

struct NhwcCase {
  std::string label;
  std::string target;
  std::string layout;
  Shape shape;
  ElementKind element = ElementKind::F32;
  /// A full or partial config; "direct"/"depthwise" alone = the model's
  /// choice for that algorithm.
  std::string config;

  ConvWorkload workload() const {
    ConvWorkload w;
    w.name = label;
    w.layout = *parseConvLayout(layout);
    w.opName = layout == "nhwc_hwcf"   ? "linalg.conv_2d_nhwc_hwcf"
               : layout == "nhwc_fhwc" ? "linalg.conv_2d_nhwc_fhwc"
                                       : "linalg.depthwise_conv_2d_nhwc_hwc";
    w.n = shape.n;
    w.c = shape.c;
    w.h = shape.h;
    w.w = shape.w;
    w.f = layout == "nhwc_hwc" ? shape.c : shape.f;
    w.groups = layout == "nhwc_hwc" ? shape.c : 1;
    w.kh = shape.kh;
    w.kw = shape.kw;
    w.strideH = shape.strideH;
    w.strideW = shape.strideW;
    w.padTop = w.padBottom = w.padLeft = w.padRight = shape.pad;
    w.dilationH = shape.dilationH;
    w.dilationW = shape.dilationW;
    w.element = element;
    return w;
  }
};

void PrintTo(const NhwcCase &c, std::ostream *os) {
  *os << c.label << " [" << c.config << "]";
}

std::string sanitize(std::string text) {
  for (char &ch : text)
    if (!isalnum(static_cast<unsigned char>(ch)))
      ch = '_';
  return text;
}

std::vector<NhwcCase> allCases() {
  std::vector<NhwcCase> cases;
  auto add = [&](std::string target, std::string layout, Shape s,
                 std::string config, ElementKind element = ElementKind::F32) {
    NhwcCase c{"", target, layout, s, element, config};
    std::string params = config.find(' ') == std::string::npos
                             ? "decide"
                             : config.substr(config.find(' ') + 1);
    c.label = sanitize(
        llvm::formatv("{0}_{1}_n{2}c{3}_{4}x{5}_f{6}_k{7}x{8}_"
                      "s{9}{10}_p{11}_d{12}{13}{14}_{15}",
                      target, layout, s.n, s.c, s.h, s.w, s.f, s.kh, s.kw,
                      s.strideH, s.strideW, s.pad, s.dilationH, s.dilationW,
                      element == ElementKind::F64 ? "_f64" : "", params)
            .str());
    cases.push_back(std::move(c));
  };
  const ElementKind f64 = ElementKind::F64;

  // Direct convolution, both filter layouts.
  for (const char *layout : {"nhwc_hwcf", "nhwc_fhwc"}) {
    // C = 3 in a block of 3 and in blocks of 2 + 1; F = 20 = 16 + masked 4.
    Shape small{1, 3, 11, 13, 20, 3, 3, 1, 1, 1, 1, 1};
    add("host", layout, small, "direct vl=16 owb=4 fv=2 cb=3 rb=1 threads=1");
    add("host", layout, small, "direct vl=16 owb=5 fv=1 cb=2 rb=3 threads=1");
    add("host", layout, small, "direct");
    // Stride 2, batch 2, F = 33 (2 vectors + 1 lane), C = 17 in blocks of 8.
    Shape strided{2, 17, 9, 15, 33, 3, 3, 2, 2, 1, 1, 1};
    add("host", layout, strided, "direct vl=16 owb=3 fv=3 cb=8 rb=2 threads=1");
    add("host", layout, strided, "direct");
    // Dilation 2 with padding 2.
    Shape dilated{1, 19, 13, 12, 16, 3, 3, 1, 1, 2, 2, 2};
    add("host", layout, dilated,
        "direct vl=16 owb=6 fv=1 cb=19 rb=4 threads=1");
    add("host", layout, dilated, "direct");
    // 7x7 stride 2, padding 3 (ResNet's first layer, scaled down).
    Shape stem{1, 3, 23, 21, 24, 7, 7, 2, 2, 3, 1, 1};
    add("host", layout, stem, "direct vl=16 owb=4 fv=2 cb=3 rb=2 threads=1");
    add("host", layout, stem, "direct");
    // 1x1, batch 2, C = 35 in blocks of 16 (+3), F = 47.
    Shape pointwise{2, 35, 7, 9, 47, 1, 1, 1, 1, 0, 1, 1};
    add("host", layout, pointwise,
        "direct vl=16 owb=5 fv=3 cb=16 rb=7 threads=1");
    add("host", layout, pointwise, "direct");
    // 1x1 stride 2, no padding.
    Shape pointwise2{1, 16, 10, 11, 16, 1, 1, 2, 2, 0, 1, 1};
    add("host", layout, pointwise2,
        "direct vl=16 owb=3 fv=1 cb=16 rb=1 threads=1");
    // 3x5 kernel, strides (2, 1), dilations (1, 2), padding 2.
    Shape mixed{1, 9, 12, 17, 18, 3, 5, 2, 1, 2, 1, 2};
    add("host", layout, mixed, "direct vl=16 owb=7 fv=2 cb=9 rb=2 threads=1");
    // A tile wider than the output and more vectors than F needs.
    Shape tiny{1, 4, 5, 3, 5, 3, 3, 1, 1, 1, 1, 1};
    add("host", layout, tiny, "direct vl=16 owb=8 fv=4 cb=4 rb=9 threads=1");
    // Two threads over (n, row block), a last row block of 2 rows.
    Shape threaded{2, 24, 14, 14, 40, 3, 3, 1, 1, 1, 1, 1};
    add("host", layout, threaded,
        "direct vl=16 owb=6 fv=2 cb=24 rb=4 threads=2");
    // f64: 8 lanes.
    Shape doubles{1, 5, 9, 10, 13, 3, 3, 1, 1, 1, 1, 1};
    add("host", layout, doubles, "direct vl=8 owb=4 fv=2 cb=5 rb=2 threads=1",
        f64);
  }
  // A larger layer with the model's choice (C and F of 64).
  add("host", "nhwc_hwcf", Shape{1, 64, 20, 20, 64, 3, 3, 1, 1, 1, 1, 1},
      "direct");
  // AVX2: 8 lanes, 16 registers.
  add("x86-avx2", "nhwc_hwcf", Shape{1, 13, 10, 11, 21, 3, 3, 1, 1, 1, 1, 1},
      "direct vl=8 owb=4 fv=2 cb=13 rb=2 threads=1");
  add("x86-avx2", "nhwc_fhwc", Shape{2, 7, 9, 9, 12, 3, 3, 2, 2, 1, 1, 1},
      "direct vl=8 owb=3 fv=1 cb=4 rb=1 threads=1");
  add("x86-avx2", "nhwc_hwcf", Shape{1, 16, 12, 12, 24, 3, 3, 1, 1, 1, 1, 1},
      "direct");

  // Depthwise convolution: C = 20 = 16 + masked 4.
  Shape dw{1, 20, 11, 13, 20, 3, 3, 1, 1, 1, 1, 1};
  add("host", "nhwc_hwc", dw, "depthwise vl=16 owb=4 cv=2 threads=1");
  add("host", "nhwc_hwc", dw, "depthwise vl=16 owb=13 cv=1 threads=1");
  add("host", "nhwc_hwc", dw, "depthwise");
  // Stride 2, batch 2, C = 37 in blocks of 3 vectors (one partial block).
  Shape dwStrided{2, 37, 9, 10, 37, 3, 3, 2, 2, 1, 1, 1};
  add("host", "nhwc_hwc", dwStrided, "depthwise vl=16 owb=3 cv=3 threads=1");
  add("host", "nhwc_hwc", dwStrided, "depthwise");
  // 5x5 with dilation 2 and padding 3.
  Shape dwDilated{1, 33, 12, 12, 33, 5, 5, 1, 1, 3, 2, 2};
  add("host", "nhwc_hwc", dwDilated, "depthwise vl=16 owb=5 cv=1 threads=1");
  add("host", "nhwc_hwc", dwDilated, "depthwise");
  // 7x7 stride 2 without padding, C = 8 (one masked vector).
  Shape dwWide{1, 8, 17, 19, 8, 7, 7, 2, 2, 0, 1, 1};
  add("host", "nhwc_hwc", dwWide, "depthwise vl=16 owb=4 cv=1 threads=1");
  // Asymmetric: 3x1 kernel, strides (1, 2), dilations (2, 1), padding 1.
  Shape dwMixed{1, 24, 10, 15, 24, 3, 1, 1, 2, 1, 2, 1};
  add("host", "nhwc_hwc", dwMixed, "depthwise vl=16 owb=6 cv=2 threads=1");
  // Two threads over (n, output row).
  Shape dwThreaded{2, 48, 14, 14, 48, 3, 3, 1, 1, 1, 1, 1};
  add("host", "nhwc_hwc", dwThreaded, "depthwise vl=16 owb=6 cv=3 threads=2");
  add("host", "nhwc_hwc", Shape{1, 12, 9, 8, 12, 3, 3, 1, 1, 1, 1, 1},
      "depthwise vl=8 owb=4 cv=2 threads=1", f64);
  add("x86-avx2", "nhwc_hwc", Shape{1, 20, 11, 9, 20, 3, 3, 1, 1, 1, 1, 1},
      "depthwise vl=8 owb=3 cv=2 threads=1");
  add("x86-avx2", "nhwc_hwc", Shape{1, 40, 10, 10, 40, 3, 3, 2, 2, 1, 1, 1},
      "depthwise");
  return cases;
}

/// Elements of guard zone after each operand: out-of-bounds stores (an
/// unmasked channel tail, a wrong edge tile) land here and are detected.
constexpr size_t kGuard = 64;
constexpr uint8_t kGuardByte = 0xA5;

class NhwcConv : public ::testing::TestWithParam<NhwcCase> {};

TEST_P(NhwcConv, MatchesReference) {
  const NhwcCase &c = GetParam();
  const TargetDesc *target = targetNamed(c.target);
  ASSERT_NE(target, nullptr) << "cannot resolve target " << c.target;
  if (!target->runsOnHost)
    GTEST_SKIP() << c.target << " does not run on this machine";
  ConvWorkload conv = c.workload();
  Workload workload = conv;

  // The config, completed by the model (the nominal profile keeps the
  // choice independent of this machine's calibration history).
  auto partial = Config::parse(c.config);
  ASSERT_TRUE(bool(partial)) << llvm::toString(partial.takeError());
  Profile profile = Profile::nominal(*target);
  DecideOptions options;
  options.override = *partial;
  auto decision = decide(workload, Machine{*target, profile}, options);
  ASSERT_TRUE(bool(decision)) << llvm::toString(decision.takeError());
  EXPECT_TRUE(decision->warnings.empty()) << decision->warnings.front();
  const Config &config = decision->config;
  SCOPED_TRACE("config: " + config.str());
  EXPECT_EQ(config.getAlgorithm(), partial->getAlgorithm());
  EXPECT_TRUE(std::isfinite(decision->winner().prediction.seconds));
  EXPECT_GT(decision->winner().prediction.seconds, 0);

  auto kernel = compileKernel(workload, config, *target);
  ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());

  WorkloadBuffers buffers = makeBuffers(workload, /*seed=*/99);
  ReferenceResult reference = computeReference(workload, buffers);
  size_t elementBytes = elementBits(c.element) / 8;
  std::vector<AlignedBuffer> copies;
  std::vector<void *> pointers;
  for (const AlignedBuffer &operand : buffers.operands) {
    AlignedBuffer copy(operand.size() + kGuard, elementBytes);
    std::memcpy(copy.data(), operand.data(), operand.bytes());
    std::memset(static_cast<char *>(copy.data()) + operand.bytes(), kGuardByte,
                kGuard * elementBytes);
    pointers.push_back(copy.data());
    copies.push_back(std::move(copy));
  }
  (*kernel)->run(pointers);

  for (size_t i = 0; i < copies.size(); ++i) {
    const AlignedBuffer &operand = buffers.operands[i];
    const auto *guard =
        static_cast<const uint8_t *>(copies[i].data()) + operand.bytes();
    bool intact = true;
    for (size_t b = 0; b < kGuard * elementBytes && intact; ++b)
      intact = guard[b] == kGuardByte;
    EXPECT_TRUE(intact) << "the kernel wrote past the end of operand " << i;
    if (i != buffers.output)
      EXPECT_EQ(std::memcmp(copies[i].data(), operand.data(), operand.bytes()),
                0)
          << "the kernel modified input " << i;
  }
  AlignedBuffer output(buffers.outputBuffer().size(), elementBytes);
  std::memcpy(output.data(), copies[buffers.output].data(), output.bytes());
  Comparison cmp = compareToReference(workload, output, reference);
  EXPECT_TRUE(cmp.passed) << "max relative error " << cmp.maxRelativeError
                          << " > tolerance " << cmp.tolerance
                          << " at output element " << cmp.worstIndex << " of "
                          << conv.shapeString();
}

/// The models' derivations on fixed layers (no JIT): the register tile hides
/// the FMA latency within the register file, and the model ranks the derived
/// config ahead of a 1x1 register tile.
TEST(NhwcConvModels, DerivationFollowsTheRegisterRules) {
  const int64_t layers[][9] = {
      // n, c, h, w, f, k, s, p, groups (0: direct, 1: depthwise)
      {1, 64, 56, 56, 64, 3, 1, 1, 0},   {1, 256, 14, 14, 256, 3, 1, 1, 0},
      {1, 64, 56, 56, 256, 1, 1, 0, 0},  {1, 3, 224, 224, 64, 7, 2, 3, 0},
      {1, 512, 7, 7, 512, 3, 1, 1, 0},   {1, 144, 56, 56, 144, 3, 1, 1, 1},
      {1, 144, 56, 56, 144, 3, 2, 1, 1}, {8, 32, 32, 32, 64, 3, 1, 1, 0}};
  for (const char *preset : {"x86-avx512", "x86-avx2"}) {
    const TargetDesc *target = targetNamed(preset);
    ASSERT_NE(target, nullptr);
    Profile profile = Profile::nominal(*target);
    Machine machine{*target, profile};
    double inFlight = double(target->fmaLatency) * target->fmaPipes /
                      target->fmaIssueCycles();
    for (const auto &l : layers) {
      bool dw = l[8] == 1;
      NhwcCase c{"",
                 preset,
                 dw ? "nhwc_hwc" : "nhwc_hwcf",
                 Shape{l[0], l[1], l[2], l[3], l[4], l[5], l[5], l[6], l[6],
                       l[7], 1, 1},
                 ElementKind::F32,
                 dw ? "depthwise" : "direct"};
      Workload workload = c.workload();
      DecideOptions options;
      options.override = Config(c.config);
      auto d = decide(workload, machine, options);
      ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
      const Config &config = d->config;
      SCOPED_TRACE(std::string(preset) + " " + workloadShape(workload) + ": " +
                   config.str());
      int64_t lanes = target->lanes(32);
      EXPECT_EQ(config.get("vl"), lanes);
      int64_t owb = config.get("owb");
      int64_t vecs = dw ? config.get("cv") : config.get("fv");
      int64_t regs = dw ? vecs * (owb + c.shape.kw + 1) : owb * vecs + vecs + 1;
      EXPECT_LE(regs, int64_t(target->vectorRegisters));
      EXPECT_GE(double(owb * vecs), inFlight);
      // A 1x1 tile is latency-bound: the model must rank it slower.
      Config small = config;
      small.set("owb", 1);
      small.set(dw ? "cv" : "fv", 1);
      DecideOptions forcedSmall;
      forcedSmall.override = small;
      auto slow = decide(workload, machine, forcedSmall);
      ASSERT_TRUE(bool(slow)) << llvm::toString(slow.takeError());
      EXPECT_LT(d->winner().prediction.seconds,
                slow->winner().prediction.seconds);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, NhwcConv, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<NhwcCase> &info) {
                           return info.param.label;
                         });

} // namespace
