//===- AmxGemmModel.cpp - Model of the bf16 matmul on AMX tiles -----------===//
//
// Loop structure: see CodeGen/AmxGemm.cpp. Every (tile row, tile column,
// k tile) triple is one TDPBF16PS of 16 x 32 by 32 x 16 (edges padded to
// whole tiles); a block's k step issues tm*tn of them on tm + tn tile loads
// of 1 KiB. The products' rate is the profile's (calibrated where the host
// has AMX); the loads stream A's and B's packed panels from the cache level
// that holds them. Packing reads A and B and writes their tiles once; C is
// read and written once, row by row of each tile.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/ConfigChecks.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/GemmParams.h"
#include "autoconfig/Model/SearchGrid.h"
#include "autoconfig/Support/Arithmetic.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {
namespace {

/// A tile row holds 64 bytes: 32 bf16 or 64 i8 of k.
constexpr int64_t kTileRows = 16, kTileRowBytes = 64, kTileCols = 16;
constexpr double kTileBytes = 1024;
/// AMX has 8 tile registers (tmm0-7).
constexpr int64_t kTileRegisters = 8;

class AmxGemmModel final : public ModelOf<AmxGemmParams, GemmWorkload> {
protected:
  bool takesElement(ElementKind element) const override {
    return element == ElementKind::BF16 || element == ElementKind::I8;
  }

  bool availableOn(const TargetDesc &t) const override {
    return t.hasFeature("amx-tile") && t.hasFeature("amx-bf16");
  }

  bool appliesTo(const GemmWorkload &w, const TargetDesc &t,
                 std::string &whyNot) const override {
    if (!availableOn(t))
      return notApplicable(whyNot, "the target has no AMX-BF16 tiles");
    if (w.element == ElementKind::I8 && !t.hasFeature("amx-int8"))
      return notApplicable(whyNot, "the target has no AMX-INT8 tiles");
    return true;
  }

  /// TDPBSSD and TDPBF16PS issue at the same rate (16 cycles, Intel's
  /// optimization manual): the measured bf16 figure serves both.
  static double productCycles(const Profile &prof) {
    return prof.amxTileProductCycles > 0
               ? prof.amxTileProductCycles
               : Profile::kNominalAmxTileProductCycles;
  }

  DerivedParams deriveFor(const GemmWorkload &w,
                          const Machine &machine) const override {
    AmxGemmParams best = startingParams(w, machine.target);
    double bestSeconds = INFINITY;
    for (const AmxGemmParams &p : searchSpaceOf(w, machine.target)) {
      double seconds = predictParams(w, p, machine).seconds;
      if (seconds < bestSeconds * (1 - 1e-9)) {
        bestSeconds = seconds;
        best = p;
      }
    }
    return {best,
            formatv("{0}x{1} block of C tiles ({2} of the {3} tile registers "
                    "with its A and B tiles), B blocks of {4} columns, A {5}: "
                    "the fastest predicted, each k step {6} tile products on "
                    "{7} tile loads",
                    best.tm, best.tn, best.tm * best.tn + best.tm + best.tn,
                    kTileRegisters, best.nc,
                    best.packA ? "packed" : "read in place", best.tm * best.tn,
                    best.tm + best.tn)
                .str()};
  }

