//===- Describe.cpp - One-paragraph text form of a target -----------------===//

#include "autoconfig/Target/Describe.h"

#include "llvm/Support/FormatVariadic.h"

namespace autoconfig {

static std::string bytes(uint64_t b) {
  if (b >= 1024 * 1024 && b % (1024 * 1024) == 0)
    return llvm::formatv("{0} MiB", b / (1024 * 1024)).str();
  return llvm::formatv("{0} KiB", b / 1024).str();
}

std::string describeTarget(const TargetDesc &t) {
  std::string text =
      llvm::formatv("{0} [{1}, {2}]: {3}-bit vectors{4} x {5} "
                    "registers, {6} {7} pipe(s) x {8} cycles",
                    t.cpu, t.name, t.triple, t.vectorBits,
                    t.scalableVectors ? " (scalable, fixed here)" : "",
                    t.vectorRegisters, t.hasFMA ? "FMA" : "mul+add", t.fmaPipes,
                    t.fmaLatency)
          .str();
  if (t.fmaDatapathBits < t.vectorBits)
    text += llvm::formatv(" ({0}-bit datapath)", t.fmaDatapathBits).str();
  for (const CacheLevel &c : t.caches)
    text +=
        llvm::formatv(", L{0} {1} {2}-way", c.level, bytes(c.sizeBytes), c.ways)
            .str();
  text +=
      llvm::formatv(", {0} cores, {1:f2} GHz", t.cores, t.frequencyGHz).str();
  if (!t.runsOnHost)
    text += " (not runnable here)";
  return text;
}

} // namespace autoconfig
