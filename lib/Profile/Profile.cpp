//===- Profile.cpp - Profile figures, nominal derivation and JSON ---------===//

#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Support/Statistics.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {

const VectorCosts &Profile::forBits(unsigned bits) const {
  assert(!vectors.empty() && "profile without vector costs");
  const VectorCosts *best = &vectors.front();
  for (const VectorCosts &v : vectors)
    if (v.bits <= bits && v.bits >= best->bits)
      best = &v;
  return *best;
}

std::optional<double> Profile::memoryThreadSpeedup(unsigned threads) const {
  if (memoryThreadScaling <= 0 || memoryScalingThreads < 2)
    return std::nullopt;
  double t = std::min<double>(std::max(1u, threads), memoryScalingThreads);
  return 1 +
         (memoryThreadScaling - 1) * (t - 1) / double(memoryScalingThreads - 1);
}

double Profile::bandwidthOfLevel(unsigned level) const {
  for (const BandwidthPoint &p : bandwidth)
    if (p.level == level)
      return p.bytesPerSecond;
  // Missing level: the next slower one that exists.
  double slowest = 0;
  for (const BandwidthPoint &p : bandwidth)
    if (p.level == 0 || p.level > level)
      slowest = std::max(slowest, p.bytesPerSecond);
  return slowest > 0 ? slowest : 10e9;
}

unsigned Profile::levelFor(double bytes, const TargetDesc &target) const {
  for (unsigned level = 1; level <= 3; ++level)
    if (const CacheLevel *c = target.cache(level)) {
      double capacity = double(c->sizeBytes) / std::max(1u, c->sharedByCores);
      if (level == 3 && effectiveLastLevelBytes)
        capacity = std::min(capacity, double(effectiveLastLevelBytes));
      if (bytes <= capacity)
        return level;
    }
  return 0;
}

double Profile::bandwidthFor(uint64_t bytes, const TargetDesc &target) const {
  unsigned level = levelFor(double(bytes), target);
  if (level == 1 || level == 2 || bandwidthCurve.empty())
    return bandwidthOfLevel(level);
  // Beyond L2: the measured curve, interpolated geometrically between its
  // points (bandwidth falls by a roughly constant factor per doubling),
  // starting from the L2's figure at its capacity (a working set a little
  // larger than the L2 is still mostly served by it).
  std::vector<BandwidthPoint> points;
  if (const CacheLevel *l2 = target.cache(2))
    if (l2->sizeBytes < bandwidthCurve.front().workingSetBytes)
      points.push_back({2, l2->sizeBytes, bandwidthOfLevel(2)});
  points.insert(points.end(), bandwidthCurve.begin(), bandwidthCurve.end());
  if (bytes <= points.front().workingSetBytes)
    return points.front().bytesPerSecond;
  for (size_t i = 1; i < points.size(); ++i) {
    const BandwidthPoint &lo = points[i - 1], &hi = points[i];
    if (bytes > hi.workingSetBytes)
      continue;
    double t =
        std::log(double(bytes) / double(lo.workingSetBytes)) /
        std::log(double(hi.workingSetBytes) / double(lo.workingSetBytes));
    return std::exp(
        std::log(lo.bytesPerSecond) +
        t * (std::log(hi.bytesPerSecond) - std::log(lo.bytesPerSecond)));
  }
  return points.back().bytesPerSecond;
}

double Profile::weightsSeconds(double bytes, double traffic, double reuseBytes,
                               double warmBandwidth,
                               const TargetDesc &target) const {
  if (reuseBytes <= bytes || traffic <= 0)
    return traffic / warmBandwidth;
  double cold =
      std::min(warmBandwidth,
               bandwidthFor(uint64_t(std::max(bytes, reuseBytes)), target));
  double first = std::min(bytes, traffic);
  return first / cold + (traffic - first) / warmBandwidth;
}

