//===- DirectConvModel.cpp - Model of the blocked direct NHWC convolution -===//
//
// Loop structure: see CodeGen/DirectConv.cpp and DirectConvParams.h.
//
// Parameters are derived analytically:
//  - register tile owb x fv (Zhang, Franchetti and Low, ICML 2018, §4;
//    Georganas et al., SC 2018, §III): at least latency x throughput
//    independent accumulators (Little's law), within the register file
//    (owb*fv accumulators + fv filter vectors + 1 broadcast <= registers);
//    among those, the most FMAs per loaded value (owb*fv / (owb + fv)) and
//    the least waste at the OW and F edges;
//  - cb: the filter block kh x kw x cb x fv*vl is reused by every tile of a
//    row block, so it must stay in the L2 next to the input rows (half of
//    it); even blocks over C;
//  - rb: the input rows of a row block (rb*s + (kh-1)*d rows of W x cb) are
//    reused by every output-channel block: they share the L2 with the
//    filter block; with threads, one block per thread at most.
// The predicted time sums named terms: the micro-kernel (FMAs with the
// latency-hiding efficiency, load and broadcast issue, edge tiles), tile
// overhead (output in and out per channel block), filter/input/output
// streams from the cache level their reuse distance reaches, filter packing
// (FHWC), thread balance and fork cost.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/AlgorithmModel.h"
#include "autoconfig/Model/CacheFootprint.h"
#include "autoconfig/Model/ConfigChecks.h"
#include "autoconfig/Model/CostTerms.h"
#include "autoconfig/Model/DirectConvParams.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/Neighbours.h"
#include "autoconfig/Model/SearchGrid.h"
#include "autoconfig/Support/Arithmetic.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <set>

using namespace llvm;

