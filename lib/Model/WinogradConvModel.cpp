//===- WinogradConvModel.cpp - Model of the Winograd convolution ----------===//
//
// Loop structure: see CodeGen/WinogradConv.cpp. The predicted time is a sum
// of named terms:
//  - filter transform: zero for constant weights (done at compile time),
//    else G g G^T per (filter vector, channel), plus reading the filters and
//    writing U (twice its bytes: read for ownership and write back), not
//    overlapped (measured: its store stream stalls on the misses);
//  - input transform: B^T d B per (tile, channel vector), with the NCHW
//    transposes, reading the input once per block (plus its halo);
//  - batched GEMMs: alpha^2 x tiles x C x F/vl vector FMAs in mr x nr
//    register tiles (efficiency from latency hiding and load issue, as for
//    the blocked GEMM), partly overlapped with the streams of U (once per
//    tile block) and of V and M, each read from the cache level whose
//    per-core share holds it;
//  - output transform: A^T M A per (tile, filter vector) and y += Y;
//  - edge-tile waste (tiles computed past the output edges), threads, and
//    page faults when the scratch exceeds 32 MiB (glibc then maps it anew
//    on every call).
// Transform arithmetic is counted op by op from the planned evaluation
// (TransformPlan) and charged at the FMA rate (adds and shuffles issue at
// least that fast). Tile blocks are chosen so that V and M fit half the L2:
// larger ones ran slower than the stream terms show (10% at 56x56x256).
//
// Numerical error. Winograd amplifies rounding errors: the transformed
// values of a tile mix all (m+2)^2 inputs with coefficients up to 5 (B^T),
// 1/24 (G) and 8 (A^T) for F(4,3), and a pixel's error comes from the
// whole tile while its reference magnitude sum |x||w| covers only its own
// receptive field. The reference check (Bench/Reference.cpp) bounds the
// normalized error by 2 (9C + 2) u. We measured the largest normalized
// error of F(2,3) and F(4,3) in float, in this generator's operation order
// (U computed in float; rounded once from double is slightly better), on
// random uniform [-1, 1] data: 5 seeds x 16 filters x ~1300 pixels (1e5
// outputs) for C = 1..128 and padding 0, 1, 2; then 6e3..1e6 outputs. The
// envelope of what we saw:
//
//   max error ~ u (a_m + b_m / sqrt(C)) x pad x tail
//     F(2,3): a = 3,  b = 6    (seen: 6.7u at C=1, 4.4u at C=2, 1.5u at C=64)
//     F(4,3): a = 35, b = 200  (seen: 132u at C=1, 82u at C=2, 66u at C=4,
//                               52u at C=8, 53u at C=32, 33u at C=128)
//     pad  = 1.5 when the padding is 2 or more (corner pixels see one tap
//            per channel), times 1 + 9/C^2 (a single product: seen 80u for
//            F(2,3) at C=1)
//     tail = max(1, outputs / 1e5)^(0.3 / C): more pixels, rarer extremes
//            (seen at C=1: 89u, 141u, 208u for 6e3, 5e4, 2e5 outputs)
//
// The extremes come from pixels whose own receptive field is small: the
// error is relative to a small magnitude. A variant is used only when its
// expected error is at most half the tolerance: F(4,3) from about C = 11 on
// (C = 14 with padding 2), F(2,3) everywhere but single-channel images of
// more than ~2e5 outputs.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/ConfigChecks.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/Neighbours.h"
#include "autoconfig/Model/WinogradConvParams.h"
#include "autoconfig/Support/Arithmetic.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {

//===----------------------------------------------------------------------===//
// Geometry
//===----------------------------------------------------------------------===//

WinogradGeometry::WinogradGeometry(const ConvWorkload &w,
                                   const WinogradConvParams &p) {
  alpha = p.m + 2;
  a2 = alpha * alpha;
  oh = w.outH();
  ow = w.outW();
  tilesH = ceilDiv(oh, p.m);
  tilesW = ceilDiv(ow, p.m);
  tbh = std::min(p.tbh, tilesH);
  tbw = std::min(p.tbw, tilesW);
  tb = tbh * tbw;
  blocksH = ceilDiv(tilesH, tbh);
  blocksW = ceilDiv(tilesW, tbw);
  blocks = w.n * blocksH * blocksW;
  cPad = roundUp(w.c, p.vl);
  panels = ceilDiv(w.f, p.nr);
  fPad = panels * p.nr;
  nc = std::min(p.nc, fPad);
  kc = std::min(p.kc, w.c);
  fVectors = ceilDiv(w.f, p.vl);
  computedTiles = double(blocks) * tb;
  usefulTiles = double(w.n) * oh * ow / double(p.m * p.m);
}

//===----------------------------------------------------------------------===//
// Transforms (Cook-Toom)
//===----------------------------------------------------------------------===//

/// Coefficients (degree 0 first) of prod_{j != skip} (x - points[j]).
static std::vector<double> productPolynomial(ArrayRef<double> points,
                                             int64_t skip, int64_t degree) {
  std::vector<double> coeffs(size_t(degree + 1), 0.0);
  coeffs[0] = 1;
  int64_t current = 0;
  for (int64_t j = 0; j < int64_t(points.size()); ++j) {
    if (j == skip)
      continue;
    for (int64_t k = current + 1; k >= 1; --k)
      coeffs[k] = coeffs[k - 1] - points[j] * coeffs[k];
    coeffs[0] = -points[j] * coeffs[0];
    ++current;
  }
  return coeffs;
}