double TileFit::secondsPerKStep(unsigned mr, unsigned nv) const {
  return step + std::max({fma * double(mr) * nv,
                          load * double(nv) + broadcast * double(mr), latency});
}

std::optional<double> Profile::tileSecondsPerKStep(unsigned bits, unsigned mr,
                                                   unsigned nv) const {
  // The tile as measured; the fitted weighted count for a tile that was not
  // (the fit's form cannot see what sets equal-FMA tiles apart in a GEMM:
  // register pressure, the scheduling LLVM gives each shape).
  for (const TileCost &t : tiles)
    if (t.bits == bits && t.mr == mr && t.nv == nv)
      return t.secondsPerKStep;
  if (tileFit.bits == bits && tileFit.points > 0)
    return tileFit.secondsPerKStep(mr, nv);
  return std::nullopt;
}

double Profile::panelFactorFor(double factor, unsigned bits, unsigned mr,
                               unsigned nv, bool byRow) const {
  if (!panelTileMr || !panelTileVectors || factor <= 1)
    return std::max(1.0, factor);
  std::optional<double> measured =
      tileSecondsPerKStep(bits, panelTileMr, panelTileVectors);
  std::optional<double> own = tileSecondsPerKStep(bits, mr, nv);
  if (!measured || !own || *own <= 0)
    return factor;
  double perStep = factor * *measured;
  if (!byRow)
    perStep *= double(nv) / double(panelTileVectors);
  return std::max(1.0, perStep / *own);
}

double Profile::unpackedPanelFactor(int64_t rows, int64_t strideBytes,
                                    int64_t panelRowBytes) const {
  // A page is the 4 KiB base page of x86-64, AArch64 and RISC-V Linux.
  if (strideBytes >= 4096 && !stridedPanelFactors.empty())
    return stridedPanelFactor(rows);
  if (strideBytes > panelRowBytes && subPagePanelFactor > 0)
    return subPagePanelFactor;
  return l2PanelFactor;
}

double Profile::stridedPanelFactor(int64_t rows) const {
  if (stridedPanelFactors.empty())
    return 1;
  return interpolatePoints(stridedPanelFactors, rows);
}

std::optional<double> Profile::unpackedStreamFor(int64_t rows, uint64_t bBytes,
                                                 const TargetDesc &target,
                                                 unsigned mr,
                                                 unsigned nv) const {
  if (unpackedStreamBandwidth.empty())
    return std::nullopt;
  uint64_t measuredBytes =
      uint64_t(kUnpackedStreamRows) * kUnpackedStreamColumns * sizeof(float);
  // The tile's own ratio, or that of the measured tile of its width
  // nearest in height (the taller on a tie): the rate falls with the
  // height (Zen 5: 8x2 0.50, 9x2 0.26, 13x2 0.19 of a 5x5's).
  double tileRatio = 1;
  int64_t nearest = -1;
  for (const TileStream &t : unpackedStreamTiles) {
    if (t.nv != nv)
      continue;
    int64_t distance = std::abs(int64_t(t.mr) - int64_t(mr));
    if (nearest < 0 || distance < nearest ||
        (distance == nearest && t.mr > mr)) {
      nearest = distance;
      tileRatio = t.ratio;
    }
  }
  return interpolatePoints(unpackedStreamBandwidth, rows) * tileRatio *
         bandwidthFor(bBytes, target) / bandwidthFor(measuredBytes, target);
}

unsigned Profile::measuredFmaPipes(const TargetDesc &target) const {
  if (vectors.empty() || !(frequencyGHz > 0))
    return target.fmaPipes;
  const VectorCosts &widest = forBits(target.vectorBits);
  double perCycle = widest.fmaPerSecond / (frequencyGHz * 1e9);
  // A vector wider than the datapath issues over several cycles.
  double issue = widest.bits > target.fmaDatapathBits
                     ? double(widest.bits) / target.fmaDatapathBits
                     : 1.0;
  return std::max(1u, unsigned(std::lround(perCycle * issue)));
}

