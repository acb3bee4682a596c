//===- CbsmConvModel.cpp - Model of the CB-SM direct convolution ----------===//
//
// Loop structure: see CodeGen/CbsmConv.cpp. Per filter tap and strip the
// tile loads sv input vectors and fb broadcast coefficients for fb*sv FMAs;
// taps that fall in the padding are skipped (counted exactly per row, and
// per strip at the borders). The input is re-read once per block of fb
// output channels from the cache level that holds it.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/ConfigChecks.h"
#include "autoconfig/Model/ConvModels.h"
#include "autoconfig/Model/ConvParams.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/Neighbours.h"
#include "autoconfig/Model/SearchGrid.h"
#include "autoconfig/Support/Arithmetic.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {
namespace {

/// Taps of one output position along a dimension that read the input.
int64_t validTaps(int64_t out, int64_t stride, int64_t pad, int64_t dilation,
                  int64_t kernel, int64_t size) {
  int64_t count = 0;
  for (int64_t k = 0; k < kernel; ++k) {
    int64_t i = out * stride - pad + k * dilation;
    count += i >= 0 && i < size;
  }
  return count;
}

class CbsmConvModel final : public ModelOf<CbsmConvParams, ConvWorkload> {
protected:
  bool appliesTo(const ConvWorkload &w, const TargetDesc &,
                 std::string &whyNot) const override {
    if (w.layout != ConvLayout::Hw && w.layout != ConvLayout::NchwFchw &&
        w.layout != ConvLayout::NchwChw)
      return notApplicable(whyNot,
                           "needs W innermost (hw, NCHW or depthwise NCHW)");
    return true;
  }

  DerivedParams deriveFor(const ConvWorkload &w,
                          const Machine &machine) const override {
    const TargetDesc &t = machine.target;
    CbsmConvParams best = startingParams(w, t);
    double bestTime = INFINITY;
    bool single = w.layout != ConvLayout::NchwFchw;
    int64_t maxVecs = ceilDiv(w.outW(), best.vl);
    // Candidates within the register file; the model ranks them.
    for (int64_t fb = 1; fb <= (single ? 1 : std::min<int64_t>(w.f, 8)); ++fb)
      for (int64_t sv = 1; sv <= std::min<int64_t>(maxVecs, 8); ++sv) {
        if (fb * sv + sv + 1 > int64_t(t.vectorRegisters))
          continue;
        CbsmConvParams q = best;
        q.fb = fb;
        q.sv = sv;
        double time = predictParams(w, q, machine).seconds;
        if (time < bestTime * (1 - 1e-9)) {
          bestTime = time;
          best = q;
        }
      }
    double needed = fmaInFlightNeeded(machine, t.vectorBits);
    return {best, formatv("strip of {0} vectors x {1} output channel(s): {2} "
                          "accumulators vs {3:f0} in flight, {2}+{0}+1 <= {4} "
                          "registers; {5:f2} FMAs per load",
                          best.sv, best.fb, best.sv * best.fb, needed,
                          t.vectorRegisters,
                          double(best.sv * best.fb) / double(best.sv + best.fb))
                      .str()};
  }

