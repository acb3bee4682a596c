//===- WinogradModelTest.cpp - Winograd transforms and model decisions ----===//
//
// The transform matrices are checked exactly: scaled by the common
// denominator L of G, every quantity is an integer, so double arithmetic is
// exact and A^T[(L G g G^T L) . (B^T d B)]A must equal L^2 times the direct
// correlation bit for bit. The model's decisions are checked on fixed
// workloads with the nominal profile of a preset (no JIT).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/WinogradConvParams.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Select/Registry.h"

#include "PresetMachine.h"
#include "gtest/gtest.h"

#include <cmath>
#include <numeric>
#include <random>

using namespace autoconfig;

namespace {

/// The least common denominator of G's (rational) entries.
int64_t denominatorOf(const WinogradTransforms &t) {
  int64_t lcm = 1;
  for (double g : t.g)
    for (int64_t d = 1; d <= 10000; ++d)
      if (std::fabs(g * double(d) - std::round(g * double(d))) < 1e-9) {
        lcm = std::lcm(lcm, d);
        break;
      }
  return lcm;
}

TEST(WinogradTransforms, ShapesAndKnownRows) {
  WinogradTransforms f2 = winogradTransforms(2), f4 = winogradTransforms(4);
  EXPECT_EQ(f2.alpha, 4);
  EXPECT_EQ(f4.alpha, 6);
  ASSERT_EQ(f4.bt.size(), 36u);
  // Point 0 of F(4,3): (x^2 - 1)(x^2 - 4) = x^4 - 5x^2 + 4 (Lavin and Gray's
  // first row of B^T), with 1/4 in G.
  std::vector<double> row0(f4.bt.begin(), f4.bt.begin() + 6);
  EXPECT_EQ(row0, (std::vector<double>{4, 0, -5, 0, 1, 0}));
  EXPECT_DOUBLE_EQ(f4.gAt(0, 0), 0.25);
  // Infinity: the last row of G is (0, 0, 1), the last column of A^T is e_m.
  EXPECT_EQ(f4.gAt(5, 2), 1);
  EXPECT_EQ(f4.atAt(3, 5), 1);
  EXPECT_EQ(f4.atAt(0, 5), 0);
  // A^T rows are powers of the points 0, 1, -1, 2, -2.
  EXPECT_EQ(f4.atAt(3, 3), 8);
  EXPECT_EQ(f4.atAt(3, 4), -8);
}

/// sum_xi A^T[i][xi] (L G[xi][k]) B^T[xi][p] = L [p == i + k]: the 1-D
/// identity behind F(m, 3), exact in integers.
TEST(WinogradTransforms, OneDimensionalIdentityIsExact) {
  for (int64_t m : {2, 4}) {
    WinogradTransforms t = winogradTransforms(m);
    int64_t scale = denominatorOf(t);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t k = 0; k < 3; ++k)
        for (int64_t q = 0; q < t.alpha; ++q) {
          double sum = 0;
          for (int64_t xi = 0; xi < t.alpha; ++xi) {
            double scaledG = t.gAt(xi, k) * double(scale);
            ASSERT_EQ(scaledG, std::round(scaledG)) << "G * L not integral";
            sum += t.atAt(i, xi) * scaledG * t.btAt(xi, q);
          }
          EXPECT_EQ(sum, q == i + k ? double(scale) : 0.0)
              << "m=" << m << " i=" << i << " k=" << k << " q=" << q;
        }
  }
}

/// One 2-D tile with random integer data: the full sandwich equals L^2 times
/// the direct correlation exactly.
TEST(WinogradTransforms, TileEqualsDirectCorrelationExactly) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> value(-9, 9);
  for (int64_t m : {2, 4}) {
    WinogradTransforms t = winogradTransforms(m);
    int64_t a = t.alpha;
    double scale = double(denominatorOf(t));
    for (int trial = 0; trial < 5; ++trial) {
      std::vector<double> d(a * a), g(9);
      for (double &x : d)
        x = value(rng);
      for (double &x : g)
        x = value(rng);
      // U = (L G) g (L G)^T, V = B^T d B.
      std::vector<double> gg(a * 3, 0), u(a * a, 0), bd(a * a, 0), v(a * a, 0),
          prod(a * a), am(m * a, 0), y(m * m, 0);
      for (int64_t i = 0; i < a; ++i)
        for (int64_t l = 0; l < 3; ++l)
          for (int64_t k = 0; k < 3; ++k)
            gg[i * 3 + l] += scale * t.gAt(i, k) * g[k * 3 + l];
      for (int64_t i = 0; i < a; ++i)
        for (int64_t j = 0; j < a; ++j)
          for (int64_t l = 0; l < 3; ++l)
            u[i * a + j] += gg[i * 3 + l] * scale * t.gAt(j, l);
      for (int64_t i = 0; i < a; ++i)
        for (int64_t j = 0; j < a; ++j)
          for (int64_t k = 0; k < a; ++k)
            bd[i * a + j] += t.btAt(i, k) * d[k * a + j];
      for (int64_t i = 0; i < a; ++i)
        for (int64_t j = 0; j < a; ++j)
          for (int64_t k = 0; k < a; ++k)
            v[i * a + j] += bd[i * a + k] * t.btAt(j, k);
      for (int64_t x = 0; x < a * a; ++x)
        prod[x] = u[x] * v[x];
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < a; ++j)
          for (int64_t k = 0; k < a; ++k)
            am[i * a + j] += t.atAt(i, k) * prod[k * a + j];
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < m; ++j)
          for (int64_t k = 0; k < a; ++k)
            y[i * m + j] += am[i * a + k] * t.atAt(j, k);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < m; ++j) {
          double direct = 0;
          for (int64_t k = 0; k < 3; ++k)
            for (int64_t l = 0; l < 3; ++l)
              direct += d[(i + k) * a + j + l] * g[k * 3 + l];
          EXPECT_EQ(y[i * m + j], scale * scale * direct)
              << "m=" << m << " output (" << i << "," << j << ")";
        }
    }
  }
}

