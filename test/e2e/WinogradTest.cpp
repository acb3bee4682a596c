//===- WinogradTest.cpp - Winograd convolution kernels against a reference
//-===//
//
// Each case JIT-compiles one Winograd kernel for the host (F(2,3) and
// F(4,3); NCHW/FCHW, NHWC/HWCF and NHWC/FHWC; odd output sizes, hence
// partial tiles at the right and bottom; padding 0, 1, 2; batch 2; C and F
// not multiples of the vector length; blocks, register tiles, filter blocks
// and reduction passes that do not divide the problem; two threads), runs it
// on random inputs and a random initial output with guard zones after every
// operand, and compares with the double-precision reference. The measured
// error is checked against the tolerance and against the model's error
// estimate. Weights given as a constant memref.global take the compile-time
// filter transform, checked the same way.
//
// About 25 kernels at 0.1-0.5 s of JIT compilation each.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Model/WinogradConvParams.h"
#include "autoconfig/Pipeline/Jit.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Pipeline/Lowering.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/Extraction.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FormatVariadic.h"

#include "gtest/gtest.h"

#include <cstring>
#include <map>
#include <ostream>
#include <string>
#include <vector>

using namespace autoconfig;

namespace {

const TargetDesc &targetNamed(const std::string &name) {
  static std::map<std::string, TargetDesc> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    auto resolved = resolveTarget(name, "");
    TargetDesc target;
    if (resolved)
      target = *resolved;
    else
      llvm::consumeError(resolved.takeError());
    it = cache.emplace(name, target).first;
  }
  return it->second;
}

const TargetDesc &hostTarget() { return targetNamed("host"); }

struct WinogradCase {
  std::string label;
  std::string layout;
  int64_t n, c, h, w, f, pad;
  /// Partial config, completed by the model ("winograd m=4 ...").
  std::string config;
  bool constWeights = false;
  ElementKind element = ElementKind::F32;
  /// A target that runs here: "host" or a narrower x86 preset.
  std::string target = "host";

  ConvWorkload workload() const {
    ConvWorkload cw;
    cw.name = label;
    cw.layout = *parseConvLayout(layout);
    cw.opName = layout == "nchw_fchw"   ? "linalg.conv_2d_nchw_fchw"
                : layout == "nhwc_hwcf" ? "linalg.conv_2d_nhwc_hwcf"
                                        : "linalg.conv_2d_nhwc_fhwc";
    cw.n = n;
    cw.c = c;
    cw.h = h;
    cw.w = w;
    cw.f = f;
    cw.kh = cw.kw = 3;
    cw.padTop = cw.padBottom = cw.padLeft = cw.padRight = pad;
    cw.constWeights = constWeights;
    cw.element = element;
    return cw;
  }
};

void PrintTo(const WinogradCase &c, std::ostream *os) {
  *os << c.label << " [" << c.config << "]";
}

