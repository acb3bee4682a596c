//===- Registry.cpp - The algorithm registry ------------------------------===//

#include "autoconfig/Select/Registry.h"
#include "autoconfig/CodeGen/ConvGenerators.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/Model/ConvModels.h"
#include "autoconfig/Model/GemmModels.h"

namespace autoconfig {

const std::vector<Algorithm> &algorithms() {
  static const std::vector<Algorithm> registry = [] {
    std::vector<Algorithm> all;
    all.push_back({createBroadcastGemmModel(), generateBroadcastGemm});
    all.push_back({createBlockedGemmModel(), generateBlockedGemm});
    all.push_back({createDotGemmModel(), generateDotGemm});
    all.push_back({createCbsmConvModel(), generateCbsmConv});
    return all;
  }();
  return registry;
}

const Algorithm *findAlgorithm(llvm::StringRef name) {
  for (const Algorithm &a : algorithms())
    if (a.name() == name)
      return &a;
  return nullptr;
}

} // namespace autoconfig
