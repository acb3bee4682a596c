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

} // namespace autoconfig