namespace autoconfig {

namespace {

bool columnTapValid(const ConvWorkload &w, int64_t col, int64_t kw) {
  int64_t iw = col * w.strideW - w.padLeft + kw * w.dilationW;
  return iw >= 0 && iw < w.w;
}

} // namespace

SmallVector<NhwcRowTileClass> nhwcRowTileClasses(const ConvWorkload &w,
                                                 int64_t owb) {
  int64_t ow = w.outW();
  owb = std::clamp<int64_t>(owb, 1, ow);
  int64_t full = ow / owb, rem = ow % owb;
  SmallVector<NhwcRowTileClass> classes;
  auto make = [&](int64_t start, int64_t pixels) {
    NhwcRowTileClass c;
    c.pixels = pixels;
    c.count = 1;
    std::set<int64_t> columns;
    for (int64_t kw = 0; kw < w.kw; ++kw) {
      int64_t valid = 0;
      for (int64_t j = 0; j < pixels; ++j)
        if (columnTapValid(w, start + j, kw)) {
          ++valid;
          columns.insert(j * w.strideW + kw * w.dilationW);
        }
      c.validTaps.push_back(valid);
      c.border |= valid != pixels;
    }
    c.inputColumns = int64_t(columns.size());
    return c;
  };
  NhwcRowTileClass interior;
  double interiorCount = 0;
  for (int64_t t = 0; t < full; ++t) {
    NhwcRowTileClass c = make(t * owb, owb);
    if (c.border) {
      classes.push_back(c);
    } else {
      interior = c;
      ++interiorCount;
    }
  }
  if (interiorCount > 0) {
    interior.count = interiorCount;
    classes.push_back(interior);
  }
  if (rem) {
    NhwcRowTileClass c = make(full * owb, rem);
    c.border = true; // a partial tile: counted with the edges
    classes.push_back(c);
  }
  return classes;
}

double nhwcKernelRowTaps(const ConvWorkload &w) {
  double taps = 0;
  for (int64_t r = 0; r < w.outH(); ++r)
    for (int64_t k = 0; k < w.kh; ++k) {
      int64_t ih = r * w.strideH - w.padTop + k * w.dilationH;
      taps += ih >= 0 && ih < w.h;
    }
  return taps;
}

int64_t nhwcTileInputWidth(const ConvWorkload &w, int64_t pixels) {
  return std::min<int64_t>(w.w, (pixels - 1) * w.strideW +
                                    (w.kw - 1) * w.dilationW + 1);
}

double nhwcRowInputColumns(const ConvWorkload &w,
                           ArrayRef<NhwcRowTileClass> tiles) {
  double columns = 0;
  for (const NhwcRowTileClass &tc : tiles)
    columns += tc.count * double(nhwcTileInputWidth(w, tc.pixels));
  return columns;
}

DirectFilterLayout directFilterLayout(const ConvWorkload &w,
                                      const DirectConvParams &p) {
  int64_t vl = std::max<int64_t>(1, p.vl);
  int64_t fv = std::clamp<int64_t>(p.fv, 1, ceilDiv(w.f, vl));
  if (w.constWeights && ceilDiv(w.f, fv * vl) > 1)
    return DirectFilterLayout::Blocked;
  return w.layout == ConvLayout::NhwcFhwc ? DirectFilterLayout::PaddedHwcf
                                          : DirectFilterLayout::InPlaceHwcf;
}

int64_t directFilterRowStrideBytes(const ConvWorkload &w,
                                   const DirectConvParams &p) {
  int64_t vl = std::max<int64_t>(1, p.vl);
  int64_t fv = std::clamp<int64_t>(p.fv, 1, ceilDiv(w.f, vl));
  int64_t channels = 0;
  switch (directFilterLayout(w, p)) {
  case DirectFilterLayout::Blocked:
    channels = fv * vl;
    break;
  case DirectFilterLayout::PaddedHwcf:
    channels = ceilDiv(w.f, vl) * vl;
    break;
  case DirectFilterLayout::InPlaceHwcf:
    channels = w.f;
    break;
  }
  return channels * int64_t(elementBits(w.element) / 8);
}

namespace {

/// Register tile for a given fv: the largest owb the register file allows,
/// then evened out over OW (same tile count, smallest remainder).
int64_t owbForFv(const ConvWorkload &w, int64_t fv, unsigned registers) {
  int64_t owb = std::max<int64_t>(1, (int64_t(registers) - fv - 1) / fv);
  owb = std::min(owb, w.outW());
  int64_t tiles = ceilDiv(w.outW(), owb);
  return ceilDiv(w.outW(), tiles);
}

/// cb and rb for the register tile in `p` (see the file comment); the keep
/// flags leave user-given values alone.
void deriveBlocking(const ConvWorkload &w, const Machine &machine,
                    DirectConvParams &p, bool keepCb, bool keepRb) {
  const TargetDesc &t = machine.target;
  double ebytes = elementBits(w.element) / 8.0;
  CacheLevel l2 = cacheOr(t, 2, 1 << 20, 16);
  double budget = double(l2.sizeBytes) / 2;
  int64_t fvl = std::min(p.fv, ceilDiv(w.f, p.vl)) * p.vl;
  // What one input channel of the filter block takes of the L2: its fv*vl
  // output channels are read in place from rows of all F, so the block may
  // reach only part of the sets.
  double perChannel =
      stridedFootprintBytes(double(w.kh) * w.kw, double(fvl) * ebytes,
                            directFilterRowStrideBytes(w, p), l2);
  if (!keepCb) {
    int64_t cb = std::max<int64_t>(1, int64_t(budget / perChannel));
    if (cb < w.c) {
      // Whole cache lines of input per block, then even blocks over C.
      if (cb >= 16)
        cb = cb / 16 * 16;
      int64_t blocks = ceilDiv(w.c, cb);
      cb = ceilDiv(w.c, blocks);
      if (cb > 16 && cb % 16 && ceilDiv(cb, 16) * 16 * blocks <= w.c + 15)
        cb = ceilDiv(cb, 16) * 16;
    }
    p.cb = std::min(cb, w.c);
  }
  if (!keepRb) {
    int64_t oh = w.outH();
    double filterBlock = double(p.cb) * perChannel;
    double rowBytes = double(w.w) * std::min(p.cb, w.c) * ebytes;
    double left = std::max(budget - filterBlock, rowBytes * w.kh);
    int64_t rows = int64_t(left / rowBytes); // input rows that fit
    int64_t rb = std::max<int64_t>(
        1, (rows - (w.kh - 1) * w.dilationH - 1) / w.strideH + 1);
    rb = std::min(rb, oh);
    if (machine.threads > 1 && w.n < int64_t(machine.threads))
      rb = std::min(rb, ceilDiv(oh * w.n, machine.threads));
    int64_t blocks = ceilDiv(oh, rb);
    p.rb = ceilDiv(oh, blocks);
  }
}

class DirectConvModel final : public ModelOf<DirectConvParams, ConvWorkload> {
protected:
  bool appliesTo(const ConvWorkload &w, const TargetDesc &,
                 std::string &whyNot) const override {
    if (w.layout != ConvLayout::NhwcHwcf && w.layout != ConvLayout::NhwcFhwc)
      return notApplicable(whyNot,
                           "needs an NHWC input with an HWCF or FHWC filter");
    if (w.groups != 1)
      return notApplicable(whyNot, "grouped convolution");
    return true;
  }

