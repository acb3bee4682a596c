//===- GemmConvTest.cpp - im2col and 1x1 convolutions, and blocked GEMM ---===//
//
// Every case JIT-compiles one convolution (or matmul) kernel through the whole
// pipeline with a hand-written config (or the algorithm's model-derived one),
// runs it on random inputs and a random initial output, and compares the
// result with the double-precision reference. Inputs sit between NaN guard
// zones (a read of a wrong element that reaches the result shows as NaN) and
// the output between guard bytes that must stay untouched.
//
// Shapes are small and odd (primes, OW < vector length, C not a multiple of
// it); configs cover both im2col packers (fast, whole taps per kc block, and
// generic), strides, dilation, asymmetric padding, batches, the three
// layouts, kc > K, unpacked operands and two threads. The blocked GEMM cases
// check the matrix-source refactoring of its generator on plain matmuls.
// 57 kernels: about 16 s of CPU time, mostly JIT compilation.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Model/Im2colConvParams.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Select/Registry.h"

#include "llvm/Support/FormatVariadic.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

using namespace autoconfig;

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

//===----------------------------------------------------------------------===//
// Cases
//===----------------------------------------------------------------------===//

struct Case {
  Workload workload;
  /// A full config, or just an algorithm name for its model's derivation.
  std::string config;
  std::string label;
};

void PrintTo(const Case &c, std::ostream *os) {
  *os << c.label << " [" << c.config << "]";
}

std::string sanitize(std::string text) {
  for (char &ch : text)
    if (!isalnum(static_cast<unsigned char>(ch)))
      ch = '_';
  return text;
}

struct ConvShape {
  const char *layout;
  int64_t n, c, h, w, f, kh, kw;
  int64_t strideH = 1, strideW = 1;
  int64_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  int64_t dilation = 1;
};

ConvWorkload convWorkload(const ConvShape &s) {
  ConvWorkload w;
  w.layout = *parseConvLayout(s.layout);
  w.opName = std::string("linalg.conv_2d_") + s.layout;
  w.n = s.n, w.c = s.c, w.h = s.h, w.w = s.w, w.f = s.f, w.kh = s.kh,
  w.kw = s.kw;
  w.strideH = s.strideH, w.strideW = s.strideW;
  w.padTop = s.padTop, w.padLeft = s.padLeft, w.padBottom = s.padBottom,
  w.padRight = s.padRight;
  w.dilationH = w.dilationW = s.dilation;
  w.name = llvm::formatv("{0}_{1}x{2}x{3}x{4}_f{5}_k{6}x{7}_s{8}{9}_p{10}{11}{"
                         "12}{13}_d{14}",
                         s.layout, s.n, s.c, s.h, s.w, s.f, s.kh, s.kw,
                         s.strideH, s.strideW, s.padTop, s.padLeft, s.padBottom,
                         s.padRight, s.dilation)
               .str();
  return w;
}

std::string configLabel(const std::string &config) {
  size_t space = config.find(' ');
  if (space == std::string::npos)
    return config + "_model";
  std::string compact;
  for (char ch : config.substr(space + 1))
    if (ch != '=')
      compact += ch;
  return config.substr(0, space) + "_" + compact;
}

/// "im2col vl=16 mr=4 ..." with the usual defaults, the given fields set.
std::string gemmConfig(const char *algorithm, int64_t mr, int64_t nr,
                       int64_t kc, int64_t mc, int64_t nc, int64_t ku = 4,
                       int64_t packA = 1, int64_t packB = 1,
                       int64_t threads = 1, int64_t prefetch = 0) {
  return llvm::formatv("{0} vl=16 mr={1} nr={2} kc={3} mc={4} nc={5} ku={6} "
                       "packA={7} packB={8} prefetch={9} threads={10}",
                       algorithm, mr, nr, kc, mc, nc, ku, packA, packB,
                       prefetch, threads)
      .str();
}