void adoptMeasuredFacts(TargetDesc &target, const Profile &profile) {
  if (!profile.measured() || !target.runsOnHost)
    return;
  target.fmaPipes = profile.measuredFmaPipes(target);
  if (profile.frequencyGHz > 0)
    target.frequencyGHz = profile.frequencyGHz;
}

double Profile::panelBandwidthFor(uint64_t bytes, const TargetDesc &target,
                                  double segmentBytes) const {
  // Measured per cache level (the effective last level as level 3 when the
  // machine reports none); beyond the last level a panel stream is no
  // faster than the contiguous stream from memory.
  constexpr double kMeasuredSegment = 256;
  unsigned level = levelFor(double(bytes), target);
  unsigned measured = level == 0 || level == 3 ? 3 : level;
  double sequential = bandwidthFor(bytes, target);
  for (const BandwidthPoint &p : panelBandwidth) {
    if (p.level != measured)
      continue;
    double panel =
        level == 0 ? std::min(p.bytesPerSecond, sequential) : p.bytesPerSecond;
    if (segmentBytes <= kMeasuredSegment)
      return panel;
    // Time per segment = start + bytes / sequential rate (the start is what
    // the measured 256-byte segments take beyond their bytes).
    double start =
        std::max(0.0, kMeasuredSegment / panel - kMeasuredSegment / sequential);
    return segmentBytes / (start + segmentBytes / sequential);
  }
  return sequential / 2;
}

Profile Profile::nominal(const TargetDesc &t) {
  Profile p;
  p.source = "nominal";
  p.cpu = t.cpu;
  p.featureKey = t.featureString();
  p.frequencyGHz = t.frequencyGHz;
  double hz = t.frequencyGHz * 1e9;
  for (unsigned bits = 128; bits <= t.vectorBits; bits *= 2) {
    VectorCosts v;
    v.bits = bits;
    double issue =
        bits > t.fmaDatapathBits ? double(bits) / t.fmaDatapathBits : 1.0;
    v.fmaPerSecond = t.fmaPipes * hz / issue;
    v.fmaLatencySeconds = t.fmaLatency / hz;
    v.loadPerSecond = t.loadPorts * hz / issue;
    v.broadcastPerSecond = t.loadPorts * hz;
    v.storePerSecond = t.storePorts * hz / issue;
    p.vectors.push_back(v);
  }
  if (p.vectors.empty()) { // 64-bit vector targets (RV64 without V)
    VectorCosts v;
    v.bits = t.vectorBits;
    v.fmaPerSecond = t.fmaPipes * hz;
    v.fmaLatencySeconds = t.fmaLatency / hz;
    v.loadPerSecond = v.broadcastPerSecond = t.loadPorts * hz;
    v.storePerSecond = t.storePorts * hz;
    p.vectors.push_back(v);
  }
  // Bytes per cycle per level: rules of thumb for current cores (L1 two
  // vector loads per cycle, L2 ~32 B, L3 ~16 B, memory ~10 GB/s per core).
  double l1 = t.loadPorts * t.vectorBits / 8.0 * hz;
  p.bandwidth = {{1, 0, l1},
                 {2, 0, std::min(l1 / 2, 32.0 * hz)},
                 {3, 0, 16.0 * hz},
                 {0, 0, 10e9}};
  for (BandwidthPoint &b : p.bandwidth)
    if (const CacheLevel *c = t.cache(b.level))
      b.workingSetBytes = c->sizeBytes / 2;
  p.callOverheadSeconds = 20e-9;
  p.loopIterationSeconds = 1.0 / hz;
  // Nominal stand-ins, for targets that cannot be measured here: a page
  // walk served by the caches takes some 20-40 cycles (Intel's and AMD's
  // optimization manuals); waking sleeping OpenMP workers some microseconds.
  p.pageWalkSeconds = 30.0 / hz;
  p.forkJoinSeconds = 5e-6;
  if (t.hasFeature("amx-bf16"))
    p.amxTileProductCycles = kNominalAmxTileProductCycles;
  // A heap allocation some hundreds of cycles; a page fault with zeroing a
  // few thousand (Linux on current x86 and Arm servers).
  p.allocationSeconds = 500.0 / hz;
  p.pageFaultSeconds = 3000.0 / hz;
  return p;
}

