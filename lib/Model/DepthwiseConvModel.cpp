//===- DepthwiseConvModel.cpp - Model of the NHWC depthwise convolution ---===//
//
// Loop structure: see CodeGen/DepthwiseConv.cpp. A depthwise layer does
// KH*KW FMAs per output element and needs one input vector load per FMA,
// so it is bound by load issue in the core and by the memory streams
// outside it, which this model follows closely:
//  - input first touch: every input row once, from where the input lives;
//  - input re-reads: each output row reads its KH input rows (and each tile
//    its owb*s + (KW-1)*d columns) from the cache that holds the last KH
//    input rows (the reuse distance between neighbouring output rows);
//  - output: read and written once, from where the output lives;
//  - filter: KH*KW*C, reloaded per tile and kernel row from L1.
// In the core, each input column of a tile is loaded once per kernel row
// and feeds every (pixel, kernel column) pair that reads it, so a tile of
// owb pixels does owb*KW*cv FMAs for ((owb-1)*s + (KW-1)*d + 1 + KW)*cv
// loads per kernel row: wide tiles make a stride-1 layer FMA-bound.
// Register tile (owb x cv): owb*cv accumulators + KW*cv filter vectors + cv
// input vectors within the register file, at least latency x throughput
// accumulators; owb as large as the registers allow (capped to bound the
// code size), evened out over OW; cv covering C with the least lane waste.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/AlgorithmModel.h"
#include "autoconfig/Model/ConfigChecks.h"
#include "autoconfig/Model/CostTerms.h"
#include "autoconfig/Model/DepthwiseConvParams.h"
#include "autoconfig/Model/DirectConvParams.h"
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

/// Vector registers of an owb x cv tile: accumulators, the KW filter vectors
/// of a kernel row and the input vectors of one column.
int64_t tileRegisters(const ConvWorkload &w, int64_t owb, int64_t cv) {
  return cv * (owb + w.kw + 1);
}

/// Largest owb the registers allow for cv vectors (capped to bound the code
/// size), evened out over OW.
int64_t owbForCv(const ConvWorkload &w, int64_t cv, unsigned registers) {
  int64_t owb = std::max<int64_t>(1, int64_t(registers) / cv - w.kw - 1);
  owb = std::min<int64_t>({owb, 16, w.outW()});
  int64_t tiles = ceilDiv(w.outW(), owb);
  return ceilDiv(w.outW(), tiles);
}

