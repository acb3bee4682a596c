//===- TargetCommand.cpp - autoconfig target ------------------------------===//

#include "Options.h"

#include "autoconfig/Target/Describe.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace autoconfig::cli {

int runTarget() {
  auto hardware = resolveHardware();
  if (!hardware)
    return 1;
  if (json) {
    json::Object doc{{"target", toJSON(hardware->target)},
                     {"profile", toJSON(hardware->profile)},
                     {"profile_note", hardware->profileNote}};
    outs() << formatv("{0:2}", json::Value(std::move(doc))) << "\n";
    return 0;
  }
  const TargetDesc &t = hardware->target;
  outs() << describeTarget(t) << "\n";
  outs() << "features: " << t.featureString() << "\n";
  outs() << "profile: " << hardware->profileNote << "\n";
  const Profile &p = hardware->profile;
  for (const VectorCosts &v : p.vectors)
    outs() << formatv("  {0,4}-bit: FMA {1:f2}/cycle, latency {2:f1} cycles, "
                      "load {3:f2}/cycle, broadcast {4:f2}/cycle, store "
                      "{5:f2}/cycle\n",
                      v.bits, v.fmaPerSecond / (p.frequencyGHz * 1e9),
                      v.fmaLatencySeconds * p.frequencyGHz * 1e9,
                      v.loadPerSecond / (p.frequencyGHz * 1e9),
                      v.broadcastPerSecond / (p.frequencyGHz * 1e9),
                      v.storePerSecond / (p.frequencyGHz * 1e9));
  for (const BandwidthPoint &b : p.bandwidth)
    outs() << formatv("  read bandwidth {0}: {1:f1} GB/s\n",
                      b.level ? "L" + std::to_string(b.level) : "memory",
                      b.bytesPerSecond / 1e9);
  return 0;
}

} // namespace autoconfig::cli