std::vector<WinogradCase> allCases() {
  const char *nchw = "nchw_fchw", *hwcf = "nhwc_hwcf", *fhwc = "nhwc_fhwc";
  std::vector<WinogradCase> cases = {
      // Odd sizes: 13x13 output in 2x2 / 4x4 tiles, C and F off 16.
      {"nchw_f2_c19_f21_13x13_p1", nchw, 1, 19, 13, 13, 21, 1, "winograd m=2"},
      {"nchw_f4_c19_f21_13x13_p1", nchw, 1, 19, 13, 13, 21, 1, "winograd m=4"},
      // Batch 2, no padding, 15x9 output, non-square.
      {"nchw_f4_n2_c16_f32_17x11_p0", nchw, 2, 16, 17, 11, 32, 0,
       "winograd m=4"},
      {"nchw_f2_n2_c16_f32_17x11_p0", nchw, 2, 16, 17, 11, 32, 0,
       "winograd m=2"},
      // Padding 2 (output 12x14 > input).
      {"nchw_f4_c24_f16_10x12_p2", nchw, 1, 24, 10, 12, 16, 2, "winograd m=4"},
      // Everything off its block: kc passes 16+16+8, filter blocks 32+16,
      // 6-tile blocks in 5-tile register tiles, blocks past the edge.
      {"nchw_f2_blocking", nchw, 1, 40, 11, 13, 48, 1,
       "winograd m=2 tbh=2 tbw=3 mr=5 nr=16 nc=32 kc=16 ku=4"},
      {"nchw_f4_blocking", nchw, 2, 40, 9, 19, 48, 1,
       "winograd m=4 tbh=1 tbw=3 mr=2 nr=32 nc=32 kc=24 ku=1"},
      {"nchw_f4_threads2", nchw, 2, 16, 12, 12, 16, 1,
       "winograd m=4 tbh=1 tbw=2 threads=2"},
      {"nchw_f4_vl8", nchw, 1, 20, 9, 9, 12, 1, "winograd m=4 vl=8 nr=16"},
      // NHWC / HWCF.
      {"hwcf_f2_n2_c19_f21_13x9_p1", hwcf, 2, 19, 13, 9, 21, 1, "winograd m=2"},
      {"hwcf_f4_n2_c19_f21_13x9_p1", hwcf, 2, 19, 13, 9, 21, 1, "winograd m=4"},
      {"hwcf_f4_c16_f16_10x10_p2", hwcf, 1, 16, 10, 10, 16, 2, "winograd m=4"},
      {"hwcf_f2_blocking", hwcf, 1, 40, 11, 13, 48, 0,
       "winograd m=2 tbh=2 tbw=3 mr=5 nr=16 nc=32 kc=16 ku=4"},
      {"hwcf_f4_vl8", hwcf, 1, 20, 9, 9, 12, 1, "winograd m=4 vl=8 nr=16"},
      // NHWC / FHWC.
      {"fhwc_f2_c21_f19_15x15_p1", fhwc, 1, 21, 15, 15, 19, 1, "winograd m=2"},
      {"fhwc_f4_n2_c33_f40_9x14_p0", fhwc, 2, 33, 9, 14, 40, 0, "winograd m=4"},
      {"fhwc_f4_threads2", fhwc, 2, 16, 11, 11, 24, 1,
       "winograd m=4 tbh=1 tbw=2 mr=3 threads=2"},
      // The model's own config for the rest.
      {"nchw_model_c32_f64_16x16_p1", nchw, 1, 32, 16, 16, 64, 1, "winograd"},
      {"hwcf_model_c32_f64_16x16_p1", hwcf, 1, 32, 16, 16, 64, 1, "winograd"},
  };
  // f64: 8 lanes, 8x8 transposes.
  WinogradCase f64{"nchw_f4_f64_c16_f16_11x11_p1",
                   nchw,
                   1,
                   16,
                   11,
                   11,
                   16,
                   1,
                   "winograd m=4"};
  f64.element = ElementKind::F64;
  cases.push_back(f64);
  WinogradCase f64n{
      "fhwc_f2_f64_c9_f10_7x7_p1", fhwc, 1, 9, 7, 7, 10, 1, "winograd m=2"};
  f64n.element = ElementKind::F64;
  cases.push_back(f64n);
  // Narrower targets: AVX2 (8 lanes, 16 registers), SSE 4.2 (4 lanes, no
  // FMA instruction).
  WinogradCase avx2{"avx2_nchw_f4_c20_f12_9x11_p1",
                    nchw,
                    1,
                    20,
                    9,
                    11,
                    12,
                    1,
                    "winograd m=4"};
  avx2.target = "x86-avx2";
  cases.push_back(avx2);
  WinogradCase sse{
      "sse_hwcf_f2_c6_f7_7x9_p1", hwcf, 1, 6, 7, 9, 7, 1, "winograd m=2"};
  sse.target = "x86-sse4.2";
  cases.push_back(sse);
  // Constant weights: the compile-time filter transform.
  for (WinogradCase c : std::vector<WinogradCase>{
           {"const_nchw_f4_c17_f20_11x11_p1", nchw, 1, 17, 11, 11, 20, 1,
            "winograd m=4"},
           {"const_hwcf_f2_c9_f18_10x7_p0", hwcf, 2, 9, 10, 7, 18, 0,
            "winograd m=2"},
           {"const_fhwc_f4_c16_f16_9x9_p2", fhwc, 1, 16, 9, 9, 16, 2,
            "winograd m=4 nr=16"},
       }) {
    c.constWeights = true;
    cases.push_back(c);
  }
  return cases;
}

/// The completed config: the model fills what the case leaves out.
llvm::Expected<Config> completedConfig(const ConvWorkload &w,
                                       const std::string &text,
                                       const TargetDesc &target) {
  auto partial = Config::parse(text);
  if (!partial)
    return partial.takeError();
  Profile profile = Profile::nominal(target);
  DecideOptions options;
  options.override = *partial;
  auto decision = decide(Workload(w), Machine{target, profile}, options);
  if (!decision)
    return decision.takeError();
  return decision->config;
}

//===----------------------------------------------------------------------===//
// Constant weights: a kernel whose filter is a memref.global
//===----------------------------------------------------------------------===//

