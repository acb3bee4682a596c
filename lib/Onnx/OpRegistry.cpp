//===- OpRegistry.cpp - Op type to converter ------------------------------===//

#include "NodeContext.h"

#include "llvm/ADT/StringMap.h"

namespace autoconfig {

OpConverter findConverter(llvm::StringRef opType, int64_t opset) {
  static const llvm::StringMap<ConverterEntry> table = [] {
    llvm::StringMap<ConverterEntry> all;
    for (auto family : {elementwiseConverters, matmulConverters, convConverters,
                        poolingConverters, normalizationConverters,
                        reductionConverters, shapeConverters})
      for (const ConverterEntry &entry : family())
        all.try_emplace(entry.opType, entry);
    return all;
  }();
  auto it = table.find(opType);
  if (it == table.end() || opset < it->second.sinceOpset)
    return nullptr;
  return it->second.convert;
}

} // namespace autoconfig