std::vector<Case> allCases() {
  std::vector<Case> cases;
  auto conv = [&](ConvShape shape, std::string config) {
    ConvWorkload w = convWorkload(shape);
    std::string label = sanitize(w.name + "_" + configLabel(config));
    for (const Case &other : cases)
      if (other.label == label)
        return;
    cases.push_back({w, std::move(config), label});
  };
  auto gemm = [&](int64_t m, int64_t n, int64_t k, bool transA, bool transB,
                  std::string config) {
    GemmWorkload w;
    w.m = m, w.n = n, w.k = k, w.transA = transA, w.transB = transB;
    w.setDenseStrides();
    w.name = llvm::formatv("gemm_{0}x{1}x{2}{3}{4}", m, n, k,
                           transA ? "_At" : "", transB ? "_Bt" : "")
                 .str();
    cases.push_back({w, config, sanitize(w.name + "_" + configLabel(config))});
  };

  // --- im2col, NCHW (B = im2col, packed per (vector, tap) over channels).
  const char *nchw = "nchw_fchw";
  // Odd sizes, padding 1: several kc blocks of whole taps, edge tiles.
  conv({nchw, 1, 3, 11, 13, 5, 3, 3, 1, 1, 1, 1, 1, 1},
       gemmConfig("im2col", 3, 32, 9, 6, 64));
  // Stride 2, padding 3, 5x5 (shuffled spans), kc = 2 channels.
  conv({nchw, 1, 3, 23, 29, 8, 5, 5, 2, 2, 3, 3, 3, 3},
       gemmConfig("im2col", 4, 32, 50, 8, 96));
  // Dilation 2, padding 2; nc splits the columns (three jc blocks).
  conv({nchw, 1, 4, 15, 17, 7, 3, 3, 1, 1, 2, 2, 2, 2, 2},
       gemmConfig("im2col", 5, 48, 18, 10, 96, 2));
  // Batch 2; kc > K; mc > M.
  conv({nchw, 2, 5, 9, 10, 6, 3, 3, 1, 1, 1, 1, 1, 1},
       gemmConfig("im2col", 6, 64, 512, 96, 128));
  // OW = 3 < 16 lanes: a vector spans six output rows.
  conv({nchw, 1, 6, 5, 5, 9, 3, 3}, gemmConfig("im2col", 4, 16, 18, 8, 32));
  // Asymmetric stride and padding, padding 0 on one side.
  conv({nchw, 1, 3, 12, 19, 4, 3, 2, 2, 1, 1, 0, 2, 1},
       gemmConfig("im2col", 2, 32, 12, 4, 64));
  // kc not a multiple of KH*KW: the generic packer.
  conv({nchw, 1, 4, 10, 11, 6, 3, 3, 1, 1, 1, 1, 1, 1},
       gemmConfig("im2col", 3, 32, 10, 6, 64));
  // Strides 3 (shuffled spans) and 5 (gathers), dilation 2 with stride 3.
  conv({nchw, 1, 2, 19, 23, 5, 3, 3, 3, 3, 1, 1, 1, 1},
       gemmConfig("im2col", 5, 16, 18, 5, 32));
  conv({nchw, 1, 2, 26, 29, 6, 2, 3, 5, 5, 0, 2, 1, 1},
       gemmConfig("im2col", 3, 16, 12, 6, 32));
  conv({nchw, 1, 3, 20, 21, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2},
       gemmConfig("im2col", 4, 16, 27, 4, 16));
  // Stride 2 with the generic packer (spans in vector()).
  conv({nchw, 1, 3, 13, 14, 5, 3, 3, 2, 2, 1, 1, 1, 1},
       gemmConfig("im2col", 3, 32, 7, 6, 64));
  // B unpacked: the micro-kernel builds im2col vectors itself; A unpacked.
  conv({nchw, 1, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1},
       gemmConfig("im2col", 3, 32, 27, 6, 64, 2, 1, 0));
  conv({nchw, 1, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1},
       gemmConfig("im2col", 3, 32, 27, 6, 64, 2, 0, 1));
  // Two threads over the jc blocks.
  conv({nchw, 1, 8, 14, 14, 16, 3, 3, 1, 1, 1, 1, 1, 1},
       gemmConfig("im2col", 4, 32, 36, 16, 64, 4, 1, 1, 2));
  // The model's own derivation.
  conv({nchw, 1, 16, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1}, "im2col");
  conv({nchw, 2, 3, 30, 30, 16, 7, 7, 2, 2, 3, 3, 3, 3}, "im2col");
  conv({nchw, 1, 9, 13, 11, 7, 5, 5, 1, 1, 0, 0, 0, 0, 2}, "im2col");

  // --- im2col, NHWC (A = im2col, packed row-major in runs of C channels).
  for (const char *nhwc : {"nhwc_hwcf", "nhwc_fhwc"}) {
    // C = 3: runs shorter than a vector; kc = 3 runs.
    conv({nhwc, 1, 3, 11, 13, 5, 3, 3, 1, 1, 1, 1, 1, 1},
         gemmConfig("im2col", 4, 16, 9, 8, 32));
    // C = 20 (a vector and a tail per run), stride 2, padding 3, 7x7.
    conv({nhwc, 1, 20, 17, 15, 9, 7, 7, 2, 2, 3, 3, 3, 3},
         gemmConfig("im2col", 5, 16, 80, 20, 32, 2));
    // kc a divisor of C (each block inside one run), dilation 2, batch 2.
    conv({nhwc, 2, 32, 9, 10, 17, 3, 3, 1, 1, 2, 2, 2, 2, 2},
         gemmConfig("im2col", 6, 32, 16, 36, 32));
    // Window rows of 3 x 10 channels, kc inside one (a divisor of 30) and
    // kc of two rows; stride 2 with padding on one side.
    conv({nhwc, 1, 10, 9, 12, 6, 3, 3, 2, 2, 0, 1, 1, 0},
         gemmConfig("im2col", 3, 16, 15, 6, 16));
    conv({nhwc, 2, 10, 9, 12, 6, 3, 3, 1, 1, 1, 1, 1, 1},
         gemmConfig("im2col", 3, 16, 60, 6, 16));
    // kc neither: the generic packer; nc splits F.
    conv({nhwc, 1, 6, 8, 9, 40, 3, 3, 1, 1, 1, 1, 1, 1},
         gemmConfig("im2col", 3, 16, 10, 9, 16));
    // kc > K, asymmetric stride and padding.
    conv({nhwc, 1, 5, 12, 19, 7, 2, 3, 2, 1, 0, 1, 1, 0},
         gemmConfig("im2col", 4, 16, 100, 12, 16));
    // The model's own derivation.
    conv({nhwc, 1, 16, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1}, "im2col");
    conv({nhwc, 2, 3, 30, 30, 16, 7, 7, 2, 2, 3, 3, 3, 3}, "im2col");
  }
  // A unpacked (im2col elements in the micro-kernel), B unpacked (HWCF).
  conv({"nhwc_hwcf", 1, 4, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1},
       gemmConfig("im2col", 3, 16, 36, 6, 16, 2, 0, 1));
  conv({"nhwc_hwcf", 1, 4, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1},
       gemmConfig("im2col", 3, 16, 36, 6, 16, 2, 1, 0));
  // Two threads over jc blocks of F.
  conv({"nhwc_hwcf", 1, 8, 10, 10, 40, 3, 3, 1, 1, 1, 1, 1, 1},
       gemmConfig("im2col", 4, 16, 24, 16, 16, 4, 1, 1, 2));

  // --- gemm1x1 on views of the tensors.
  for (const char *layout : {"nchw_fchw", "nhwc_hwcf", "nhwc_fhwc"}) {
    conv({layout, 1, 13, 7, 9, 19, 1, 1},
         gemmConfig("gemm1x1", 5, 32, 8, 10, 64));
    conv({layout, 2, 17, 5, 11, 33, 1, 1},
         gemmConfig("gemm1x1", 6, 48, 64, 36, 48));
    conv({layout, 2, 24, 14, 14, 24, 1, 1}, "gemm1x1");
  }
  conv({"nchw_fchw", 1, 7, 9, 9, 10, 1, 1},
       gemmConfig("gemm1x1", 3, 32, 8, 6, 64, 2, 0, 0));
  conv({"nhwc_hwcf", 1, 7, 9, 9, 10, 1, 1},
       gemmConfig("gemm1x1", 3, 16, 8, 6, 16, 2, 0, 0));
  conv({"nhwc_hwcf", 1, 64, 8, 8, 64, 1, 1},
       gemmConfig("gemm1x1", 4, 32, 32, 64, 32, 4, 1, 1, 2));

  // --- Blocked GEMM through memref matrix sources (the refactoring).
  gemm(37, 71, 53, false, false,
       gemmConfig("blocked", 5, 32, 24, 20, 64, 4, 1, 1, 1, 8));
  gemm(37, 71, 53, true, false, gemmConfig("blocked", 4, 48, 30, 16, 96));
  gemm(37, 21, 53, false, true, gemmConfig("blocked", 4, 16, 30, 16, 32));
  gemm(13, 19, 17, true, true, gemmConfig("blocked", 3, 16, 17, 9, 16, 1));
  gemm(37, 71, 53, false, false,
       gemmConfig("blocked", 3, 32, 24, 21, 64, 2, 0, 0, 2));
  gemm(1, 17, 5, false, false, gemmConfig("blocked", 6, 32, 128, 96, 2048));
  gemm(64, 64, 64, false, false, "blocked");
  return cases;
}