/// kernelModuleText with the filter argument replaced by a constant global
/// holding `weights`.
std::string constantWeightsModule(const ConvWorkload &w,
                                  const AlignedBuffer &weights) {
  std::string text = kernelModuleText(w);
  auto shapes = kernelOperandShapes(w);
  std::string type = "memref<";
  for (int64_t d : shapes[1])
    type += std::to_string(d) + "x";
  type += std::string(elementName(w.element)) + ">";
  std::string argument = "%w: " + type + ", ";
  size_t at = text.find(argument);
  if (at == std::string::npos)
    return "";
  text.erase(at, argument.size());
  size_t bodyStart = text.find("{\n", text.find("llvm.emit_c_interface"));
  text.insert(bodyStart + 2,
              "  %w = memref.get_global @weights : " + type + "\n");
  // The raw little-endian bytes as one hex literal (any shape).
  std::string hex = "0x";
  const auto *bytes = static_cast<const uint8_t *>(weights.data());
  for (size_t i = 0; i < weights.bytes(); ++i)
    hex += llvm::formatv("{0:X-2}", bytes[i]).str();
  return "memref.global \"private\" constant @weights : " + type +
         " = dense<\"" + hex + "\">\n" + text;
}

/// Compiles the constant-weights kernel; reports whether the generator made
/// the transformed filter a global.
struct ConstantKernel {
  std::unique_ptr<JitModule> jit;
  JitModule::PackedFn entry = nullptr;
  bool transformedGlobal = false;
};

llvm::Expected<ConstantKernel>
compileConstantKernel(const ConvWorkload &w, const AlignedBuffer &weights,
                      const Config &config) {
  auto fail = [](const llvm::Twine &what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), what);
  };
  auto context = createAutoConfigContext();
  std::string text = constantWeightsModule(w, weights);
  auto module = parseInputString(text, *context);
  if (!module)
    return fail("cannot parse the constant-weights kernel");
  // The workload extracted from the IR sees the constant weights.
  bool sawConstant = false;
  module->walk([&](mlir::Operation *op) {
    if (!isConfigurableOp(op))
      return;
    auto extracted = extractWorkload(op);
    if (succeeded(extracted))
      sawConstant = std::get<ConvWorkload>(*extracted).constWeights;
    op->setAttr(kConfigAttrName,
                mlir::StringAttr::get(context.get(), config.str()));
  });
  if (!sawConstant)
    return fail("extraction did not mark the weights constant");
  mlir::PassManager pm(context.get());
  pm.addPass(createGeneratePass(hostTarget()));
  if (failed(pm.run(*module)))
    return fail("generation failed");
  ConstantKernel kernel;
  module->walk([&](mlir::memref::GlobalOp global) {
    if (global.getSymName().starts_with("__autoconfig_winograd"))
      kernel.transformedGlobal = global.getConstant();
  });
  LoweringOptions lowering;
  if (failed(lowerToLLVMDialect(*module, hostTarget(), lowering)))
    return fail("lowering failed");
  auto jit = JitModule::create(*module, hostTarget());
  if (!jit)
    return jit.takeError();
  auto entry = (*jit)->packed("kernel");
  if (!entry)
    return entry.takeError();
  kernel.jit = std::move(*jit);
  kernel.entry = *entry;
  return kernel;
}

//===----------------------------------------------------------------------===//
// Running with guard zones
//===----------------------------------------------------------------------===//

constexpr size_t kGuard = 64;
constexpr uint8_t kGuardByte = 0x5A;

struct Guarded {
  std::vector<AlignedBuffer> copies;
  std::vector<void *> pointers;
};

Guarded guardedCopies(const WorkloadBuffers &buffers, size_t elementBytes) {
  Guarded g;
  for (const AlignedBuffer &operand : buffers.operands) {
    AlignedBuffer copy(operand.size() + kGuard, elementBytes);
    std::memcpy(copy.data(), operand.data(), operand.bytes());
    std::memset(static_cast<char *>(copy.data()) + operand.bytes(), kGuardByte,
                kGuard * elementBytes);
    g.pointers.push_back(copy.data());
    g.copies.push_back(std::move(copy));
  }
  return g;
}

/// Checks guards and inputs; returns the output as the kernel left it.
AlignedBuffer checkGuards(const Guarded &g, const WorkloadBuffers &buffers,
                          size_t elementBytes) {
  for (size_t i = 0; i < g.copies.size(); ++i) {
    const AlignedBuffer &operand = buffers.operands[i];
    const auto *guard =
        static_cast<const uint8_t *>(g.copies[i].data()) + operand.bytes();
    bool intact = true;
    for (size_t b = 0; b < kGuard * elementBytes; ++b)
      intact &= guard[b] == kGuardByte;
    EXPECT_TRUE(intact) << "the kernel wrote past the end of operand " << i;
    if (i != buffers.output)
      EXPECT_EQ(
          std::memcmp(g.copies[i].data(), operand.data(), operand.bytes()), 0)
          << "the kernel modified input " << i;
  }
  const AlignedBuffer &out = buffers.operands[buffers.output];
  AlignedBuffer result(out.size(), elementBytes);
  std::memcpy(result.data(), g.copies[buffers.output].data(), out.bytes());
  return result;
}

