//===- BlockedGemmModel.cpp - Model of the register/cache-blocked GEMM ----===//
//
// Parameters are derived analytically, after Low, Igual, Smith and Quintana-
// Orti, "Analytical Modeling Is Enough for High-Performance BLIS" (TOMS 2016):
//  - register tile: at least latency x throughput independent accumulators
//    (Little's law) within the register file (mr*nr/vl accumulators + nr/vl
//    B vectors + 1 broadcast), maximizing FMAs per load;
//  - kc: the A and B micro-panels (mr x kc, kc x nr) share the L1 ways but
//    one, each occupying whole ways (contiguous panels map to consecutive
//    sets);
//  - mc: the packed A block (mc x kc) fills the L2 ways left after one B
//    micro-panel; nc likewise at the L3 (a core's share of it).
// The predicted time is a sum of named terms: micro-kernel compute (with the
// latency-hiding efficiency and load-issue limit), the A stream from L2 into
// L1, packing of A and B, C traffic per kc block, loop and call overheads,
// and thread imbalance over the jc blocks.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/CacheFootprint.h"
#include "autoconfig/Model/ConfigChecks.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/GemmParams.h"
#include "autoconfig/Model/Neighbours.h"
#include "autoconfig/Support/Arithmetic.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace llvm;

namespace autoconfig {
namespace {

/// Sizes of the blocks a dimension of `total` splits into with `block`:
/// (size, how many).
SmallVector<std::pair<int64_t, int64_t>, 2> blocksOf(int64_t total,
                                                     int64_t block) {
  SmallVector<std::pair<int64_t, int64_t>, 2> result;
  if (total / block)
    result.push_back({block, total / block});
  if (total % block)
    result.push_back({total % block, 1});
  return result;
}

} // namespace

/// kc such that both micro-panels fit the L1 ways but one.

int64_t l1PanelDepth(int64_t mr, int64_t nr, unsigned ebytes,
                     const CacheLevel &l1) {
  int64_t best = 8;
  for (int64_t kc = 8; kc <= 2048; kc += 8)
    if (waysFor(double(kc) * mr * ebytes, l1) +
            waysFor(double(kc) * nr * ebytes, l1) <=
        int64_t(l1.ways) - 1)
      best = kc;
  return best;
}

namespace {

int64_t deriveKc(int64_t mr, int64_t nr, unsigned ebytes, const CacheLevel &l1,
                 int64_t k) {
  int64_t best = l1PanelDepth(mr, nr, ebytes, l1);
  if (best >= k)
    return k;
  // Even blocks: kc blocks of equal size waste no partial rank update.
  int64_t blocks = ceilDiv(k, best);
  return roundUp(ceilDiv(k, blocks), 8);
}

/// kc, mc and nc for the register tile already in `p` (Low et al.): the
/// `keep` flags leave user-given values alone.
void deriveBlocking(const GemmWorkload &w, const Machine &machine,
                    BlockedGemmParams &p, bool keepKc, bool keepMc,
                    bool keepNc) {
  const TargetDesc &t = machine.target;
  unsigned ebytes = elementBits(w.element) / 8;
  CacheLevel l1 = t.cache(1) ? *t.cache(1) : CacheLevel{1, 32768, 64, 8, 1};
  CacheLevel l2 = t.cache(2) ? *t.cache(2) : CacheLevel{2, 1 << 20, 64, 16, 1};
  const CacheLevel *l3 = t.cache(3);
  // A hand-written tile or kc that verify() will reject: nothing to derive
  // from (and no division by zero on the way to the error).
  if (p.mr < 1 || p.nr < 1 || (keepKc && p.kc < 1))
    return;
  if (!keepKc)
    p.kc = deriveKc(p.mr, p.nr, ebytes, l1, w.k);

  int64_t l2Ways =
      int64_t(l2.ways) - 1 - waysFor(double(p.kc) * p.nr * ebytes, l2);
  double l2WayBytes = double(l2.sets()) * l2.lineBytes;
  int64_t mc = int64_t(std::max<int64_t>(l2Ways, 1) * l2WayBytes /
                       (double(p.kc) * ebytes));
  mc = wholeTiles(mc, p.mr);
  // Even blocks over M.
  int64_t mBlocks = ceilDiv(w.m, mc);
  if (!keepMc)
    p.mc = std::min(roundUp(ceilDiv(w.m, mBlocks), p.mr), mc);

  int64_t nc = roundUp(w.n, p.nr);
  if (l3) {
    double share = double(l3->sizeBytes) / std::max(1u, l3->sharedByCores);
    double usable = share * (double(l3->ways) - 1) / l3->ways;
    nc = wholeTiles(int64_t(usable / (double(p.kc) * ebytes)), p.nr);
  }
  // With threads, one jc block per thread (the generator's parallel loop).
  if (machine.threads > 1)
    nc = std::min(nc, roundUp(ceilDiv(w.n, machine.threads), p.nr));
  if (!keepNc)
    p.nc = std::min(nc, roundUp(w.n, p.nr));
}

/// The nc whose packed kc x nc block fits the L2 ways the A block (mc x kc)
/// leaves, one way kept for the streams, in whole panels.
int64_t ncInL2(const BlockedGemmParams &p, const TargetDesc &t,
               unsigned ebytes) {
  CacheLevel l2 = cacheOr(t, 2, 1 << 20, 16);
  int64_t aWays = waysFor(double(p.mc) * p.kc * ebytes, l2);
  double wayBytes = double(l2.sets()) * l2.lineBytes;
  double left =
      wayBytes * double(std::max<int64_t>(1, int64_t(l2.ways) - 1 - aWays));
  return wholeTiles(int64_t(left / (double(p.kc) * ebytes)), p.nr);
}

class BlockedGemmModel final
    : public MicroKernelModelOf<BlockedGemmParams, GemmWorkload> {
public:
  bool takesDynamicSizes() const override { return true; }
  /// bf16 from packed panels (vdpbf16ps where the target has it, else
  /// widened to f32).
  bool takesElement(ElementKind element) const override {
    return element == ElementKind::F32 || element == ElementKind::F64 ||
           element == ElementKind::BF16;
  }

protected:
  DerivedParams deriveFor(const GemmWorkload &w,
                          const Machine &machine) const override {
    const TargetDesc &t = machine.target;
    unsigned ebytes = elementBits(w.element) / 8;
    BlockedGemmParams p = startingParams(w, t);
    double needed = fmaInFlightNeeded(machine, t.vectorBits);
    int64_t maxVecs = ceilDiv(w.n, p.vl);

    // Register tile: accumulators + B vectors + one broadcast <= registers;
    // hide the latency; then the most FMAs per loaded element.
    struct TileScore {
      int64_t mr, nv;
      double score;
    };
    std::vector<TileScore> scores;
    double bestScore = -1;
    for (int64_t mr = 1; mr <= std::min<int64_t>(w.m, 16); ++mr)
      for (int64_t nv = 1; nv <= std::min<int64_t>(maxVecs, 8); ++nv) {
        if (mr * nv + nv + 1 > int64_t(t.vectorRegisters))
          continue;
        double hidden = std::min(1.0, double(mr * nv) / needed);
        double perLoad = double(mr * nv) / double(mr + nv);
        // Edge waste of the tile on this shape.
        double useful = double(w.m) * w.n /
                        (double(roundUp(w.m, mr)) * roundUp(w.n, nv * p.vl));
        // FMAs per second: calibrated for the tile when measured, otherwise
        // the latency-hiding and loads-per-FMA estimate.
        double score = hidden * perLoad * useful;
        if (std::optional<double> step = machine.profile.tileSecondsPerKStep(
                t.vectorBits, unsigned(mr), unsigned(nv)))
          score = double(mr * nv) / *step * useful;
        scores.push_back({mr, nv, score});
        bestScore = std::max(bestScore, score);
      }
    // Measured tiles within the tile fit's residual of the best are a tie the
    // micro-benchmark cannot break (on Zen 5, 3x7, 2x8, 4x6 and 8x2 came within
    // 2% of one another, their order changing from one calibration to the
    // next), yet in a GEMM they differ: how many tiles share a B panel, how
    // much of L1 the panel takes. Each such tile is blocked and predicted
    // whole, packed and not, and the fastest kept.
    double tie = machine.profile.tileFit.bits == t.vectorBits
                     ? machine.profile.tileFit.rmsResidual
                     : 0.0;
    // The tile blocked as Low et al. derive it, A and B packed.
    auto blockedTile = [&](const TileScore &c) {
      BlockedGemmParams q = p;
      q.mr = c.mr;
      q.nr = c.nv * p.vl;
      deriveBlocking(w, machine, q, /*keepKc=*/false, /*keepMc=*/false,
                     /*keepNc=*/false);
      q.ku = 4;
      q.packA = 1;
      q.packB = 1;
      q.prefetch = 0;
      return q;
    };
    std::optional<BlockedGemmParams> best;
    double bestSeconds = INFINITY;
    int64_t bestVecs = 1;
    // With M within one tile row, the tiles that take all of M read each B
    // panel once: the B stream, not the micro-kernel's rate, may decide
    // there (Zen 5, 8x1024x1024: an 8x48 tile ran 1.3x the 4x64 one the
    // micro-kernel ranks first), so they are predicted whole too when their
    // micro-kernel is not far behind and it holds more than one B vector
    // (16x1024x1024: the 16x16 tile ran 0.6x the model's figure, every A
    // element broadcast for a single FMA; M = 1 has only one-row tiles).
    auto oneTileRow = [&](const TileScore &c) {
      return w.m > 1 && w.m <= 16 && c.mr == w.m && c.nv >= 2 &&
             c.score >= 0.8 * bestScore;
    };
    for (const TileScore &c : scores) {
      if (c.score < bestScore * (1 - tie) - 1e-9 && !oneTileRow(c))
        continue;
      BlockedGemmParams blocked = blockedTile(c);
      // Packed, B's kc x nc block as Goto and van de Geijn place it (beyond
      // L2, all of N when no L3 is known), and one that stays in the L2
      // ways the A block leaves: written and re-read there rather than
      // beyond (Zen 5, 128x3072x768: nc=768 ran 1.1x nc=3072), if it holds
      // eight panels or more (fewer: the A block is re-read, or re-packed,
      // for every few panels).
      std::vector<int64_t> ncs = {blocked.nc};
      int64_t inL2 = ncInL2(blocked, t, ebytes);
      if (inL2 < blocked.nc && inL2 >= 8 * blocked.nr)
        ncs.push_back(inL2);
      for (int64_t packA : {1, 0})
        for (int64_t packB : {1, 0})
          for (int64_t nc : ncs) {
            if (nc != blocked.nc && !packB)
              continue;
            BlockedGemmParams q = blocked;
            q.nc = nc;
            q.packA = packA;
            q.packB = packB;
            // Only what the generator takes as it is (unpacked B needs its rows
            // as vectors, for instance).
            std::vector<std::string> warnings;
            if (Error err = verifyParams(w, q, t, warnings)) {
              consumeError(std::move(err));
              continue;
            }
            if (!warnings.empty() || !fitsRegisters(w, q, t))
              continue;
            double seconds = predictParams(w, q, machine).seconds;
            if (!best || seconds < bestSeconds * (1 - 1e-9)) {
              bestSeconds = seconds;
              best = q;
              bestVecs = c.nv;
            }
          }
    }
    if (best) {
      p = *best;
    } else {
      // Nothing verified (a shape outside every tile's reach): the most
      // FMAs per second, packed, as verify() will explain.
      for (const TileScore &c : scores)
        if (c.score >= bestScore) {
          p = blockedTile(c);
          bestVecs = c.nv;
          break;
        }
    }
    CacheLevel l1 = t.cache(1) ? *t.cache(1) : CacheLevel{1, 32768, 64, 8, 1};

    return {
        p, formatv(
               "{0}x{1} register tile ({2} accumulators >= {3:f0} in flight, "
               "{2}+{4}+1 <= {5} registers); kc={6}: A and B micro-panels "
               "({7} + {8}) in {9} of {10} L1 ways; mc={11}: A block ({12}) in "
               "L2; nc={13}",
               p.mr, p.nr, p.mr * bestVecs, needed, bestVecs, t.vectorRegisters,
               p.kc, formatBytes(double(p.kc) * p.mr * ebytes),
               formatBytes(double(p.kc) * p.nr * ebytes),
               waysFor(double(p.kc) * p.mr * ebytes, l1) +
                   waysFor(double(p.kc) * p.nr * ebytes, l1),
               l1.ways, p.mc, formatBytes(double(p.mc) * p.kc * ebytes), p.nc)
               .str()};
  }

  Prediction predictParams(const GemmWorkload &w, const BlockedGemmParams &p,
                           const Machine &machine) const override {
    if (p.vl < 1 || p.mr < 1 || p.nr < 1 || p.kc < 1 || p.mc < 1 || p.nc < 1)
      return invalidPrediction(
          "invalid config: a size below 1 (verify names it)");
    Prediction pred;
    const TargetDesc &t = machine.target;
    const Profile &prof = machine.profile;
    unsigned ebytes = elementBits(w.element) / 8;
    // The accumulators' vectors (f32 ones for bf16 inputs).
    unsigned bits = unsigned(p.vl) * elementBits(outputElement(w.element));
    const VectorCosts &v = prof.forBits(bits);
    double needed = fmaInFlightNeeded(machine, bits);
    // Same clamping as the generator.
    int64_t nc = std::min(p.nc, roundUp(w.n, p.nr));
    int64_t mc = std::min(p.mc, roundUp(w.m, p.mr));
    int64_t kc = std::min(p.kc, w.k);

    // Each rank-1 update (k step) of a tile pulls the A micro-panel's mr
    // elements into L1 (an A panel is used once per jr panel, from the A block
    // in L2), and the B micro-panel's nr elements too when that panel cannot
    // stay in L1 across the ir loop: it overflows the L1 ways, or, unpacked,
    // its rows are strided so that they share too few L1 sets. Such a panel
    // comes from L2, or from where B lives when its rows alias in L2 as well.
    CacheLevel l1 = t.cache(1) ? *t.cache(1) : CacheLevel{1, 32768, 64, 8, 1};
    CacheLevel l2 = t.cache(2) ? *t.cache(2) : CacheLevel{2, 1 << 20, 64, 8, 1};
    int64_t aWaysL1 = waysFor(double(kc) * p.mr * ebytes, l1);
    bool panelsFit = aWaysL1 + waysFor(double(kc) * p.nr * ebytes, l1) <=
                     int64_t(l1.ways) - 1;
    int64_t bStride = w.ldb * ebytes; // unpacked B's rows
    bool aliased = !p.packB &&
                   !stridedPanelFits(double(kc), double(p.nr) * ebytes, bStride,
                                     l1, int64_t(l1.ways) - 1 - aWaysL1);
    bool bPanelInL1 = panelsFit && !aliased;
    double aBlockBytes = double(mc) * kc * ebytes;
    double bPanelBytes = double(kc) * p.nr * ebytes;
    bool bPanelInL2 =
        p.packB ||
        stridedPanelFits(double(kc), double(p.nr) * ebytes, bStride, l2,
                         int64_t(l2.ways) - waysFor(aBlockBytes, l2));
    // The A block stays in L2 across the jr loop when it fits the ways the B
    // data leaves it (the packed kc x nc block is re-read from L2 for every
    // ic block too) and, unpacked, when its rows, lda apart, use enough L2
    // sets. Otherwise every tile's A panel comes from beyond L2, and those
    // reads, one row segment per broadcast row, stall the micro-kernel
    // rather than overlap it: measured on a 1024^3 GEMM, mc=1024 unpacked
    // ran at 0.6-0.75 of the predicted speed, mc=32 at 0.95-1.
    // A packed B block larger than L2 cannot stay there: it streams through
    // L2 from further out, and between two uses of a packed A panel (one jr
    // step) only one B micro-panel passes, which is all it takes from A's
    // ways (as deriveBlocking assumes when it sizes mc): measured on a 1024^3
    // GEMM with a 1 MiB B block and a 512 KiB L2, packed A ran at the
    // micro-kernel's speed. Unpacked A rows, lda apart, do not survive the
    // stream (same GEMM sizes on Emerald Rapids: 0.6x of that speed).
    int64_t bWaysL2 = waysFor(bPanelBytes, l2);
    if (p.packB) {
      int64_t blockWays = waysFor(double(kc) * nc * ebytes, l2);
      if (!p.packA || blockWays <= int64_t(l2.ways) - 1)
        bWaysL2 = blockWays;
    }
    int64_t aWaysLeft = std::max<int64_t>(1, int64_t(l2.ways) - 1 - bWaysL2);
    // Unpacked, the block is mc row segments of kc elements, lda apart (kc
    // segments of mc when A is transposed).
    int64_t aStride = w.lda * ebytes;
    bool aBlockInL2 =
        p.packA ? waysFor(aBlockBytes, l2) <= aWaysLeft
                : stridedPanelFits(double(w.transA ? kc : mc),
                                   double(w.transA ? mc : kc) * ebytes, aStride,
                                   l2, aWaysLeft);
    // A B panel that cannot stay in L1 is read from further on every k step:
    // the calibrated micro-kernel measured so replaces the stream estimate
    // below. Unpacked with rows a page or more apart, as the strided panel
    // measured (from L2, or from beyond it); with rows less than a page
    // apart, as the panel of rows a quarter page apart (Zen 5, 256^3: 8-13%
    // slower than packed, where the contiguous panel's factor said 1%);
    // otherwise as the contiguous panel too deep for L1.
    // Without those measurements (a nominal profile) the streams below
    // estimate it from the panel's placement alone.
    bool stridedB = !bPanelInL1 && !prof.stridedPanelFactors.empty();
    bool stridedRows = !p.packB && bStride > p.nr * ebytes;
    double bStrideFactor =
        !stridedB ? 1.0
        : p.packB ? prof.l2PanelFactor
                  : prof.unpackedPanelFactor(kc, bStride, p.nr * ebytes);
    // An unpacked B beyond L2 reaches the core through the first tile over
    // each panel (the B block stream below); only the other tiles re-read
    // the panel from L2 at the measured factor. (Zen 5, 8x1024x1024: with
    // one 8-row tile over each panel, 1.8x faster than the factor on every
    // tile predicted.)
    double reReads = stridedB && !p.packB &&
                             double(w.k) * w.n * ebytes > double(l2.sizeBytes)
                         ? 1 - 1 / double(ceilDiv(std::min(mc, w.m), p.mr))
                         : 1.0;
    // The factor, measured with one tile, at this tile's demand for B.
    auto panelFactor = [&](int64_t rows, int64_t vecs) {
      double f = prof.panelFactorFor(bStrideFactor, bits, unsigned(rows),
                                     unsigned(vecs), stridedRows);
      return 1 + (f - 1) * reReads;
    };
    // bf16 on dot products: each step takes g k at once, at the calibrated
    // cost of the dot instruction against an FMA (Sapphire Rapids: 3.6 FMAs'
    // time for two k; one FMA's where it was not measured).
    int64_t g = blockedKGroup(w.element, p.vl, t);
    double perKScale = 1;
    if (g > 1 && prof.bf16DotCycles > 0 && prof.frequencyGHz > 0)
      perKScale = prof.bf16DotCycles / (prof.frequencyGHz * 1e9) *
                  v.fmaPerSecond / double(g);
    else if (g > 1)
      perKScale = 1 / double(g);
    // Micro-kernel: every (tile rows, tile cols) class over the blocks.
    double loadTime = 0, coreTime = 0, tileOverhead = 0;
    double vectorFmas = 0, tiles = 0, edgeTime = 0;
    for (auto [ncb, ncount] : blocksOf(w.n, nc))
      for (auto [nrb, nrcount] : blocksOf(ncb, p.nr))
        for (auto [mcb, mcount] : blocksOf(w.m, mc))
          for (auto [mrb, mrcount] : blocksOf(mcb, p.mr)) {
            double count = double(ncount) * nrcount * mcount * mrcount;
            int64_t vecs = ceilDiv(nrb, p.vl);
            double perK = double(mrb * vecs);
            double eff = std::min(1.0, perK / needed);
            double f = perK / (v.fmaPerSecond * eff);
            double l = double(vecs) / v.loadPerSecond +
                       double(mrb) / v.broadcastPerSecond;
            double k = double(w.k) * count;
            // The calibrated micro-kernel of this tile, slower when its B
            // panel is read in place from rows pages apart.
            double step =
                tileStepSeconds(machine, bits, mrb, vecs, std::max(f, l)) *
                panelFactor(mrb, vecs) * perKScale;
            loadTime += l * k;
            coreTime += step * k;
            if (mrb != p.mr || nrb != p.nr)
              edgeTime += step * k;
            vectorFmas += perK * k;
            // C tile in and out once per kc block, plus the k-loop set-up. The
            // C loads and stores go through the load/store ports beside the
            // FMAs of the k loop (they only add issue time where the ports are
            // the bottleneck); the additions take FMA-pipe slots.
            double kBlocks = double(ceilDiv(w.k, kc));
            double perKBlock = double(kc);
            double ports = l * perKBlock +
                           perK * (1 / v.loadPerSecond + 1 / v.storePerSecond);
            double fmaPipe = f * perKBlock + perK / v.fmaPerSecond;
            tileOverhead +=
                count * kBlocks *
                (std::max(fmaPipe, ports) - std::max(f, l) * perKBlock +
                 8 * prof.loopIterationSeconds);
            tiles += count * kBlocks;
          }

    double kSteps = double(ceilDiv(w.m, p.mr)) * ceilDiv(w.n, p.nr) * w.k;
    bool bFromL2 = !bPanelInL1 && bPanelInL2 && !stridedB;
    double l2Bytes = kSteps * (p.mr + (bFromL2 ? p.nr : 0)) * double(ebytes);
    double farBytes = !bPanelInL1 && !bPanelInL2 && !stridedB
                          ? kSteps * p.nr * double(ebytes)
                          : 0;
    double l2Stream =
        l2Bytes / prof.bandwidthFor(uint64_t(aBlockBytes + bPanelBytes), t) +
        farBytes /
            prof.panelBandwidthFor(uint64_t(double(w.k) * w.n * ebytes), t);
    // B panels first reach the core from where the B block lives (the packed
    // kc x nc buffer, or B itself), once per ic block.
    double bBlockBytes =
        p.packB ? double(kc) * nc * ebytes : double(w.k) * w.n * ebytes;
    double bFirstBytes = double(w.k) * w.n * ebytes * ceilDiv(w.m, mc);
    // Unpacked, B panels are row-strided streams of B itself, at the rate
    // calibration measured the micro-kernel streaming such a B panel after
    // panel at this depth (or the panel-stream bandwidth).
    std::optional<double> unpackedRate =
        p.packB || bBlockBytes <= double(l2.sizeBytes)
            ? std::nullopt
            : prof.unpackedStreamFor(kc, uint64_t(bBlockBytes), t,
                                     unsigned(p.mr), unsigned(p.nr / p.vl));
    double bRate = p.packB ? prof.bandwidthFor(uint64_t(bBlockBytes), t)
                   : unpackedRate
                       ? *unpackedRate
                       : prof.panelBandwidthFor(uint64_t(bBlockBytes), t);
    // Constant B in a program (weights): its first pass comes from where all
    // of the program's weights live.
    double bFirst =
        prof.weightsSeconds(double(w.k) * w.n * ebytes, bFirstBytes,
                            w.constB ? w.weightsReuseBytes : 0, bRate, t);
    double streamTime = std::max(l2Stream, bFirst);

    // Packing: B once per (jc, pc) block, A once per (jc, pc, ic) block.
    double jcBlocks = double(ceilDiv(w.n, nc));
    double aSource = prof.bandwidthFor(uint64_t(double(w.m) * w.k * ebytes), t);
    double bSource = prof.bandwidthFor(uint64_t(double(w.k) * w.n * ebytes), t);
    double packB = 0, packA = 0, packBRead = 0;
    // A constant B (weights) is packed at compile time: nothing runs.
    if (p.packB && !w.constB) {
      double elems = double(w.k) * roundUp(w.n, p.nr);
      // A transposed B goes through vl x vl register transposes: log2(vl)
      // two-source shuffles per vector, which issue where broadcasts do.
      double copy = w.transB ? elems / p.vl * std::log2(double(p.vl)) /
                                   v.broadcastPerSecond
                             : elems / p.vl / v.storePerSecond;
      // An untransposed B is read panel by panel: nr columns of kc rows, a
      // row-strided stream; beyond the TLB's reach every row segment costs a
      // page walk (the calibrated page-walk cost).
      double bBytes = double(w.k) * w.n * ebytes;
      double source =
          w.transB ? bSource : prof.panelBandwidthFor(uint64_t(bBytes), t);
      // The generator reads B row by row of each (jc, pc) block (nc
      // columns at a time, scattered into the panels): a new page per row
      // when rows are a page or more apart, and each page of a wide row.
      // (Counted per panel instead, as before, the walks of 128x3072x768
      // came to 0.76 ms of a 0.4 ms packing: the model ran B unpacked at
      // 0.74x the packed speed on an Emerald Rapids guest.)
      double walks = 0;
      if (!w.transB && bBytes > double(t.tlbReachBytes()))
        walks = jcBlocks * w.k * std::max(1.0, double(nc) * ebytes / 4096.0) *
                std::min(1.0, double(w.ldb * ebytes) / 4096.0);
      packBRead = bBytes / source;
      // A packed block larger than L2 is written out beyond it: each line
      // read for ownership and written back, as the Winograd model's U.
      // (Zen 5, 128x3072x768: nc=3072, a 3 MiB block, ran 0.89x as fast as
      // nc=768 at the same predicted micro-kernel time.)
      double blockBytes = double(kc) * nc * ebytes;
      double writeBack =
          blockBytes > double(l2.sizeBytes)
              ? 2 * elems * ebytes / prof.bandwidthFor(uint64_t(blockBytes), t)
              : 0;
      packB = copy + packBRead + writeBack + walks * prof.pageWalkSeconds;
    }
    if (p.packA) {
      double elems = double(w.m) * w.k * jcBlocks;
      packA = elems / std::min(v.broadcastPerSecond, v.storePerSecond * p.vl) +
              elems * ebytes / aSource;
    }
    // Unpacked, an A micro-panel is mr row segments of A itself (kc column
    // segments when A is transposed). When those are a page or more apart and
    // the A block spans beyond the TLB's reach, every segment of every tile
    // visit costs a page walk (calibrated) that the
    // micro-kernel waits for: A must be packed then.
    double aWalks = 0;
    int64_t aSegments = w.transA ? kc : p.mr;
    double aSpan = double(w.transA ? kc : mc) * w.lda * ebytes;
    if (!p.packA && aSpan > double(t.tlbReachBytes()))
      aWalks =
          tiles * aSegments * std::min(1.0, double(w.lda * ebytes) / 4096.0);
    double aWalkTime = aWalks * prof.pageWalkSeconds;
    // C: read and written once per kc block from where it lives. The first
    // pass streams in under the FMAs (prefetched, see below); each further
    // pass re-reads what the previous one wrote back, competing with the A and
    // B streams: measured on Zen 4, every extra pass costs about its traffic.
    double cPass = 2.0 * w.m * w.n * ebytes;
    double cBytes = cPass * ceilDiv(w.k, kc);
    double cBandwidth =
        prof.bandwidthFor(uint64_t(double(w.m) * w.n * ebytes), t);
    double cTime = cPass / cBandwidth;
    double cRepeatTime = (cBytes - cPass) / cBandwidth;

    double threads = double(std::max<int64_t>(1, p.threads));
    double perThreadBlocks = std::ceil(jcBlocks / threads);
    double balance = jcBlocks / (threads * perThreadBlocks);
    double parallel = threads * balance;
    double forkCost = p.threads > 1 ? prof.forkJoinSeconds : 0;
    double overhead = prof.callOverheadSeconds + forkCost;

    // The generator prefetches each C tile when its k loop starts and adds it
    // after, so C streams in under the tile's FMAs (as BLIS micro-kernels do).
    // Unpacked B beyond L2 reaches the core when the first tile of each ic
    // block reads its panel; the other tiles of that block then find the panel
    // in L1 or L2. Unless the hardware fetches the next panel's columns ahead
    // (they are the next cache lines of the same rows), only the first tile's
    // FMAs run under that stream and the rest of it is exposed: the
    // calibrated exposure says how much (Zen 5, 8x1024x1024, B 4 MiB: 2x128
    // tiles, four over each panel, ran 97 GFLOP/s where one 8x32 tile ran
    // 171). A packed B block is one contiguous stream the hardware prefetches
    // panel after panel.
    double bOverlapped = bFirst, bExposed = 0;
    int64_t tilesPerPanel = ceilDiv(mc, p.mr);
    if (!p.packB && bBlockBytes > double(l2.sizeBytes) && tilesPerPanel > 1 &&
        prof.firstTouchExposure > 0) {
      double firstTile = (coreTime + tileOverhead) / double(tilesPerPanel);
      bExposed =
          prof.firstTouchExposure * (bFirst - std::min(bFirst, firstTile));
      bOverlapped = bFirst - bExposed;
    }
    double body = partialOverlap(
                      {coreTime + tileOverhead, l2Stream, bOverlapped, cTime}) +
                  bExposed;
    // A panels from beyond L2 (see aBlockInL2): every k step's mr elements,
    // at the bandwidth of the level A lives in, in series with the kernel.
    double aFar =
        aBlockInL2
            ? 0
            : kSteps * p.mr * double(ebytes) /
                  prof.bandwidthFor(uint64_t(double(w.m) * w.k * ebytes), t);
    pred.seconds =
        (body + aFar + cRepeatTime + packA + packB + aWalkTime) / parallel +
        overhead;
    pred.formula = "(overlap(micro-kernel + tile overhead, L2->L1 stream, B "
                   "block stream, C first pass) + A beyond L2 + C further "
                   "passes + pack A + pack B + A page walks) / (threads x "
                   "balance) + overhead";
    auto fmaDetail =
        formatv("{0:e2} vector FMAs at {1:e2}/s; tile {2}x{3} holds {4} "
                "accumulators for {5:f0} in flight",
                vectorFmas, v.fmaPerSecond, p.mr, p.nr, p.mr * (p.nr / p.vl),
                needed)
            .str();
    if (g > 1)
      fmaDetail += formatv(", as {0:e2} VDPBF16PS on k pairs at {1:f2}x an "
                           "FMA's time each",
                           vectorFmas / g, perKScale * g)
                       .str();
    else if (w.element == ElementKind::BF16)
      fmaDetail += ", bf16 widened to f32 (no AVX512-BF16 here)";
    pred.add("compute", coreTime / parallel, fmaDetail,
             /*overlapped=*/coreTime < streamTime);
    pred.add(
        "load issue", loadTime / parallel,
        formatv("{0} B vectors + {1} broadcasts per k step", p.nr / p.vl, p.mr)
            .str(),
        true);
    pred.add("edge tiles", edgeTime / parallel,
             "partial tiles at the M/N edges (part of compute)", true);
    pred.add(
        "tile overhead", tileOverhead / parallel,
        formatv("{0:e2} tile visits: C additions, C in/out past the ports' "
                "slack, loop set-up",
                tiles)
            .str());
    pred.add(
        "L2->L1 stream", l2Stream / parallel,
        formatv("{0} into L1: A panels{1}", formatBytes(l2Bytes + farBytes),
                bPanelInL1 ? " (B panels stay in L1)"
                : stridedB ? formatv(" (B panels stream from L2 or beyond: the "
                                     "measured micro-kernel x{0:f2})",
                                     panelFactor(p.mr, ceilDiv(p.nr, p.vl)))
                                 .str()
                : !bFromL2 ? " and B panels from beyond L2 (rows alias in "
                             "L1 and L2)"
                : aliased  ? " and B panels (rows alias in L1)"
                           : " and B panels (overflow L1)")
            .str(),
        l2Stream <= coreTime + tileOverhead);
    pred.add(
        "B block stream", bFirst / parallel,
        formatv("{0} from the B block ({1}){2}", formatBytes(bFirstBytes),
                formatBytes(bBlockBytes),
                bExposed > 0
                    ? formatv(", {0} of it exposed: only the first of the "
                              "{1} tiles over each panel runs under it",
                              formatSeconds(bExposed / parallel), tilesPerPanel)
                          .str()
                    : std::string())
            .str(),
        bExposed == 0 && bFirst <= coreTime + tileOverhead);
    pred.add(
        "pack A", packA / parallel,
        p.packA ? formatv("{0:e2} elements", double(w.m) * w.k * jcBlocks).str()
                : "not packed");
    pred.add("pack B", packB / parallel,
             !p.packB   ? "not packed"
             : w.constB ? "constant: packed at compile time"
                        : formatv("{0:e2} elements{1}",
                                  double(w.k) * roundUp(w.n, p.nr),
                                  w.transB ? " (transposing)" : "")
                              .str());
    if (!p.packA)
      pred.add("A page walks", aWalkTime / parallel,
               aWalks > 0
                   ? formatv("{0:e2} segments of unpacked A beyond the TLB "
                             "reach ({1})",
                             aWalks, formatBytes(double(t.tlbReachBytes())))
                         .str()
                   : "the A block is within the TLB reach");
    pred.add("A beyond L2", aFar / parallel,
             aBlockInL2 ? formatv("the A block ({0}) stays in L2",
                                  formatBytes(aBlockBytes))
                              .str()
                        : formatv("the A block ({0}{1}) does not stay in L2 "
                                  "beside the B data: A panels from beyond it",
                                  formatBytes(aBlockBytes),
                                  p.packA ? "" : ", rows lda apart")
                              .str());
    pred.add("C first pass", cTime / parallel,
             formatv("{0} in and out, prefetched", formatBytes(cPass)).str(),
             cTime <= coreTime + tileOverhead);
    pred.add("C further passes", cRepeatTime / parallel,
             formatv("{0} over {1} more kc block(s)",
                     formatBytes(cBytes - cPass), ceilDiv(w.k, kc) - 1)
                 .str());
    pred.addThreads(p.threads, jcBlocks, "jc blocks", balance);
    pred.add("overhead", overhead, "call + fork/join");
    // On one thread: B's first pass (packed or streamed), A from beyond L2.
    double footprint =
        (double(w.k) * w.n + double(w.m) * w.k + 2.0 * w.m * w.n) * ebytes;
    applySharedMemoryFloor(pred, machine, bFirst + packBRead + aFar, footprint,
                           unsigned(p.threads), overhead);
    return pred;
  }

  Error verifyParams(const GemmWorkload &w, const BlockedGemmParams &p,
                     const TargetDesc &,
                     std::vector<std::string> &warnings) const override {
    // Rows of A and of B both read in place at run-time pitches: every tile
    // row's and B row's address is computed in the k loop, and the loop
    // spills vector registers (Zen 5, 256^3 with M, N, K dynamic: 0.66 of
    // the static kernel's speed, 0.96 with either operand packed).
    bool aPitchDynamic = w.transA ? bool(w.mRange) : bool(w.kRange);
    bool bPitchDynamic = w.transB ? bool(w.kRange) : bool(w.nRange);
    if (!p.packA && !p.packB && aPitchDynamic && bPitchDynamic)
      warnings.push_back("packA=0 with packB=0 reads A and B at run-time "
                         "row pitches: slow (pack one of them)");
    if (Error err = checkMicroTileWidth(p.nr, p.vl))
      return err;
    if (Error err = checkWholeTiles("mc", p.mc, "mr", p.mr))
      return err;
    if (Error err = checkWholeTiles("nc", p.nc, "nr", p.nr))
      return err;
    if (!p.packB && w.transB)
      return configError(
          "packB=0 needs B untransposed (its rows are read as vectors)");
    // The generator's bf16 kernels read packed panels (of k pairs for
    // vdpbf16ps) only.
    if (w.element == ElementKind::BF16 && (!p.packA || !p.packB))
      return configError("bf16 inputs need packA=1 and packB=1");
    // Packing buffers are allocated per call (per thread): keep them sane.
    // (sized for the largest sizes a dynamic workload may take)
    int64_t m = w.mRange ? w.mRange->max : w.m;
    int64_t n = w.nRange ? w.nRange->max : w.n;
    int64_t k = w.kRange ? w.kRange->max : w.k;
    double packBytes = double(std::min(p.kc, k)) *
                       (double(std::min(p.nc, roundUp(n, p.nr))) +
                        double(std::min(p.mc, roundUp(m, p.mr)))) *
                       (elementBits(w.element) / 8);
    return checkBufferBytes("packing buffers", packBytes, "kc x (mc + nc)");
  }

  std::vector<Config> neighboursOf(const GemmWorkload &w, const Config &,
                                   const BlockedGemmParams &base,
                                   const TargetDesc &t) const override {
    std::vector<Config> result;
    // The refinement stays where the model's terms hold: the B micro-panel
    // within L1 and the A block within the L2 ways but one (Low et al.'s
    // blocking, as derived, of which the cost terms assume the residency).
    // Beyond, the overflow's cost is more than the terms' partial overlap
    // can tell.
    unsigned ebytes = elementBits(w.element) / 8;
    const CacheLevel *l1 = t.cache(1), *l2 = t.cache(2);
    auto resident = [&](const BlockedGemmParams &q) {
      double kc = double(std::min(q.kc, w.k));
      double mc = double(std::min(q.mc, roundUp(w.m, q.mr)));
      if (l1 && kc * q.nr * ebytes > double(l1->sizeBytes))
        return false;
      if (l2 && mc * kc * ebytes > double(l2->sizeBytes) /
                                       std::max(1u, l2->sharedByCores) *
                                       (l2->ways - 1) / std::max(1u, l2->ways))
        return false;
      return true;
    };
    auto push = [&](BlockedGemmParams q) {
      if (!keepMicroKernelMove(w, q, t))
        return;
      q.mc = wholeTiles(q.mc, q.mr);
      if (!resident(q) && resident(base))
        return;
      result.push_back(q.toConfig());
    };
    for (int64_t dm : {-2, -1, 1, 2}) {
      BlockedGemmParams q = base;
      q.mr += dm;
      q.mc = roundUp(base.mc, std::max<int64_t>(q.mr, 1));
      push(q);
    }
    for (int64_t dv : {-1, 1})
      push(withTileWidthStep(base, dv));
    for (double f : {0.5, 0.75, 1.5, 2.0})
      if (std::optional<BlockedGemmParams> q = withDepthScaled(base, f, w.k))
        push(*q);
    for (double f : {0.5, 2.0}) {
      BlockedGemmParams q = base;
      q.mc = int64_t(base.mc * f);
      push(q);
      q = base;
      q.nc = int64_t(base.nc * f);
      push(q);
    }
    for (int64_t flag : {0, 1}) {
      BlockedGemmParams q = base;
      q.packA = flag;
      if (q.packA != base.packA)
        push(q);
      q = base;
      q.packB = flag;
      if (q.packB != base.packB && !(flag == 0 && w.transB))
        push(q);
    }
    return result;
  }

  std::vector<BlockedGemmParams>
  searchSpaceOf(const GemmWorkload &w, const TargetDesc &t) const override {
    std::vector<BlockedGemmParams> space;
    int64_t lanes = t.lanes(elementBits(w.element));
    for (int64_t mr = 1; mr <= 16; ++mr)
      for (int64_t nv = 1; nv <= 8; ++nv) {
        if (mr * nv + nv + 1 > int64_t(t.vectorRegisters))
          continue;
        for (int64_t kc : {32, 64, 96, 128, 192, 256, 384, 512})
          for (int64_t mcMul : {4, 8, 16, 32, 64})
            for (int64_t ku : {1, 2, 4, 8})
              for (int64_t packA : {0, 1}) {
                BlockedGemmParams p = startingParams(w, t);
                p.mr = mr;
                p.nr = nv * lanes;
                p.kc = kc;
                p.mc = mr * mcMul;
                p.nc = roundUp(w.n, p.nr);
                p.ku = ku;
                p.packA = packA;
                p.packB = 1;
                space.push_back(p);
              }
      }
    return space;
  }

  bool rederive(const GemmWorkload &w, const Config &partial,
                BlockedGemmParams &p, const Machine &machine) const override {
    // A user-given register tile changes the cache blocks it implies.
    if (!partial.has("mr") && !partial.has("nr") && !partial.has("vl") &&
        !partial.has("kc"))
      return false;
    if (p.mr >= 1 && p.nr >= 1)
      deriveBlocking(w, machine, p, partial.has("kc"), partial.has("mc"),
                     partial.has("nc"));
    return true;
  }
};

} // namespace

std::unique_ptr<AlgorithmModel> createBlockedGemmModel() {
  return std::make_unique<BlockedGemmModel>();
}

} // namespace autoconfig
