//===- TileCalibration.cpp - The GEMM micro-kernel, measured --------------===//
//
// What decides between GEMM configs is first the register tile's
// throughput: how close a tile of mr x nv accumulators gets to the FMA
// pipes once its loads, broadcasts and loop control compete for the ports,
// which instruction tables and port models only estimate (measured on an
// Emerald Rapids guest: 190 of 233 GFLOP/s for most tiles, 125 for 3 x 8
// vectors). So calibration runs the blocked GEMM generator itself on a
// small problem per tile shape, the B micro-panel contiguous and L1-sized,
// and records the seconds per k step. It also runs one tile with B read in
// place from rows pages apart, the case a wide unpacked B presents, and
// records how much slower that k step is than with B packed, and likewise
// for a contiguous panel too deep for L1 and for rows a quarter page apart.
//
//===----------------------------------------------------------------------===//

#include "TileCalibration.h"
#include "TileFit.h"

#include "autoconfig/Bench/Buffers.h"
#include "autoconfig/Bench/Timing.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/GemmParams.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Support/Arithmetic.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {
namespace {

/// The k depth of a tile's micro-panels in the blocked GEMM (the L1 ways but
/// one), so that the tile is measured where the derivation runs it.
int64_t l1Depth(const TargetDesc &target, int64_t mr, int64_t nr) {
  CacheLevel l1 =
      target.cache(1) ? *target.cache(1) : CacheLevel{1, 32 * 1024, 64, 8, 1};
  return std::clamp<int64_t>(l1PanelDepth(mr, nr, sizeof(float), l1), 16, 512);
}

/// Rows of A for a tile measurement: an A block four times the L1 (it
/// streams from L2, panel by panel, as in the blocked GEMM's ic loop, while
/// the B micro-panel stays in L1), a multiple of mr.
int64_t aBlockRows(const TargetDesc &target, int64_t mr, int64_t k) {
  const CacheLevel *l1 = target.cache(1);
  double l1Bytes = double(l1 ? l1->sizeBytes : 32 * 1024);
  int64_t rows = int64_t(4 * l1Bytes / (double(k) * sizeof(float)));
  rows = std::clamp<int64_t>(rows, 4 * mr, 1024);
  return rows / mr * mr;
}

/// One blocked GEMM (m x n x k, A unpacked, B unpacked unless `packB`, kc
/// blocks of depth `kc`, all of k when 0), compiled, on its own buffers.
struct TileRun {
  std::unique_ptr<CompiledKernel> kernel;
  std::vector<AlignedBuffer> buffers;
  std::vector<void *> pointers;
  double tileKSteps = 1; // tiles x k: the k steps of one tile per call
  unsigned calls = 1;    // calls per sample