//===----------------------------------------------------------------------===//
// Running a kernel between guard zones
//===----------------------------------------------------------------------===//

constexpr size_t kGuard = 64; // elements: keeps the data 64-byte aligned
constexpr uint8_t kGuardByte = 0xA5;

struct GuardedRun {
  AlignedBuffer output;
  bool outputGuardsIntact = true;
  bool inputsUnchanged = true;
};

/// Copies each operand into the middle of a larger buffer (NaN guards around
/// inputs, a byte pattern around the output), runs the kernel on the copies
/// and checks the guards and inputs afterwards.
GuardedRun runGuarded(CompiledKernel &kernel, const WorkloadBuffers &buffers,
                      size_t elementBytes) {
  std::vector<AlignedBuffer> copies;
  std::vector<void *> pointers;
  for (size_t i = 0; i < buffers.operands.size(); ++i) {
    const AlignedBuffer &operand = buffers.operands[i];
    AlignedBuffer copy(operand.size() + 2 * kGuard, elementBytes);
    char *base = static_cast<char *>(copy.data());
    size_t guardBytes = kGuard * elementBytes;
    if (i == buffers.output) {
      std::memset(base, kGuardByte, copy.bytes());
    } else {
      for (size_t e = 0; e < copy.size(); ++e)
        if (elementBytes == 4)
          copy.as<float>()[e] = std::numeric_limits<float>::quiet_NaN();
        else
          copy.as<double>()[e] = std::numeric_limits<double>::quiet_NaN();
    }
    std::memcpy(base + guardBytes, operand.data(), operand.bytes());
    pointers.push_back(base + guardBytes);
    copies.push_back(std::move(copy));
  }
  kernel.run(pointers);
  GuardedRun result;
  size_t guardBytes = kGuard * elementBytes;
  for (size_t i = 0; i < copies.size(); ++i) {
    const AlignedBuffer &operand = buffers.operands[i];
    const char *base = static_cast<const char *>(copies[i].data());
    if (i == buffers.output) {
      for (size_t b = 0; b < guardBytes; ++b)
        if (uint8_t(base[b]) != kGuardByte ||
            uint8_t(base[guardBytes + operand.bytes() + b]) != kGuardByte)
          result.outputGuardsIntact = false;
      result.output = AlignedBuffer(operand.size(), elementBytes);
      std::memcpy(result.output.data(), base + guardBytes, operand.bytes());
    } else if (std::memcmp(base + guardBytes, operand.data(),
                           operand.bytes()) != 0) {
      result.inputsUnchanged = false;
    }
  }
  return result;
}