WinogradTransforms winogradTransforms(int64_t m) {
  // F(m, r) is the transpose of the Toom-Cook linear convolution of an
  // m-term and an r-term polynomial: evaluate both at alpha - 1 finite
  // points and infinity, multiply, interpolate. With y = A^T[(Gg).(B^T d)]:
  // A^T = the m-term evaluation matrix transposed, G = the r-term one, B^T =
  // the interpolation matrix transposed, whose row i holds the coefficients
  // of the Lagrange basis polynomial of point i (row alpha-1: of the product
  // of all (x - p_j), the infinity term). The Lagrange denominators move
  // from B^T into G, so that B^T is integral.
  constexpr int64_t r = 3;
  WinogradTransforms t;
  t.m = m;
  t.alpha = m + r - 1;
  int64_t a = t.alpha;
  std::vector<double> points;
  for (int64_t k = 0; int64_t(points.size()) < a - 1; ++k) {
    if (k == 0) {
      points.push_back(0);
      continue;
    }
    points.push_back(double(k));
    if (int64_t(points.size()) < a - 1)
      points.push_back(-double(k));
  }
  t.at.assign(size_t(m * a), 0.0);
  t.g.assign(size_t(a * r), 0.0);
  t.bt.assign(size_t(a * a), 0.0);
  for (int64_t i = 0; i < a - 1; ++i) {
    double point = points[i], denominator = 1;
    for (int64_t j = 0; j < a - 1; ++j)
      if (j != i)
        denominator *= point - points[j];
    std::vector<double> basis = productPolynomial(points, i, a - 1);
    double sign = denominator < 0 ? -1 : 1;
    for (int64_t k = 0; k < a; ++k)
      t.bt[i * a + k] = sign * basis[k];
    for (int64_t k = 0; k < r; ++k)
      t.g[i * r + k] = std::pow(point, double(k)) / std::fabs(denominator);
    for (int64_t k = 0; k < m; ++k)
      t.at[k * a + i] = std::pow(point, double(k));
  }
  std::vector<double> infinity = productPolynomial(points, -1, a - 1);
  for (int64_t k = 0; k < a; ++k)
    t.bt[(a - 1) * a + k] = infinity[k];
  t.g[(a - 1) * r + r - 1] = 1;
  t.at[(m - 1) * a + a - 1] = 1;
  return t;
}

//===----------------------------------------------------------------------===//
// Evaluation plans of the transforms
//===----------------------------------------------------------------------===//

/// The terms of `row` restricted to input indices of one parity (-1: all),
/// ordered so that a coefficient of 1 comes first.
static TransformPlan::Partial partialOf(ArrayRef<double> row, int parity) {
  TransformPlan::Partial partial;
  for (int64_t k = 0; k < int64_t(row.size()); ++k)
    if (row[k] != 0 && (parity < 0 || k % 2 == parity))
      partial.terms.push_back({row[k], k});
  auto one = llvm::find_if(partial.terms,
                           [](const auto &term) { return term.first == 1; });
  if (one != partial.terms.end())
    std::rotate(partial.terms.begin(), one, one + 1);
  return partial;
}

/// Ops of one partial sum: the first term is free when its coefficient is 1
/// and costs a negation or a multiply otherwise; every other term is one op.
static int64_t partialOps(const TransformPlan::Partial &partial) {
  if (partial.terms.empty())
    return 0;
  return int64_t(partial.terms.size()) - 1 +
         (partial.terms.front().first == 1 ? 0 : 1);
}

int64_t TransformPlan::ops() const {
  int64_t count = int64_t(preCombined.size());
  for (const Partial &partial : partials)
    count += partialOps(partial);
  for (const Output &out : outputs)
    count += out.b >= 0 ? (out.signA < 0 && out.signB < 0 ? 2 : 1)
                        : (out.signA < 0 ? 1 : 0);
  return count;
}

static TransformPlan planByRows(ArrayRef<double> matrix, int64_t rows,
                                int64_t cols) {
  TransformPlan plan;
  std::vector<bool> done(size_t(rows), false);
  auto row = [&](int64_t i) { return matrix.slice(i * cols, cols); };
  auto addPartial = [&](TransformPlan::Partial partial) {
    plan.partials.push_back(std::move(partial));
    return int64_t(plan.partials.size()) - 1;
  };
  plan.outputs.resize(size_t(rows));
  for (int64_t i = 0; i < rows; ++i) {
    if (done[i])
      continue;
    done[i] = true;
    ArrayRef<double> ri = row(i);
    // A partner row: equal on one parity, opposite on the other, both parts
    // nonzero (the rows of a pair of points +-p).
    int64_t partner = -1, flipped = -1;
    for (int64_t j = i + 1; j < rows && partner < 0; ++j) {
      if (done[j])
        continue;
      ArrayRef<double> rj = row(j);
      for (int parity : {0, 1}) {
        bool match = true, evenSeen = false, oddSeen = false;
        for (int64_t k = 0; k < cols && match; ++k) {
          bool same = k % 2 != parity;
          match = same ? rj[k] == ri[k] : rj[k] == -ri[k];
          if (ri[k] != 0)
            (k % 2 ? oddSeen : evenSeen) = true;
        }
        if (match && evenSeen && oddSeen) {
          partner = j;
          flipped = parity; // the parity whose sign differs in row j
          break;
        }
      }
    }
    if (partner < 0) {
      plan.outputs[i] = {addPartial(partialOf(ri, -1)), -1, 1, 1};
      continue;
    }
    done[partner] = true;
    int64_t same = addPartial(partialOf(ri, 1 - flipped));
    int64_t diff = addPartial(partialOf(ri, flipped));
    plan.outputs[i] = {same, diff, 1, 1};
    plan.outputs[partner] = {same, diff, 1, -1};
  }
  return plan;
}