json::Value toJSON(const Profile &p) {
  json::Array vectors;
  for (const VectorCosts &v : p.vectors)
    vectors.push_back(json::Object{{"bits", v.bits},
                                   {"fma_per_s", v.fmaPerSecond},
                                   {"fma_latency_s", v.fmaLatencySeconds},
                                   {"load_per_s", v.loadPerSecond},
                                   {"broadcast_per_s", v.broadcastPerSecond},
                                   {"store_per_s", v.storePerSecond}});
  json::Array bandwidth;
  for (const BandwidthPoint &b : p.bandwidth)
    bandwidth.push_back(
        json::Object{{"level", b.level},
                     {"working_set", int64_t(b.workingSetBytes)},
                     {"bytes_per_s", b.bytesPerSecond}});
  json::Object fit{{"bits", p.tileFit.bits},
                   {"step_s", p.tileFit.step},
                   {"fma_s", p.tileFit.fma},
                   {"load_s", p.tileFit.load},
                   {"broadcast_s", p.tileFit.broadcast},
                   {"latency_s", p.tileFit.latency},
                   {"rms_residual", p.tileFit.rmsResidual},
                   {"max_residual", p.tileFit.maxResidual},
                   {"points", p.tileFit.points}};
  json::Array tiles;
  for (const TileCost &t : p.tiles)
    tiles.push_back(json::Object{{"bits", t.bits},
                                 {"mr", t.mr},
                                 {"nv", t.nv},
                                 {"s_per_k_step", t.secondsPerKStep}});
  json::Array unpacked;
  for (auto [rows, bw] : p.unpackedStreamBandwidth)
    unpacked.push_back(json::Object{{"rows", rows}, {"bytes_per_s", bw}});
  json::Array streamTiles;
  for (const Profile::TileStream &t : p.unpackedStreamTiles)
    streamTiles.push_back(
        json::Object{{"mr", t.mr}, {"nv", t.nv}, {"ratio", t.ratio}});
  json::Array strided;
  for (auto [rows, factor] : p.stridedPanelFactors)
    strided.push_back(json::Object{{"rows", rows}, {"factor", factor}});
  json::Array curve;
  for (const BandwidthPoint &b : p.bandwidthCurve)
    curve.push_back(json::Object{{"level", b.level},
                                 {"working_set", int64_t(b.workingSetBytes)},
                                 {"bytes_per_s", b.bytesPerSecond}});
  json::Array panel;
  for (const BandwidthPoint &b : p.panelBandwidth)
    panel.push_back(json::Object{{"level", b.level},
                                 {"working_set", int64_t(b.workingSetBytes)},
                                 {"bytes_per_s", b.bytesPerSecond}});
  return json::Object{
      {"source", p.source},
      {"cpu", p.cpu},
      {"feature_key", p.featureKey},
      {"tool_version", p.toolVersion},
      {"frequency_ghz", p.frequencyGHz},
      {"vectors", std::move(vectors)},
      {"bandwidth", std::move(bandwidth)},
      {"panel_bandwidth", std::move(panel)},
      {"bandwidth_curve", std::move(curve)},
      {"tiles", std::move(tiles)},
      {"tile_fit", std::move(fit)},
      {"strided_panel_factors", std::move(strided)},
      {"unpacked_stream_bandwidth", std::move(unpacked)},
      {"unpacked_stream_tiles", std::move(streamTiles)},
      {"l2_panel_factor", p.l2PanelFactor},
      {"sub_page_panel_factor", p.subPagePanelFactor},
      {"panel_tile_mr", p.panelTileMr},
      {"panel_tile_vectors", p.panelTileVectors},
      {"first_touch_exposure", p.firstTouchExposure},
      {"effective_last_level_bytes", int64_t(p.effectiveLastLevelBytes)},
      {"call_overhead_s", p.callOverheadSeconds},
      {"loop_iteration_s", p.loopIterationSeconds},
      {"page_walk_s", p.pageWalkSeconds},
      {"allocation_s", p.allocationSeconds},
      {"page_fault_s", p.pageFaultSeconds},
      {"fork_join_s", p.forkJoinSeconds},
      {"amx_tile_product_cycles", p.amxTileProductCycles},
      {"bf16_dot_cycles", p.bf16DotCycles},
      {"memory_thread_scaling", p.memoryThreadScaling},
      {"memory_scaling_threads", int64_t(p.memoryScalingThreads)},
      {"max_relative_spread", p.maxRelativeSpread},
      {"calibration_s", p.calibrationSeconds}};
}