/// The config to run: the case's own, or the named algorithm's model
/// derivation (on the nominal profile, so that it does not depend on a
/// cached calibration).
llvm::Expected<Config> configFor(const Case &c) {
  auto parsed = Config::parse(c.config);
  if (!parsed || !parsed->params().empty())
    return parsed;
  Profile profile = Profile::nominal(hostTarget());
  DecideOptions options;
  options.override = *parsed;
  auto decision = decide(c.workload, Machine{hostTarget(), profile}, options);
  if (!decision)
    return decision.takeError();
  return decision->config;
}

class GemmConv : public ::testing::TestWithParam<Case> {};

TEST_P(GemmConv, MatchesReference) {
  const Case &c = GetParam();
  if (!hostTarget().runsOnHost)
    GTEST_SKIP() << "the host target does not run here";
  auto config = configFor(c);
  ASSERT_TRUE(bool(config)) << llvm::toString(config.takeError());
  SCOPED_TRACE("config: " + config->str());
  auto kernel = compileKernel(c.workload, *config, hostTarget());
  ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());

  WorkloadBuffers buffers = makeBuffers(c.workload, /*seed=*/77);
  ReferenceResult reference = computeReference(c.workload, buffers);
  size_t elementBytes = elementBits(workloadElement(c.workload)) / 8;
  GuardedRun run = runGuarded(**kernel, buffers, elementBytes);
  EXPECT_TRUE(run.outputGuardsIntact) << "the kernel wrote outside the output";
  EXPECT_TRUE(run.inputsUnchanged) << "the kernel modified an input";
  Comparison cmp = compareToReference(c.workload, run.output, reference);
  EXPECT_TRUE(cmp.passed) << "max relative error " << cmp.maxRelativeError
                          << " > tolerance " << cmp.tolerance
                          << " at output element " << cmp.worstIndex;
}

