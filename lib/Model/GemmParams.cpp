//===- GemmParams.cpp - Config <-> typed matmul parameters ----------------===//

#include "autoconfig/Model/GemmParams.h"

using namespace llvm;

namespace autoconfig {

Expected<BroadcastGemmParams>
BroadcastGemmParams::fromConfig(const Config &config) {
  BroadcastGemmParams p;
  if (Error err = config.readInto(kName, {{"vl", &p.vl},
                                          {"ui", &p.ui},
                                          {"uj", &p.uj},
                                          {"ku", &p.ku},
                                          {"mask", &p.mask},
                                          {"threads", &p.threads}}))
    return std::move(err);
  return p;
}

Config BroadcastGemmParams::toConfig() const {
  Config c(kName.str());
  c.set("vl", vl);
  c.set("ui", ui);
  c.set("uj", uj);
  c.set("ku", ku);
  c.set("mask", mask);
  c.set("threads", threads);
  return c;
}

Expected<BlockedGemmParams>
BlockedGemmParams::fromConfig(const Config &config) {
  BlockedGemmParams p;
  if (Error err = config.readInto(kName, {{"vl", &p.vl},
                                          {"mr", &p.mr},
                                          {"nr", &p.nr},
                                          {"kc", &p.kc},
                                          {"mc", &p.mc},
                                          {"nc", &p.nc},
                                          {"ku", &p.ku},
                                          {"packA", &p.packA},
                                          {"packB", &p.packB},
                                          {"prefetch", &p.prefetch},
                                          {"threads", &p.threads}}))
    return std::move(err);
  return p;
}

Config BlockedGemmParams::toConfig() const {
  Config c(kName.str());
  c.set("vl", vl);
  c.set("mr", mr);
  c.set("nr", nr);
  c.set("kc", kc);
  c.set("mc", mc);
  c.set("nc", nc);
  c.set("ku", ku);
  c.set("packA", packA);
  c.set("packB", packB);
  c.set("prefetch", prefetch);
  c.set("threads", threads);
  return c;
}

Expected<DotGemmParams> DotGemmParams::fromConfig(const Config &config) {
  DotGemmParams p;
  if (Error err = config.readInto(kName, {{"vl", &p.vl},
                                          {"ui", &p.ui},
                                          {"uj", &p.uj},
                                          {"ku", &p.ku},
                                          {"mask", &p.mask},
                                          {"threads", &p.threads}}))
    return std::move(err);
  return p;
}

Config DotGemmParams::toConfig() const {
  Config c(kName.str());
  c.set("vl", vl);
  c.set("ui", ui);
  c.set("uj", uj);
  c.set("ku", ku);
  c.set("mask", mask);
  c.set("threads", threads);
  return c;
}

} // namespace autoconfig
