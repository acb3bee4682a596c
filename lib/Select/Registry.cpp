//===- Registry.cpp - The algorithm registry ------------------------------===//

#include "autoconfig/Select/Registry.h"
#include "autoconfig/CodeGen/ConvGenerators.h"
#include "autoconfig/CodeGen/GemmConvGenerators.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/CodeGen/LoopsFallback.h"
#include "autoconfig/CodeGen/NhwcConvGenerators.h"
#include "autoconfig/CodeGen/WinogradConvGenerators.h"
#include "autoconfig/Model/ConvModels.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/LoopsParams.h"

namespace autoconfig {

const std::vector<Algorithm> &algorithms() {
  static const std::vector<Algorithm> registry = [] {
    std::vector<Algorithm> all;
    all.push_back({createBroadcastGemmModel(), generateBroadcastGemm});
    all.push_back({createBlockedGemmModel(), generateBlockedGemm});
    all.push_back({createDotGemmModel(), generateDotGemm});
    all.push_back({createAmxGemmModel(), generateAmxGemm});
    all.push_back({createCbsmConvModel(), generateCbsmConv});
    all.push_back({createIm2colConvModel(), generateIm2colConv});
    all.push_back({createGemm1x1ConvModel(), generateGemm1x1Conv});
    all.push_back({createDirectConvModel(), generateDirectConv});
    all.push_back({createDepthwiseConvModel(), generateDepthwiseConv});
    all.push_back({createWinogradConvModel(), generateWinogradConv});
    // Last: applies to everything, predicted slow, chosen only when nothing
    // vectorized applies.
    all.push_back({createLoopsModel(), generateLoops});
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
