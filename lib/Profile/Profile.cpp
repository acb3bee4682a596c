//===- Profile.cpp - Profile figures, nominal derivation and JSON ---------===//

#include "autoconfig/Profile/Profile.h"

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

double Profile::bandwidthFor(uint64_t bytes, const TargetDesc &target) const {
  for (unsigned level = 1; level <= 3; ++level)
    if (const CacheLevel *c = target.cache(level))
      if (bytes <= c->sizeBytes)
        return bandwidthOfLevel(level);
  return bandwidthOfLevel(0);
}

double Profile::panelBandwidthFor(uint64_t bytes,
                                  const TargetDesc &target) const {
  unsigned level = 0;
  for (unsigned l = 1; l <= 3 && !level; ++l)
    if (const CacheLevel *c = target.cache(l))
      if (bytes <= c->sizeBytes)
        level = l;
  for (const BandwidthPoint &p : panelBandwidth)
    if (p.level == level)
      return p.bytesPerSecond;
  return bandwidthFor(bytes, target) / 2;
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
  json::Array panel;
  for (const BandwidthPoint &b : p.panelBandwidth)
    panel.push_back(json::Object{{"level", b.level},
                                 {"working_set", int64_t(b.workingSetBytes)},
                                 {"bytes_per_s", b.bytesPerSecond}});
  return json::Object{{"source", p.source},
                      {"cpu", p.cpu},
                      {"feature_key", p.featureKey},
                      {"tool_version", p.toolVersion},
                      {"frequency_ghz", p.frequencyGHz},
                      {"vectors", std::move(vectors)},
                      {"bandwidth", std::move(bandwidth)},
                      {"panel_bandwidth", std::move(panel)},
                      {"call_overhead_s", p.callOverheadSeconds},
                      {"loop_iteration_s", p.loopIterationSeconds},
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

static bool fromJSON(const json::Value &v, BandwidthPoint &b, json::Path p) {
  json::ObjectMapper o(v, p);
  int64_t ws = 0;
  bool ok = o && o.map("level", b.level) && o.map("working_set", ws) &&
            o.map("bytes_per_s", b.bytesPerSecond);
  b.workingSetBytes = uint64_t(std::max<int64_t>(ws, 0));
  return ok;
}

bool fromJSON(const json::Value &v, Profile &p, json::Path path) {
  json::ObjectMapper o(v, path);
  if (!(o && o.map("source", p.source) && o.map("cpu", p.cpu) &&
        o.map("feature_key", p.featureKey) &&
        o.map("tool_version", p.toolVersion) &&
        o.map("frequency_ghz", p.frequencyGHz) && o.map("vectors", p.vectors) &&
        o.mapOptional("panel_bandwidth", p.panelBandwidth) &&
        o.map("bandwidth", p.bandwidth) &&
        o.map("call_overhead_s", p.callOverheadSeconds) &&
        o.map("loop_iteration_s", p.loopIterationSeconds) &&
        o.mapOptional("max_relative_spread", p.maxRelativeSpread) &&
        o.mapOptional("calibration_s", p.calibrationSeconds)))
    return false;
  auto positive = [](double x) { return std::isfinite(x) && x > 0; };
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
