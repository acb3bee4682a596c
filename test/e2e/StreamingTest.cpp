//===- StreamingTest.cpp - Streaming ops against MLIR's default lowering --===//
//
// Each case is a small program on tensors as a frontend writes it
// (elementwise with broadcasts, softmax, layer and RMS norm, pooling in both
// layouts with padding, global average pooling, transposes, pads,
// concatenations, reductions across rows, math functions), normalized and
// bufferized like `autoconfig run` does, then compiled twice: with
// autoconfig-lower-streaming (every op must be vectorized) and with MLIR's
// default lowering (scalar loops, libm). Both run on the same random inputs
// and must agree. Odd sizes give every vector loop a masked tail; some cases
// also run with forced vector lengths and unrolls, and one with two threads.
//
// About 40 JIT compilations of small modules: a few seconds.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Import/Import.h"
#include "autoconfig/Pipeline/ModuleRunner.h"
#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/Extraction.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/PassManager.h"

#include "gtest/gtest.h"

#include <cmath>
#include <string>

using namespace autoconfig;

namespace {

const TargetDesc &host() {
  static TargetDesc target = [] {
    auto resolved = resolveTarget("", "");
    if (!resolved) {
      ADD_FAILURE() << llvm::toString(resolved.takeError());
      return TargetDesc();
    }
    return *resolved;
  }();
  return target;
}

struct CaseOptions {
  unsigned threads = 1;
  /// A (partial) lowering forced on every op, or empty for the model's.
  std::string lowering = "";
  /// max |a - b| <= scaleTolerance * max |b| ...
  double scaleTolerance = 1e-5;
  /// ... and, when nonzero, |a - b| <= elementTolerance * |b| + 1e-30 for
  /// every element (the math functions' relative error).
  double elementTolerance = 0;
  /// The lowered program must have an scf.parallel loop.
  bool expectParallel = false;
};

/// Compiles `text` with and without the pass, runs both and compares.
void checkCase(const std::string &text, const CaseOptions &options = {}) {
  auto context = createAutoConfigContext();
  mlir::OwningOpRef<mlir::ModuleOp> module = parseInputString(text, *context);
  ASSERT_TRUE(module) << "parse failed";
  ASSERT_TRUE(mlir::succeeded(normalizeModule(*module)));
  mlir::OwningOpRef<mlir::ModuleOp> reference(module->clone());

  if (!options.lowering.empty())
    module->walk([&](mlir::Operation *op) {
      if (isa<mlir::linalg::LinalgOp, mlir::memref::CopyOp>(op) &&
          !isConfigurableOp(op))
        op->setAttr(kLoweringAttrName,
                    mlir::StringAttr::get(context.get(), options.lowering));
    });
  std::vector<StreamingDecision> decisions;
  LowerStreamingOptions streaming;
  streaming.target = host();
  streaming.profile = Profile::nominal(host());
  streaming.threads = options.threads;
  streaming.decisions = &decisions;
  mlir::PassManager pm(context.get());
  pm.addPass(createLowerStreamingPass(streaming));
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));
  // Every op was vectorized: no linalg op and no strided copy is left.
  int left = 0;
  bool parallel = false;
  module->walk([&](mlir::Operation *op) {
    if (isa<mlir::linalg::LinalgOp>(op))
      ++left;
    if (auto copy = dyn_cast<mlir::memref::CopyOp>(op))
      if (!cast<mlir::MemRefType>(copy.getTarget().getType())
               .getLayout()
               .isIdentity())
        ++left;
    parallel |= isa<mlir::scf::ParallelOp>(op);
  });
  EXPECT_EQ(left, 0) << "ops left to the default lowering";
  for (const StreamingDecision &d : decisions)
    EXPECT_TRUE(d.config.vectorize || d.shape == "memcpy")
        << d.opName << ": " << d.reason;
  EXPECT_EQ(parallel, options.expectParallel);

  auto mine = ModuleRunner::create(*module, "forward", host(), options.threads);
  ASSERT_TRUE(bool(mine)) << llvm::toString(mine.takeError());
  auto base = ModuleRunner::create(*reference, "forward", host(), 1, {},
                                   /*approximateMath=*/false);
  ASSERT_TRUE(bool(base)) << llvm::toString(base.takeError());
  std::vector<AlignedBuffer> inputs;
  std::vector<void *> pointers;
  for (auto [i, shape] : llvm::enumerate((*mine)->argumentShapes())) {
    AlignedBuffer buffer(shape.elements(), shape.elementBytes);
    buffer.fillRandom(7 + i);
    pointers.push_back(buffer.data());
    inputs.push_back(std::move(buffer));
  }
  std::vector<AlignedBuffer> got, want;
  (*mine)->run(pointers, got);
  (*base)->run(pointers, want);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(want.size(), 1u);
  ASSERT_EQ(got[0].size(), want[0].size());
  const float *a = got[0].as<float>(), *b = want[0].as<float>();
  double maxDiff = 0, maxRef = 0;
  size_t worst = 0;
  for (size_t i = 0; i < want[0].size(); ++i) {
    ASSERT_TRUE(std::isfinite(a[i]) == std::isfinite(b[i])) << "element " << i;
    if (!std::isfinite(b[i]))
      continue;
    double diff = std::fabs(double(a[i]) - b[i]);
    if (diff > maxDiff) {
      maxDiff = diff;
      worst = i;
    }
    maxRef = std::max(maxRef, std::fabs(double(b[i])));
    if (options.elementTolerance > 0)
      ASSERT_LE(diff, options.elementTolerance * std::fabs(b[i]) + 1e-30)
          << "element " << i << ": " << a[i] << " vs " << b[i];
  }
  EXPECT_LE(maxDiff, options.scaleTolerance * std::max(maxRef, 1e-30))
      << "worst element " << worst << ": " << a[worst] << " vs " << b[worst];
}

