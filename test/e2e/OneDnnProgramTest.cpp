//===- OneDnnProgramTest.cpp - The oneDNN peer vs the default lowering ----===//
//
// Small programs written as frontends write them (torch-mlir's linalg on
// tensors, TOSA), with random non-splat weights, executed by the oneDNN
// peer (bench/program) and by MLIR's default lowering of the same program
// (ModuleRunner, as `autoconfig run --compare` does) on the same random
// inputs. The outputs must agree, and the plan must show the mapping an
// expert would choose (batch normalization folded, activations and
// residual additions fused as post-ops, transposed weights and reshapes
// costing nothing).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/ProgramPeer.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Pipeline/ModuleRunner.h"
#include "autoconfig/Target/TargetDesc.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <random>

using namespace autoconfig;
using namespace llvm;

namespace {

/// `dense<"0x...">` of random values in [lo, hi) with the type of `shape`.
std::string randomDense(ArrayRef<int64_t> shape, uint64_t seed, double lo = -1,
                        double hi = 1) {
  int64_t count = 1;
  std::string type = "tensor<";
  for (int64_t d : shape) {
    count *= d;
    type += std::to_string(d) + "x";
  }
  type += "f32>";
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::string hex = "0x";
  for (int64_t i = 0; i < count; ++i) {
    float v = float(dist(rng));
    unsigned char bytes[4];
    std::memcpy(bytes, &v, 4);
    for (unsigned char b : bytes)
      hex += utohexstr(b, /*LowerCase=*/false, /*Width=*/2);
  }
  return "dense<\"" + hex + "\"> : " + type;
}

/// Replaces each `@NAME[d0,d1,...]` (or `@NAME[...]+` for positive values)
/// in `text` by a random dense constant of that shape.
std::string withConstants(std::string text) {
  uint64_t seed = 7;
  size_t at;
  while ((at = text.find("@R[")) != std::string::npos) {
    size_t close = text.find(']', at);
    SmallVector<StringRef> parts;
    StringRef(text).slice(at + 3, close).split(parts, ',');
    SmallVector<int64_t> shape;
    for (StringRef p : parts)
      shape.push_back(std::stoll(p.trim().str()));
    bool positive = close + 1 < text.size() && text[close + 1] == '+';
    std::string dense = positive ? randomDense(shape, ++seed, 0.5, 1.5)
                                 : randomDense(shape, ++seed);
    text.replace(at, close + 1 + positive - at, dense);
  }
  return text;
}

struct Outcome {
  double error = INFINITY;
  std::vector<std::string> plan;
  std::string failure;
};

/// max |a - b| / max |b| over the outputs.
double relativeError(const std::vector<AlignedBuffer> &a,
                     const std::vector<AlignedBuffer> &b) {
  double diff = 0, scale = 0;
  for (size_t o = 0; o < b.size(); ++o)
    for (size_t i = 0; i < b[o].size(); ++i) {
      double x = a[o].as<float>()[i], y = b[o].as<float>()[i];
      if (!std::isfinite(x))
        return INFINITY;
      diff = std::max(diff, std::fabs(x - y));
      scale = std::max(scale, std::fabs(y));
    }
  return diff / std::max(scale, 1e-30);
}

/// Runs `program` on the oneDNN peer and on MLIR's default lowering.
Outcome runBoth(const std::string &program, StringRef entry = "forward",
                unsigned threads = 1) {
  Outcome out;
  auto peerContext = createAutoConfigContext();
  auto module = parseInputString(program, *peerContext);
  if (!module || failed(prepareProgramForPeers(*module))) {
    out.failure = "cannot parse or prepare the program";
    return out;
  }
  auto peer = createOneDnnProgramPeer(*module, entry, threads);
  if (!peer) {
    out.failure = toString(peer.takeError());
    return out;
  }
  out.plan = (*peer)->plan();
  auto referenceContext = createAutoConfigContext();
  auto reference = parseInputString(program, *referenceContext);
  auto target = resolveTarget("", "");
  if (!reference || failed(normalizeModule(*reference)) || !target) {
    if (target)
      out.failure = "cannot lower the reference";
    else
      out.failure = toString(target.takeError());
    return out;
  }
  auto runner = ModuleRunner::create(*reference, entry, *target, 1);
  if (!runner) {
    out.failure = toString(runner.takeError());
    return out;
  }
  std::vector<AlignedBuffer> inputs;
  std::vector<void *> pointers;
  for (auto [i, shape] : llvm::enumerate((*runner)->argumentShapes())) {
    inputs.emplace_back(shape.elements(), shape.elementBytes);
    inputs.back().fillRandom(100 + i);
    pointers.push_back(inputs.back().data());
  }
  std::vector<AlignedBuffer> expected, actual;
  (*runner)->run(pointers, expected);
  std::vector<const void *> in(pointers.begin(), pointers.end());
  // Twice: the second run reuses the outputs and the bound buffers.
  for (int round = 0; round < 2; ++round)
    if (Error e = (*peer)->run(in, actual)) {
      out.failure = toString(std::move(e));
      return out;
    }
  if (actual.size() != expected.size()) {
    out.failure = "wrong number of outputs";
    return out;
  }
  out.error = relativeError(actual, expected);
  return out;
}

/// Plan lines containing every one of `words`.
int countLines(const std::vector<std::string> &plan,
               std::initializer_list<StringRef> words) {
  return int(llvm::count_if(plan, [&](const std::string &line) {
    return llvm::all_of(
        words, [&](StringRef w) { return StringRef(line).contains(w); });
  }));
}

std::string planText(const Outcome &o) {
  std::string text = o.failure + "\n";
  for (const std::string &line : o.plan)
    text += "  " + line + "\n";
  return text;
}

// A CNN as torch-mlir writes it: zero-padded convolution, batch
// normalization on constants, ReLU as compare and select, max pooling on a
// -FLT_MAX padding, average pooling as a sum and a division, a flatten, and
// the classifier's weight transposed by a generic before the matmul.
const char *kCnn = R"mlir(
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#tr2 = affine_map<(d0, d1) -> (d1, d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @forward(%x: tensor<2x3x16x16xf32>) -> tensor<2x10xf32> {
  %w = arith.constant @R[8,3,3,3]
  %gamma = arith.constant @R[8]
  %beta = arith.constant @R[8]
  %mean = arith.constant @R[8]
  %var = arith.constant @R[8]+
  %fcw = arith.constant @R[10,32]
  %fcb = arith.constant @R[10]
  %zero = arith.constant 0.000000e+00 : f32
  %lowest = arith.constant -3.40282347E+38 : f32
  %eps = arith.constant 1.000000e-05 : f64
  %sixteen = arith.constant 1.600000e+01 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x3x16x16xf32> to tensor<2x3x18x18xf32>
  %e = tensor.empty() : tensor<2x8x16x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%p, %w : tensor<2x3x18x18xf32>, tensor<8x3x3x3xf32>) outs(%f : tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32>
  %bn = linalg.generic {indexing_maps = [#map, #chan, #chan, #chan, #chan, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %gamma, %beta, %mean, %var : tensor<2x8x16x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%c : tensor<2x8x16x16xf32>) {
  ^bb0(%in: f32, %g: f32, %b: f32, %m: f32, %v: f32, %out: f32):
    %0 = arith.truncf %eps : f64 to f32
    %1 = arith.addf %v, %0 : f32
    %2 = math.rsqrt %1 : f32
    %3 = arith.subf %in, %m : f32
    %4 = arith.mulf %3, %2 : f32
    %5 = arith.mulf %4, %g : f32
    %6 = arith.addf %5, %b : f32
    linalg.yield %6 : f32
  } -> tensor<2x8x16x16xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bn : tensor<2x8x16x16xf32>) outs(%e : tensor<2x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.cmpf ugt, %in, %zero : f32
    %1 = arith.select %0, %in, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<2x8x16x16xf32>
  %pp = tensor.pad %r low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %lowest : f32
  } : tensor<2x8x16x16xf32> to tensor<2x8x18x18xf32>
  %me = tensor.empty() : tensor<2x8x8x8xf32>
  %mf = linalg.fill ins(%lowest : f32) outs(%me : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %mp = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%pp, %win : tensor<2x8x18x18xf32>, tensor<3x3xf32>) outs(%mf : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
  %se = tensor.empty() : tensor<2x8x2x2xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%se : tensor<2x8x2x2xf32>) -> tensor<2x8x2x2xf32>
  %win4 = tensor.empty() : tensor<4x4xf32>
  %sp = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<4> : vector<2xi64>} ins(%mp, %win4 : tensor<2x8x8x8xf32>, tensor<4x4xf32>) outs(%sf : tensor<2x8x2x2xf32>) -> tensor<2x8x2x2xf32>
  %avg = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sp : tensor<2x8x2x2xf32>) outs(%se : tensor<2x8x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.divf %in, %sixteen : f32
    linalg.yield %0 : f32
  } -> tensor<2x8x2x2xf32>
  %flat = tensor.collapse_shape %avg [[0], [1, 2, 3]] : tensor<2x8x2x2xf32> into tensor<2x32xf32>
  %te = tensor.empty() : tensor<32x10xf32>
  %wt = linalg.generic {indexing_maps = [#id2, #tr2], iterator_types = ["parallel", "parallel"]} ins(%fcw : tensor<10x32xf32>) outs(%te : tensor<32x10xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<32x10xf32>
  %oe = tensor.empty() : tensor<2x10xf32>
  %of = linalg.fill ins(%zero : f32) outs(%oe : tensor<2x10xf32>) -> tensor<2x10xf32>
  %mm = linalg.matmul ins(%flat, %wt : tensor<2x32xf32>, tensor<32x10xf32>) outs(%of : tensor<2x10xf32>) -> tensor<2x10xf32>
  %out = linalg.generic {indexing_maps = [#id2, #col, #id2], iterator_types = ["parallel", "parallel"]} ins(%mm, %fcb : tensor<2x10xf32>, tensor<10xf32>) outs(%oe : tensor<2x10xf32>) {
  ^bb0(%in: f32, %b: f32, %o: f32):
    %0 = arith.addf %in, %b : f32
    linalg.yield %0 : f32
  } -> tensor<2x10xf32>
  return %out : tensor<2x10xf32>
}
)mlir";

TEST(OneDnnProgram, CnnWithBatchNormPoolingAndClassifier) {
  Outcome o = runBoth(withConstants(kCnn));
  ASSERT_TRUE(o.failure.empty()) << planText(o);
  EXPECT_LT(o.error, 1e-5) << planText(o);
  // Batch normalization folded, ReLU a post-op, both pads folded into the
  // ops' padding, the division by the window absorbed by the average, the
  // transposed weight a constant, the bias folded into the inner product.
  EXPECT_EQ(countLines(o.plan,
                       {"convolution", "post-ops relu", "scale/shift folded"}),
            1)
      << planText(o);
  EXPECT_EQ(countLines(o.plan, {"pooling_max", "post-ops none"}), 1)
      << planText(o);
  EXPECT_EQ(countLines(o.plan, {"pooling_avg_include_padding", "post-ops none",
                                "absorbs"}),
            1)
      << planText(o);
  EXPECT_EQ(countLines(o.plan, {"inner_product", "scale/shift folded"}), 1)
      << planText(o);
  EXPECT_EQ(countLines(o.plan, {"evaluated at build time"}), 1) << planText(o);
  EXPECT_EQ(countLines(o.plan, {"(padding)"}) +
                countLines(o.plan, {": eltwise"}) +
                countLines(o.plan, {": binary_"}),
            0)
      << planText(o);
}

// A residual block: the second convolution's batch normalization, the
// shortcut addition and the ReLU fused into the shortcut's 1x1
// convolution, which comes last; then an identity shortcut summed in place.
const char *kResidual = R"mlir(
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @forward(%x: tensor<1x8x10x10xf32>) -> tensor<1x16x5x5xf32> {
  %w1 = arith.constant @R[16,8,3,3]
  %w2 = arith.constant @R[16,16,3,3]
  %ws = arith.constant @R[16,8,1,1]
  %w3 = arith.constant @R[16,16,3,3]
  %s1 = arith.constant @R[16]
  %s2 = arith.constant @R[16]
  %zero = arith.constant 0.000000e+00 : f32
  %px = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x8x10x10xf32> to tensor<1x8x12x12xf32>
  %e = tensor.empty() : tensor<1x16x5x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
  %c1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%px, %w1 : tensor<1x8x12x12xf32>, tensor<16x8x3x3xf32>) outs(%f : tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
  %r1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c1 : tensor<1x16x5x5xf32>) outs(%e : tensor<1x16x5x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<1x16x5x5xf32>
  %p1 = tensor.pad %r1 low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x16x5x5xf32> to tensor<1x16x7x7xf32>
  %c2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%p1, %w2 : tensor<1x16x7x7xf32>, tensor<16x16x3x3xf32>) outs(%f : tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
  %b2 = linalg.generic {indexing_maps = [#map, #chan, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c2, %s1 : tensor<1x16x5x5xf32>, tensor<16xf32>) outs(%e : tensor<1x16x5x5xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %0 = arith.mulf %in, %s : f32
    linalg.yield %0 : f32
  } -> tensor<1x16x5x5xf32>
  %cs = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%x, %ws : tensor<1x8x10x10xf32>, tensor<16x8x1x1xf32>) outs(%f : tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
  %bs = linalg.generic {indexing_maps = [#map, #chan, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cs, %s2 : tensor<1x16x5x5xf32>, tensor<16xf32>) outs(%e : tensor<1x16x5x5xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %0 = arith.addf %in, %s : f32
    linalg.yield %0 : f32
  } -> tensor<1x16x5x5xf32>
  %sum = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b2, %bs : tensor<1x16x5x5xf32>, tensor<1x16x5x5xf32>) outs(%e : tensor<1x16x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %0 = arith.addf %a, %b : f32
    linalg.yield %0 : f32
  } -> tensor<1x16x5x5xf32>
  %y = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sum : tensor<1x16x5x5xf32>) outs(%e : tensor<1x16x5x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.cmpf ugt, %in, %zero : f32
    %1 = arith.select %0, %in, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<1x16x5x5xf32>
  %p3 = tensor.pad %y low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x16x5x5xf32> to tensor<1x16x7x7xf32>
  %c3 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%p3, %w3 : tensor<1x16x7x7xf32>, tensor<16x16x3x3xf32>) outs(%f : tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
  %sum2 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y, %c3 : tensor<1x16x5x5xf32>, tensor<1x16x5x5xf32>) outs(%e : tensor<1x16x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %0 = arith.addf %a, %b : f32
    %1 = arith.maximumf %0, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<1x16x5x5xf32>
  return %sum2 : tensor<1x16x5x5xf32>
}
)mlir";

TEST(OneDnnProgram, ResidualBlocksSumInPlace) {
  Outcome o = runBoth(withConstants(kResidual));
  ASSERT_TRUE(o.failure.empty()) << planText(o);
  EXPECT_LT(o.error, 1e-5) << planText(o);
  // Four convolutions and nothing else; the shortcut absorbs its bias, the
  // addition and the ReLU; the last one sums into the block's output.
  EXPECT_EQ(countLines(o.plan, {"convolution"}), 4) << planText(o);
  EXPECT_EQ(countLines(o.plan, {"post-ops sum+relu"}), 2) << planText(o);
  EXPECT_EQ(
      countLines(o.plan, {": eltwise"}) + countLines(o.plan, {": binary_"}), 0)
      << planText(o);
}

// A PyTorch MLP (TorchDynamo's form): weights transposed by a generic and by
// linalg.transpose, the bias added with the bias as first operand, ReLU;
// rows not a multiple of any vector length.
const char *kMlp = R"mlir(
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @forward(%x: tensor<19x48xf32>) -> tensor<19x24xf32> {
  %w1 = arith.constant @R[40,48]
  %b1 = arith.constant @R[40]
  %w2 = arith.constant @R[24,40]
  %b2 = arith.constant @R[24]
  %zero = arith.constant 0.000000e+00 : f32
  %te = tensor.empty() : tensor<48x40xf32>
  %t1 = linalg.generic {indexing_maps = [#id, #tr], iterator_types = ["parallel", "parallel"]} ins(%w1 : tensor<40x48xf32>) outs(%te : tensor<48x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<48x40xf32>
  %e1 = tensor.empty() : tensor<19x40xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<19x40xf32>) -> tensor<19x40xf32>
  %m1 = linalg.matmul ins(%x, %t1 : tensor<19x48xf32>, tensor<48x40xf32>) outs(%f1 : tensor<19x40xf32>) -> tensor<19x40xf32>
  %a1 = linalg.generic {indexing_maps = [#col, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%b1, %m1 : tensor<40xf32>, tensor<19x40xf32>) outs(%e1 : tensor<19x40xf32>) {
  ^bb0(%b: f32, %in: f32, %out: f32):
    %0 = arith.addf %b, %in : f32
    linalg.yield %0 : f32
  } -> tensor<19x40xf32>
  %r1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a1 : tensor<19x40xf32>) outs(%e1 : tensor<19x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.cmpf ugt, %in, %zero : f32
    %1 = arith.select %0, %in, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<19x40xf32>
  %te2 = tensor.empty() : tensor<40x24xf32>
  %t2 = linalg.transpose ins(%w2 : tensor<24x40xf32>) outs(%te2 : tensor<40x24xf32>) permutation = [1, 0]
  %e2 = tensor.empty() : tensor<19x24xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<19x24xf32>) -> tensor<19x24xf32>
  %m2 = linalg.matmul ins(%r1, %t2 : tensor<19x40xf32>, tensor<40x24xf32>) outs(%f2 : tensor<19x24xf32>) -> tensor<19x24xf32>
  %a2 = linalg.generic {indexing_maps = [#col, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%b2, %m2 : tensor<24xf32>, tensor<19x24xf32>) outs(%e2 : tensor<19x24xf32>) {
  ^bb0(%b: f32, %in: f32, %out: f32):
    %0 = arith.addf %b, %in : f32
    %1 = math.tanh %0 : f32
    linalg.yield %1 : f32
  } -> tensor<19x24xf32>
  return %a2 : tensor<19x24xf32>
}
)mlir";

TEST(OneDnnProgram, MlpWithTransposedWeights) {
  Outcome o = runBoth(withConstants(kMlp));
  ASSERT_TRUE(o.failure.empty()) << planText(o);
  EXPECT_LT(o.error, 1e-5) << planText(o);
  EXPECT_EQ(countLines(o.plan, {"inner_product", "post-ops relu",
                                "scale/shift folded"}),
            1)
      << planText(o);
  EXPECT_EQ(countLines(o.plan, {"inner_product", "post-ops tanh",
                                "scale/shift folded"}),
            1)
      << planText(o);
  EXPECT_EQ(countLines(o.plan, {"evaluated at build time"}), 2) << planText(o);
  EXPECT_EQ(o.plan.size(), 4u) << planText(o);
}

// Depthwise convolution (torch-mlir's collapsed weight) with ReLU6 as two
// clamp generics on computed 0-d bounds; a transpose to NHWC (a view); an
// NHWC/HWCF convolution with bias and ReLU6 as maximumf/minimumf; a grouped
// convolution on an expanded NCHW tensor.
const char *kDepthwise = R"mlir(
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#scalar = affine_map<() -> ()>
#none = affine_map<(d0, d1, d2, d3) -> ()>
#nhwc = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
#last = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @forward(%x: tensor<1x16x9x9xf32>) -> tensor<1x5x5x8xf32> {
  %wd = arith.constant @R[16,1,3,3]
  %w = arith.constant @R[3,3,16,8]
  %b = arith.constant @R[8]
  %zero = arith.constant 0.000000e+00 : f32
  %zero64 = arith.constant 0.000000e+00 : f64
  %six64 = arith.constant 6.000000e+00 : f64
  %six = arith.constant 6.000000e+00 : f32
  %px = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x16x9x9xf32> to tensor<1x16x11x11xf32>
  %wdc = tensor.collapse_shape %wd [[0, 1], [2], [3]] : tensor<16x1x3x3xf32> into tensor<16x3x3xf32>
  %e = tensor.empty() : tensor<1x16x5x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
  %d = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%px, %wdc : tensor<1x16x11x11xf32>, tensor<16x3x3xf32>) outs(%f : tensor<1x16x5x5xf32>) -> tensor<1x16x5x5xf32>
  %s64 = tensor.empty() : tensor<f64>
  %lo64 = linalg.fill ins(%zero64 : f64) outs(%s64 : tensor<f64>) -> tensor<f64>
  %s32 = tensor.empty() : tensor<f32>
  %lo = linalg.generic {indexing_maps = [#scalar, #scalar], iterator_types = []} ins(%lo64 : tensor<f64>) outs(%s32 : tensor<f32>) {
  ^bb0(%in: f64, %out: f32):
    %0 = arith.truncf %in : f64 to f32
    linalg.yield %0 : f32
  } -> tensor<f32>
  %hi64 = linalg.fill ins(%six64 : f64) outs(%s64 : tensor<f64>) -> tensor<f64>
  %hi = linalg.generic {indexing_maps = [#scalar, #scalar], iterator_types = []} ins(%hi64 : tensor<f64>) outs(%s32 : tensor<f32>) {
  ^bb0(%in: f64, %out: f32):
    %0 = arith.truncf %in : f64 to f32
    linalg.yield %0 : f32
  } -> tensor<f32>
  %c1 = linalg.generic {indexing_maps = [#map, #none, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%d, %lo : tensor<1x16x5x5xf32>, tensor<f32>) outs(%e : tensor<1x16x5x5xf32>) {
  ^bb0(%in: f32, %l: f32, %out: f32):
    %0 = arith.cmpf ugt, %in, %l : f32
    %1 = arith.select %0, %in, %l : f32
    linalg.yield %1 : f32
  } -> tensor<1x16x5x5xf32>
  %c2 = linalg.generic {indexing_maps = [#none, #map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%hi, %c1 : tensor<f32>, tensor<1x16x5x5xf32>) outs(%e : tensor<1x16x5x5xf32>) {
  ^bb0(%h: f32, %in: f32, %out: f32):
    %0 = arith.cmpf ult, %h, %in : f32
    %1 = arith.select %0, %h, %in : f32
    linalg.yield %1 : f32
  } -> tensor<1x16x5x5xf32>
  %te = tensor.empty() : tensor<1x5x5x16xf32>
  %t = linalg.generic {indexing_maps = [#map, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c2 : tensor<1x16x5x5xf32>) outs(%te : tensor<1x5x5x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x5x5x16xf32>
  %pt = tensor.pad %t low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x5x5x16xf32> to tensor<1x7x7x16xf32>
  %ne = tensor.empty() : tensor<1x5x5x8xf32>
  %nf = linalg.fill ins(%zero : f32) outs(%ne : tensor<1x5x5x8xf32>) -> tensor<1x5x5x8xf32>
  %n = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%pt, %w : tensor<1x7x7x16xf32>, tensor<3x3x16x8xf32>) outs(%nf : tensor<1x5x5x8xf32>) -> tensor<1x5x5x8xf32>
  %nb = linalg.generic {indexing_maps = [#map, #last, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%n, %b : tensor<1x5x5x8xf32>, tensor<8xf32>) outs(%ne : tensor<1x5x5x8xf32>) {
  ^bb0(%in: f32, %bb: f32, %out: f32):
    %0 = arith.addf %in, %bb : f32
    %1 = arith.maximumf %0, %zero : f32
    %2 = arith.minimumf %1, %six : f32
    linalg.yield %2 : f32
  } -> tensor<1x5x5x8xf32>
  return %nb : tensor<1x5x5x8xf32>
}
func.func @grouped(%x: tensor<1x16x9x9xf32>) -> tensor<1x8x3x3xf32> {
  %wg = arith.constant @R[2,4,8,3,3]
  %zero = arith.constant 0.000000e+00 : f32
  %g = tensor.expand_shape %x [[0], [1, 2], [3], [4]] output_shape [1, 2, 8, 9, 9] : tensor<1x16x9x9xf32> into tensor<1x2x8x9x9xf32>
  %ge = tensor.empty() : tensor<1x2x4x3x3xf32>
  %gf = linalg.fill ins(%zero : f32) outs(%ge : tensor<1x2x4x3x3xf32>) -> tensor<1x2x4x3x3xf32>
  %gc = linalg.conv_2d_ngchw_gfchw {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%g, %wg : tensor<1x2x8x9x9xf32>, tensor<2x4x8x3x3xf32>) outs(%gf : tensor<1x2x4x3x3xf32>) -> tensor<1x2x4x3x3xf32>
  %go = tensor.collapse_shape %gc [[0], [1, 2], [3], [4]] : tensor<1x2x4x3x3xf32> into tensor<1x8x3x3xf32>
  return %go : tensor<1x8x3x3xf32>
}
)mlir";

TEST(OneDnnProgram, DepthwiseNhwcAndGroupedConvolutions) {
  std::string program = withConstants(kDepthwise);
  Outcome o = runBoth(program);
  ASSERT_TRUE(o.failure.empty()) << planText(o);
  EXPECT_LT(o.error, 1e-5) << planText(o);
  EXPECT_EQ(countLines(o.plan, {"convolution (16 groups)", "clip(0,6)"}), 1)
      << planText(o);
  EXPECT_EQ(
      countLines(o.plan, {"convolution", "clip(0,6)", "scale/shift folded"}), 1)
      << planText(o);
  EXPECT_EQ(countLines(o.plan, {": eltwise"}), 0) << planText(o);
  Outcome g = runBoth(program, "grouped");
  ASSERT_TRUE(g.failure.empty()) << planText(g);
  EXPECT_LT(g.error, 1e-5) << planText(g);
  EXPECT_EQ(countLines(g.plan, {"convolution (2 groups)"}), 1) << planText(g);
}

// TOSA as the Buddy Compiler writes it: a batched matmul, SiLU as sigmoid
// and mul, reshapes, a residual addition of an argument; and an NHWC
// convolution with bias and clamp.
const char *kTosa = R"mlir(
func.func @forward(%x: tensor<1x6x16xf32>, %r: tensor<6x8xf32>) -> tensor<6x8xf32> {
  %w = "tosa.const"() <{values = @R[1,16,8]}> : () -> tensor<1x16x8xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x6x16xf32>, tensor<1x16x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x8xf32>
  %s = tosa.sigmoid %m : (tensor<1x6x8xf32>) -> tensor<1x6x8xf32>
  %p = tosa.mul %m, %s, %shift : (tensor<1x6x8xf32>, tensor<1x6x8xf32>, tensor<1xi8>) -> tensor<1x6x8xf32>
  %shape = tosa.const_shape {values = dense<[6, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %q = tosa.reshape %p, %shape : (tensor<1x6x8xf32>, !tosa.shape<2>) -> tensor<6x8xf32>
  %a = tosa.add %r, %q : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  return %a : tensor<6x8xf32>
}
func.func @conv(%img: tensor<1x6x6x4xf32>) -> tensor<1x6x6x8xf32> {
  %cw = "tosa.const"() <{values = @R[8,3,3,4]}> : () -> tensor<8x3x3x4xf32>
  %cb = "tosa.const"() <{values = @R[8]}> : () -> tensor<8xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %img, %cw, %cb, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  %cl = tosa.clamp %c {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
  return %cl : tensor<1x6x6x8xf32>
}
)mlir";

TEST(OneDnnProgram, TosaProgram) {
  std::string program = withConstants(kTosa);
  Outcome o = runBoth(program);
  ASSERT_TRUE(o.failure.empty()) << planText(o);
  EXPECT_LT(o.error, 1e-5) << planText(o);
  // The batch of one is no batch: an inner product, SiLU and the residual
  // addition its post-ops.
  EXPECT_EQ(countLines(o.plan, {"inner_product", "post-ops swish+"}), 1)
      << planText(o);
  Outcome c = runBoth(program, "conv");
  ASSERT_TRUE(c.failure.empty()) << planText(c);
  EXPECT_LT(c.error, 1e-5) << planText(c);
  // The bias TOSA broadcasts into the accumulator is the convolution's.
  EXPECT_EQ(countLines(c.plan, {"convolution", "post-ops clip(0,6)",
                                "scale/shift folded"}),
            1)
      << planText(c);
  EXPECT_EQ(
      countLines(o.plan, {": eltwise"}) + countLines(o.plan, {": binary_"}), 0)
      << planText(o);
}

// Activations as frontends spell them out in generics: GELU in its tanh
// form and SiLU in one body after a matmul; a linear map and a clamp
// written as maximumf/minimumf after a batched matmul.
const char *kActivations = R"mlir(
#id = affine_map<(d0, d1) -> (d0, d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @forward(%x: tensor<5x32xf32>) -> tensor<5x16xf32> {
  %w = arith.constant @R[32,16]
  %zero = arith.constant 0.000000e+00 : f32
  %one = arith.constant 1.000000e+00 : f32
  %half = arith.constant 5.000000e-01 : f32
  %k = arith.constant 4.471500e-02 : f32
  %s2pi = arith.constant 0.797884583 : f32
  %e = tensor.empty() : tensor<5x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<5x16xf32>) -> tensor<5x16xf32>
  %m = linalg.matmul ins(%x, %w : tensor<5x32xf32>, tensor<32x16xf32>) outs(%f : tensor<5x16xf32>) -> tensor<5x16xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<5x16xf32>) outs(%e : tensor<5x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %in : f32
    %1 = arith.mulf %0, %in : f32
    %2 = arith.mulf %1, %k : f32
    %3 = arith.addf %in, %2 : f32
    %4 = arith.mulf %3, %s2pi : f32
    %5 = math.tanh %4 : f32
    %6 = arith.addf %5, %one : f32
    %7 = arith.mulf %in, %6 : f32
    %8 = arith.mulf %7, %half : f32
    linalg.yield %8 : f32
  } -> tensor<5x16xf32>
  %s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%g : tensor<5x16xf32>) outs(%e : tensor<5x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.negf %in : f32
    %1 = math.exp %0 : f32
    %2 = arith.addf %1, %one : f32
    %3 = arith.divf %one, %2 : f32
    %4 = arith.mulf %in, %3 : f32
    linalg.yield %4 : f32
  } -> tensor<5x16xf32>
  return %s : tensor<5x16xf32>
}
func.func @bmm(%y: tensor<2x4x8xf32>, %z: tensor<2x8x6xf32>) -> tensor<2x4x6xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %one = arith.constant 1.000000e+00 : f32
  %two = arith.constant 2.000000e+00 : f32
  %minus = arith.constant -1.000000e+00 : f32
  %be = tensor.empty() : tensor<2x4x6xf32>
  %bf = linalg.fill ins(%zero : f32) outs(%be : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  %b = linalg.batch_matmul ins(%y, %z : tensor<2x4x8xf32>, tensor<2x8x6xf32>) outs(%bf : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  %t = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%b : tensor<2x4x6xf32>) outs(%be : tensor<2x4x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %two : f32
    %1 = arith.addf %0, %one : f32
    %2 = arith.maximumf %1, %minus : f32
    %3 = arith.minimumf %2, %one : f32
    linalg.yield %3 : f32
  } -> tensor<2x4x6xf32>
  return %t : tensor<2x4x6xf32>
}
)mlir";

TEST(OneDnnProgram, ActivationGenerics) {
  std::string program = withConstants(kActivations);
  Outcome o = runBoth(program);
  ASSERT_TRUE(o.failure.empty()) << planText(o);
  EXPECT_LT(o.error, 1e-5) << planText(o);
  EXPECT_EQ(countLines(o.plan, {"inner_product", "post-ops gelu_tanh+swish"}),
            1)
      << planText(o);
  Outcome b = runBoth(program, "bmm");
  ASSERT_TRUE(b.failure.empty()) << planText(b);
  EXPECT_LT(b.error, 1e-5) << planText(b);
  EXPECT_EQ(countLines(b.plan, {"matmul", "post-ops linear(2,1)+clip(-1,1)"}),
            1)
      << planText(b);
}

// Softmax and layer normalization as TOSA decomposes them (reductions and
// element-wise ops), and a reduction on its own.
const char *kNormalizations = R"mlir(
func.func @forward(%x: tensor<2x6x10xf32>) -> tensor<2x6x10xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.reduce_max %x {axis = 2 : i32} : (tensor<2x6x10xf32>) -> tensor<2x6x1xf32>
  %d = tosa.sub %x, %m : (tensor<2x6x10xf32>, tensor<2x6x1xf32>) -> tensor<2x6x10xf32>
  %e = tosa.exp %d : (tensor<2x6x10xf32>) -> tensor<2x6x10xf32>
  %s = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<2x6x10xf32>) -> tensor<2x6x1xf32>
  %r = tosa.reciprocal %s : (tensor<2x6x1xf32>) -> tensor<2x6x1xf32>
  %y = tosa.mul %e, %r, %shift : (tensor<2x6x10xf32>, tensor<2x6x1xf32>, tensor<1xi8>) -> tensor<2x6x10xf32>
  return %y : tensor<2x6x10xf32>
}
func.func @layernorm(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %n = "tosa.const"() <{values = dense<6.250000e-02> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %eps = "tosa.const"() <{values = dense<1.000000e-05> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %g = "tosa.const"() <{values = @R[1,16]}> : () -> tensor<1x16xf32>
  %b = "tosa.const"() <{values = @R[1,16]}> : () -> tensor<1x16xf32>
  %s1 = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<8x16xf32>) -> tensor<8x1xf32>
  %mean = tosa.mul %s1, %n, %shift : (tensor<8x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<8x1xf32>
  %d = tosa.sub %x, %mean : (tensor<8x16xf32>, tensor<8x1xf32>) -> tensor<8x16xf32>
  %sq = tosa.mul %d, %d, %shift : (tensor<8x16xf32>, tensor<8x16xf32>, tensor<1xi8>) -> tensor<8x16xf32>
  %s2 = tosa.reduce_sum %sq {axis = 1 : i32} : (tensor<8x16xf32>) -> tensor<8x1xf32>
  %var = tosa.mul %s2, %n, %shift : (tensor<8x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<8x1xf32>
  %ve = tosa.add %var, %eps : (tensor<8x1xf32>, tensor<1x1xf32>) -> tensor<8x1xf32>
  %rs = tosa.rsqrt %ve : (tensor<8x1xf32>) -> tensor<8x1xf32>
  %y = tosa.mul %d, %rs, %shift : (tensor<8x16xf32>, tensor<8x1xf32>, tensor<1xi8>) -> tensor<8x16xf32>
  %yg = tosa.mul %y, %g, %shift : (tensor<8x16xf32>, tensor<1x16xf32>, tensor<1xi8>) -> tensor<8x16xf32>
  %yb = tosa.add %yg, %b : (tensor<8x16xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
  return %yb : tensor<8x16xf32>
}
func.func @reduction(%x: tensor<4x6x5xf32>) -> tensor<4x6x1xf32> {
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %m = tosa.reduce_max %x {axis = 2 : i32} : (tensor<4x6x5xf32>) -> tensor<4x6x1xf32>
  %y = tosa.add %m, %half : (tensor<4x6x1xf32>, tensor<1x1x1xf32>) -> tensor<4x6x1xf32>
  return %y : tensor<4x6x1xf32>
}
func.func @middle(%x: tensor<4x6x5xf32>) -> tensor<4x1x5xf32> {
  %m = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<4x6x5xf32>) -> tensor<4x1x5xf32>
  return %m : tensor<4x1x5xf32>
}
)mlir";

TEST(OneDnnProgram, DecomposedNormalizationsAndReductions) {
  std::string program = withConstants(kNormalizations);
  Outcome s = runBoth(program);
  ASSERT_TRUE(s.failure.empty()) << planText(s);
  EXPECT_LT(s.error, 1e-5) << planText(s);
  EXPECT_EQ(countLines(s.plan, {"softmax over dimension 2"}), 1) << planText(s);
  EXPECT_EQ(s.plan.size(), 1u) << planText(s);
  Outcome l = runBoth(program, "layernorm");
  ASSERT_TRUE(l.failure.empty()) << planText(l);
  EXPECT_LT(l.error, 1e-5) << planText(l);
  EXPECT_EQ(countLines(l.plan, {"layer_normalization", "folded"}), 1)
      << planText(l);
  EXPECT_EQ(l.plan.size(), 1u) << planText(l);
  Outcome r = runBoth(program, "reduction");
  ASSERT_TRUE(r.failure.empty()) << planText(r);
  EXPECT_LT(r.error, 1e-6) << planText(r);
  EXPECT_EQ(countLines(r.plan, {"reduction_max", "post-ops linear(1,0.5)"}), 1)
      << planText(r);
  Outcome m = runBoth(program, "middle");
  ASSERT_TRUE(m.failure.empty()) << planText(m);
  EXPECT_LT(m.error, 1e-6) << planText(m);
  EXPECT_EQ(countLines(m.plan, {"reduction_sum"}), 1) << planText(m);
}

/// Runs the peer alone on `program` (one input of `count` elements).
std::vector<float> runPeer(const char *program, size_t count,
                           const AlignedBuffer &input,
                           std::vector<std::string> &plan) {
  auto context = createAutoConfigContext();
  auto module = parseInputString(program, *context);
  if (!module)
    return {};
  auto peer = createOneDnnProgramPeer(*module, "forward", 1);
  if (!peer) {
    ADD_FAILURE() << toString(peer.takeError());
    return {};
  }
  plan = (*peer)->plan();
  std::vector<AlignedBuffer> outputs;
  if (Error e = (*peer)->run({input.data()}, outputs)) {
    ADD_FAILURE() << toString(std::move(e));
    return {};
  }
  const float *y = outputs[0].as<float>();
  return std::vector<float>(y, y + count);
}

// GELU in its erf form (which MLIR's default lowering here cannot run: the
// reference is computed directly).
TEST(OneDnnProgram, GeluErf) {
  const char *program = R"mlir(
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @forward(%x: tensor<6x10xf32>) -> tensor<6x10xf32> {
  %one = arith.constant 1.000000e+00 : f32
  %half = arith.constant 5.000000e-01 : f32
  %rsqrt2 = arith.constant 0.707106769 : f32
  %e = tensor.empty() : tensor<6x10xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<6x10xf32>) outs(%e : tensor<6x10xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.mulf %in, %rsqrt2 : f32
    %1 = math.erf %0 : f32
    %2 = arith.addf %1, %one : f32
    %3 = arith.mulf %in, %2 : f32
    %4 = arith.mulf %3, %half : f32
    linalg.yield %4 : f32
  } -> tensor<6x10xf32>
  return %g : tensor<6x10xf32>
}
)mlir";
  AlignedBuffer input(60, 4);
  input.fillRandom(3);
  std::vector<std::string> plan;
  std::vector<float> y = runPeer(program, 60, input, plan);
  ASSERT_EQ(y.size(), 60u);
  EXPECT_EQ(countLines(plan, {"eltwise gelu_erf"}), 1);
  for (int i = 0; i < 60; ++i) {
    double x = input.as<float>()[i];
    EXPECT_NEAR(y[i], 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))), 1e-5);
  }
}

