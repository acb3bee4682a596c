//===- Profile.h - Measured costs of the machine ----------------*- C++ -*-===//
//
// The dynamic half of the hardware model: per-operation costs measured by
// micro-benchmarks (see Calibration.h) or, for targets that are not the host,
// nominal figures derived from the TargetDesc.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_PROFILE_PROFILE_H
#define AUTOCONFIG_PROFILE_PROFILE_H

#include "autoconfig/Target/TargetDesc.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace autoconfig {

/// Throughputs are per second on one core, for f32 vectors of `bits` width.
struct VectorCosts {
  unsigned bits = 128;
  /// Independent vector FMAs per second (the FMA pipes' throughput).
  double fmaPerSecond = 0;
  /// Latency of one FMA on a dependent chain, in seconds.
  double fmaLatencySeconds = 0;
  /// Vector loads (L1-resident) per second.
  double loadPerSecond = 0;
  /// Scalar-broadcast loads (L1-resident) per second.
  double broadcastPerSecond = 0;
  /// Vector stores (L1-resident) per second.
  double storePerSecond = 0;
};

/// Sustained read bandwidth for a working set that lives in one level.
struct BandwidthPoint {
  /// 1, 2, 3 for caches; 0 for main memory.
  unsigned level = 0;
  uint64_t workingSetBytes = 0;
  double bytesPerSecond = 0;
};

/// The measured time of one k step of a register tile (mr rows x nv vectors
/// of accumulators), with the tile's A and B micro-panels in L1, as the
/// blocked GEMM generator's micro-kernel runs it.
struct TileCost {
  unsigned bits = 0;
  unsigned mr = 0;
  unsigned nv = 0;
  double secondsPerKStep = 0;
};

/// The register tiles' times fitted by least squares to the paper's form,
/// a weighted count of the operations of one k step (FMAs, vector loads,
/// broadcasts) plus the bounds they cannot beat:
///   t(mr, nv) = step + max(fma * mr*nv, load * nv + broadcast * mr, latency)
/// The coefficients are seconds per operation on this machine (the lambdas
/// of AutoConfig's cost model) fitted to every measured tile, so one noisy
/// tile does not decide the register tile; the residuals say how well the
/// form fits.
struct TileFit {
  unsigned bits = 0;
  double step = 0, fma = 0, load = 0, broadcast = 0, latency = 0;
  /// Root mean square and largest relative residual over the tiles.
  double rmsResidual = 0, maxResidual = 0;
  unsigned points = 0;

  double secondsPerKStep(unsigned mr, unsigned nv) const;
};