INSTANTIATE_TEST_SUITE_P(Kernels, GemmConv, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<Case> &info) {
                           return info.param.label;
                         });

//===----------------------------------------------------------------------===//
// Models and generator errors on fixed inputs
//===----------------------------------------------------------------------===//

Config derived(const char *algorithm, const ConvWorkload &w) {
  Profile profile = Profile::nominal(hostTarget());
  DecideOptions options;
  options.override = Config(algorithm);
  auto decision = decide(w, Machine{hostTarget(), profile}, options);
  EXPECT_TRUE(bool(decision)) << llvm::toString(decision.takeError());
  return decision ? decision->config : Config();
}

TEST(GemmConvModels, EquivalentGemms) {
  ConvWorkload w =
      convWorkload({"nchw_fchw", 2, 64, 56, 56, 128, 3, 3, 2, 2, 1, 1, 1, 1});
  auto g = equivalentGemm(w);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->batch, 2);
  EXPECT_EQ(g->m, 128);
  EXPECT_EQ(g->n, 28 * 28);
  EXPECT_EQ(g->k, 64 * 9);
  EXPECT_FALSE(g->transB);
  w.layout = ConvLayout::NhwcFhwc;
  g = equivalentGemm(w);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->batch, 1);
  EXPECT_EQ(g->m, 2 * 28 * 28);
  EXPECT_EQ(g->n, 128);
  EXPECT_EQ(g->k, 9 * 64);
  EXPECT_TRUE(g->transB);
  w.layout = ConvLayout::NhwcHwc;
  EXPECT_FALSE(equivalentGemm(w).has_value());
}

TEST(GemmConvModels, Im2colKcIsWholeTapsAndVirtualOperandPacked) {
  // NCHW: kc a multiple of KH*KW, B packed.
  for (int64_t kernel : {3, 5, 7}) {
    ConvWorkload w = convWorkload(
        {"nchw_fchw", 1, 256, 28, 28, 256, kernel, kernel, 1, 1, 1, 1, 1, 1});
    Config config = derived("im2col", w);
    EXPECT_EQ(config.get("kc") % (kernel * kernel), 0) << config.str();
    EXPECT_EQ(config.get("packB"), 1) << config.str();
  }
  // NHWC: kc a multiple or a divisor of the packer's run: a window row
  // (3 x C) for few channels, the C channels of a tap for many; A packed.
  for (auto [channels, run] : {std::pair<int64_t, int64_t>{16, 48},
                               {48, 144},
                               {512, 512},
                               {2048, 2048}}) {
    ConvWorkload w = convWorkload(
        {"nhwc_hwcf", 1, channels, 14, 14, 128, 3, 3, 1, 1, 1, 1, 1, 1});
    EXPECT_EQ(im2colNhwcRunLength(w), run);
    Config config = derived("im2col", w);
    int64_t kc = config.get("kc");
    EXPECT_TRUE(kc % run == 0 || run % kc == 0) << config.str();
    EXPECT_EQ(config.get("packA"), 1) << config.str();
  }
  // Dilation 2: window rows are not contiguous, runs are taps.
  ConvWorkload dilated = convWorkload(
      {"nhwc_hwcf", 1, 16, 14, 14, 128, 3, 3, 1, 1, 2, 2, 2, 2, 2});
  EXPECT_EQ(im2colNhwcRunLength(dilated), 16);
}