/// Pre-combines every pair of columns that is equal or opposite in each row
/// (x_a + x_b and x_a - x_b), then plans the rewritten rows one by one.
static TransformPlan planByColumns(ArrayRef<double> matrix, int64_t rows,
                                   int64_t cols) {
  TransformPlan plan;
  std::vector<std::vector<double>> rewritten(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r)
    rewritten[r].assign(matrix.begin() + r * cols,
                        matrix.begin() + (r + 1) * cols);
  for (int64_t a = 0; a < cols; ++a)
    for (int64_t b = a + 1; b < cols; ++b) {
      bool pairs = true, sum = false, diff = false;
      for (int64_t r = 0; r < rows && pairs; ++r) {
        double ca = matrix[r * cols + a], cb = matrix[r * cols + b];
        pairs = std::fabs(ca) == std::fabs(cb);
        sum |= ca != 0 && cb == ca;
        diff |= ca != 0 && cb == -ca;
      }
      if (!pairs || !sum || !diff)
        continue;
      // Neither column already folded into an earlier pair.
      bool untouched = true;
      for (int64_t r = 0; r < rows; ++r)
        untouched &= rewritten[r][a] == matrix[r * cols + a] &&
                     rewritten[r][b] == matrix[r * cols + b];
      if (!untouched)
        continue;
      int64_t sumIndex = cols + int64_t(plan.preCombined.size());
      plan.preCombined.push_back({a, b, 1});
      plan.preCombined.push_back({a, b, -1});
      for (int64_t r = 0; r < rows; ++r) {
        std::vector<double> &row = rewritten[r];
        row.resize(size_t(cols) + plan.preCombined.size(), 0.0);
        double ca = row[a], cb = row[b];
        if (ca == 0)
          continue;
        row[sumIndex + (cb == ca ? 0 : 1)] = ca;
        row[a] = row[b] = 0;
      }
    }
  size_t width = size_t(cols) + plan.preCombined.size();
  for (int64_t r = 0; r < rows; ++r) {
    rewritten[r].resize(width, 0.0);
    plan.partials.push_back(partialOf(rewritten[r], -1));
    plan.outputs.push_back({r, -1, 1, 1});
  }
  return plan;
}

TransformPlan planTransform(ArrayRef<double> matrix, int64_t rows,
                            int64_t cols) {
  TransformPlan byRows = planByRows(matrix, rows, cols);
  TransformPlan byColumns = planByColumns(matrix, rows, cols);
  return byColumns.ops() < byRows.ops() ? byColumns : byRows;
}

int64_t sandwichOps(ArrayRef<double> left, int64_t outRows, int64_t rows,
                    ArrayRef<double> right, int64_t outCols, int64_t cols) {
  return cols * planTransform(left, outRows, rows).ops() +
         outRows * planTransform(right, outCols, cols).ops();
}

//===----------------------------------------------------------------------===//
// Numerical error
//===----------------------------------------------------------------------===//

/// The reference check's tolerance (Bench/Reference.cpp, toleranceFor):
/// gamma_K for the reduction K = C * 9, doubled.
static double referenceTolerance(const ConvWorkload &w) {
  double unit = w.element == ElementKind::F64 ? 0x1p-53 : 0x1p-24;
  return 2.0 * (double(w.c / w.groups) * w.kh * w.kw + 2) * unit;
}

/// Measured growth of the largest normalized error (header comment): the
/// constant and the 1/sqrt(C) coefficient, in units of u.
static std::pair<double, double> errorGrowth(int64_t m) {
  return m <= 2 ? std::pair{3.0, 6.0} : std::pair{35.0, 200.0};
}

double winogradExpectedError(const ConvWorkload &w, int64_t m) {
  double unit = w.element == ElementKind::F64 ? 0x1p-53 : 0x1p-24;
  double outputs = double(w.n) * w.f * w.outH() * w.outW();
  double channels = double(std::max<int64_t>(1, w.c));
  auto [a, b] = errorGrowth(m);
  double pad = 1;
  if (std::max(w.padTop, w.padBottom) >= 2 &&
      std::max(w.padLeft, w.padRight) >= 2)
    pad = 1.5 * (1 + 9 / (channels * channels));
  double tail = std::pow(std::max(1.0, outputs / 1e5), 0.3 / channels);
  return unit * (a + b / std::sqrt(channels)) * pad * tail;
}

/// The variant keeps the error within half the tolerance.
static bool errorAdmissible(const ConvWorkload &w, int64_t m) {
  return winogradExpectedError(w, m) <= 0.5 * referenceTolerance(w);
}

//===----------------------------------------------------------------------===//
// The model
//===----------------------------------------------------------------------===//

