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
// records how much slower that k step is, and likewise for a contiguous
// panel too deep for L1.
//
//===----------------------------------------------------------------------===//

#include "TileCalibration.h"
#include "TileFit.h"

#include "autoconfig/Bench/Buffers.h"
#include "autoconfig/Bench/Timing.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/GemmParams.h"
#include "autoconfig/Pipeline/KernelCompiler.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {
namespace {

/// Median seconds per call of `kernel` on `buffers`, each sample lasting
/// about `sampleSeconds`.
double medianCallSeconds(CompiledKernel &kernel, ArrayRef<void *> buffers,
                         const CalibrationOptions &options) {
  kernel.run(buffers); // warm the caches and the code
  unsigned calls = 1;
  double start = nowSeconds();
  kernel.run(buffers);
  double once = std::max(nowSeconds() - start, 1e-9);
  calls = unsigned(std::clamp(options.sampleSeconds / once, 1.0, 1e6));
  std::vector<double> samples;
  for (unsigned s = 0; s < std::max(3u, options.samples); ++s) {
    double t0 = nowSeconds();
    for (unsigned c = 0; c < calls; ++c)
      kernel.run(buffers);
    samples.push_back((nowSeconds() - t0) / calls);
  }
  return quantile(samples, 0.5);
}

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

/// Times one blocked GEMM (m x n x k, A and B unpacked, one kc block of
/// depth `kc`, all of k when 0) and returns seconds per k step of one tile.
Expected<double> timeTile(const TargetDesc &target, int64_t vl, int64_t mr,
                          int64_t nv, int64_t m, int64_t n, int64_t k,
                          const CalibrationOptions &options, int64_t kc = 0,
                          int64_t threads = 1, int64_t nc = 0) {
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
  p.packB = 0;
  p.prefetch = 0;
  p.threads = threads;
  auto kernel = compileKernel(Workload(w), p.toConfig(), target);
  if (!kernel)
    return kernel.takeError();
  std::vector<AlignedBuffer> buffers;
  std::vector<void *> pointers;
  for (const std::vector<int64_t> &shape : (*kernel)->shapes()) {
    size_t elements = 1;
    for (int64_t d : shape)
      elements *= size_t(d);
    buffers.emplace_back(elements, sizeof(float));
    buffers.back().fillRandom(7);
    pointers.push_back(buffers.back().data());
  }
  // Accumulating into C forever: keep the values small.
  buffers.back().fillZero();
  double seconds = medianCallSeconds(**kernel, pointers, options);
  double tiles = double(m / mr) * double((n + p.nr - 1) / p.nr);
  return seconds / (tiles * double(k));
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
  std::pair<unsigned, unsigned> best = {1, 1};
  for (auto [mr, nv] : registerTileShapes(target)) {
    int64_t nr = int64_t(nv) * vl;
    int64_t k = l1Depth(target, mr, nr);
    int64_t rows = aBlockRows(target, mr, k);
    Expected<double> perStep =
        timeTile(target, vl, mr, nv, rows, nr, k, options);
    if (!perStep)
      return perStep.takeError();
    profile.tiles.push_back({bits, mr, nv, *perStep});
    double perFma = *perStep / double(mr * nv);
    // The stride test uses a tile that hides the FMA latency well.
    if (perFma < bestPerFma) {
      bestPerFma = perFma;
      best = {mr, nv};
    }
  }
  // The weighted count every model reads, fitted to all the tiles.
  const VectorCosts &v = profile.forBits(bits);
  TileFit start;
  start.fma = 1 / v.fmaPerSecond;
  start.load = 1 / v.loadPerSecond;
  start.broadcast = 1 / v.broadcastPerSecond;
  start.latency = v.fmaLatencySeconds;
  profile.tileFit = fitTiles(profile.tiles, bits, start);

  // The best tile again with B rows 3 pages apart (a matrix 3072 floats
  // wide), across every panel of those rows, against its contiguous k step,
  // at panel depths from a TLB's worth of pages to past the L2.
  auto [mr, nv] = best;
  int64_t nr = int64_t(nv) * vl;
  int64_t wide =
      std::max<int64_t>(1, Profile::kUnpackedStreamColumns / nr) * nr;
  int64_t rows = aBlockRows(target, mr, l1Depth(target, mr, nr));
  std::optional<double> contiguous = profile.tileSecondsPerKStep(bits, mr, nv);
  profile.stridedPanelFactors.clear();
  for (int64_t depth : {16, 64, 192, 512}) {
    Expected<double> strided =
        timeTile(target, vl, mr, nv, rows, wide, depth, options);
    if (!strided)
      return strided.takeError();
    double factor = contiguous ? std::max(1.0, *strided / *contiguous) : 1.0;
    // Deeper panels cost at least as much per k step.
    if (!profile.stridedPanelFactors.empty())
      factor = std::max(factor, profile.stridedPanelFactors.back().second);
    profile.stridedPanelFactors.push_back({depth, factor});
  }
  // An unpacked B of 2048 rows 3072 floats wide (24 MiB, beyond L2) streamed
  // once by one row of tiles, panel after panel of `depth` rows: bytes of B
  // per second.
  profile.unpackedStreamBandwidth.clear();
  for (int64_t depth : {16, 64, 256}) {
    Expected<double> perStep =
        timeTile(target, vl, mr, nv, mr, wide, Profile::kUnpackedStreamRows,
                 options, depth);
    if (!perStep)
      return perStep.takeError();
    // Seconds per k step of one tile; one tile row reads nr floats of B.
    double bytesPerStep = double(nr) * sizeof(float);
    profile.unpackedStreamBandwidth.push_back({depth, bytesPerStep / *perStep});
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
  // A contiguous panel four times deeper than L1 holds: from L2 each k step.
  int64_t deep = std::min<int64_t>(4 * l1Depth(target, mr, nr), 2048);
  Expected<double> fromL2 =
      timeTile(target, vl, mr, nv, rows, nr, deep, options);
  if (!fromL2)
    return fromL2.takeError();
  profile.l2PanelFactor =
      contiguous ? std::max(1.0, *fromL2 / *contiguous) : 1.0;
  return Error::success();
}

} // namespace autoconfig
