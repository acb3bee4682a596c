//===- BroadcastGemmModel.cpp - Model of broadcast-vectorized matmul ------===//
//
// The loop structure being modelled (see CodeGen/BroadcastGemm.cpp):
//
//   for i in M step ui:            A's ui rows stay in L1 across the j loop
//     for j in N step uj*vl:       ui x uj vector accumulators of C
//       for k in K:                uj vector loads of B, ui broadcasts of A,
//                                  ui*uj FMAs
//
// Cost follows the paper's weighted operation count (lambda_FMA * FPO +
// lambda_load * DM + lambda_bcast * SpecIns), with two refinements it cannot
// see from counts alone: FMA latency hiding (Little's law: latency x
// throughput independent accumulators) and the traffic of re-reading B once
// per row block from the cache level that holds it.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/ConfigChecks.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/GemmParams.h"
#include "autoconfig/Model/Neighbours.h"
#include "autoconfig/Model/SearchGrid.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {
namespace {

/// One kind of register tile the loop nest executes, and how many times.
struct TileKind {
  int64_t rows, vecs, lanes, count;
  /// A remainder tile at the M or N edge.
  bool edge;
};

class BroadcastGemmModel final
    : public ModelOf<BroadcastGemmParams, GemmWorkload> {
protected:
  bool appliesTo(const GemmWorkload &w, const TargetDesc &,
                 std::string &whyNot) const override {
    if (w.transB)
      return notApplicable(
          whyNot, "B is transposed: rows of B are not contiguous along N");
    return true;
  }

  Prediction predictParams(const GemmWorkload &w, const BroadcastGemmParams &p,
                           const Machine &machine) const override {
    Prediction pred;
    const TargetDesc &t = machine.target;
    unsigned ebytes = elementBits(w.element) / 8;
    double needed = fmaInFlightNeeded(machine, p.vl * ebytes * 8);

    double fmaTime = 0, loadTime = 0, coreTime = 0, vectorFmas = 0;
    double tailTime = 0;
    int64_t tileCount = 0;
    for (const TileKind &tile : tiles(w, p)) {
      const VectorCosts &v = machine.profile.forBits(tile.lanes * ebytes * 8);
      double fmas = double(tile.rows * tile.vecs) * w.k * tile.count;
      double eff = std::min(1.0, double(tile.rows * tile.vecs) / needed);
      double f = fmas / (v.fmaPerSecond * eff);
      double loads =
          double(tile.vecs) * w.k * tile.count / v.loadPerSecond +
          double(tile.rows) * w.k * tile.count / v.broadcastPerSecond;
      double core =
          double(w.k) * tile.count *
          kernelStepSeconds(machine, unsigned(tile.lanes) * ebytes * 8,
                            double(tile.rows * tile.vecs), double(tile.vecs),
                            double(tile.rows));
      if (tile.edge)
        tailTime += core;
      fmaTime += f;
      loadTime += loads;
      coreTime += core;
      vectorFmas += fmas;
      tileCount += tile.count;
    }

    // B is re-read once per row block from the level that holds all of it; A
    // and C are touched once.
    double bBytes = double(w.k) * w.n * ebytes;
    int64_t rowBlocks = (w.m + p.ui - 1) / p.ui;
    double bTraffic = bBytes * rowBlocks;
    // Each k step reads a segment of a new row of B: a row-strided panel
    // stream, much slower than a sequential one once B is beyond the L2.
    // Each segment is the tile's uj vectors of a row. Between two reads of a
    // B element the row block also streams its ui rows of A and of C through
    // the caches: B stays in a level only if it fits beside them (a 1 MiB B
    // with a 1 MiB L2 does not).
    double rowBlockBytes = double(std::min(p.ui, w.m)) * (w.k + w.n) * ebytes;
    double bBandwidth = machine.profile.panelBandwidthFor(
        uint64_t(bBytes + rowBlockBytes), t,
        double(std::min(p.uj * p.vl, w.n) * ebytes));
    double bTime = machine.profile.weightsSeconds(
        bBytes, bTraffic, w.constB ? w.weightsReuseBytes : 0, bBandwidth, t);
    // A and C stream once, from wherever the whole working set lives.
    double acBytes = double(w.m) * w.k * ebytes + 2.0 * w.m * w.n * ebytes;
    double footprint = bBytes + double(w.m) * (w.k + w.n) * ebytes;
    double acBandwidth = machine.profile.bandwidthFor(uint64_t(footprint), t);
    double acTime = acBytes / acBandwidth;
    // Every k step of a tile reads a new row of B, ldb elements further on:
    // beyond the TLB's reach each such row costs a page walk (calibrated:
    // Profile::pageWalkSeconds) that the row's prefetch cannot hide.
    double walks = 0;
    if (bBytes > double(t.tlbReachBytes()))
      walks = double(tileCount) * w.k *
              std::min(1.0, double(w.ldb * ebytes) / 4096.0);
    double walkTime = walks * machine.profile.pageWalkSeconds;
    double memTime = bTime + walkTime + acTime;

    double threads = std::max<int64_t>(1, p.threads);
    double parallel = std::min<double>(threads, double(rowBlocks));
    double overhead = machine.profile.callOverheadSeconds +
                      double(tileCount) * w.k / std::max<int64_t>(1, p.ku) *
                          machine.profile.loopIterationSeconds * 0.25 /
                          parallel +
                      (p.threads > 1 ? machine.profile.forkJoinSeconds : 0);

    pred.add("compute", fmaTime / parallel,
             formatv("{0:e2} vector FMAs at {1:e2}/s, latency needs {2:f0} in "
                     "flight, tile holds {3}",
                     vectorFmas,
                     machine.profile.forBits(p.vl * ebytes * 8).fmaPerSecond,
                     needed, p.ui * p.uj)
                 .str(),
             /*overlapped=*/coreTime >= memTime ? false : true);
    pred.add(
        "load issue", loadTime / parallel,
        formatv("{0} B vectors + {1} broadcasts per k step", p.uj, p.ui).str(),
        true);
    pred.add("memory B", bTime / parallel,
             formatv("B ({0}) re-read {1} times at {2:f1} GB/s",
                     formatBytes(bBytes), rowBlocks, bBandwidth / 1e9)
                 .str(),
             coreTime >= memTime);
    pred.add("page walks", walkTime / parallel,
             walks > 0 ? formatv("{0:e2} rows of B beyond the TLB reach ({1})",
                                 walks, formatBytes(double(t.tlbReachBytes())))
                             .str()
                       : "B within the TLB reach",
             coreTime >= memTime);
    pred.add("memory A,C", acTime / parallel,
             formatv("{0} once at {1:f1} GB/s", formatBytes(acBytes),
                     acBandwidth / 1e9)
                 .str(),
             coreTime >= memTime);
    pred.add("tails", tailTime / parallel, "edge tiles (included in compute)",
             true);
    pred.add("overhead", overhead, "call + loop control + fork/join");
    pred.seconds = partialOverlap({coreTime, memTime}) / parallel + overhead;
    pred.formula = "overlap(sum over tiles of max(FMA, loads), memory) / "
                   "threads + overhead";
    applySharedMemoryFloor(pred, machine, memTime, footprint,
                           unsigned(parallel), overhead);
    return pred;
  }

  DerivedParams deriveFor(const GemmWorkload &w,
                          const Machine &machine) const override {
    const TargetDesc &t = machine.target;
    BroadcastGemmParams p = startingParams(w, t);
    p.ku = w.k >= 4 ? 4 : 1;
    double needed = fmaInFlightNeeded(machine, t.vectorBits);
    int64_t maxVecs = (w.n + p.vl - 1) / p.vl;
    // Register budget: ui*uj accumulators + uj B vectors + 1 broadcast. Among
    // tiles that fit and hide the latency, the best FMA-per-load ratio.
    double bestRatio = -1;
    for (int64_t ui = 1; ui <= std::min<int64_t>(w.m, 16); ++ui)
      for (int64_t uj = 1; uj <= std::min<int64_t>(maxVecs, 16); ++uj) {
        if (ui * uj + uj + 1 > int64_t(t.vectorRegisters))
          continue;
        double ratio = double(ui * uj) / double(ui + uj);
        double hidden = std::min(1.0, double(ui * uj) / needed);
        double score = ratio * hidden;
        if (score > bestRatio + 1e-9) {
          bestRatio = score;
          p.ui = ui;
          p.uj = uj;
        }
      }
    return {
        p,
        formatv(
            "{0}x{1} register tile: {2} accumulators vs {3:f0} FMAs in flight "
            "to hide the FMA latency, {2}+{1}+1 of {4} vector registers, "
            "{5:f2} FMAs per load",
            p.ui, p.uj, p.ui * p.uj, needed, t.vectorRegisters,
            double(p.ui * p.uj) / double(p.ui + p.uj))
            .str()};
  }

  RegisterUse registerUse(const GemmWorkload &,
                          const BroadcastGemmParams &p) const override {
    return {p.ui * p.uj + p.uj + 1, "ui*uj+uj+1"};
  }

  std::vector<Config> neighboursOf(const GemmWorkload &w, const Config &,
                                   const BroadcastGemmParams &p,
                                   const TargetDesc &t) const override {
    std::vector<Config> result = fittingTileSteps(
        w, p, &BroadcastGemmParams::ui, &BroadcastGemmParams::uj, t);
    for (int64_t ku : {1, 2, 4, 8}) {
      BroadcastGemmParams q = p;
      if (q.ku == ku)
        continue;
      q.ku = ku;
      result.push_back(q.toConfig());
    }
    return result;
  }

  std::vector<BroadcastGemmParams>
  searchSpaceOf(const GemmWorkload &w, const TargetDesc &t) const override {
    int64_t lanes = t.lanes(elementBits(w.element));
    return searchGrid(startingParams(w, t),
                      {{&BroadcastGemmParams::vl, {lanes / 2, lanes}},
                       {&BroadcastGemmParams::ui, valuesFrom(1, 12)},
                       {&BroadcastGemmParams::uj, valuesFrom(1, 8)},
                       {&BroadcastGemmParams::ku, {1, 2, 4, 8}}},
                      [&](const BroadcastGemmParams &p) {
                        return p.vl >= 1 && fitsRegisters(w, p, t);
                      });
  }

private:
  static std::vector<TileKind> tiles(const GemmWorkload &w,
                                     const BroadcastGemmParams &p) {
    std::vector<TileKind> result;
    int64_t tileCols = p.uj * p.vl;
    int64_t fullCols = w.n / tileCols, remCols = w.n % tileCols;
    int64_t remVecs = remCols / p.vl, tailLanes = remCols % p.vl;
    auto addRows = [&](int64_t rows, int64_t blocks, bool edgeRows) {
      if (rows == 0 || blocks == 0)
        return;
      if (fullCols)
        result.push_back({rows, p.uj, p.vl, blocks * fullCols, edgeRows});
      if (remVecs)
        result.push_back({rows, remVecs, p.vl, blocks, true});
      if (tailLanes) {
        if (p.mask)
          result.push_back({rows, 1, p.vl, blocks, true});
        else
          result.push_back({rows, tailLanes, 1, blocks, true});
      }
    };
    int64_t ui = std::min(p.ui, w.m);
    addRows(ui, w.m / ui, false);
    addRows(w.m % ui, 1, true);
    return result;
  }
};

} // namespace

std::unique_ptr<AlgorithmModel> createBroadcastGemmModel() {
  return std::make_unique<BroadcastGemmModel>();
}

} // namespace autoconfig