// Per-channel bias and ReLU on NCHW: the channel operand is broadcast, H and
// W fuse into one row of 63 (a masked tail).
const char *kBiasRelu = R"mlir(
func.func @forward(%x: tensor<2x13x7x9xf32>, %b: tensor<13xf32>) -> tensor<2x13x7x9xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x13x7x9xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%x, %b : tensor<2x13x7x9xf32>, tensor<13xf32>) outs(%e : tensor<2x13x7x9xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<2x13x7x9xf32>
  return %r : tensor<2x13x7x9xf32>
}
)mlir";

// Row softmax as torch-mlir writes it: max, exp(x - max), sum, divide.
std::string softmax(int rows, int cols) {
  std::string r = std::to_string(rows), c = std::to_string(cols);
  std::string t = "tensor<" + r + "x" + c + "xf32>",
              v = "tensor<" + r + "xf32>";
  return R"mlir(
func.func @forward(%x: )mlir" +
         t + ") -> " + t + R"mlir( {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : )mlir" +
         v + R"mlir(
  %mi = linalg.fill ins(%ninf : f32) outs(%e0 : )mlir" +
         v + ") -> " + v + R"mlir(
  %max = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
    ins(%x : )mlir" +
         t + ") outs(%mi : " + v + R"mlir() {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> )mlir" +
         v + R"mlir(
  %e1 = tensor.empty() : )mlir" +
         t + R"mlir(
  %ex = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%x, %max : )mlir" +
         t + ", " + v + ") outs(%e1 : " + t + R"mlir() {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %d = arith.subf %in, %m : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> )mlir" +
         t + R"mlir(
  %si = linalg.fill ins(%zero : f32) outs(%e0 : )mlir" +
         v + ") -> " + v + R"mlir(
  %sum = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
    ins(%ex : )mlir" +
         t + ") outs(%si : " + v + R"mlir() {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> )mlir" +
         v + R"mlir(
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%ex, %sum : )mlir" +
         t + ", " + v + ") outs(%e1 : " + t + R"mlir() {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %q = arith.divf %in, %s : f32
    linalg.yield %q : f32
  } -> )mlir" +
         t + R"mlir(
  return %y : )mlir" +
         t + R"mlir(
}
)mlir";
}