  DerivedParams deriveFor(const ConvWorkload &w,
                          const Machine &machine) const override {
    const TargetDesc &t = machine.target;
    DirectConvParams p = startingParams(w, t);
    p.threads = machine.threads;
    double needed = fmaInFlightNeeded(machine, t.vectorBits);
    int64_t maxFv = std::min<int64_t>(ceilDiv(w.f, p.vl), 8);

    // For each fv the largest owb the registers allow; keep the tile with the
    // best product of latency hiding, FMAs per loaded value and useful work:
    // lanes used at the F edge, and the OW remainder tile's own latency
    // hiding (as in the BLIS register-block derivation of Low et al.).
    double bestScore = -1;
    int64_t bestFv = 1, bestOwb = 1;
    for (int64_t fv = 1; fv <= maxFv; ++fv) {
      if (2 * fv + 1 > int64_t(t.vectorRegisters))
        break;
      int64_t owb = owbForFv(w, fv, t.vectorRegisters);
      double acc = double(owb * fv);
      double hidden = std::min(1.0, acc / needed);
      double perLoad = acc / double(owb + fv);
      double lanesUsed =
          double(w.f) / (double(ceilDiv(w.f, fv * p.vl)) * fv * p.vl);
      int64_t rem = w.outW() % owb;
      double remHidden = std::min(1.0, double(rem * fv) / needed);
      double pixelsUsed =
          (double(w.outW() - rem) + rem * remHidden) / double(w.outW());
      double score = hidden * perLoad * lanesUsed * pixelsUsed;
      if (score > bestScore * (1 + 1e-9)) {
        bestScore = score;
        bestFv = fv;
        bestOwb = owb;
      }
    }
    p.fv = bestFv;
    p.owb = bestOwb;
    deriveBlocking(w, machine, p, false, false);

    double ebytes = elementBits(w.element) / 8.0;
    return {
        p,
        formatv(
            "{0} pixels x {1} vector(s) of {2} channels: {3} accumulators "
            "vs {4:f0} in flight, {3}+{1}+1 <= {5} registers, {6:f2} FMAs "
            "per load; cb={7}: filter block {8} of the L2's capacity in "
            "half of it; rb={9} row(s) per block",
            p.owb, p.fv, p.vl, p.owb * p.fv, needed, t.vectorRegisters,
            double(p.owb * p.fv) / double(p.owb + p.fv), p.cb,
            formatBytes(stridedFootprintBytes(
                double(w.kh) * w.kw * p.cb, double(p.fv * p.vl) * ebytes,
                directFilterRowStrideBytes(w, p), cacheOr(t, 2, 1 << 20, 16))),
            p.rb)
            .str()};
  }