  Prediction predictParams(const GemmWorkload &w, const AmxGemmParams &p,
                           const Machine &machine) const override {
    Prediction pred;
    const TargetDesc &t = machine.target;
    const Profile &prof = machine.profile;
    double hz = prof.frequencyGHz * 1e9;
    int64_t mt = ceilDiv(w.m, kTileRows), nt = ceilDiv(w.n, kTileCols),
            kt = ceilDiv(w.k, kTileRowBytes / (elementBits(w.element) / 8));
    int64_t tm = std::min(p.tm, mt), tn = std::min(p.tn, nt);
    double products = double(mt) * nt * kt * w.batch;
    double productTime = products * productCycles(prof) / hz;
    // Tile loads: per block and k step, tm A tiles and tn B tiles. Their
    // working set is the B block every row block passes over and a row
    // block's A panel.
    double aPacked = double(mt) * kt * kTileBytes,
           bPacked = double(nt) * kt * kTileBytes;
    double blocks = double(ceilDiv(mt, tm)) * ceilDiv(nt, tn) * w.batch;
    double loadBytes = blocks * kt * (tm + tn) * kTileBytes;
    int64_t blockTiles = std::min<int64_t>(
        nt, std::max<int64_t>(tn, p.nc / kTileCols / tn * tn));
    double bBlock = double(blockTiles) * kt * kTileBytes;
    double loadTime =
        loadBytes /
        prof.bandwidthFor(uint64_t(bBlock + tm * kt * kTileBytes), t);
    // A tile register is reloaded only once the products reading it are
    // done: a block's loads and products do not overlap (this Xeon: 200-230
    // cycles a 2x2 k step from L2, 78 of them products).
    double core = productTime + loadTime;
    // Packing: A (unless read in place) and B (unless constant, packed at
    // compile time) read as stored and written as tiles; C read and written.
    double ebytes = elementBits(w.element) / 8.0;
    double aStored = double(w.m) * w.k * ebytes * w.batch,
           bStored = double(w.k) * w.n * ebytes * w.batch;
    // B is read 16 columns (32 bytes of bf16) of each row at a time, rows N
    // apart: the row-strided stream calibration measured; its tiles go to
    // a buffer of one column block, which stays where that block fits. A's
    // tiles are written once, all of them.
    double packedBytes =
        ((p.packA ? aPacked : 0) + (w.constB ? 0 : bPacked)) * w.batch;
    double packTime =
        (p.packA
             ? aStored / prof.bandwidthFor(uint64_t(aStored), t) +
                   aPacked * w.batch / prof.bandwidthFor(uint64_t(aPacked), t)
             : 0) +
        (w.constB
             ? 0
             : bStored / prof.panelBandwidthFor(uint64_t(bStored), t) +
                   bPacked * w.batch / prof.bandwidthFor(uint64_t(bBlock), t));
    double cBytes = double(w.m) * w.n * 4 * w.batch;
    double cTime = 2 * cBytes / prof.bandwidthFor(uint64_t(cBytes), t);
    double threads = std::min<double>(std::max<int64_t>(1, p.threads),
                                      double(ceilDiv(mt, tm)));
    double overhead = prof.callOverheadSeconds +
                      (p.threads > 1 ? prof.forkJoinSeconds : 0) +
                      2 * prof.allocationSeconds;
    pred.seconds = (core + cTime) / threads + packTime + overhead;
    pred.formula =
        "(tile products + tile loads + C) / threads + packing + overhead";
    pred.add("tile products", productTime / threads,
             formatv("{0:e2} {1} at {2:f1} cycles each", products,
                     w.element == ElementKind::I8 ? "TDPBSSD" : "TDPBF16PS",
                     productCycles(prof))
                 .str());
    pred.add("tile loads", loadTime / threads,
             formatv("{0} of A and B tiles (B block {1})",
                     formatBytes(loadBytes), formatBytes(bBlock))
                 .str());
    pred.add("C", cTime / threads,
             formatv("{0} read and written", formatBytes(cBytes)).str());
    pred.add("packing", packTime,
             formatv("{0} of tiles (A {1}, B {2})", formatBytes(packedBytes),
                     p.packA ? "packed" : "read in place",
                     w.constB ? "packed at compile time" : "packed")
                 .str());
    pred.add("overhead", overhead, "call, fork/join, packing buffers");
    return pred;
  }

  Error verifyParams(const GemmWorkload &w, const AmxGemmParams &p,
                     const TargetDesc &,
                     std::vector<std::string> &) const override {
    if (!p.packA && !amxReadsAInPlace(w))
      return configError("packA=0 needs A untransposed with M a multiple of "
                         "16 and K of 32 (whole tiles)");
    if (p.tm * p.tn + p.tm + p.tn > kTileRegisters)
      return configError(formatv("tm={0} tn={1} needs {2} tile registers "
                                 "(tm*tn+tm+tn), AMX has {3}",
                                 p.tm, p.tn, p.tm * p.tn + p.tm + p.tn,
                                 kTileRegisters)
                             .str());
    return Error::success();
  }

  /// verify() gives no warning about vector lanes (the tiles have none).
  bool warnsWideVectors() const override { return false; }

  RegisterUse registerUse(const GemmWorkload &,
                          const AmxGemmParams &) const override {
    // Tile registers are checked by verifyParams; no vector registers.
    return {0, "0 (tiles)"};
  }

  std::vector<Config> neighboursOf(const GemmWorkload &w, const Config &,
                                   const AmxGemmParams &,
                                   const TargetDesc &t) const override {
    std::vector<Config> result;
    for (const AmxGemmParams &q : searchSpaceOf(w, t))
      result.push_back(q.toConfig());
    return result;
  }

  std::vector<AmxGemmParams> searchSpaceOf(const GemmWorkload &w,
                                           const TargetDesc &) const override {
    std::vector<AmxGemmParams> space;
    for (int64_t tm = 1; tm <= 6; ++tm)
      for (int64_t tn = 1; tn <= 6; ++tn)
        for (int64_t packA : {1, 0})
          for (int64_t nc : {256, 512, 1024, 2048}) {
            if (tm * tn + tm + tn > kTileRegisters ||
                (!packA && !amxReadsAInPlace(w)) || nc % (kTileCols * tn) != 0)
              continue;
            AmxGemmParams p;
            p.tm = tm;
            p.tn = tn;
            p.packA = packA;
            p.nc = nc;
            space.push_back(p);
          }
    return space;
  }
};

} // namespace

std::unique_ptr<AlgorithmModel> createAmxGemmModel() {
  return std::make_unique<AmxGemmModel>();
}

} // namespace autoconfig
