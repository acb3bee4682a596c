//===- ConvParams.cpp - Config <-> typed convolution parameters -----------===//

#include "autoconfig/Model/ConvParams.h"

using namespace llvm;

namespace autoconfig {

Expected<CbsmConvParams> CbsmConvParams::fromConfig(const Config &config) {
  CbsmConvParams p;
  if (Error err = config.readInto(kName, {{"vl", &p.vl},
                                          {"sv", &p.sv},
                                          {"fb", &p.fb},
                                          {"threads", &p.threads}}))
    return std::move(err);
  return p;
}

Config CbsmConvParams::toConfig() const {
  Config c(kName.str());
  c.set("vl", vl);
  c.set("sv", sv);
  c.set("fb", fb);
  c.set("threads", threads);
  return c;
}

} // namespace autoconfig