/// Evaluates a plan in double exactly as the generator emits it.
std::vector<double> applyPlan(const TransformPlan &plan,
                              const std::vector<double> &x) {
  std::vector<double> inputs = x;
  for (const auto &pre : plan.preCombined)
    inputs.push_back(x[pre.a] + pre.sign * x[pre.b]);
  std::vector<double> partials;
  for (const auto &partial : plan.partials) {
    double sum = 0;
    for (auto [c, k] : partial.terms)
      sum += c * inputs[k];
    partials.push_back(sum);
  }
  std::vector<double> out;
  for (const auto &o : plan.outputs)
    out.push_back(o.signA * partials[o.a] +
                  (o.b >= 0 ? o.signB * partials[o.b] : 0.0));
  return out;
}

/// The planned evaluations (pairs of points, pre-combined columns) compute
/// the same product as the matrices, with fewer ops than term by term.
TEST(WinogradTransforms, PlansComputeTheMatrixProducts) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> value(-9, 9);
  for (int64_t m : {2, 4}) {
    WinogradTransforms t = winogradTransforms(m);
    struct Case {
      const std::vector<double> &matrix;
      int64_t rows, cols;
    };
    for (Case c : {Case{t.bt, t.alpha, t.alpha}, Case{t.g, t.alpha, 3},
                   Case{t.at, m, t.alpha}}) {
      TransformPlan plan = planTransform(c.matrix, c.rows, c.cols);
      int64_t naive = 0;
      for (int64_t i = 0; i < c.rows; ++i) {
        int64_t nonzeros = 0;
        for (int64_t k = 0; k < c.cols; ++k)
          nonzeros += c.matrix[i * c.cols + k] != 0;
        naive += nonzeros; // a multiply or a move, then one op per term
      }
      EXPECT_LE(plan.ops(), naive);
      for (int trial = 0; trial < 4; ++trial) {
        std::vector<double> x(size_t(c.cols));
        for (double &v : x)
          v = value(rng);
        std::vector<double> y = applyPlan(plan, x);
        ASSERT_EQ(int64_t(y.size()), c.rows);
        for (int64_t i = 0; i < c.rows; ++i) {
          double expected = 0;
          for (int64_t k = 0; k < c.cols; ++k)
            expected += c.matrix[i * c.cols + k] * x[k];
          EXPECT_NEAR(y[i], expected, 1e-12 * (1 + std::fabs(expected)))
              << "m=" << m << " row " << i;
        }
      }
    }
    // F(4,3): B^T's rows of +-1 and +-2 pair up, A^T's columns do.
    if (m == 4) {
      EXPECT_LT(planTransform(t.bt, 6, 6).ops(), 22);
      EXPECT_FALSE(planTransform(t.at, 4, 6).preCombined.empty());
    }
  }
}

//===----------------------------------------------------------------------===//
// Model
//===----------------------------------------------------------------------===//

ConvWorkload conv3x3(int64_t c, int64_t f, int64_t hw, int64_t pad,
                     std::string layout = "nchw_fchw") {
  ConvWorkload w;
  w.name = "conv";
  w.opName = "linalg.conv_2d_nchw_fchw";
  w.layout = *parseConvLayout(layout);
  w.n = 1;
  w.c = c;
  w.f = f;
  w.h = w.w = hw;
  w.kh = w.kw = 3;
  w.padTop = w.padBottom = w.padLeft = w.padRight = pad;
  return w;
}

const AlgorithmModel &winogradModel() {
  const Algorithm *algorithm = findAlgorithm("winograd");
  EXPECT_NE(algorithm, nullptr);
  return *algorithm->model;
}

