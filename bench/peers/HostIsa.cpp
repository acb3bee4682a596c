//===- HostIsa.cpp - The host's ISA, for peers that force a kernel --------===//

#include "HostIsa.h"

#include "llvm/ADT/StringRef.h"

namespace autoconfig {

const TargetDesc &hostTarget() {
  static const TargetDesc host = detectHostTarget();
  return host;
}

bool hasSkylakeAvx512(const TargetDesc &target) {
  return target.isaFamily() == IsaFamily::X86 && target.hasFeature("avx512f") &&
         target.hasFeature("avx512cd") && target.hasFeature("avx512bw") &&
         target.hasFeature("avx512dq") && target.hasFeature("avx512vl");
}

bool hasAvx2Fma(const TargetDesc &target) {
  return target.isaFamily() == IsaFamily::X86 && target.hasFeature("avx2") &&
         target.hasFeature("fma");
}

unsigned zenGeneration(const TargetDesc &target) {
  llvm::StringRef cpu(target.cpu);
  unsigned generation = 0;
  if (!cpu.consume_front("znver") || cpu.getAsInteger(10, generation))
    return 0;
  return generation;
}

} // namespace autoconfig
