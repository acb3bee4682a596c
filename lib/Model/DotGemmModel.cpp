//===- DotGemmModel.cpp - Model of the dot-product-form matmul ------------===//
//
// Loop structure: see CodeGen/DotGemm.cpp. Per K-vector step a ui x uj block
// loads ui A vectors and uj B^T vectors for ui*uj FMAs; each output element
// ends with a horizontal reduction (log2(vl) shuffle+add steps). B^T is
// re-read once per row block from the level that holds it.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/ConfigChecks.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/GemmParams.h"
#include "autoconfig/Model/Neighbours.h"
#include "autoconfig/Model/SearchGrid.h"
#include "autoconfig/Support/Arithmetic.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {
namespace {

class DotGemmModel final : public ModelOf<DotGemmParams, GemmWorkload> {
protected:
  bool appliesTo(const GemmWorkload &w, const TargetDesc &,
                 std::string &whyNot) const override {
    if (w.transA)
      return notApplicable(
          whyNot, "A is transposed: its rows are not contiguous along K");
    if (!w.transB && w.n != 1)
      return notApplicable(whyNot,
                           "B is not transposed and N > 1: its columns are not "
                           "contiguous along K");
    return true;
  }

  DerivedParams deriveFor(const GemmWorkload &w,
                          const Machine &machine) const override {
    const TargetDesc &t = machine.target;
    DotGemmParams p = startingParams(w, t);
    p.ku = 2;
    double needed = fmaInFlightNeeded(machine, t.vectorBits);
    double best = -1;
    for (int64_t ui = 1; ui <= std::min<int64_t>(w.m, 8); ++ui)
      for (int64_t uj = 1; uj <= std::min<int64_t>(w.n, 8); ++uj) {
        if (ui * uj + ui + uj > int64_t(t.vectorRegisters))
          continue;
        double score = std::min(1.0, double(ui * uj) / needed) *
                       double(ui * uj) / double(ui + uj);
        if (score > best + 1e-9) {
          best = score;
          p.ui = ui;
          p.uj = uj;
        }
      }
    return {p, formatv("{0}x{1} block of K-vectors: {2} accumulators vs "
                       "{3:f0} in flight, {2}+{0}+{1} of {4} registers",
                       p.ui, p.uj, p.ui * p.uj, needed, t.vectorRegisters)
                   .str()};
  }

  Prediction predictParams(const GemmWorkload &w, const DotGemmParams &p,
                           const Machine &machine) const override {
    Prediction pred;
    const TargetDesc &t = machine.target;
    const Profile &prof = machine.profile;
    unsigned ebytes = elementBits(w.element) / 8;
    int64_t vl = std::min(p.vl, w.k);
    const VectorCosts &v = prof.forBits(unsigned(vl) * ebytes * 8);
    int64_t kSteps = w.k / vl + (w.k % vl && p.mask ? 1 : 0);
    double scalarTail = p.mask ? 0 : double(w.k % vl);

    double core = 0, fmas = 0;
    int64_t ui = std::min(p.ui, w.m), uj = std::min(p.uj, w.n);
    for (auto [rows, rcount] : {std::pair{ui, w.m / ui}, {w.m % ui, 1}})
      for (auto [cols, ccount] : {std::pair{uj, w.n / uj}, {w.n % uj, 1}}) {
        if (!rows || !cols || !rcount || !ccount)
          continue;
        double count = double(rcount) * ccount;
        double perStep = double(rows * cols);
        core += count * kSteps *
                kernelStepSeconds(machine, unsigned(vl) * ebytes * 8, perStep,
                                  double(rows + cols), 0);
        fmas += count * kSteps * perStep;
      }
    // Reductions: log2(vl) shuffle+add pairs, latency-bound, per output.
    double reduce = double(w.m) * w.n *
                    (Log2_64_Ceil(uint64_t(std::max<int64_t>(vl, 2))) * 2 + 2 +
                     2 * scalarTail) /
                    (prof.frequencyGHz * 1e9);
    double bBytes = double(w.n) * w.k * ebytes;
    double bTraffic = bBytes * ceilDiv(w.m, ui);
    double bTime = prof.weightsSeconds(
        bBytes, bTraffic, w.constB ? w.weightsReuseBytes : 0,
        prof.bandwidthFor(uint64_t(bBytes), t), t);
    double aBytes = double(w.m) * w.k * ebytes;
    double aTime = aBytes / prof.bandwidthFor(uint64_t(aBytes + bBytes), t);
    double memTime = bTime + aTime;
    double threads = std::min<double>(std::max<int64_t>(1, p.threads),
                                      double(ceilDiv(w.m, ui)));
    double overhead =
        prof.callOverheadSeconds + (p.threads > 1 ? prof.forkJoinSeconds : 0);
    pred.seconds = (std::max(core, memTime) + reduce) / threads + overhead;
    pred.formula = "(max(K-vector FMAs and loads, memory) + reductions) / "
                   "threads + overhead";
    pred.add(
        "compute", core / threads,
        formatv("{0:e2} vector FMAs at {1:e2}/s", fmas, v.fmaPerSecond).str(),
        core < memTime);
    pred.add("memory", memTime / threads,
             formatv("B^T ({0}) re-read {1} times", formatBytes(bBytes),
                     ceilDiv(w.m, ui))
                 .str(),
             memTime <= core);
    pred.add("reductions", reduce / threads,
             formatv("{0} horizontal sums of {1} lanes", w.m * w.n, vl).str());
    pred.add("overhead", overhead, "call + fork/join");
    double footprint = bBytes + aBytes + double(w.m) * w.n * ebytes;
    applySharedMemoryFloor(pred, machine, memTime, footprint, unsigned(threads),
                           overhead);
    return pred;
  }

  /// verify() gives no warning for a vl wider than the target's.
  bool warnsWideVectors() const override { return false; }

  RegisterUse registerUse(const GemmWorkload &,
                          const DotGemmParams &p) const override {
    return {p.ui * p.uj + p.ui + p.uj, "ui*uj+ui+uj"};
  }

  std::vector<Config> neighboursOf(const GemmWorkload &w, const Config &,
                                   const DotGemmParams &p,
                                   const TargetDesc &t) const override {
    return fittingTileSteps(w, p, &DotGemmParams::ui, &DotGemmParams::uj, t);
  }

  std::vector<DotGemmParams> searchSpaceOf(const GemmWorkload &w,
                                           const TargetDesc &t) const override {
    return searchGrid(
        startingParams(w, t),
        {{&DotGemmParams::ui, valuesFrom(1, 8)},
         {&DotGemmParams::uj, valuesFrom(1, 8)},
         {&DotGemmParams::ku, {1, 2, 4}}},
        [&](const DotGemmParams &p) { return fitsRegisters(w, p, t); });
  }
};

} // namespace

std::unique_ptr<AlgorithmModel> createDotGemmModel() {
  return std::make_unique<DotGemmModel>();
}

} // namespace autoconfig