TEST(GemmConvModels, Im2colPredictionReplacesThePackingOfXcol) {
  const Algorithm *im2col = findAlgorithm("im2col");
  ASSERT_NE(im2col, nullptr);
  Profile profile = Profile::nominal(hostTarget());
  Machine machine{hostTarget(), profile};
  ConvWorkload nchw =
      convWorkload({"nchw_fchw", 1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1});
  Config config = derived("im2col", nchw);
  Prediction p = im2col->model->predict(nchw, config, machine);
  EXPECT_NE(p.term("pack B (im2col)"), nullptr);
  EXPECT_EQ(p.term("pack B"), nullptr);
  EXPECT_TRUE(std::isfinite(p.seconds));
  // Strided (gathers) costs more packing per vector than stride 1.
  ConvWorkload strided = nchw;
  strided.strideW = strided.strideH = 2;
  strided.h = strided.w = 111; // same 56x56 output
  Prediction ps = im2col->model->predict(strided, config, machine);
  ASSERT_NE(ps.term("pack B (im2col)"), nullptr);
  EXPECT_GT(ps.term("pack B (im2col)")->seconds,
            p.term("pack B (im2col)")->seconds);

  ConvWorkload nhwc = nchw;
  nhwc.layout = ConvLayout::NhwcHwcf;
  Config nhwcConfig = derived("im2col", nhwc);
  Prediction q = im2col->model->predict(nhwc, nhwcConfig, machine);
  EXPECT_NE(q.term("pack A (im2col)"), nullptr);
  EXPECT_EQ(q.term("pack A"), nullptr);

  // An unaligned kc is legal but warned about; packB=0 too.
  std::vector<std::string> warnings;
  Config unaligned = config;
  unaligned.set("kc", 100);
  llvm::Error err =
      im2col->model->verify(nchw, unaligned, hostTarget(), warnings);
  EXPECT_FALSE(bool(err)) << llvm::toString(std::move(err));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("generic"), std::string::npos) << warnings[0];
  warnings.clear();
  Config unpacked = config;
  unpacked.set("packB", 0);
  err = im2col->model->verify(nchw, unpacked, hostTarget(), warnings);
  EXPECT_FALSE(bool(err)) << llvm::toString(std::move(err));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("unpacked"), std::string::npos) << warnings[0];
}

TEST(GemmConvModels, Gemm1x1IsTheBlockedModelPerImage) {
  const Algorithm *gemm1x1 = findAlgorithm("gemm1x1");
  const Algorithm *blocked = findAlgorithm("blocked");
  ASSERT_NE(gemm1x1, nullptr);
  ASSERT_NE(blocked, nullptr);
  Profile profile = Profile::nominal(hostTarget());
  Machine machine{hostTarget(), profile};
  ConvWorkload w = convWorkload({"nchw_fchw", 3, 64, 28, 28, 128, 1, 1});
  Config config = derived("gemm1x1", w);
  Config asBlocked = config;
  asBlocked.setAlgorithm("blocked");
  double perImage =
      blocked->model->predict(*equivalentGemm(w), asBlocked, machine).seconds;
  EXPECT_NEAR(gemm1x1->model->predict(w, config, machine).seconds, 3 * perImage,
              1e-12);
  std::string whyNot;
  ConvWorkload k3 = w;
  k3.kh = k3.kw = 3;
  k3.padTop = k3.padLeft = k3.padBottom = k3.padRight = 1;
  EXPECT_FALSE(gemm1x1->model->applies(k3, hostTarget(), whyNot));
  EXPECT_FALSE(whyNot.empty());
  EXPECT_TRUE(
      findAlgorithm("im2col")->model->applies(k3, hostTarget(), whyNot));
  ConvWorkload depthwise = w;
  depthwise.layout = ConvLayout::NchwChw;
  depthwise.groups = depthwise.c = depthwise.f = 64;
  EXPECT_FALSE(gemm1x1->model->applies(depthwise, hostTarget(), whyNot));
  EXPECT_FALSE(
      findAlgorithm("im2col")->model->applies(depthwise, hostTarget(), whyNot));
}

TEST(GemmConvGenerators, Gemm1x1RefusesAPaddedConvolution) {
  ConvWorkload w =
      convWorkload({"nchw_fchw", 1, 4, 6, 6, 4, 1, 1, 1, 1, 1, 1, 1, 1});
  auto kernel = compileKernel(
      w, *Config::parse(gemmConfig("gemm1x1", 4, 16, 8, 8, 16)), hostTarget());
  ASSERT_FALSE(bool(kernel));
  std::string message = llvm::toString(kernel.takeError());
  EXPECT_NE(message.find("'gemm1x1' does not apply: padded"), std::string::npos)
      << message;
}

} // namespace