  void run() { kernel->run(pointers); }
  /// Warms the caches and the code, and sizes a sample to `sampleSeconds`.
  void warm(const CalibrationOptions &options) {
    run();
    double start = nowSeconds();
    run();
    double once = std::max(nowSeconds() - start, 1e-9);
    calls = unsigned(std::clamp(options.sampleSeconds / once, 1.0, 1e6));
  }
  /// Seconds per k step of one tile, over one sample.
  double sample() {
    double t0 = nowSeconds();
    for (unsigned c = 0; c < calls; ++c)
      run();
    return (nowSeconds() - t0) / calls / tileKSteps;
  }
};

Expected<TileRun> compileTile(const TargetDesc &target, int64_t vl, int64_t mr,
                              int64_t nv, int64_t m, int64_t n, int64_t k,
                              int64_t kc = 0, int64_t threads = 1,
                              int64_t nc = 0, bool packB = false) {
  GemmWorkload w = GemmWorkload::dense("tile", m, n, k);
  BlockedGemmParams p;
  p.vl = vl;
  p.mr = mr;
  p.nr = nv * vl;
  p.kc = kc > 0 ? kc : k;
  p.mc = m;
  p.nc = nc > 0 ? nc : (n + p.nr - 1) / p.nr * p.nr;
  p.ku = 4;
  p.packA = 0;
  p.packB = packB;
  p.prefetch = 0;
  p.threads = threads;
  auto kernel = compileKernel(Workload(w), p.toConfig(), target);
  if (!kernel)
    return kernel.takeError();
  TileRun tile;
  tile.kernel = std::move(*kernel);
  for (const std::vector<int64_t> &shape : tile.kernel->shapes()) {
    size_t elements = 1;
    for (int64_t d : shape)
      elements *= size_t(d);
    tile.buffers.emplace_back(elements, sizeof(float));
    tile.buffers.back().fillRandom(7);
  }
  // Accumulating into C forever: keep the values small.
  tile.buffers.back().fillZero();
  for (AlignedBuffer &buffer : tile.buffers)
    tile.pointers.push_back(buffer.data());
  tile.tileKSteps = double(m / mr) * double((n + p.nr - 1) / p.nr) * double(k);
  return tile;
}

/// Median seconds per k step of one tile of that GEMM.
Expected<double> timeTile(const TargetDesc &target, int64_t vl, int64_t mr,
                          int64_t nv, int64_t m, int64_t n, int64_t k,
                          const CalibrationOptions &options, int64_t kc = 0,
                          int64_t threads = 1, int64_t nc = 0) {
  Expected<TileRun> tile =
      compileTile(target, vl, mr, nv, m, n, k, kc, threads, nc);
  if (!tile)
    return tile.takeError();
  tile->warm(options);
  std::vector<double> samples;
  for (unsigned s = 0; s < std::max(3u, options.samples); ++s)
    samples.push_back(tile->sample());
  return quantile(samples, 0.5);
}

/// How much slower a k step of `slow` is than one of `base`: the median of
/// the ratios of samples taken in turn, so that the machine's drift (a
/// shared host, the clock) cancels in each ratio.
double medianRatio(TileRun &slow, TileRun &base,
                   const CalibrationOptions &options) {
  slow.warm(options);
  base.warm(options);
  std::vector<double> ratios;
  for (unsigned s = 0; s < std::max(5u, options.samples); ++s) {
    double a = slow.sample();
    double b = base.sample();
    ratios.push_back(a / std::max(b, 1e-15));
  }
  return quantile(ratios, 0.5);
}

/// The B panel factors (Profile::stridedPanelFactors, l2PanelFactor,
/// subPagePanelFactor), per k step of the tile `tile` against its own
/// contiguous, L1-resident k step.
Error measurePanelFactors(const TargetDesc &target, int64_t vl,
                          std::pair<unsigned, unsigned> tile,
                          const CalibrationOptions &options, Profile &profile) {
  auto [mr, nv] = tile;
  int64_t nr = int64_t(nv) * vl;
  profile.panelTileMr = mr;
  profile.panelTileVectors = nv;
  int64_t rows = aBlockRows(target, mr, l1Depth(target, mr, nr));
  // A contiguous panel four times deeper than L1 holds: from L2 each k step.
  // Then the same depth read in place from rows a quarter page apart (B
  // several panels wide), whose rows share a fraction of the L1 sets: from
  // L2 too, but row by row.
  int64_t depth = l1Depth(target, mr, nr);
  int64_t deep = std::min<int64_t>(4 * depth, 2048);
  Expected<TileRun> inL1 = compileTile(target, vl, mr, nv, rows, nr, depth);
  if (!inL1)
    return inL1.takeError();
  Expected<TileRun> fromL2 = compileTile(target, vl, mr, nv, rows, nr, deep);
  if (!fromL2)
    return fromL2.takeError();
  profile.l2PanelFactor = std::max(1.0, medianRatio(*fromL2, *inL1, options));
  int64_t subPageWide = roundUp(
      std::max<int64_t>(2 * nr, Profile::kSubPageStrideBytes / sizeof(float)),
      nr);
  Expected<TileRun> subPage =
      compileTile(target, vl, mr, nv, rows, subPageWide, deep);
  if (!subPage)
    return subPage.takeError();
  profile.subPagePanelFactor =
      std::max(profile.l2PanelFactor, medianRatio(*subPage, *inL1, options));

  // B rows 3 pages apart (a matrix 3072 floats wide), read in place across
  // every panel of those rows, against the same GEMM with B packed (its
  // packing, about 3% of the run, included), at panel depths from a TLB's
  // worth of pages to past the L2; a packed panel deeper than L1 comes
  // from L2 (the factor above). The same shapes on both sides: a shallow
  // kc re-reads C, 3072 columns wide, often, which is not the B panel's
  // cost (against the L1 tile alone, the 16-row factor read 2.0-3.4 on
  // Zen 5, against the packed GEMM 1.3).
  int64_t wide =
      std::max<int64_t>(1, Profile::kUnpackedStreamColumns / nr) * nr;
  profile.stridedPanelFactors.clear();
  for (int64_t panelDepth : {16, 64, 192, 512}) {
    Expected<TileRun> strided =
        compileTile(target, vl, mr, nv, rows, wide, panelDepth);
    if (!strided)
      return strided.takeError();
    Expected<TileRun> packed =
        compileTile(target, vl, mr, nv, rows, wide, panelDepth, 0, 1, wide,
                    /*packB=*/true);
    if (!packed)
      return packed.takeError();
    double packedFactor = panelDepth > depth ? profile.l2PanelFactor : 1.0;
    double factor =
        std::max(1.0, medianRatio(*strided, *packed, options) * packedFactor);
    // Deeper panels cost at least as much per k step.
    if (!profile.stridedPanelFactors.empty())
      factor = std::max(factor, profile.stridedPanelFactors.back().second);
    profile.stridedPanelFactors.push_back({panelDepth, factor});
  }
  return Error::success();
}

} // namespace