class WinogradNumerics : public ::testing::TestWithParam<WinogradCase> {};

TEST_P(WinogradNumerics, MatchesReference) {
  const WinogradCase &c = GetParam();
  const TargetDesc &target = targetNamed(c.target);
  if (!target.runsOnHost || hostTarget().vectorBits < 256)
    GTEST_SKIP() << c.target << " does not run here, or the host has "
                 << "narrower vectors than the cases assume";
  ConvWorkload w = c.workload();
  auto config = completedConfig(w, c.config, target);
  ASSERT_TRUE(bool(config)) << llvm::toString(config.takeError());
  SCOPED_TRACE("config: " + config->str());
  int64_t m = config->get("m");

  WorkloadBuffers buffers = makeBuffers(Workload(w), /*seed=*/77);
  ReferenceResult reference = computeReference(Workload(w), buffers);
  size_t elementBytes = elementBits(w.element) / 8;
  Guarded guarded = guardedCopies(buffers, elementBytes);
  if (c.constWeights) {
    auto kernel = compileConstantKernel(w, buffers.operands[1], *config);
    ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());
    EXPECT_TRUE(kernel->transformedGlobal)
        << "constant weights did not get a compile-time transform";
    // The kernel takes the input and the output only.
    auto shapes = kernelOperandShapes(Workload(w));
    MemRefDescriptor x(guarded.pointers[0], shapes[0]);
    MemRefDescriptor y(guarded.pointers[2], shapes[2]);
    void *descriptors[2] = {x.get(), y.get()};
    void *args[2] = {&descriptors[0], &descriptors[1]};
    kernel->entry(args);
  } else {
    auto kernel = compileKernel(Workload(w), *config, target);
    ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());
    (*kernel)->run(guarded.pointers);
  }
  AlignedBuffer output = checkGuards(guarded, buffers, elementBytes);

  Comparison cmp = compareToReference(Workload(w), output, reference);
  double estimate = winogradExpectedError(w, m);
  std::printf("[winograd] %-34s m=%lld max error %.3g = %.3f x tolerance "
              "(%.3g); model estimate %.3g\n",
              c.label.c_str(), (long long)m, cmp.maxRelativeError,
              cmp.maxRelativeError / cmp.tolerance, cmp.tolerance, estimate);
  EXPECT_TRUE(cmp.passed) << "max relative error " << cmp.maxRelativeError
                          << " > tolerance " << cmp.tolerance << " at element "
                          << cmp.worstIndex;
  EXPECT_LE(cmp.maxRelativeError, cmp.tolerance);
  // The model's estimate is of the same largest error: not exceeded.
  EXPECT_LE(cmp.maxRelativeError, estimate)
      << "the error model underestimates F(" << m << "x" << m << ",3x3)";
}

INSTANTIATE_TEST_SUITE_P(Winograd, WinogradNumerics,
                         ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<WinogradCase> &i) {
                           return i.param.label;
                         });

/// The check can fail: a Winograd kernel whose output lost one tile's
/// contribution (as a missed edge tile would) is rejected.
TEST(WinogradCheck, MissingEdgeTileFails) {
  if (!hostTarget().runsOnHost || hostTarget().vectorBits < 256)
    GTEST_SKIP() << "needs a host with 256-bit vectors or wider";
  WinogradCase c{"edge", "nchw_fchw", 1, 16, 13, 13, 16, 1, "winograd m=4"};
  ConvWorkload w = c.workload();
  auto config = completedConfig(w, c.config, hostTarget());
  ASSERT_TRUE(bool(config)) << llvm::toString(config.takeError());
  auto kernel = compileKernel(Workload(w), *config, hostTarget());
  ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());
  WorkloadBuffers buffers = makeBuffers(Workload(w), 5);
  ReferenceResult reference = computeReference(Workload(w), buffers);
  AlignedBuffer initial(buffers.outputBuffer().size(), sizeof(float));
  initial.copyFrom(buffers.outputBuffer());
  std::vector<void *> pointers = buffers.pointers();
  (*kernel)->run(pointers);
  ASSERT_TRUE(compareToReference(Workload(w), buffers.outputBuffer(), reference)
                  .passed);
  // Bottom-right output pixel (the partial 4x4 tile) back to its initial
  // value.
  size_t last = buffers.outputBuffer().size() - 1;
  buffers.outputBuffer().as<float>()[last] = initial.as<float>()[last];
  EXPECT_FALSE(
      compareToReference(Workload(w), buffers.outputBuffer(), reference)
          .passed);
}

} // namespace