// Layer norm over 45 features: mean, variance, normalize, scale and shift.
const char *kLayerNorm = R"mlir(
#row = affine_map<(i, j) -> (i, j)>
#red = affine_map<(i, j) -> (i)>
#col = affine_map<(i, j) -> (j)>
func.func @forward(%x: tensor<6x45xf32>, %g: tensor<45xf32>, %b: tensor<45xf32>) -> tensor<6x45xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 45.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %e0 = tensor.empty() : tensor<6xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e0 : tensor<6xf32>) -> tensor<6xf32>
  %sum = linalg.generic {indexing_maps = [#row, #red], iterator_types = ["parallel", "reduction"]}
    ins(%x : tensor<6x45xf32>) outs(%z : tensor<6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<6xf32>
  %mean = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
    ins(%sum : tensor<6xf32>) outs(%e0 : tensor<6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %n : f32
    linalg.yield %d : f32
  } -> tensor<6xf32>
  %var = linalg.generic {indexing_maps = [#row, #red, #red], iterator_types = ["parallel", "reduction"]}
    ins(%x, %mean : tensor<6x45xf32>, tensor<6xf32>) outs(%z : tensor<6xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %d = arith.subf %in, %m : f32
    %s = arith.mulf %d, %d : f32
    %a = arith.addf %s, %out : f32
    linalg.yield %a : f32
  } -> tensor<6xf32>
  %e1 = tensor.empty() : tensor<6x45xf32>
  %y = linalg.generic {indexing_maps = [#row, #red, #red, #col, #col, #row], iterator_types = ["parallel", "parallel"]}
    ins(%x, %mean, %var, %g, %b : tensor<6x45xf32>, tensor<6xf32>, tensor<6xf32>, tensor<45xf32>, tensor<45xf32>) outs(%e1 : tensor<6x45xf32>) {
  ^bb0(%in: f32, %m: f32, %v: f32, %gamma: f32, %beta: f32, %out: f32):
    %vn = arith.divf %v, %n : f32
    %ve = arith.addf %vn, %eps : f32
    %r = math.rsqrt %ve : f32
    %d = arith.subf %in, %m : f32
    %nd = arith.mulf %d, %r : f32
    %sc = arith.mulf %nd, %gamma : f32
    %o = arith.addf %sc, %beta : f32
    linalg.yield %o : f32
  } -> tensor<6x45xf32>
  return %y : tensor<6x45xf32>
}
)mlir";

// RMS norm: the mean of squares along the row, then x * rsqrt(ms + eps) * g.
const char *kRmsNorm = R"mlir(
#row = affine_map<(i, j) -> (i, j)>
#red = affine_map<(i, j) -> (i)>
func.func @forward(%x: tensor<7x33xf32>, %g: tensor<33xf32>) -> tensor<7x33xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 33.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %e0 = tensor.empty() : tensor<7xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e0 : tensor<7xf32>) -> tensor<7xf32>
  %ss = linalg.generic {indexing_maps = [#row, #red], iterator_types = ["parallel", "reduction"]}
    ins(%x : tensor<7x33xf32>) outs(%z : tensor<7xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %in : f32
    %a = arith.addf %out, %s : f32
    linalg.yield %a : f32
  } -> tensor<7xf32>
  %e1 = tensor.empty() : tensor<7x33xf32>
  %y = linalg.generic {indexing_maps = [#row, #red, affine_map<(i, j) -> (j)>, #row], iterator_types = ["parallel", "parallel"]}
    ins(%x, %ss, %g : tensor<7x33xf32>, tensor<7xf32>, tensor<33xf32>) outs(%e1 : tensor<7x33xf32>) {
  ^bb0(%in: f32, %s: f32, %gamma: f32, %out: f32):
    %m = arith.divf %s, %n : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %o = arith.mulf %in, %r : f32
    %og = arith.mulf %o, %gamma : f32
    linalg.yield %og : f32
  } -> tensor<7x33xf32>
  return %y : tensor<7x33xf32>
}
)mlir";

// Max pool 3x3 stride 2 with padding 1, NCHW: the window reads every second
// element of a row (a wide load and a shuffle).
const char *kMaxPoolNchw = R"mlir(
func.func @forward(%x: tensor<1x3x21x21xf32>) -> tensor<1x3x11x11xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %ninf : f32
  } : tensor<1x3x21x21xf32> to tensor<1x3x23x23xf32>
  %e = tensor.empty() : tensor<1x3x11x11xf32>
  %i = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x3x11x11xf32>) -> tensor<1x3x11x11xf32>
  %w = tensor.empty() : tensor<3x3xf32>
  %y = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
    ins(%p, %w : tensor<1x3x23x23xf32>, tensor<3x3xf32>) outs(%i : tensor<1x3x11x11xf32>) -> tensor<1x3x11x11xf32>
  return %y : tensor<1x3x11x11xf32>
}
)mlir";

// The same in NHWC: channels are contiguous.
const char *kMaxPoolNhwc = R"mlir(
func.func @forward(%x: tensor<1x13x13x19xf32>) -> tensor<1x6x6x19xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x6x6x19xf32>
  %i = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x6x6x19xf32>) -> tensor<1x6x6x19xf32>
  %w = tensor.empty() : tensor<3x3xf32>
  %y = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
    ins(%x, %w : tensor<1x13x13x19xf32>, tensor<3x3xf32>) outs(%i : tensor<1x6x6x19xf32>) -> tensor<1x6x6x19xf32>
  return %y : tensor<1x6x6x19xf32>
}
)mlir";