TEST(WinogradModel, AppliesOnlyTo3x3Stride1) {
  const AlgorithmModel &model = winogradModel();
  PresetMachine pm("x86-avx512");
  std::string why;
  EXPECT_TRUE(model.applies(conv3x3(64, 64, 56, 1), pm.target, why)) << why;
  EXPECT_TRUE(
      model.applies(conv3x3(64, 64, 56, 1, "nhwc_hwcf"), pm.target, why));
  ConvWorkload strided = conv3x3(64, 64, 56, 1);
  strided.strideH = strided.strideW = 2;
  EXPECT_FALSE(model.applies(strided, pm.target, why));
  ConvWorkload five = conv3x3(64, 64, 56, 1);
  five.kh = five.kw = 5;
  EXPECT_FALSE(model.applies(five, pm.target, why));
  ConvWorkload depthwise = conv3x3(64, 64, 56, 1, "nhwc_hwc");
  depthwise.groups = 64;
  EXPECT_FALSE(model.applies(depthwise, pm.target, why));
  // One channel, a 1024x1024 image: even F(2,3) would risk the tolerance.
  EXPECT_FALSE(model.applies(conv3x3(1, 1, 1024, 0), pm.target, why));
  EXPECT_NE(why.find("tolerance"), std::string::npos) << why;
}

/// The error estimate follows the measured growth: F(4,3) has ~20x the error
/// of F(2,3) and both fall with the channel count.
TEST(WinogradModel, ErrorEstimateOrdersVariants) {
  ConvWorkload w = conv3x3(4, 8, 30, 1);
  EXPECT_GT(winogradExpectedError(w, 4), 10 * winogradExpectedError(w, 2));
  EXPECT_GT(winogradExpectedError(conv3x3(4, 8, 30, 1), 4),
            winogradExpectedError(conv3x3(64, 8, 30, 1), 4));
}

TEST(WinogradModel, SmallChannelCountsRefuseF4) {
  const AlgorithmModel &model = winogradModel();
  PresetMachine pm("x86-avx512");
  ConvWorkload w = conv3x3(3, 32, 30, 1);
  Derivation d = model.derive(w, pm.machine());
  EXPECT_EQ(d.config.get("m"), 2) << d.config.str();
  std::vector<std::string> warnings;
  Config forced = d.config;
  forced.set("m", 4);
  llvm::Error err = model.verify(w, forced, pm.target, warnings);
  ASSERT_TRUE(bool(err));
  std::string text = llvm::toString(std::move(err));
  EXPECT_NE(text.find("use m=2"), std::string::npos) << text;
  // With enough channels F(4,3) is accepted.
  ConvWorkload wide = conv3x3(64, 64, 56, 1);
  Config four = model.derive(wide, pm.machine()).config;
  four.set("m", 4);
  EXPECT_FALSE(bool(model.verify(wide, four, pm.target, warnings)));
}

/// A ResNet-like layer: F(4,3) wins (fewer GEMM FMAs), the prediction is a
/// sum of named terms and the filter transform is free for constant weights.
TEST(WinogradModel, DerivesF4ForWideLayersAndNamesTerms) {
  const AlgorithmModel &model = winogradModel();
  PresetMachine pm("x86-avx512");
  ConvWorkload w = conv3x3(128, 128, 28, 1);
  Derivation d = model.derive(w, pm.machine());
  EXPECT_EQ(d.config.get("m"), 4) << d.config.str();
  std::vector<std::string> warnings;
  EXPECT_FALSE(bool(model.verify(w, d.config, pm.target, warnings)));
  Prediction runtime = model.predict(w, d.config, pm.machine());
  for (const char *term :
       {"filter transform", "input transform", "GEMM compute",
        "output transform", "U stream", "edge-tile waste", "numerical error"})
    EXPECT_NE(runtime.term(term), nullptr) << term;
  EXPECT_GT(runtime.term("filter transform")->seconds, 0);
  w.constWeights = true;
  Prediction constant = model.predict(w, d.config, pm.machine());
  EXPECT_EQ(constant.term("filter transform")->seconds, 0);
  EXPECT_LT(constant.seconds, runtime.seconds);
  // Below the direct arithmetic at the FMA peak: the point of Winograd.
  double peak = pm.target.nominalPeakFlops(32);
  EXPECT_LT(constant.seconds, w.flops() / peak);
}

TEST(WinogradModel, PartialConfigIsCompleted) {
  const AlgorithmModel &model = winogradModel();
  PresetMachine pm("x86-avx512");
  ConvWorkload w = conv3x3(32, 48, 20, 2, "nhwc_fhwc");
  Config partial("winograd");
  partial.set("m", 2);
  partial.set("mr", 4);
  Config full = model.complete(w, partial, pm.machine());
  EXPECT_EQ(full.get("m"), 2);
  EXPECT_EQ(full.get("mr"), 4);
  std::vector<std::string> warnings;
  EXPECT_FALSE(bool(model.verify(w, full, pm.target, warnings))) << full.str();
  EXPECT_TRUE(full.has("tbw") && full.has("nc") && full.has("kc"));
}

} // namespace