  Prediction predictParams(const ConvWorkload &w, const DirectConvParams &p,
                           const Machine &machine) const override {
    if (p.vl < 1 || p.owb < 1 || p.fv < 1 || p.cb < 1 || p.rb < 1)
      return invalidPrediction("invalid config");
    Prediction pred;
    const TargetDesc &t = machine.target;
    const Profile &prof = machine.profile;
    SplitVectorRates rates(machine, w.element, p.vl);
    double ebytes = rates.ebytes, split = rates.split, needed = rates.needed;
    double fmaRate = rates.fmaRate, loadRate = rates.loadRate;
    double bcastRate = rates.broadcastRate, storeRate = rates.storeRate;
    // Same clamping as the generator.
    int64_t oh = w.outH(), ow = w.outW();
    int64_t owb = std::clamp<int64_t>(p.owb, 1, ow);
    int64_t fvecs = ceilDiv(w.f, p.vl);
    int64_t fv = std::clamp<int64_t>(p.fv, 1, fvecs);
    int64_t cb = std::clamp<int64_t>(p.cb, 1, w.c);
    int64_t rb = std::clamp<int64_t>(p.rb, 1, oh);
    int64_t fBlocks = ceilDiv(w.f, fv * p.vl), cBlocks = ceilDiv(w.c, cb);
    int64_t rowBlocks = ceilDiv(oh, rb);
    bool packed = w.layout == ConvLayout::NhwcFhwc;
    double regs = (double(owb * fv) + fv + 1) * split;
    double spilled = std::max(0.0, regs - t.vectorRegisters);

    // Micro-kernel: one step = one (valid kernel row, input channel) of a
    // tile; every kernel column with a valid pixel loads the fv filter
    // vectors and broadcasts one input value per valid pixel.
    double rowTaps = nhwcKernelRowTaps(w);
    double steps = double(w.n) * rowTaps * w.c;
    auto tiles = nhwcRowTileClasses(w, owb);
    double compute = 0, edge = 0, fmas = 0, loadIssue = 0, tileVisits = 0;
    double tileOverhead = 0, loopTime = 0;
    for (const VectorBlockClass &fc : vectorBlockClasses(w.f, fv, p.vl))
      for (const NhwcRowTileClass &tc : tiles) {
        double fmaStep = 0, loadStep = 0, bcastStep = 0;
        for (int64_t valid : tc.validTaps) {
          fmaStep += double(valid) * fc.vecs;
          loadStep += valid ? fc.vecs : 0;
          bcastStep += valid;
        }
        // Spilled accumulators: a reload and a store per FMA, in proportion.
        double spillOps = fmaStep * spilled / std::max(1.0, regs);
        double eff = std::min(1.0, double(tc.pixels * fc.vecs) / needed);
        double fTime = fmaStep / (fmaRate * eff);
        double lTime = loadStep / loadRate + bcastStep / bcastRate +
                       spillOps * rates.loadStoreSeconds();
        double count = fc.count * tc.count * steps;
        // FMAs and the loads feeding them share the issue and retire width:
        // they overlap only partly.
        double step = split == 1 && spillOps == 0
                          ? kernelStepSeconds(machine, rates.bits, fmaStep,
                                              loadStep, bcastStep)
                          : partialOverlap({fTime, lTime});
        double stepTime = step * count;
        compute += stepTime;
        loadIssue += lTime * count;
        fmas += fmaStep * count;
        if (tc.border || fc.vecs != fv)
          edge += stepTime;
        // The channel loop is unrolled as the generator does.
        double perStep = double(w.kw) * tc.pixels * fc.vecs;
        double unroll = std::clamp(std::ceil(64 / perStep), 1.0, 8.0);
        loopTime += count / unroll * 2 * prof.loopIterationSeconds;
        double visits = fc.count * tc.count * double(w.n) * oh * cBlocks;
        tileVisits += visits;
        tileOverhead += visits * (double(tc.pixels * fc.vecs) *
                                      (rates.loadStoreSeconds() + 1 / fmaRate) +
                                  (w.kh + 6) * prof.loopIterationSeconds);
      }
    compute += loopTime;

    // Streams. Filter block: reused by the tiles of a row block.
    int64_t fvl = fv * p.vl;
    double fPad = double(fvecs) * p.vl; // whole vectors are read
    double filterBlock = double(w.kh) * w.kw * cb * fvl * ebytes;
    // The L2 capacity the block takes, read in place from rows of all F.
    CacheLevel l2 = cacheOr(t, 2, 1 << 20, 16);
    double filterBlockFootprint =
        stridedFootprintBytes(double(w.kh) * w.kw * cb, double(fvl) * ebytes,
                              directFilterRowStrideBytes(w, p), l2);
    double tileInput = double(w.kh) * nhwcTileInputWidth(w, owb) * cb * ebytes;
    double tilesPerRow = double(ceilDiv(ow, owb));
    double filterToCore =
        double(w.n) * rowTaps * w.kw * w.c * fPad * ebytes * tilesPerRow;
    // The block is re-read from the L2 only while it takes at most the half
    // of it the derivation gives it (the input rows, the output and the next
    // block share the rest); larger, the ways it overflows are refilled from
    // where the filter lives.
    double filterReuseSet = filterBlockFootprint + 2 * tileInput;
    if (filterBlockFootprint > double(l2.sizeBytes) / 2)
      filterReuseSet = std::max(filterReuseSet, 2.0 * double(l2.sizeBytes));
    double filterToCoreTime =
        filterToCore / prof.bandwidthFor(uint64_t(filterReuseSet), t);
    // The whole filter comes in again for every row block.
    double filterBytes = double(w.kh) * w.kw * w.c * fPad * ebytes;
    int64_t sliceRows = std::min<int64_t>(
        w.h, (rb - 1) * w.strideH + (w.kh - 1) * w.dilationH + 1);
    double sliceBytes = double(sliceRows) * w.w * cb * ebytes;
    double filterRefetch = filterBytes * w.n * rowBlocks;
    // In a program, the first pass comes from where all its weights live.
    double filterRefetchTime = prof.weightsSeconds(
        filterBytes, filterRefetch, w.weightsReuseBytes,
        prof.bandwidthFor(uint64_t(filterBytes + sliceBytes), t), t);
    // Input: each tile reads its input columns once per (channel block,
    // filter block); between filter blocks the row block's input slice (or,
    // with one filter block, the kernel rows of the previous output row)
    // passes through the cache.
    double inputPerRow = nhwcRowInputColumns(w, tiles);
    double inputToCore =
        double(w.n) * rowTaps * inputPerRow * w.c * ebytes * double(fBlocks);
    double reuseDistance =
        (fBlocks > 1 ? sliceBytes : double(w.kh) * w.w * cb * ebytes) +
        filterBlockFootprint;
    double inputToCoreTime =
        inputToCore / prof.bandwidthFor(uint64_t(reuseDistance), t);
    double inputBytes = double(w.n) * w.h * w.w * w.c * ebytes;
    double inputFirst =
        double(w.n) * rowBlocks * sliceRows * w.w * w.c * ebytes;
    double inputFirstTime =
        inputFirst / prof.bandwidthFor(uint64_t(inputBytes), t);
    // Output: read and written once per channel block.
    double outBytes = double(w.n) * oh * ow * w.f * ebytes;
    double outTraffic = 2 * outBytes * cBlocks;
    double outSet = cBlocks > 1 ? double(rb) * ow * w.f * ebytes + sliceBytes +
                                      filterBlockFootprint
                                : outBytes;
    double outTime =
        2 * outBytes / prof.bandwidthFor(uint64_t(outBytes), t) +
        (outTraffic - 2 * outBytes) / prof.bandwidthFor(uint64_t(outSet), t);

    // FHWC filter: vl x vl tiles transposed in registers into the padded HWCF
    // buffer: vl loads, vl stores and about 2*vl*vl lane moves (extract and
    // insert, one per cycle) per tile, plus the filter read and written.
    double packTime = 0, packTiles = 0;
    // Constant weights are packed at compile time: no run-time cost.
    if (packed && !w.constWeights) {
      packTiles = double(fvecs) * ceilDiv(w.kh * w.kw * w.c, p.vl);
      double freq =
          (prof.frequencyGHz > 0 ? prof.frequencyGHz : t.frequencyGHz) * 1e9;
      packTime =
          packTiles *
              (p.vl / loadRate + p.vl / storeRate + 2.0 * p.vl * p.vl / freq) +
          2 * filterBytes / prof.bandwidthFor(uint64_t(2 * filterBytes), t);
    }

    double blocks = double(w.n) * rowBlocks;
    ThreadShare share(p.threads, blocks);
    double balance = share.balance, parallel = share.parallel;
    double forkCost = p.threads > 1 ? prof.forkJoinSeconds : 0;
    double overhead = prof.callOverheadSeconds + forkCost;

    double body = partialOverlap({compute + tileOverhead, filterToCoreTime,
                                  filterRefetchTime, inputToCoreTime,
                                  inputFirstTime, outTime});
    pred.seconds = body / parallel + packTime + overhead;
    pred.formula = "overlap(micro-kernel + tile overhead, filter, input and "
                   "output streams) / (threads x balance) + filter packing + "
                   "overhead";
    double streams = std::max({filterToCoreTime, filterRefetchTime,
                               inputToCoreTime, inputFirstTime, outTime});
    pred.add("compute", compute / parallel,
             formatv("{0:e2} vector FMAs at {1:e2}/s; {2}x{3} tile holds {4} "
                     "accumulators for {5:f0} in flight{6}",
                     fmas, fmaRate, owb, fv, owb * fv, needed,
                     spilled > 0 ? formatv(", {0:f0} spilled", spilled).str()
                                 : std::string())
                 .str(),
             compute + tileOverhead < streams);
    pred.add("load issue", loadIssue / parallel,
             formatv("{0} filter vectors + {1} broadcasts per tap and channel",
                     fv, owb)
                 .str(),
             true);
    pred.add("edge tiles", edge / parallel,
             formatv("border and partial tiles along OW ({0} pixels/tile) and "
                     "F ({1} of {2} channels in the last block): part of "
                     "compute",
                     owb, w.f % fvl ? w.f % fvl : fvl, fvl)
                 .str(),
             true);
    pred.add(
        "tile overhead", tileOverhead / parallel,
        formatv("{0:e2} tile visits: output in/out per channel block, loop "
                "set-up",
                tileVisits)
            .str());
    pred.add("filter stream", filterToCoreTime / parallel,
             formatv("{0} to the core, filter block {1}{2}",
                     formatBytes(filterToCore), formatBytes(filterBlock),
                     filterBlockFootprint > filterBlock * 1.01
                         ? " (takes " + formatBytes(filterBlockFootprint) +
                               " of the L2: strided rows)"
                         : std::string())
                 .str(),
             true);
    pred.add("filter refetch", filterRefetchTime / parallel,
             formatv("filter {0} x {1} row block(s)", formatBytes(filterBytes),
                     blocks)
                 .str(),
             true);
    pred.add("input stream", inputToCoreTime / parallel,
             formatv("{0} to the core over {1} filter block(s), reuse distance "
                     "{2}",
                     formatBytes(inputToCore), fBlocks,
                     formatBytes(reuseDistance))
                 .str(),
             true);
    pred.add("input first touch", inputFirstTime / parallel,
             formatv("{0} ({1} input rows per block of {2})",
                     formatBytes(inputFirst), sliceRows, rb)
                 .str(),
             true);
    pred.add("output traffic", outTime / parallel,
             formatv("{0} in and out over {1} channel block(s)",
                     formatBytes(outTraffic), cBlocks)
                 .str(),
             true);
    std::string packing;
    switch (directFilterLayout(w, p)) {
    case DirectFilterLayout::Blocked:
      packing = formatv("constant filter blocked at compile time into {0} "
                        "contiguous block(s) of {1} channels",
                        fBlocks, fvl)
                    .str();
      break;
    case DirectFilterLayout::PaddedHwcf:
      packing = packTiles > 0
                    ? formatv("{0:e2} {1}x{1} tiles transposed FHWC -> HWCF "
                              "in the kernel",
                              packTiles, p.vl)
                          .str()
                    : "constant FHWC filter packed to HWCF at compile time";
      break;
    case DirectFilterLayout::InPlaceHwcf:
      packing = "HWCF filter used in place";
      break;
    }
    pred.add("filter packing", packTime, packing);
    pred.addThreads(p.threads, blocks, "(n, row block)s", balance);
    pred.add("overhead", overhead, "call + fork/join");
    return pred;
  }