// Global average pooling NCHW: a 7x7 sum pool, then a divide.
const char *kGlobalAvgPool = R"mlir(
func.func @forward(%x: tensor<2x5x7x7xf32>) -> tensor<2x5x1x1xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 49.0 : f32
  %e = tensor.empty() : tensor<2x5x1x1xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<2x5x1x1xf32>) -> tensor<2x5x1x1xf32>
  %w = tensor.empty() : tensor<7x7xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%x, %w : tensor<2x5x7x7xf32>, tensor<7x7xf32>) outs(%i : tensor<2x5x1x1xf32>) -> tensor<2x5x1x1xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%s : tensor<2x5x1x1xf32>) outs(%e : tensor<2x5x1x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %n : f32
    linalg.yield %d : f32
  } -> tensor<2x5x1x1xf32>
  return %y : tensor<2x5x1x1xf32>
}
)mlir";

// Average pooling 2x2 stride 2, NHWC.
const char *kSumPoolNhwc = R"mlir(
func.func @forward(%x: tensor<1x8x9x21xf32>) -> tensor<1x4x4x21xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x21xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x21xf32>) -> tensor<1x4x4x21xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %y = linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
    ins(%x, %w : tensor<1x8x9x21xf32>, tensor<2x2xf32>) outs(%i : tensor<1x4x4x21xf32>) -> tensor<1x4x4x21xf32>
  return %y : tensor<1x4x4x21xf32>
}
)mlir";

const char *kTranspose2d = R"mlir(
func.func @forward(%x: tensor<23x37xf32>) -> tensor<37x23xf32> {
  %e = tensor.empty() : tensor<37x23xf32>
  %y = linalg.transpose ins(%x : tensor<23x37xf32>) outs(%e : tensor<37x23xf32>) permutation = [1, 0]
  return %y : tensor<37x23xf32>
}
)mlir";

const char *kTranspose4d = R"mlir(
func.func @forward(%x: tensor<1x5x6x7xf32>) -> tensor<1x6x7x5xf32> {
  %e = tensor.empty() : tensor<1x6x7x5xf32>
  %y = linalg.transpose ins(%x : tensor<1x5x6x7xf32>) outs(%e : tensor<1x6x7x5xf32>) permutation = [0, 2, 3, 1]
  return %y : tensor<1x6x7x5xf32>
}
)mlir";