std::vector<std::pair<unsigned, unsigned>>
registerTileShapes(const TargetDesc &target) {
  std::vector<std::pair<unsigned, unsigned>> shapes;
  for (unsigned nv = 1; nv <= 8; ++nv)
    for (unsigned mr = 1; mr <= 16; ++mr)
      if (mr * nv + nv + 1 <= target.vectorRegisters)
        shapes.push_back({mr, nv});
  return shapes;
}

Error measureRegisterTiles(const TargetDesc &target,
                           const CalibrationOptions &options,
                           Profile &profile) {
  unsigned bits = target.vectorBits;
  int64_t vl = target.lanes(32);
  if (vl < 1)
    return Error::success();
  profile.tiles.clear();
  double bestPerFma = INFINITY;
  for (auto [mr, nv] : registerTileShapes(target)) {
    int64_t nr = int64_t(nv) * vl;
    int64_t k = l1Depth(target, mr, nr);
    int64_t rows = aBlockRows(target, mr, k);
    Expected<double> perStep =
        timeTile(target, vl, mr, nv, rows, nr, k, options);
    if (!perStep)
      return perStep.takeError();
    profile.tiles.push_back({bits, mr, nv, *perStep});
    bestPerFma = std::min(bestPerFma, *perStep / double(mr * nv));
  }
  // Many tiles tie at the FMA peak, the fastest of them by noise (on Zen 5
  // it moved between 1 and 8 vectors from run to run, and the panel factors
  // measured with it, 1.0 to 2.7). Of the tiles within 5% of the fastest FMA
  // rate, the one with the most FMAs per loaded vector (mr nv / (mr + nv),
  // the derivation's criterion, Low et al. TOMS 2016) runs the streams and
  // the fork/join below.
  std::pair<unsigned, unsigned> best = {1, 1};
  double mostReuse = 0;
  for (const TileCost &tile : profile.tiles) {
    double perFma = tile.secondsPerKStep / double(tile.mr * tile.nv);
    double reuse = double(tile.mr * tile.nv) / double(tile.mr + tile.nv);
    if (perFma <= 1.05 * bestPerFma && reuse > mostReuse + 1e-9) {
      best = {tile.mr, tile.nv};
      mostReuse = reuse;
    }
  }
  // The B panel tests use a tile fixed by the target alone: four vectors
  // wide (a 256-byte row segment at 512 bits, as the usual tiles read) and
  // just tall enough to keep the FMA pipes' latency covered, so that it
  // asks for B faster than any usual tile and the panel's delivery, not
  // its FMAs, sets its time; the models scale that rate to their own
  // tile's demand (Profile::panelFactorFor).
  const VectorCosts &costs = profile.forBits(bits);
  auto inFlight = unsigned(
      std::max(1.0, std::round(costs.fmaLatencySeconds * costs.fmaPerSecond)));
  std::vector<std::pair<unsigned, unsigned>> shapes =
      registerTileShapes(target);
  unsigned panelVectors = 1;
  for (auto [mr, nv] : shapes)
    if (nv <= 4)
      panelVectors = std::max(panelVectors, nv);
  std::pair<unsigned, unsigned> demanding = {0, panelVectors};
  for (auto [mr, nv] : shapes)
    if (nv == panelVectors &&
        (!demanding.first ||
         (demanding.first * nv < inFlight && mr > demanding.first)))
      demanding.first = mr; // shapes list mr in increasing order
  // The weighted count every model reads, fitted to all the tiles.
  const VectorCosts &v = profile.forBits(bits);
  TileFit start;
  start.fma = 1 / v.fmaPerSecond;
  start.load = 1 / v.loadPerSecond;
  start.broadcast = 1 / v.broadcastPerSecond;
  start.latency = v.fmaLatencySeconds;
  profile.tileFit = fitTiles(profile.tiles, bits, start);

  if (Error err = measurePanelFactors(target, vl, demanding, options, profile))
    return err;

  auto [mr, nv] = best;
  int64_t nr = int64_t(nv) * vl;
  int64_t wide =
      std::max<int64_t>(1, Profile::kUnpackedStreamColumns / nr) * nr;
  // An unpacked B of 2048 rows 3072 floats wide (24 MiB, beyond L2) streamed
  // once by one row of tiles, panel after panel of `depth` rows: bytes of B
  // per second.
  profile.unpackedStreamBandwidth.clear();
  for (int64_t depth :
       {int64_t(16), int64_t(64), Profile::kUnpackedStreamDepth}) {
    Expected<double> perStep =
        timeTile(target, vl, mr, nv, mr, wide, Profile::kUnpackedStreamRows,
                 options, depth);
    if (!perStep)
      return perStep.takeError();
    // Seconds per k step of one tile; one tile row reads nr floats of B.
    double bytesPerStep = double(nr) * sizeof(float);
    profile.unpackedStreamBandwidth.push_back({depth, bytesPerStep / *perStep});
  }
  // The same stream under each other tile near the FMA peak (those the
  // models choose among), at one depth: on Zen 5 a 12x2 tile took an
  // unpacked B at a third of a 6x4's rate and 8x3 at its rate, which no
  // scaling of one tile's figure shows.
  profile.unpackedStreamTiles.clear();
  profile.unpackedStreamTiles.push_back({mr, nv, 1.0});
  double bestRate = 0;
  for (auto [depth, rate] : profile.unpackedStreamBandwidth)
    if (depth == Profile::kUnpackedStreamDepth)
      bestRate = rate;
  for (const TileCost &tile : std::vector<TileCost>(profile.tiles)) {
    double perFma = tile.secondsPerKStep / double(tile.mr * tile.nv);
    if (bestRate <= 0 || perFma > 1.05 * bestPerFma ||
        (tile.mr == mr && tile.nv == nv))
      continue;
    int64_t tileNr = int64_t(tile.nv) * vl;
    int64_t tileWide =
        std::max<int64_t>(1, Profile::kUnpackedStreamColumns / tileNr) * tileNr;
    // Three buffers of their own, the median: where the B rows land in
    // physical memory moves one measurement by up to 2x.
    std::vector<double> perSteps;
    for (int repeat = 0; repeat < 3; ++repeat) {
      Expected<double> perStep = timeTile(
          target, vl, tile.mr, tile.nv, tile.mr, tileWide,
          Profile::kUnpackedStreamRows, options, Profile::kUnpackedStreamDepth);
      if (!perStep)
        return perStep.takeError();
      perSteps.push_back(*perStep);
    }
    double rate = double(tileNr) * sizeof(float) / quantile(perSteps, 0.5);
    profile.unpackedStreamTiles.push_back({tile.mr, tile.nv, rate / bestRate});
  }
  // The same B under two rows of tiles, then under eight: is the first
  // touch of each panel hidden under all of the panel's tiles (the hardware
  // fetching the next panel's columns ahead), or only under the first one's?
  // A two-row tile makes the stream the bottleneck of one tile row. Per k
  // step of a panel: one tile row takes `one`, the stream included; the
  // compute of a tile is `c` (the contiguous tile measured above); four
  // tiles take max(4c, one) when the stream hides under all of them, one +
  // 3c when it hides under the first only. The exposure places the measured
  // time between the two.
  profile.firstTouchExposure = 0;
  if (std::optional<double> c = profile.tileSecondsPerKStep(bits, 2, nv)) {
    Expected<double> one =
        timeTile(target, vl, 2, nv, 2, wide, 2048, options, 256);
    if (!one)
      return one.takeError();
    Expected<double> four =
        timeTile(target, vl, 2, nv, 8, wide, 2048, options, 256);
    if (!four)
      return four.takeError();
    double hidden = std::max(4 * *c, *one), exposed = *one + 3 * *c;
    // Only a stream slower than the tile's FMAs leaves anything to expose.
    if (exposed - hidden > 0.25 * *c)
      profile.firstTouchExposure =
          std::clamp((4 * *four - hidden) / (exposed - hidden), 0.0, 1.0);
  }
  // The fork and join of the generated code's parallel loop as a call
  // pays it: a small GEMM whose jc blocks go to `threads` threads, against
  // the same on one thread split ideally. An empty parallel region costs
  // less than this (the workers' wake-up on a VM, their caches).
  if (unsigned threads = std::max(2u, target.cores); threads > 1) {
    int64_t wideN = int64_t(threads) * nr;
    Expected<double> one =
        timeTile(target, vl, mr, nv, mr * 8, wideN, 64, options, 0, 1, nr);
    Expected<double> many = timeTile(target, vl, mr, nv, mr * 8, wideN, 64,
                                     options, 0, threads, nr);
    if (!one)
      return one.takeError();
    if (!many)
      return many.takeError();
    double steps = double(8) * double(threads) * 64; // tiles x k
    double overhead = (*many - *one / threads) * steps;
    profile.forkJoinSeconds = std::max(profile.forkJoinSeconds, overhead);
  }
  return Error::success();
}

} // namespace autoconfig