static bool fromJSON(const json::Value &v, VectorCosts &c, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("bits", c.bits) && o.map("fma_per_s", c.fmaPerSecond) &&
         o.map("fma_latency_s", c.fmaLatencySeconds) &&
         o.map("load_per_s", c.loadPerSecond) &&
         o.map("broadcast_per_s", c.broadcastPerSecond) &&
         o.map("store_per_s", c.storePerSecond);
}

static bool fromJSON(const json::Value &v, TileCost &t, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("bits", t.bits) && o.map("mr", t.mr) && o.map("nv", t.nv) &&
         o.map("s_per_k_step", t.secondsPerKStep);
}

static bool fromJSON(const json::Value &v, BandwidthPoint &b, json::Path p) {
  json::ObjectMapper o(v, p);
  int64_t ws = 0;
  bool ok = o && o.map("level", b.level) && o.map("working_set", ws) &&
            o.map("bytes_per_s", b.bytesPerSecond);
  b.workingSetBytes = uint64_t(std::max<int64_t>(ws, 0));
  return ok;
}

/// Reads the optional list `key` of {"rows": r, `valueKey`: x} entries, rows
/// increasing from 1 and each x one that `valid` accepts, into `points`;
/// false, reported at `path`, for anything else.
static bool readRowCurve(const json::Value &v, StringRef key,
                         StringRef valueKey, function_ref<bool(double)> valid,
                         StringLiteral requirement,
                         std::vector<std::pair<int64_t, double>> &points,
                         json::Path path) {
  const json::Object *object = v.getAsObject();
  const json::Array *entries = object ? object->getArray(key) : nullptr;
  if (!entries)
    return true;
  for (const json::Value &entry : *entries) {
    const json::Object *o = entry.getAsObject();
    std::optional<int64_t> rows = o ? o->getInteger("rows") : std::nullopt;
    std::optional<double> value = o ? o->getNumber(valueKey) : std::nullopt;
    if (!rows || !value || *rows < 1 || !valid(*value) ||
        (!points.empty() && *rows <= points.back().first)) {
      path.field(key).report(requirement);
      return false;
    }
    points.push_back({*rows, *value});
  }
  return true;
}