// A pad: after bufferization, a fill of the padded buffer and a copy into
// its interior (a strided subview).
const char *kPad = R"mlir(
func.func @forward(%x: tensor<9x10xf32>) -> tensor<12x15xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[1, 2] high[2, 3] {
  ^bb0(%a: index, %b: index):
    tensor.yield %zero : f32
  } : tensor<9x10xf32> to tensor<12x15xf32>
  return %p : tensor<12x15xf32>
}
)mlir";

// A concatenation along channels: copies into two subviews.
const char *kConcat = R"mlir(
func.func @forward(%a: tensor<1x3x5x6xf32>, %b: tensor<1x4x5x6xf32>) -> tensor<1x7x5x6xf32> {
  %e = tensor.empty() : tensor<1x7x5x6xf32>
  %i = tensor.insert_slice %a into %e[0, 0, 0, 0] [1, 3, 5, 6] [1, 1, 1, 1] : tensor<1x3x5x6xf32> into tensor<1x7x5x6xf32>
  %j = tensor.insert_slice %b into %i[0, 3, 0, 0] [1, 4, 5, 6] [1, 1, 1, 1] : tensor<1x4x5x6xf32> into tensor<1x7x5x6xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%j : tensor<1x7x5x6xf32>) outs(%e : tensor<1x7x5x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.addf %in, %in : f32
    linalg.yield %t : f32
  } -> tensor<1x7x5x6xf32>
  return %y : tensor<1x7x5x6xf32>
}
)mlir";

// A sum across rows: the vector runs along the row, the reduction loop
// inside it with the accumulators in registers.
const char *kColumnSum = R"mlir(
func.func @forward(%x: tensor<37x23xf32>) -> tensor<23xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<23xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<23xf32>) -> tensor<23xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>], iterator_types = ["reduction", "parallel"]}
    ins(%x : tensor<37x23xf32>) outs(%z : tensor<23xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<23xf32>
  return %y : tensor<23xf32>
}
)mlir";

// The mean over H and W of NCHW (torch's mean(dim=[2, 3])): two fused
// reduction loops.
const char *kMeanHw = R"mlir(
func.func @forward(%x: tensor<2x5x6x7xf32>) -> tensor<2x5xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 42.0 : f32
  %e = tensor.empty() : tensor<2x5xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<2x5xf32>) -> tensor<2x5xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
    ins(%x : tensor<2x5x6x7xf32>) outs(%z : tensor<2x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<2x5xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>, affine_map<(a, b) -> (a, b)>], iterator_types = ["parallel", "parallel"]}
    ins(%s : tensor<2x5xf32>) outs(%e : tensor<2x5xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %n : f32
    linalg.yield %d : f32
  } -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}
)mlir";

/// One math function of `scale * x` (x uniform in [-1, 1)), optionally of
/// its absolute value plus `shift` (for the logarithms).
std::string mathCase(const std::string &fn, double scale, bool positive,
                     double shift = 0) {
  std::string body =
      "    %s = arith.mulf %in, %scale : f32\n" +
      std::string(positive ? "    %p = math.absf %s : f32\n"
                             "    %a = arith.addf %p, %shift : f32\n"
                           : "    %a = arith.addf %s, %shift : f32\n") +
      "    %r = math." + fn + " %a : f32\n";
  return R"mlir(
func.func @forward(%x: tensor<1000xf32>) -> tensor<1000xf32> {
  %scale = arith.constant )mlir" +
         std::to_string(scale) + R"mlir( : f32
  %shift = arith.constant )mlir" +
         std::to_string(shift) + R"mlir( : f32
  %e = tensor.empty() : tensor<1000xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
    ins(%x : tensor<1000xf32>) outs(%e : tensor<1000xf32>) {
  ^bb0(%in: f32, %out: f32):
)mlir" + body +
         R"mlir(    linalg.yield %r : f32
  } -> tensor<1000xf32>
  return %y : tensor<1000xf32>
}
)mlir";
}