namespace {

/// Vector ops of the three 2-D transforms of F(m, 3), planned once.
struct TransformCosts {
  double filterOps = 0, inputOps = 0, outputOps = 0;
};
const TransformCosts &transformCosts(int64_t m) {
  auto compute = [](int64_t m) {
    WinogradTransforms t = winogradTransforms(m);
    TransformCosts c;
    c.filterOps = double(sandwichOps(t.g, t.alpha, 3, t.g, t.alpha, 3));
    c.inputOps =
        double(sandwichOps(t.bt, t.alpha, t.alpha, t.bt, t.alpha, t.alpha));
    c.outputOps = double(sandwichOps(t.at, m, t.alpha, t.at, m, t.alpha));
    return c;
  };
  static const TransformCosts f2 = compute(2), f4 = compute(4);
  return m <= 2 ? f2 : f4;
}

bool layoutSupported(ConvLayout layout) {
  return layout == ConvLayout::NchwFchw || layout == ConvLayout::NhwcHwcf ||
         layout == ConvLayout::NhwcFhwc;
}

class WinogradConvModel final
    : public MicroKernelModelOf<WinogradConvParams, ConvWorkload> {
protected:
  bool appliesTo(const ConvWorkload &w, const TargetDesc &,
                 std::string &whyNot) const override {
    if (!layoutSupported(w.layout))
      return notApplicable(whyNot, "layout " + convLayoutName(w.layout).str() +
                                       " (needs nchw_fchw, nhwc_hwcf or "
                                       "nhwc_fhwc)");
    if (w.kh != 3 || w.kw != 3)
      return notApplicable(whyNot, "kernel is not 3x3");
    if (w.strideH != 1 || w.strideW != 1 || w.dilationH != 1 ||
        w.dilationW != 1)
      return notApplicable(whyNot, "stride or dilation is not 1");
    if (w.groups != 1)
      return notApplicable(whyNot, "grouped convolution");
    if (!errorAdmissible(w, 2))
      return notApplicable(
          whyNot,
          formatv("expected error of F(2x2,3x3) {0:e1} exceeds half the "
                  "tolerance {1:e1}",
                  winogradExpectedError(w, 2), referenceTolerance(w))
              .str());
    return true;
  }

  DerivedParams deriveFor(const ConvWorkload &w,
                          const Machine &machine) const override {
    return deriveWith(w, machine, Config());
  }

  Config completeFrom(const Workload &workload, const Config &partial,
                      const Machine &machine) const override {
    Config completed =
        deriveWith(std::get<ConvWorkload>(workload), machine, partial)
            .params.toConfig();
    // Keep every user value, even one the search would not pick.
    for (const auto &[key, value] : partial.params())
      completed.set(key, value);
    return completed;
  }

  Prediction predictParams(const ConvWorkload &w, const WinogradConvParams &p,
                           const Machine &machine) const override {
    if (p.vl < 1 || p.nr < p.vl || p.mr < 1 || p.tbh < 1 || p.tbw < 1 ||
        p.nc < 1 || p.kc < 1 || (p.m != 2 && p.m != 4))
      return invalidPrediction("invalid config");
    Prediction pred;
    const TargetDesc &t = machine.target;
    const Profile &prof = machine.profile;
    unsigned ebytes = elementBits(w.element) / 8;
    unsigned bits = unsigned(p.vl) * ebytes * 8;
    const VectorCosts &v = prof.forBits(bits);
    double needed = fmaInFlightNeeded(machine, bits);
    const TransformCosts &tc = transformCosts(p.m);
    WinogradGeometry g(w, p);
    bool nchw = w.layout == ConvLayout::NchwFchw;
    double vl = double(p.vl), logVl = std::log2(std::max(2.0, vl));
    double opRate = v.fmaPerSecond; // adds, FMAs and shuffles alike
    double cVectors = double(ceilDiv(w.c, p.vl));

    // Where a stream of `bytes` comes from: the first level whose per-core
    // share holds the data the call touches (footprint), read at that level's
    // measured bandwidth.
    double inputBytesTotal = double(w.n) * w.c * w.h * w.w * ebytes;
    double outBytesTotal = double(w.n) * w.f * g.oh * g.ow * ebytes;
    double filterBytes = double(w.f) * w.c * 9 * ebytes;
    double uBytes = double(g.a2) * w.c * g.fPad * ebytes;
    double vBlockBytes = double(g.a2) * g.tb * g.cPad * ebytes;
    double mBlockBytes = double(g.a2) * g.tb * g.nc * ebytes;
    double footprint = inputBytesTotal + outBytesTotal + uBytes +
                       (w.constWeights ? 0 : filterBytes) + vBlockBytes +
                       mBlockBytes;
    auto homeLevel = [&](double bytes) -> unsigned {
      for (unsigned level = 1; level <= 3; ++level)
        if (const CacheLevel *c = t.cache(level))
          if (bytes <= double(c->sizeBytes) / std::max(1u, c->sharedByCores))
            return level;
      return 0;
    };
    // Beyond L2, the measured read-bandwidth curve at that working set (the
    // effective last level where the machine reports none).
    auto homeBandwidth = [&](double bytes) {
      return prof.bandwidthFor(uint64_t(bytes), t);
    };
    auto levelName = [](unsigned level) {
      return level ? "L" + std::to_string(level) : std::string("memory");
    };
    // A written line moves twice (read for ownership, write back).
    auto writeTime = [&](double bytes) {
      return 2 * bytes / homeBandwidth(footprint);
    };

    // Filter transform.
    double filterTime = 0;
    std::string filterDetail = "compile time (constant weights)";
    if (!w.constWeights) {
      double fvecs = double(g.fPad) / vl;
      double ops = tc.filterOps;
      double perPair =
          ops / opRate + 9 / v.loadPerSecond + double(g.a2) / v.storePerSecond;
      double staging = 0;
      if (w.layout != ConvLayout::NhwcHwcf)
        staging = fvecs * cVectors * 9 *
                  (vl / v.loadPerSecond + vl * logVl / opRate +
                   vl / v.storePerSecond + vl / v.loadPerSecond);
      double compute = fvecs * w.c * perPair + staging;
      double read = filterBytes / homeBandwidth(footprint);
      double write = writeTime(uBytes);
      double threads =
          std::min<double>(std::max<int64_t>(1, p.threads), double(g.panels));
      // Not overlapped: the transform's stream of stores stalls on its misses
      // (measured: U of 17 MiB from 9 MiB of filters costs compute + read +
      // write on Zen 4).
      filterTime = (compute + read + write) / threads;
      filterDetail = formatv("{0:e2} (filter vector, channel) transforms of "
                             "{1:f0} ops ({2}); filters {3} read ({4}), U of "
                             "{5} written ({6})",
                             fvecs * w.c, ops, formatSeconds(compute),
                             formatBytes(filterBytes), formatSeconds(read),
                             formatBytes(uBytes), formatSeconds(write))
                         .str();
    }

    // Input transform, per computed tile and channel vector.
    double inOps = tc.inputOps;
    double inPerTile = inOps / opRate + double(g.a2) / v.loadPerSecond +
                       double(g.a2) / v.storePerSecond;
    if (!nchw) // masks of the padded border: a few scalar ops per load
      inPerTile += 2.0 * g.a2 / v.loadPerSecond;
    double inputTime = g.computedTiles * cVectors * inPerTile;
    double regionH = double(p.m * g.tbh + 2), regionW = double(p.m * g.tbw + 2);
    if (nchw) {
      double chunks = regionH * std::ceil(regionW / vl);
      inputTime +=
          double(g.blocks) * cVectors * chunks *
          (vl / v.loadPerSecond + vl * logVl / opRate + vl / v.storePerSecond);
    }
    double inputBytes =
        double(g.blocks) * w.c * regionH * regionW * ebytes; // with halo
    double inputRead = inputBytes / homeBandwidth(footprint);
    inputTime = partialOverlap({inputTime, inputRead});

    // Batched GEMMs: every (register tile, k step) class.
    double gemmTime = 0, loadTime = 0, vectorFmas = 0, edgeGemm = 0;
    int64_t vecs = p.nr / p.vl;
    double kSteps = double(g.blocks) * g.a2 * g.panels * w.c;
    double kPasses = double(ceilDiv(w.c, g.kc));
    double tileOverhead = 0;
    for (auto [rows, count] :
         {std::pair<int64_t, int64_t>{p.mr, g.tb / p.mr}, {g.tb % p.mr, 1}}) {
      if (!rows || !count)
        continue;
      double perK = double(rows * vecs);
      double eff = std::min(1.0, perK / needed);
      double f = perK / (v.fmaPerSecond * eff);
      double l =
          double(vecs) / v.loadPerSecond + double(rows) / v.broadcastPerSecond;
      double steps = kSteps * count;
      // The generator's GEMM micro-kernel: its calibrated k step.
      double step = tileStepSeconds(machine, unsigned(p.vl) * ebytes * 8, rows,
                                    vecs, std::max(f, l));
      gemmTime += step * steps;
      loadTime += l * steps;
      vectorFmas += perK * steps;
      if (rows != p.mr)
        edgeGemm += step * steps;
      double visits = double(g.blocks) * g.a2 * g.panels * count * kPasses;
      tileOverhead +=
          visits * (perK * (1 / v.storePerSecond +
                            (kPasses > 1 ? 1 / v.loadPerSecond : 0)) +
                    6 * prof.loopIterationSeconds);
    }
    // Streams feeding the GEMMs: U once per block (from where U lives), V once
    // per filter block and M written once.
    double fBlocks = double(ceilDiv(g.fPad, g.nc));
    unsigned uLevel = homeLevel(g.blocks > 1 ? uBytes : footprint);
    // Constant weights in a program: U's first pass comes from where all of
    // the program's weights live.
    double uStream =
        prof.weightsSeconds(uBytes, double(g.blocks) * uBytes,
                            w.constWeights ? w.weightsReuseBytes : 0,
                            prof.bandwidthOfLevel(uLevel), t);
    double blockBytes = vBlockBytes + mBlockBytes;
    unsigned blockLevel = homeLevel(blockBytes);
    double vmStream = double(g.blocks) *
                      (vBlockBytes * fBlocks + 2 * mBlockBytes * fBlocks) /
                      prof.bandwidthOfLevel(blockLevel);
    double gemmBody =
        partialOverlap({gemmTime + tileOverhead, uStream, vmStream});

    // Output transform, per computed tile and filter vector.
    double outOps = tc.outputOps;
    double mm = double(p.m * p.m);
    double outPerTile = outOps / opRate + double(g.a2) / v.loadPerSecond;
    if (nchw)
      outPerTile += mm / v.storePerSecond;
    else
      outPerTile += mm * (1 / v.loadPerSecond + 1 / opRate +
                          1 / v.storePerSecond + 2 / v.loadPerSecond);
    double outputTime = g.computedTiles * double(g.fVectors) * outPerTile;
    if (nchw) {
      double chunks = double(p.m * g.tbh) * std::ceil(double(p.m * g.tbw) / vl);
      outputTime +=
          double(g.blocks) * g.fVectors * chunks *
          (vl / v.loadPerSecond + vl * logVl / opRate +
           vl * (1 / v.loadPerSecond + 1 / opRate + 1 / v.storePerSecond));
    }
    double outBytes = outBytesTotal;
    double outTraffic = 2 * outBytes / homeBandwidth(footprint);
    outputTime = partialOverlap({outputTime, outTraffic});

    // Threads over blocks.
    double threads = double(std::max<int64_t>(1, p.threads));
    double perThread = std::ceil(double(g.blocks) / threads);
    double balance = double(g.blocks) / (threads * perThread);
    double parallel = std::max(1.0, threads * balance);
    double overhead = prof.callOverheadSeconds +
                      double(g.blocks) * 20 * prof.loopIterationSeconds +
                      (p.threads > 1 ? prof.forkJoinSeconds * 2 : 0) +
                      // The V/M scratch, and the U scratch of run-time
                      // weights, allocated and freed per call.
                      (w.constWeights ? 1 : 2) * prof.allocationSeconds;
    // The scratch is one malloc per call. glibc serves blocks up to 32 MiB
    // (its largest dynamic mmap threshold) from the heap after the first call;
    // beyond, every call maps fresh pages and faults each one in (the
    // calibrated cost of a page fault, zeroing included).
    double scratchBytes =
        (w.constWeights ? 0 : uBytes) +
        std::min<double>(std::max<int64_t>(1, p.threads), double(g.blocks)) *
            (vBlockBytes + mBlockBytes);
    double pageFaults =
        scratchBytes > double(32 << 20)
            ? std::ceil(scratchBytes / 4096) * prof.pageFaultSeconds
            : 0;

    double blockWork = inputTime + gemmBody + outputTime;
    pred.seconds = filterTime + blockWork / parallel + overhead + pageFaults;
    pred.formula = "filter transform + (input transform + overlap(GEMMs, U "
                   "stream, V/M traffic) + output transform) / (threads x "
                   "balance) + overhead";
    double waste = 1 - g.usefulTiles / g.computedTiles;
    pred.add("filter transform", filterTime, filterDetail);
    pred.add("input transform", inputTime / parallel,
             formatv("{0:e2} tiles x {1:f0} channel vectors, {2:f0} ops per "
                     "tile{3}; input {4} read with halo",
                     g.computedTiles, cVectors, inOps,
                     nchw ? " + NCHW transposes" : "", formatBytes(inputBytes))
                 .str());
    pred.add("GEMM compute", gemmTime / parallel,
             formatv("{0} GEMMs: {1:e2} vector FMAs at {2:e2}/s; {3}x{4} tile "
                     "holds {5} accumulators for {6:f0} in flight",
                     g.a2, vectorFmas, v.fmaPerSecond, p.mr, p.nr, p.mr * vecs,
                     needed)
                 .str(),
             gemmTime + tileOverhead < std::max(uStream, vmStream));
    pred.add(
        "GEMM tile overhead", tileOverhead / parallel,
        formatv("M stores, {0:f0} reduction pass(es) of kc={1}", kPasses, g.kc)
            .str());
    pred.add(
        "load issue", loadTime / parallel,
        formatv("{0} U vectors + {1} broadcasts per k step", vecs, p.mr).str(),
        true);
    pred.add("U stream", uStream / parallel,
             formatv("U ({0}) read from {1} once per block, {2} blocks",
                     formatBytes(uBytes), levelName(uLevel), g.blocks)
                 .str(),
             uStream <= gemmTime + tileOverhead);
    pred.add("V/M traffic", vmStream / parallel,
             formatv("V {0} + M {1} per block in {2} ({3:f0} filter blocks "
                     "of {4})",
                     formatBytes(vBlockBytes), formatBytes(mBlockBytes),
                     levelName(blockLevel), fBlocks, g.nc)
                 .str(),
             vmStream <= gemmTime + tileOverhead);
    pred.add(
        "output transform", outputTime / parallel,
        formatv("{0:e2} tiles x {1} filter vectors, {2:f0} ops per tile{3}; "
                "output {4} in and out",
                g.computedTiles, g.fVectors, outOps,
                nchw ? " + NCHW transposes" : "", formatBytes(outBytes))
            .str());
    pred.add("edge-tile waste",
             waste * (blockWork - gemmBody + gemmTime) / parallel +
                 edgeGemm / parallel,
             formatv("{0:f1}% of the computed tiles lie past the output edge; "
                     "partial register tiles",
                     100 * waste)
                 .str(),
             true);
    pred.addThreads(p.threads, g.blocks, "blocks", balance);
    pred.add("numerical error", 0,
             formatv("expected max error {0:e1} vs tolerance {1:e1} (growth "
                     "({2:f0} + {3:f0} / sqrt(C)) u)",
                     winogradExpectedError(w, p.m), referenceTolerance(w),
                     errorGrowth(p.m).first, errorGrowth(p.m).second)
                 .str(),
             true);
    pred.add("scratch page faults", pageFaults,
             formatv("scratch of {0}{1}", formatBytes(scratchBytes),
                     pageFaults > 0 ? " above 32 MiB: mapped anew on every call"
                                    : " reused from the heap")
                 .str());
    pred.add("overhead", overhead, "call, block loops, scratch allocation");
    return pred;
  }

  Error verifyParams(const ConvWorkload &w, const WinogradConvParams &p,
                     const TargetDesc &,
                     std::vector<std::string> &) const override {
    if (p.m != 2 && p.m != 4)
      return configError("m must be 2 or 4, got " + Twine(p.m));
    if (Error err = checkMicroTileWidth(p.nr, p.vl))
      return err;
    if (Error err = checkWholeTiles("nc", p.nc, "nr", p.nr))
      return err;
    if (!errorAdmissible(w, p.m))
      return configError(
          formatv("m={0}: expected max error {1:e1} of F({0}x{0},3x3) "
                  "for C={2} exceeds half the tolerance {3:e1}; use m=2",
                  p.m, winogradExpectedError(w, p.m), w.c,
                  referenceTolerance(w))
              .str());
    WinogradGeometry g(w, p);
    unsigned ebytes = elementBits(w.element) / 8;
    double scratch = double(g.a2) * g.tb * (g.cPad + g.nc) * ebytes;
    return checkBufferBytes("tile block buffers", scratch,
                            "alpha^2 x tbh x tbw x (C + nc)");
  }

  std::vector<Config> neighboursOf(const ConvWorkload &w, const Config &,
                                   const WinogradConvParams &base,
                                   const TargetDesc &t) const override {
    std::vector<Config> result;
    auto push = [&](WinogradConvParams q) {
      if (q.tbh < 1 || q.tbw < 1 || !keepMicroKernelMove(w, q, t) ||
          !errorAdmissible(w, q.m))
        return;
      result.push_back(q.toConfig());
    };
    {
      WinogradConvParams q = base;
      q.m = base.m == 4 ? 2 : 4;
      push(q);
    }
    for (int64_t d : {-1, 1}) {
      WinogradConvParams q = base;
      q.mr += d;
      push(q);
      push(withTileWidthStep(base, d));
      q = base;
      q.tbh += d;
      push(q);
      q = base;
      q.tbw += d;
      push(q);
    }
    for (double f : {0.5, 2.0}) {
      WinogradConvParams q = base;
      q.nc = int64_t(base.nc * f);
      push(q);
      if (std::optional<WinogradConvParams> deeper =
              withDepthScaled(base, f, w.c))
        push(*deeper);
    }
    return result;
  }

  std::vector<WinogradConvParams>
  searchSpaceOf(const ConvWorkload &w, const TargetDesc &t) const override {
    std::vector<WinogradConvParams> space;
    int64_t lanes = t.lanes(elementBits(w.element));
    for (int64_t m : {2, 4}) {
      if (!errorAdmissible(w, m))
        continue;
      int64_t tilesW = ceilDiv(w.outW(), m);
      for (int64_t mr = 2; mr <= 12; mr += 2)
        for (int64_t nv = 1; nv <= 4; ++nv) {
          if (mr * nv + nv + 1 > int64_t(t.vectorRegisters))
            continue;
          for (int64_t tbh : {1, 2, 4, 8})
            for (int64_t parts : {1, 2, 4})
              for (int64_t ncMul : {1, 2, 4}) {
                WinogradConvParams p = startingParams(w, t);
                p.m = m;
                p.mr = mr;
                p.nr = nv * lanes;
                p.tbh = tbh;
                p.tbw = ceilDiv(tilesW, parts);
                p.nc = p.nr * ncMul;
                p.kc = std::min<int64_t>(w.c, 128);
                p.ku = 2;
                space.push_back(p);
              }
        }
    }
    return space;
  }

private:
  DerivedParams deriveWith(const ConvWorkload &w, const Machine &machine,
                           const Config &fixed) const {
    const TargetDesc &t = machine.target;
    unsigned ebytes = elementBits(w.element) / 8;
    auto given = [&](StringRef key, int64_t fallback) {
      return fixed.get(key, fallback);
    };
    WinogradConvParams base;
    base.vl = given("vl", t.lanes(elementBits(w.element)));
    base.threads = given("threads", std::max<unsigned>(1, machine.threads));
    base.ku = given("ku", 2);
    double needed = fmaInFlightNeeded(machine, unsigned(base.vl) * ebytes * 8);

    // Register tile (Low et al., TOMS 2016, as for the blocked GEMM): enough
    // independent accumulators for latency x throughput, within the register
    // file (accumulators + U vectors + one broadcast), most FMAs per load, and
    // little padding of F to whole panels.
    int64_t bestMr = 1, bestVecs = 1;
    double bestScore = -1;
    int64_t maxVecs = std::max<int64_t>(1, ceilDiv(w.f, base.vl));
    for (int64_t mr = 1; mr <= 16; ++mr)
      for (int64_t nv = 1; nv <= std::min<int64_t>(maxVecs, 8); ++nv) {
        if (fixed.has("mr") && mr != fixed.get("mr"))
          continue;
        if (fixed.has("nr") && nv * base.vl != fixed.get("nr"))
          continue;
        if (mr * nv + nv + 1 > int64_t(t.vectorRegisters) && !fixed.has("mr"))
          continue;
        double hidden = std::min(1.0, double(mr * nv) / needed);
        double perLoad = double(mr * nv) / double(mr + nv);
        double useful = double(w.f) / double(roundUp(w.f, nv * base.vl));
        double score = hidden * perLoad * useful;
        if (score > bestScore + 1e-9) {
          bestScore = score;
          bestMr = mr;
          bestVecs = nv;
        }
      }
    base.mr = given("mr", bestMr);
    base.nr = given("nr", bestVecs * base.vl);
    if (base.nr < base.vl)
      base.nr = base.vl;

    // kc: the U micro-panel (kc x nr) and the V rows (mr x kc) in the L1 ways
    // but one; even passes over C.
    CacheLevel l1 = t.cache(1) ? *t.cache(1) : CacheLevel{1, 32768, 64, 8, 1};
    double l1Usable = double(l1.sizeBytes) * (l1.ways - 1) / l1.ways;
    int64_t kcMax = std::max<int64_t>(
        8, int64_t(l1Usable / (double(base.nr + base.mr) * ebytes)) / 8 * 8);
    int64_t passes = ceilDiv(w.c, kcMax);
    base.kc = given("kc", std::min(w.c, roundUp(ceilDiv(w.c, passes), 8)));

    CacheLevel l2 = t.cache(2) ? *t.cache(2) : CacheLevel{2, 1 << 20, 64, 8, 1};
    double l2Half = double(l2.sizeBytes) / 2;

    // m, the tile block and nc by the model itself: a few dozen candidates.
    std::vector<int64_t> ms;
    if (fixed.has("m"))
      ms.push_back(fixed.get("m"));
    else
      for (int64_t m : {4, 2})
        if (errorAdmissible(w, m))
          ms.push_back(m);
    if (ms.empty())
      ms.push_back(2);
    WinogradConvParams best = base;
    best.m = ms.front();
    double bestTime = INFINITY;
    for (int64_t m : ms) {
      int64_t tilesH = ceilDiv(w.outH(), m), tilesW = ceilDiv(w.outW(), m);
      std::vector<int64_t> tbws, tbhs;
      for (int64_t parts = 1; parts <= 8; ++parts)
        tbws.push_back(ceilDiv(tilesW, parts));
      for (int64_t h : {1, 2, 3, 4, 6, 8, 12, 16})
        if (h <= tilesH)
          tbhs.push_back(h);
      std::vector<int64_t> ncs;
      int64_t fPad = roundUp(w.f, base.nr);
      for (int64_t k = 1; k * base.nr <= fPad; k *= 2)
        ncs.push_back(k * base.nr);
      if (ncs.back() != fPad)
        ncs.push_back(fPad);
      for (int64_t tbw : tbws)
        for (int64_t tbh : tbhs)
          for (int64_t nc : ncs) {
            WinogradConvParams q = base;
            q.m = m;
            q.tbw = given("tbw", tbw);
            q.tbh = given("tbh", tbh);
            q.nc = given("nc", nc);
            // Bound the search: blocks of at most ~256 tiles, whose V and M
            // stay in half the L2 (beyond, the GEMMs lose more than the
            // model's stream terms show) unless no block of mr tiles fits.
            bool freeBlock = !fixed.has("tbw") && !fixed.has("tbh");
            if (q.tbw * q.tbh > 256 && freeBlock)
              continue;
            WinogradGeometry qg(w, q);
            double blockBytes =
                double(qg.a2) * qg.tb * (qg.cPad + qg.nc) * ebytes;
            double smallest =
                double(qg.a2) *
                std::min<int64_t>(base.mr, qg.tilesH * qg.tilesW) *
                (qg.cPad + qg.nc) * ebytes;
            if (freeBlock && blockBytes > l2Half && smallest <= l2Half &&
                qg.tb > base.mr)
              continue;
            double time = predictParams(w, q, machine).seconds;
            if (time < bestTime * (1 - 1e-9)) {
              bestTime = time;
              best = q;
            }
          }
    }

    WinogradGeometry g(w, best);
    return {
        best,
        formatv(
            "F({0}x{0},3x3): expected error {1:e1} vs tolerance {2:e1}; "
            "{3}x{4} register tile ({5} accumulators for {6:f0} in flight); "
            "blocks of {7}x{8} tiles: V {9} + M {10} per block, U {11} "
            "streamed per block; kc={12}",
            best.m, winogradExpectedError(w, best.m), referenceTolerance(w),
            best.mr, best.nr, best.mr * (best.nr / best.vl), needed, g.tbh,
            g.tbw, formatBytes(double(g.a2) * g.tb * g.cPad * ebytes),
            formatBytes(double(g.a2) * g.tb * g.nc * ebytes),
            formatBytes(double(g.a2) * w.c * g.fPad * ebytes), g.kc)
            .str()};
  }
};

} // namespace

std::unique_ptr<AlgorithmModel> createWinogradConvModel() {
  return std::make_unique<WinogradConvModel>();
}

} // namespace autoconfig
