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
#include "autoconfig/Support/Arithmetic.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {
namespace {

class DotGemmModel final : public ModelOf<DotGemmParams, GemmWorkload> {
public:
  StringRef summary() const override {
    return "dot-product form: rows of A and of B^T as vectors along K, "
           "horizontal reduction per output";
  }

  bool applies(const Workload &workload, const TargetDesc &,
               std::string &whyNot) const override {
    const auto *w = std::get_if<GemmWorkload>(&workload);
    if (!w) {
      whyNot = "not a matmul";
      return false;
    }
    if (w->transA) {
      whyNot = "A is transposed: its rows are not contiguous along K";
      return false;
    }
    if (!w->transB && w->n != 1) {
      whyNot = "B is not transposed and N > 1: its columns are not "
               "contiguous along K";
      return false;
    }
    return true;
  }

  Derivation derive(const Workload &workload,
                    const Machine &machine) const override {
    const auto &w = std::get<GemmWorkload>(workload);
    const TargetDesc &t = machine.target;
    DotGemmParams p;
    p.vl = t.lanes(elementBits(w.element));
    p.mask = t.nativeMasking || t.hasFeature("avx") ? 1 : 0;
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
    Derivation d;
    d.config = p.toConfig();
    d.rationale = formatv("{0}x{1} block of K-vectors: {2} accumulators vs "
                          "{3:f0} in flight, {2}+{0}+{1} of {4} registers",
                          p.ui, p.uj, p.ui * p.uj, needed, t.vectorRegisters)
                      .str();
    return d;
  }

  Prediction predict(const Workload &workload, const Config &config,
                     const Machine &machine) const override {
    const auto &w = std::get<GemmWorkload>(workload);
    Prediction pred;
    auto params = DotGemmParams::fromConfig(config);
    if (!params) {
      pred.seconds = INFINITY;
      pred.formula = "invalid config: " + toString(params.takeError());
      return pred;
    }
    const DotGemmParams &p = *params;
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
    pred.reconcile();
    return pred;
  }

  Error verifyParams(const GemmWorkload &w, const DotGemmParams &p,
                     const TargetDesc &t,
                     std::vector<std::string> &warnings) const override {
    int64_t regs = p.ui * p.uj + p.ui + p.uj;
    warnRegisters("ui*uj+ui+uj", regs, t, warnings);
    return Error::success();
  }

  std::vector<Config> neighbours(const Workload &, const Config &config,
                                 const TargetDesc &t) const override {
    std::vector<Config> result;
    std::optional<DotGemmParams> params =
        paramsOrNothing<DotGemmParams>(config);
    if (!params)
      return result;
    for (auto [dui, duj] :
         {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, -1}, {-1, 1}}) {
      DotGemmParams q = *params;
      q.ui += dui;
      q.uj += duj;
      if (q.ui < 1 || q.uj < 1 ||
          q.ui * q.uj + q.ui + q.uj > int64_t(t.vectorRegisters))
        continue;
      result.push_back(q.toConfig());
    }
    return result;
  }

  std::vector<Config> searchSpace(const Workload &workload,
                                  const TargetDesc &t) const override {
    const auto &w = std::get<GemmWorkload>(workload);
    std::vector<Config> space;
    int64_t lanes = t.lanes(elementBits(w.element));
    for (int64_t ui = 1; ui <= 8; ++ui)
      for (int64_t uj = 1; uj <= 8; ++uj)
        for (int64_t ku : {1, 2, 4}) {
          if (ui * uj + ui + uj > int64_t(t.vectorRegisters))
            continue;
          DotGemmParams p;
          p.vl = lanes;
          p.ui = ui;
          p.uj = uj;
          p.ku = ku;
          p.mask = t.nativeMasking || t.hasFeature("avx") ? 1 : 0;
          space.push_back(p.toConfig());
        }
    return space;
  }
};

} // namespace

std::unique_ptr<AlgorithmModel> createDotGemmModel() {
  return std::make_unique<DotGemmModel>();
}

} // namespace autoconfig