bool fromJSON(const json::Value &v, Profile &p, json::Path path) {
  json::ObjectMapper o(v, path);
  if (!(o && o.map("source", p.source) && o.map("cpu", p.cpu) &&
        o.map("feature_key", p.featureKey) &&
        o.map("tool_version", p.toolVersion) &&
        o.map("frequency_ghz", p.frequencyGHz) && o.map("vectors", p.vectors) &&
        o.mapOptional("panel_bandwidth", p.panelBandwidth) &&
        o.mapOptional("bandwidth_curve", p.bandwidthCurve) &&
        o.mapOptional("tiles", p.tiles) &&
        o.mapOptional("l2_panel_factor", p.l2PanelFactor) &&
        o.mapOptional("sub_page_panel_factor", p.subPagePanelFactor) &&
        o.mapOptional("panel_tile_mr", p.panelTileMr) &&
        o.mapOptional("panel_tile_vectors", p.panelTileVectors) &&
        o.mapOptional("first_touch_exposure", p.firstTouchExposure) &&
        o.map("bandwidth", p.bandwidth) &&
        o.map("call_overhead_s", p.callOverheadSeconds) &&
        o.map("loop_iteration_s", p.loopIterationSeconds) &&
        o.mapOptional("page_walk_s", p.pageWalkSeconds) &&
        o.mapOptional("fork_join_s", p.forkJoinSeconds) &&
        o.mapOptional("amx_tile_product_cycles", p.amxTileProductCycles) &&
        o.mapOptional("bf16_dot_cycles", p.bf16DotCycles) &&
        o.mapOptional("memory_thread_scaling", p.memoryThreadScaling) &&
        o.mapOptional("memory_scaling_threads", p.memoryScalingThreads) &&
        o.mapOptional("allocation_s", p.allocationSeconds) &&
        o.mapOptional("page_fault_s", p.pageFaultSeconds) &&
        o.mapOptional("max_relative_spread", p.maxRelativeSpread) &&
        o.mapOptional("calibration_s", p.calibrationSeconds)))
    return false;
  if (!readRowCurve(
          v, "strided_panel_factors", "factor",
          [](double f) { return f >= 1 && std::isfinite(f); },
          "entries need increasing rows >= 1 and a factor >= 1",
          p.stridedPanelFactors, path) ||
      !readRowCurve(
          v, "unpacked_stream_bandwidth", "bytes_per_s",
          [](double b) { return b > 0 && std::isfinite(b); },
          "entries need increasing rows >= 1 and a bandwidth > 0",
          p.unpackedStreamBandwidth, path))
    return false;
  if (const json::Array *streamTiles =
          v.getAsObject() ? v.getAsObject()->getArray("unpacked_stream_tiles")
                          : nullptr) {
    json::Path at = path.field("unpacked_stream_tiles");
    for (size_t i = 0; i < streamTiles->size(); ++i) {
      Profile::TileStream t;
      json::ObjectMapper entry((*streamTiles)[i], at.index(i));
      if (!entry || !entry.map("mr", t.mr) || !entry.map("nv", t.nv) ||
          !entry.map("ratio", t.ratio))
        return false;
      if (t.mr < 1 || t.nv < 1 || !(t.ratio > 0) || !std::isfinite(t.ratio)) {
        at.index(i).report("needs mr, nv >= 1 and a finite ratio > 0");
        return false;
      }
      p.unpackedStreamTiles.push_back(t);
    }
  }
  if (const json::Object *fit =
          v.getAsObject() ? v.getAsObject()->getObject("tile_fit") : nullptr) {
    TileFit &f = p.tileFit;
    auto number = [&](StringRef key, double &out) {
      if (std::optional<double> x = fit->getNumber(key))
        out = *x;
    };
    f.bits = unsigned(fit->getInteger("bits").value_or(0));
    f.points = unsigned(fit->getInteger("points").value_or(0));
    number("step_s", f.step);
    number("fma_s", f.fma);
    number("load_s", f.load);
    number("broadcast_s", f.broadcast);
    number("latency_s", f.latency);
    number("rms_residual", f.rmsResidual);
    number("max_residual", f.maxResidual);
    for (double x : {f.step, f.fma, f.load, f.broadcast, f.latency})
      if (!(x >= 0) || !std::isfinite(x)) {
        path.field("tile_fit").report("coefficients must be finite and >= 0");
        return false;
      }
  }
  int64_t effective = 0;
  if (!o.mapOptional("effective_last_level_bytes", effective))
    return false;
  // Profiles measured before these figures existed (the fixtures of
  // ../shared/machines among them) get the nominal stand-ins.
  if (!(p.pageWalkSeconds > 0) && p.frequencyGHz > 0)
    p.pageWalkSeconds = 30.0 / (p.frequencyGHz * 1e9);
  if (!(p.forkJoinSeconds > 0))
    p.forkJoinSeconds = 5e-6;
  if (!(p.allocationSeconds > 0) && p.frequencyGHz > 0)
    p.allocationSeconds = 500.0 / (p.frequencyGHz * 1e9);
  if (!(p.pageFaultSeconds > 0) && p.frequencyGHz > 0)
    p.pageFaultSeconds = 3000.0 / (p.frequencyGHz * 1e9);
  p.effectiveLastLevelBytes = uint64_t(std::max<int64_t>(effective, 0));
  auto positive = [](double x) { return std::isfinite(x) && x > 0; };
  for (size_t i = 0; i < p.bandwidthCurve.size(); ++i)
    if (!positive(p.bandwidthCurve[i].bytesPerSecond) ||
        p.bandwidthCurve[i].workingSetBytes == 0 ||
        (i && p.bandwidthCurve[i].workingSetBytes <=
                  p.bandwidthCurve[i - 1].workingSetBytes)) {
      path.field("bandwidth_curve")
          .report("figures must be finite and > 0, working sets increasing");
      return false;
    }
  for (const TileCost &t : p.tiles)
    if (!positive(t.secondsPerKStep) || !t.mr || !t.nv || !t.bits) {
      path.field("tiles").report("every tile needs bits, mr, nv > 0 and a "
                                 "positive time");
      return false;
    }
  if (!(p.l2PanelFactor >= 1) || !std::isfinite(p.l2PanelFactor)) {
    path.field("l2_panel_factor").report("must be finite and >= 1");
    return false;
  }
  if (!(p.subPagePanelFactor == 0 || p.subPagePanelFactor >= 1) ||
      !std::isfinite(p.subPagePanelFactor)) {
    path.field("sub_page_panel_factor").report("must be 0 or finite and >= 1");
    return false;
  }
  if (!(p.firstTouchExposure >= 0 && p.firstTouchExposure <= 1)) {
    path.field("first_touch_exposure").report("must be between 0 and 1");
    return false;
  }
  // Contention can make several cores slower together than one alone, but
  // not by much; more than one per core is a bad measurement.
  bool scalingMeasured = p.memoryThreadScaling != 0;
  if (scalingMeasured &&
      !(p.memoryThreadScaling >= 0.25 && p.memoryScalingThreads >= 2 &&
        p.memoryThreadScaling <= double(p.memoryScalingThreads))) {
    path.field("memory_thread_scaling")
        .report("must be 0 (not measured) or between 0.25 and "
                "memory_scaling_threads (at least 2)");
    return false;
  }
  if (p.vectors.empty()) {
    path.field("vectors").report("must not be empty");
    return false;
  }
  for (const VectorCosts &c : p.vectors)
    if (!positive(c.fmaPerSecond) || !positive(c.fmaLatencySeconds) ||
        !positive(c.loadPerSecond) || !positive(c.broadcastPerSecond) ||
        !positive(c.storePerSecond)) {
      path.field("vectors").report("every figure must be finite and > 0");
      return false;
    }
  for (const BandwidthPoint &b : p.panelBandwidth)
    if (!positive(b.bytesPerSecond)) {
      path.field("panel_bandwidth")
          .report("every figure must be finite and > 0");
      return false;
    }
  for (const BandwidthPoint &b : p.bandwidth)
    if (!positive(b.bytesPerSecond)) {
      path.field("bandwidth").report("every figure must be finite and > 0");
      return false;
    }
  if (!positive(p.frequencyGHz)) {
    path.field("frequency_ghz").report("must be finite and > 0");
    return false;
  }
  return true;
}

} // namespace autoconfig