  Error verifyParams(const ConvWorkload &w, const DirectConvParams &p,
                     const TargetDesc &,
                     std::vector<std::string> &) const override {
    if (p.owb * p.fv > 256)
      return configError("owb*fv must be at most 256 accumulators, got " +
                         Twine(p.owb * p.fv));
    return Error::success();
  }

  RegisterUse registerUse(const ConvWorkload &w,
                          const DirectConvParams &p) const override {
    DirectConvParams q =
        clampPixelTile(p, &DirectConvParams::fv, w.f, w.outW());
    return {q.owb * q.fv + q.fv + 1, "owb*fv + fv + 1"};
  }

  std::vector<Config> neighboursOf(const ConvWorkload &w, const Config &config,
                                   const DirectConvParams &base,
                                   const TargetDesc &t) const override {
    std::vector<Config> result;
    auto push = [&](DirectConvParams q) {
      q = clampPixelTile(q, &DirectConvParams::fv, w.f, w.outW());
      q.cb = std::min(q.cb, w.c);
      q.rb = std::min(q.rb, w.outH());
      if (q.owb < 1 || q.fv < 1 || q.cb < 1 || q.rb < 1 ||
          !fitsRegisters(w, q, t))
        return;
      addUnlessSame(result, q, config);
    };
    forEachPixelTileStep(
        base, &DirectConvParams::fv,
        [&](int64_t fv) { return owbForFv(w, fv, t.vectorRegisters); }, push);
    for (double f : {0.5, 2.0}) {
      DirectConvParams q = base;
      q.cb = std::max<int64_t>(1, int64_t(base.cb * f));
      push(q);
      q = base;
      q.rb = std::max<int64_t>(1, int64_t(base.rb * f));
      push(q);
    }
    for (int64_t d : {-1, 1}) {
      DirectConvParams q = base;
      q.rb += d;
      push(q);
    }
    return result;
  }