  Prediction predictParams(const ConvWorkload &w, const CbsmConvParams &p,
                           const Machine &machine) const override {
    Prediction pred;
    const TargetDesc &t = machine.target;
    const Profile &prof = machine.profile;
    unsigned ebytes = elementBits(w.element) / 8;
    double needed = fmaInFlightNeeded(machine, unsigned(p.vl) * ebytes * 8);
    int64_t oh = w.outH(), ow = w.outW();
    bool single = w.layout != ConvLayout::NchwFchw;
    int64_t fb = single ? 1 : std::min(p.fb, w.f);
    int64_t cPerF = single ? 1 : w.c;

    // The column taps read the input at every element offset: an
    // unaligned vector load that straddles two cache lines reads both (two
    // accesses of the load ports). Over uniformly spread offsets that is
    // (vl - 1) of the line's elements (Intel 64 and IA-32 Architectures
    // Optimization Reference Manual, "cache line splits"); aligned rows
    // read by 1-wide kernels do not split.
    unsigned lineBytes = t.cache(1) ? t.cache(1)->lineBytes : 64;
    double lineElems = double(lineBytes) / ebytes;
    bool aligned = w.kw == 1 && w.strideW == 1 &&
                   int64_t(w.w * ebytes) % int64_t(lineBytes) == 0;
    double splitLoads =
        aligned ? 0 : std::min(1.0, double(p.vl - 1) / lineElems);
    // Row taps, exactly.
    double rowTaps = 0;
    for (int64_t r = 0; r < oh; ++r)
      rowTaps += validTaps(r, w.strideH, w.padTop, w.dilationH, w.kh, w.h);
    // Column taps per vector: a vector does a tap if any lane reads input.
    int64_t sw = p.sv * p.vl;
    double stripTime = 0, fmas = 0, loads = 0;
    for (int64_t s = 0; s < ceilDiv(ow, sw); ++s) {
      int64_t width = std::min(sw, ow - s * sw);
      int64_t vecs = ceilDiv(width, p.vl);
      double vecTaps = 0;
      for (int64_t vi = 0; vi < vecs; ++vi)
        for (int64_t k = 0; k < w.kw; ++k) {
          int64_t lo =
              (s * sw + vi * p.vl) * w.strideW - w.padLeft + k * w.dilationW;
          int64_t hi = lo + (std::min(p.vl, width - vi * p.vl) - 1) * w.strideW;
          vecTaps += hi >= 0 && lo < w.w;
        }
      double perTap = vecTaps / w.kw; // vectors active per column tap
      for (auto [fbc, count] :
           {std::pair{fb, w.f / fb}, {w.f % fb, int64_t(1)}}) {
        if (!fbc || !count)
          continue;
        double taps = rowTaps * w.kw * cPerF * count * w.n;
        double f = perTap * fbc;
        // Stride 2: two vector loads and a two-source permute per input
        // vector; the permute issues on the vector pipes the FMAs use, so it
        // is counted as one more FMA slot. Larger strides are gathered,
        // about one scalar load per lane (counted as broadcasts).
        double permutes = w.strideW == 2 ? perTap : 0;
        double inputLoads = w.strideW == 1   ? perTap * (1 + splitLoads)
                            : w.strideW == 2 ? 2 * perTap * (1 + splitLoads)
                                             : 0;
        double gathered = w.strideW > 2 ? perTap * p.vl : 0;
        double step =
            kernelStepSeconds(machine, unsigned(p.vl) * ebytes * 8,
                              f + permutes, inputLoads, double(fbc) + gathered);
        stripTime += taps * step;
        fmas += taps * f;
        loads += taps * (perTap + fbc);
      }
    }
    double inBytes = double(w.n) * w.c * w.h * w.w * ebytes;
    double outBytes = double(w.n) * w.f * oh * ow * ebytes;
    double inTraffic = inBytes * (single ? 1 : ceilDiv(w.f, fb));
    // Each strip reads a short row segment of every input channel, the
    // channels H*W elements apart: a page or more apart, that is the
    // row-strided panel stream calibration measures (no prefetch across
    // rows, a TLB entry per row), not a contiguous one.
    bool pagesApart = cPerF > 1 && double(w.h) * w.w * ebytes >= 4096;
    double inBandwidth = pagesApart
                             ? prof.panelBandwidthFor(uint64_t(inBytes), t)
                             : prof.bandwidthFor(uint64_t(inBytes), t);
    double memTime = inTraffic / inBandwidth +
                     2 * outBytes / prof.bandwidthFor(uint64_t(outBytes), t);
    double strips = double(w.n) * ceilDiv(w.f, fb) * oh * ceilDiv(ow, sw);
    // With fb > 1 the filter rows are a loop of their own (the generator
    // keeps LLVM from hoisting every tap's broadcasts and spilling).
    double rowIterations = fb > 1 && w.kh > 1 ? strips * cPerF * w.kh : 0;
    double overhead = prof.callOverheadSeconds +
                      (strips * 10 + rowIterations) * prof.loopIterationSeconds;
    double threads = std::min<double>(std::max<int64_t>(1, p.threads), oh);
    double body = std::max(stripTime, memTime);
    pred.seconds =
        body / threads + overhead / threads +
        (p.threads > 1 ? prof.forkJoinSeconds * w.n * ceilDiv(w.f, fb) : 0);
    pred.formula = "max(taps x max(FMA, loads), memory) / threads + overhead";
    pred.add("compute", stripTime / threads,
             formatv("{0:e2} vector FMAs, {1:e2} loads; {2}x{3} tile for "
                     "{4:f0} in flight",
                     fmas, loads, fb, p.sv, needed)
                 .str(),
             stripTime < memTime);
    pred.add("memory", memTime / threads,
             formatv("input {0} read {1} time(s), output {2} in and out",
                     formatBytes(inBytes), single ? 1 : ceilDiv(w.f, fb),
                     formatBytes(outBytes))
                 .str(),
             memTime <= stripTime);
    pred.add("overhead", overhead / threads,
             formatv("{0:e2} strips", strips).str());
    return pred;
  }

  /// verify() gives no warning for a vl wider than the target's.
  bool warnsWideVectors() const override { return false; }

  RegisterUse registerUse(const ConvWorkload &,
                          const CbsmConvParams &p) const override {
    return {p.fb * p.sv + p.sv + 1, "fb*sv+sv+1"};
  }

  std::vector<Config> neighboursOf(const ConvWorkload &w, const Config &,
                                   const CbsmConvParams &p,
                                   const TargetDesc &t) const override {
    return fittingTileSteps(w, p, &CbsmConvParams::sv, &CbsmConvParams::fb, t);
  }

  std::vector<CbsmConvParams>
  searchSpaceOf(const ConvWorkload &w, const TargetDesc &t) const override {
    int64_t lanes = t.lanes(elementBits(w.element));
    bool single = w.layout != ConvLayout::NchwFchw;
    return searchGrid(startingParams(w, t),
                      {{&CbsmConvParams::vl, {lanes / 2, lanes}},
                       {&CbsmConvParams::sv, valuesFrom(1, 8)},
                       {&CbsmConvParams::fb, valuesFrom(1, single ? 1 : 8)}},
                      [&](const CbsmConvParams &p) {
                        return p.vl >= 1 && fitsRegisters(w, p, t);
                      });
  }
};

} // namespace

std::unique_ptr<AlgorithmModel> createCbsmConvModel() {
  return std::make_unique<CbsmConvModel>();
}

} // namespace autoconfig