/// A measured figure's spread: relative interquartile range of its samples.
struct Profile {
  /// How the figures were obtained: "measured" or "nominal".
  std::string source = "nominal";
  std::string cpu;
  std::string featureKey;
  std::string toolVersion;
  /// Effective core frequency seen by the micro-benchmarks.
  double frequencyGHz = 0;
  std::vector<VectorCosts> vectors;
  std::vector<BandwidthPoint> bandwidth;
  /// Read bandwidth of row-strided panel streams (a 256-byte segment per
  /// row, rows ~4 KiB apart), as unpacked matrix panels are read, per level.
  std::vector<BandwidthPoint> panelBandwidth;
  /// Read bandwidth measured at working sets from twice the L2 up to where
  /// it stops falling (memory), increasing sizes. What the caches beyond L2
  /// deliver is read from here rather than from the sizes the machine
  /// reports: a virtual machine may report the whole socket's L3 (hundreds
  /// of MiB) of which a core effectively keeps a small part.
  std::vector<BandwidthPoint> bandwidthCurve;
  /// The largest working set of the curve still served clearly faster than
  /// memory (the effective last-level cache of one core); 0 when unknown.
  uint64_t effectiveLastLevelBytes = 0;
  /// Register tiles of the widest vectors (the micro-kernel the GEMM-based
  /// algorithms run), measured with the project's own generator.
  std::vector<TileCost> tiles;
  /// Their least-squares fit (bits 0 when there are no tiles).
  TileFit tileFit;
  /// How much slower a k step is when the B micro-panel is read in place
  /// from rows a page or more apart (unpacked B of a wide matrix) than from
  /// the same B packed: the panel no longer stays in L1, each row is a new
  /// page (the deeper the panel, the more pages: beyond the TLBs' reach)
  /// and no prefetcher follows the stride. Measured with the generator at a
  /// few panel depths (rows, factor), increasing; empty when not measured.
  std::vector<std::pair<int64_t, double>> stridedPanelFactors;
  /// The factor for a panel of `rows` rows (interpolated; 1 when none).
  double stridedPanelFactor(int64_t rows) const;
  /// Bandwidth at which the blocked micro-kernel streams an unpacked B from
  /// beyond L2, panel after panel of `rows` rows (rows, bytes/s),
  /// increasing rows: a shallow panel walks each row of B sequentially
  /// across the panels, which prefetchers follow; a deep one jumps a page
  /// per row. Empty when not measured.
  std::vector<std::pair<int64_t, double>> unpackedStreamBandwidth;
  /// The unpacked B calibration streams: rows x columns floats, beyond L2.
  static constexpr int64_t kUnpackedStreamRows = 2048;
  static constexpr int64_t kUnpackedStreamColumns = 3072;
  /// That bandwidth for panels of `rows` rows (interpolated) of a B of
  /// `bBytes`, if measured: scaled from the measured B's size to `bBytes`
  /// by the read-bandwidth curve (a B that stays in the last level streams
  /// faster than the measured one, which may not).
  std::optional<double> unpackedStreamFor(int64_t rows, uint64_t bBytes,
                                          const TargetDesc &target,
                                          unsigned mr = 0,
                                          unsigned nv = 0) const;
  /// The same stream under other register tiles, at panels of
  /// kUnpackedStreamDepth rows: how much faster or slower each tile near
  /// the FMA peak streams that B than the tile that measured the curve above
  /// (bytes/s ratio; Zen 5: a 12x2 tile took B at a third of a 6x4's rate,
  /// 8x3 at 0.6-0.8 of it). Empty when not measured. The curve's own tile
  /// is listed with ratio 1; a tile not listed streams at the rate of the
  /// listed tile of its width nearest in height (the curve's when none).
  struct TileStream {
    unsigned mr = 0, nv = 0;
    double ratio = 1;
  };
  std::vector<TileStream> unpackedStreamTiles;
  static constexpr int64_t kUnpackedStreamDepth = 256;
  /// The same for a contiguous B micro-panel too deep to stay in L1 (a
  /// packed panel of a large kc): it streams from L2 on every k step.
  double l2PanelFactor = 1;
  /// The register tile (mr x vectors) the panel factors were measured
  /// with; 0 when not measured.
  unsigned panelTileMr = 0, panelTileVectors = 0;
  /// A panel factor measured with that tile, for an mr x nv tile of `bits`
  /// vectors: the measured tile, chosen so that the panel's delivery sets
  /// its time, gives the rate at which B arrives (factor x its contiguous
  /// step per k step); a tile that needs B slower than that runs at its
  /// own speed. A contiguous panel arrives by the vector (the measured
  /// tile's nv per step); a panel read in place from strided rows by the
  /// row, one per k step whatever its width (Zen 5, rows 12 KiB apart:
  /// 8 x 2 vectors ran 1.5x slower than its contiguous step, as 4 x 4 did).
  /// `factor` unchanged without the tiles' times.
  double panelFactorFor(double factor, unsigned bits, unsigned mr, unsigned nv,
                        bool byRow) const;
  /// The same for an unpacked panel as deep, its rows kSubPageStrideBytes
  /// apart: from L2 row by row, its rows sharing a fraction of the L1 sets.
  /// 0 when not measured (l2PanelFactor stands in).
  double subPagePanelFactor = 0;
  static constexpr int64_t kSubPageStrideBytes = 1024;
  /// The factor of an unpacked B panel, rows `strideBytes` apart, that
  /// cannot stay in L1 (the strided factor from a page apart, the sub-page
  /// one below, the contiguous one for rows of the panel's own width).
  double unpackedPanelFactor(int64_t rows, int64_t strideBytes,
                             int64_t panelRowBytes) const;
  /// How much of an unpacked B's first touch from beyond L2 stays exposed
  /// when several tiles share each B panel (0: hidden, as when the hardware
  /// prefetches the next panel's columns; 1: only the first tile's FMAs run
  /// under it). Measured with two, then eight rows of tiles over the same
  /// B; 0 when not measured.
  double firstTouchExposure = 0;
  /// Cost of calling a generated kernel with no work.
  double callOverheadSeconds = 0;
  /// Cost of one iteration of an empty counted loop.
  double loopIterationSeconds = 0;
  /// A page walk whose page-table entries are in the caches: what each new
  /// page of a strided stream costs beyond the TLB's reach.
  double pageWalkSeconds = 0;
  /// A malloc and free of a scratch block (served from the heap).
  double allocationSeconds = 0;
  /// A page of freshly mapped memory faulted in on first touch (zeroing
  /// included), as a scratch buffer beyond malloc's mmap threshold costs.
  double pageFaultSeconds = 0;
  /// Cycles between two independent AMX tile products (TDPBF16PS, 16 x 32
  /// bf16 by 32 x 16): measured where the host has AMX, else Intel's figure
  /// of 16 (Intel 64 and IA-32 Architectures Optimization Reference Manual,
  /// AMX chapter); 0 for a target without AMX.
  double amxTileProductCycles = 0;
  static constexpr double kNominalAmxTileProductCycles = 16;
  /// Cycles between two independent 512-bit VDPBF16PS (measured where the
  /// host has AVX512-BF16; 0: not measured, one FMA's assumed).
  double bf16DotCycles = 0;
  /// Fork and join of an OpenMP parallel region over the cores, with the
  /// wait policy the measuring process had (passive: workers sleep).
  double forkJoinSeconds = 0;
  /// Memory read bandwidth of `memoryScalingThreads` cores reading at once
  /// over that of one core (same working set, same clock): how much of an
  /// op's memory traffic threads divide. 0 when not measured (then threads
  /// are assumed to divide it fully, the old model).
  double memoryThreadScaling = 0;
  unsigned memoryScalingThreads = 0;
  /// How much faster `threads` threads read from memory than one (the
  /// measured scaling, interpolated between one core and the cores
  /// measured); nullopt when not measured.
  std::optional<double> memoryThreadSpeedup(unsigned threads) const;
  /// Largest relative spread seen over all measured figures.
  double maxRelativeSpread = 0;
  double calibrationSeconds = 0;