TEST(OneDnnProgram, Softmax) {
  const char *program = R"mlir(
func.func @forward(%a: tensor<3x4x7xf32>) -> tensor<3x4x7xf32> {
  %e = tensor.empty() : tensor<3x4x7xf32>
  %s = linalg.softmax dimension(2) ins(%a : tensor<3x4x7xf32>) outs(%e : tensor<3x4x7xf32>) -> tensor<3x4x7xf32>
  return %s : tensor<3x4x7xf32>
}
)mlir";
  AlignedBuffer input(3 * 4 * 7, 4);
  input.fillRandom(5);
  std::vector<std::string> plan;
  std::vector<float> y = runPeer(program, 84, input, plan);
  ASSERT_EQ(y.size(), 84u);
  const float *x = input.as<float>();
  for (int row = 0; row < 12; ++row) {
    double max = -INFINITY, sum = 0;
    for (int i = 0; i < 7; ++i)
      max = std::max(max, double(x[row * 7 + i]));
    for (int i = 0; i < 7; ++i)
      sum += std::exp(x[row * 7 + i] - max);
    for (int i = 0; i < 7; ++i)
      EXPECT_NEAR(y[row * 7 + i], std::exp(x[row * 7 + i] - max) / sum, 1e-6);
  }
}

} // namespace