// GELU with erf, as torch-mlir writes it.
const char *kGelu = R"mlir(
func.func @forward(%x: tensor<3x1001xf32>) -> tensor<3x1001xf32> {
  %half = arith.constant 0.5 : f32
  %one = arith.constant 1.0 : f32
  %rsqrt2 = arith.constant 0.707106769 : f32
  %four = arith.constant 4.0 : f32
  %e = tensor.empty() : tensor<3x1001xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%x : tensor<3x1001xf32>) outs(%e : tensor<3x1001xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.mulf %in, %four : f32
    %a = arith.mulf %v, %rsqrt2 : f32
    %f = math.erf %a : f32
    %b = arith.addf %f, %one : f32
    %c = arith.mulf %v, %b : f32
    %d = arith.mulf %c, %half : f32
    linalg.yield %d : f32
  } -> tensor<3x1001xf32>
  return %y : tensor<3x1001xf32>
}
)mlir";

TEST(Streaming, ElementwiseWithBroadcast) { checkCase(kBiasRelu); }
TEST(Streaming, ElementwiseForcedShortVectorsAndOddUnroll) {
  checkCase(kBiasRelu, {.lowering = "vector vl=4 unroll=3"});
}
TEST(Streaming, Softmax) { checkCase(softmax(5, 37)); }
TEST(Streaming, SoftmaxForcedUnroll) {
  checkCase(softmax(3, 100), {.lowering = "vector vl=8 unroll=3"});
}
TEST(Streaming, LayerNorm) { checkCase(kLayerNorm); }
TEST(Streaming, RmsNorm) { checkCase(kRmsNorm); }
TEST(Streaming, MaxPoolNchwStride2Padded) { checkCase(kMaxPoolNchw); }
TEST(Streaming, MaxPoolNchwAlongTheWindow) {
  // The vector along the window's columns (a reduction loop), forced.
  checkCase(kMaxPoolNchw, {.lowering = "vector vl=4"});
}
TEST(Streaming, MaxPoolNhwc) { checkCase(kMaxPoolNhwc); }
TEST(Streaming, GlobalAveragePoolNchw) { checkCase(kGlobalAvgPool); }
TEST(Streaming, SumPoolNhwc) { checkCase(kSumPoolNhwc); }
TEST(Streaming, Transpose2d) { checkCase(kTranspose2d); }
TEST(Streaming, Transpose4d) { checkCase(kTranspose4d); }
TEST(Streaming, Pad) { checkCase(kPad); }
TEST(Streaming, Concat) { checkCase(kConcat); }
TEST(Streaming, ColumnSum) { checkCase(kColumnSum); }
TEST(Streaming, MeanOverHeightAndWidth) { checkCase(kMeanHw); }
TEST(Streaming, TwoThreads) {
  checkCase(
      softmax(64, 1000),
      {.threads = 2, .lowering = "vector threads=2", .expectParallel = true});
}

// The polynomial approximations against libm, element by element.
TEST(Streaming, MathExp) {
  checkCase(mathCase("exp", 80, false), {.elementTolerance = 2e-6});
}
TEST(Streaming, MathLog) {
  checkCase(mathCase("log", 1000, true, 1e-3), {.elementTolerance = 2e-6});
}
TEST(Streaming, MathLog2) {
  checkCase(mathCase("log2", 1000, true, 1e-3), {.elementTolerance = 2e-6});
}
TEST(Streaming, MathTanh) {
  checkCase(mathCase("tanh", 8, false), {.elementTolerance = 2e-6});
}
TEST(Streaming, MathErf) {
  checkCase(mathCase("erf", 4, false), {.elementTolerance = 2e-6});
}
TEST(Streaming, MathErfc) {
  checkCase(mathCase("erfc", 4, false), {.elementTolerance = 2e-6});
}
TEST(Streaming, Gelu) { checkCase(kGelu, {.scaleTolerance = 1e-6}); }

} // namespace