class DepthwiseConvModel final
    : public ModelOf<DepthwiseConvParams, ConvWorkload> {
protected:
  bool appliesTo(const ConvWorkload &w, const TargetDesc &,
                 std::string &whyNot) const override {
    if (w.layout != ConvLayout::NhwcHwc)
      return notApplicable(whyNot,
                           "needs a depthwise NHWC convolution (nhwc_hwc)");
    return true;
  }

  DerivedParams deriveFor(const ConvWorkload &w,
                          const Machine &machine) const override {
    const TargetDesc &t = machine.target;
    const VectorCosts &v = machine.profile.forBits(t.vectorBits);
    double needed = fmaInFlightNeeded(machine, t.vectorBits);
    DepthwiseConvParams p = startingParams(w, t);
    p.threads = machine.threads;
    int64_t cvecs = ceilDiv(w.c, p.vl);
    // Issue time per useful FMA: one input load per FMA, cv filter loads per
    // tile and tap, lanes wasted at the C edge, partial tiles at OW's end.
    double bestScore = INFINITY;
    for (int64_t cv = 1; cv <= std::min<int64_t>(cvecs, 4); ++cv) {
      if (tileRegisters(w, 1, cv) > int64_t(t.vectorRegisters))
        break;
      int64_t owb = owbForCv(w, cv, t.vectorRegisters);
      double acc = double(owb * cv);
      double hidden = std::min(1.0, acc / needed);
      int64_t columns = nhwcTileInputWidth(w, owb);
      // Per kernel row: acc*KW FMAs, (columns + KW)*cv loads.
      double cycles = std::max(acc * w.kw / (v.fmaPerSecond * hidden),
                               double(columns + w.kw) * cv / v.loadPerSecond) /
                      w.kw;
      int64_t blocks = ceilDiv(cvecs, cv);
      double lanesUsed = double(w.c) / (double(blocks) * cv * p.vl);
      double pixelsUsed =
          double(w.outW()) / (double(ceilDiv(w.outW(), owb)) * owb);
      double score = cycles / acc / (lanesUsed * pixelsUsed);
      if (score < bestScore * (1 - 1e-9)) {
        bestScore = score;
        p.cv = cv;
        p.owb = owb;
      }
    }
    return {p,
            formatv("{0} pixels x {1} vector(s) of {2} channels: {3} "
                    "accumulators vs {4:f0} in flight, {3}+{1}x({6}+1) <= {5} "
                    "registers; each input column loaded once per kernel row",
                    p.owb, p.cv, p.vl, p.owb * p.cv, needed, t.vectorRegisters,
                    w.kw)
                .str()};
  }

  Prediction predictParams(const ConvWorkload &w, const DepthwiseConvParams &p,
                           const Machine &machine) const override {
    if (p.vl < 1 || p.owb < 1 || p.cv < 1)
      return invalidPrediction("invalid config");
    Prediction pred;
    const TargetDesc &t = machine.target;
    const Profile &prof = machine.profile;
    const SplitVectorRates rates(machine, w.element, p.vl);
    double ebytes = rates.ebytes;
    int64_t oh = w.outH(), ow = w.outW();
    int64_t owb = std::clamp<int64_t>(p.owb, 1, ow);
    int64_t cvecs = ceilDiv(w.c, p.vl);
    int64_t cv = std::clamp<int64_t>(p.cv, 1, cvecs);
    double regs = double(tileRegisters(w, owb, cv)) * rates.split;
    double spilled = std::max(0.0, regs - t.vectorRegisters);

    double rowTaps = nhwcKernelRowTaps(w);
    auto tiles = nhwcRowTileClasses(w, owb);
    double compute = 0, edge = 0, fmas = 0, loads = 0, tileOverhead = 0;
    double visits = 0;
    for (const VectorBlockClass &cc : vectorBlockClasses(w.c, cv, p.vl))
      for (const NhwcRowTileClass &tc : tiles) {
        // One step = one valid kernel row of a tile: the filter vectors of
        // the used kernel columns, each input column once, one FMA per
        // valid (pixel, kernel column) pair.
        double fmaStep = 0, loadStep = double(tc.inputColumns) * cc.vecs;
        for (int64_t valid : tc.validTaps) {
          fmaStep += double(valid) * cc.vecs;
          loadStep += valid ? cc.vecs : 0;
        }
        double spillOps = fmaStep * spilled / std::max(1.0, regs);
        double eff = std::min(1.0, double(tc.pixels * cc.vecs) / rates.needed);
        double fTime = fmaStep / (rates.fmaRate * eff);
        double lTime =
            loadStep / rates.loadRate + spillOps * rates.loadStoreSeconds();
        double count = cc.count * tc.count * double(w.n) * rowTaps;
        // Unsplit vectors without spills: the calibrated kernel step (the
        // same measured scale as the GEMM micro-kernel).
        double step =
            rates.split == 1 && spillOps == 0
                ? kernelStepSeconds(machine, rates.bits, fmaStep, loadStep, 0)
                : std::max(fTime, lTime);
        double stepTime = step * count;
        compute += stepTime;
        fmas += fmaStep * count;
        loads += loadStep * count;
        if (tc.border || cc.vecs != cv)
          edge += stepTime;
        double tileCount = cc.count * tc.count * double(w.n) * oh;
        visits += tileCount;
        tileOverhead += tileCount * (double(tc.pixels * cc.vecs) *
                                         rates.loadStoreSeconds() +
                                     (w.kh + 4) * prof.loopIterationSeconds);
      }

    // Streams.
    double rowBytes = double(w.w) * w.c * ebytes;
    double inputBytes = double(w.n) * w.h * rowBytes;
    double outBytes = double(w.n) * oh * ow * w.c * ebytes;
    double inputCols = nhwcRowInputColumns(w, tiles);
    // Rows actually read (a stride larger than the kernel skips rows).
    double rowsRead = 0;
    for (int64_t ih = 0; ih < w.h; ++ih) {
      bool read = false;
      for (int64_t k = 0; k < w.kh && !read; ++k) {
        int64_t num = ih + w.padTop - k * w.dilationH;
        read = num >= 0 && num % w.strideH == 0 && num / w.strideH < oh;
      }
      rowsRead += read;
    }
    double inputFirst = double(w.n) * rowsRead * rowBytes;
    double inputFirstTime =
        inputFirst / prof.bandwidthFor(uint64_t(inputBytes), t);
    double inputReread = std::max(
        0.0, double(w.n) * rowTaps * inputCols * w.c * ebytes - inputFirst);
    double rowWindow = double(w.kh) * rowBytes + double(ow) * w.c * ebytes;
    double inputRereadTime =
        inputReread / prof.bandwidthFor(uint64_t(rowWindow), t);
    double outTime = 2 * outBytes / prof.bandwidthFor(uint64_t(outBytes), t);

    double blocks = double(w.n) * oh;
    ThreadShare share(p.threads, blocks);
    double parallel = share.parallel;
    double overhead =
        prof.callOverheadSeconds + (p.threads > 1 ? prof.forkJoinSeconds : 0);
    double body = partialOverlap(
        {compute + tileOverhead, inputFirstTime, inputRereadTime, outTime});
    pred.seconds = body / parallel + overhead;
    pred.formula = "overlap(taps x max(FMA, loads) + tile overhead, input "
                   "first touch, input re-reads, output) / (threads x "
                   "balance) + overhead";
    double streams = std::max({inputFirstTime, inputRereadTime, outTime});
    pred.add("compute", compute / parallel,
             formatv("{0:e2} vector FMAs, {1:e2} vector loads at {2:e2}/s; "
                     "{3}x{4} tile, {5} accumulators for {6:f0} in flight",
                     fmas, loads, rates.loadRate, owb, cv, owb * cv,
                     rates.needed)
                 .str(),
             compute + tileOverhead < streams);
    pred.add("edge tiles", edge / parallel,
             "border and partial tiles along OW and C (part of compute)", true);
    pred.add("tile overhead", tileOverhead / parallel,
             formatv("{0:e2} tile visits: output in/out, loop set-up", visits)
                 .str());
    pred.add("input first touch", inputFirstTime / parallel,
             formatv("{0} of {1} input", formatBytes(inputFirst),
                     formatBytes(inputBytes))
                 .str(),
             inputFirstTime < compute + tileOverhead);
    pred.add("input re-reads", inputRereadTime / parallel,
             formatv("{0} more from the last {1} input rows ({2})",
                     formatBytes(inputReread), w.kh, formatBytes(rowWindow))
                 .str(),
             inputRereadTime < compute + tileOverhead);
    pred.add("output traffic", outTime / parallel,
             formatv("{0} in and out", formatBytes(2 * outBytes)).str(),
             outTime < compute + tileOverhead);
    pred.addThreads(p.threads, blocks, "output rows", share.balance);
    pred.add("overhead", overhead, "call + fork/join");
    return pred;
  }

  RegisterUse registerUse(const ConvWorkload &w,
                          const DepthwiseConvParams &p) const override {
    DepthwiseConvParams q =
        clampPixelTile(p, &DepthwiseConvParams::cv, w.c, w.outW());
    return {tileRegisters(w, q.owb, q.cv), "cv*(owb + KW + 1)"};
  }

  std::vector<Config> neighboursOf(const ConvWorkload &w, const Config &config,
                                   const DepthwiseConvParams &base,
                                   const TargetDesc &t) const override {
    std::vector<Config> result;
    auto push = [&](DepthwiseConvParams q) {
      q = clampPixelTile(q, &DepthwiseConvParams::cv, w.c, w.outW());
      if (q.owb < 1 || q.cv < 1 || !fitsRegisters(w, q, t))
        return;
      addUnlessSame(result, q, config);
    };
    forEachPixelTileStep(
        base, &DepthwiseConvParams::cv,
        [&](int64_t cv) { return owbForCv(w, cv, t.vectorRegisters); }, push);
    return result;
  }

  std::vector<DepthwiseConvParams>
  searchSpaceOf(const ConvWorkload &w, const TargetDesc &t) const override {
    int64_t lanes = t.lanes(elementBits(w.element));
    return searchGrid(
        startingParams(w, t),
        {{&DepthwiseConvParams::cv,
          valuesFrom(1, std::min<int64_t>(ceilDiv(w.c, lanes), 8))},
         {&DepthwiseConvParams::owb,
          valuesFrom(1, std::min<int64_t>(w.outW(), 16))}},
        [&](const DepthwiseConvParams &p) { return fitsRegisters(w, p, t); });
  }
};

} // namespace

std::unique_ptr<AlgorithmModel> createDepthwiseConvModel() {
  return std::make_unique<DepthwiseConvModel>();
}

} // namespace autoconfig