  bool measured() const { return source == "measured"; }
  /// The figures for the given vector width, or the closest narrower one.
  const VectorCosts &forBits(unsigned bits) const;
  /// Read bandwidth for a working set of `bytes`: the level's figure up to
  /// L2, the measured curve (interpolated) beyond.
  double bandwidthFor(uint64_t bytes, const TargetDesc &target) const;
  /// The cache level (1..3) a working set of `bytes` of one core lives in,
  /// 0 for memory: the target's sizes (a core's share), the L3 bounded by
  /// the effective capacity measured.
  unsigned levelFor(double bytes, const TargetDesc &target) const;
  /// Read bandwidth of a cache level (1..3) or memory (0).
  double bandwidthOfLevel(unsigned level) const;
  /// The measured seconds per k step of a register tile of `mr` rows and
  /// `nv` vectors of `bits`, if calibration measured it.
  std::optional<double> tileSecondsPerKStep(unsigned bits, unsigned mr,
                                            unsigned nv) const;
  /// Panel-stream bandwidth for a matrix of `bytes` read in row segments
  /// of `segmentBytes` (half the sequential figure when the profile has
  /// none). Calibration measures 256-byte segments; each segment costs a
  /// fixed start (what that measurement adds to the sequential time of its
  /// bytes) plus its bytes at the sequential rate, so longer segments
  /// approach the sequential stream.
  double panelBandwidthFor(uint64_t bytes, const TargetDesc &target,
                           double segmentBytes = 256) const;
  /// Seconds to read `traffic` bytes of constant weights of `bytes` that a
  /// program re-reads only after `reuseBytes` of other constants (Workload's
  /// weightsReuseBytes): their first pass from where that much data lives,
  /// the others at `warmBandwidth`, the rate the op's own reuse gives.
  double weightsSeconds(double bytes, double traffic, double reuseBytes,
                        double warmBandwidth, const TargetDesc &target) const;

  /// Nominal figures from the static description alone.
  static Profile nominal(const TargetDesc &target);

  /// FMA pipes implied by the measured throughput of the widest vectors
  /// (rounded; at least 1).
  unsigned measuredFmaPipes(const TargetDesc &target) const;
};

/// The host's description corrected by what calibration measured where the
/// two differ: a CPU table keyed by the name the hypervisor reports can be
/// wrong (an Emerald Rapids guest reported as Rocket Lake, 1 FMA pipe
/// instead of 2), the measurement is not. Only for measured profiles of a
/// target that runs here.
void adoptMeasuredFacts(TargetDesc &target, const Profile &profile);

llvm::json::Value toJSON(const Profile &profile);
bool fromJSON(const llvm::json::Value &value, Profile &profile,
              llvm::json::Path path);

/// The hardware knowledge a model reads: the static target and its profile.
struct Machine {
  const TargetDesc &target;
  const Profile &profile;
  /// Threads the generated code may use.
  unsigned threads = 1;
};

} // namespace autoconfig

#endif