  std::vector<DirectConvParams>
  searchSpaceOf(const ConvWorkload &w, const TargetDesc &t) const override {
    int64_t lanes = t.lanes(elementBits(w.element));
    std::vector<int64_t> cbs = {w.c};
    for (int64_t cb = w.c / 2; cb >= 16; cb /= 2)
      cbs.push_back(cb);
    return searchGrid(
        startingParams(w, t),
        {{&DirectConvParams::fv,
          valuesFrom(1, std::min<int64_t>(ceilDiv(w.f, lanes), 8))},
         {&DirectConvParams::owb,
          valuesFrom(1, std::min<int64_t>(w.outW(), 28))},
         {&DirectConvParams::cb, cbs},
         {&DirectConvParams::rb, {1, 2, 4, 8, w.outH()}}},
        [&](const DirectConvParams &p) {
          return p.rb <= w.outH() && fitsRegisters(w, p, t);
        });
  }

  bool rederive(const ConvWorkload &w, const Config &partial,
                DirectConvParams &p, const Machine &machine) const override {
    if (p.vl < 1 || p.fv < 1 || p.owb < 1)
      return false;
    // A user-given fv changes the owb the registers allow, and the tile
    // changes the cache blocks.
    if ((partial.has("fv") || partial.has("vl")) && !partial.has("owb"))
      p.owb = owbForFv(w, std::min(p.fv, ceilDiv(w.f, p.vl)),
                       machine.target.vectorRegisters);
    if (partial.has("fv") || partial.has("vl") || partial.has("owb") ||
        partial.has("cb"))
      deriveBlocking(w, machine, p, partial.has("cb"), partial.has("rb"));
    return true;
  }
};

} // namespace

std::unique_ptr<AlgorithmModel> createDirectConvModel() {
  return std::make_unique<DirectConvModel>();
}

} // namespace autoconfig
