//===- CpuTables.cpp - ISA and microarchitecture facts by name ------------===//
//
// Latencies and pipe counts come from the vendors' optimization manuals
// (AMD "Software Optimization Guide" for families 17h/19h/1Ah, Intel 64 and
// IA-32 Optimization Reference Manual, Arm Neoverse software optimization
// guides). Calibration (Profile) measures the real figures on the host.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Target/CpuTables.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSwitch.h"

using namespace llvm;

namespace autoconfig {

/// AArch64 and RISC-V: 32 vector registers and FMA in the base ISA. With the
/// scalable extension (SVE, V) vectors mask natively and are as long as the
/// target says, at least 128 bits; without it, `fixedVectorBits` (NEON's 128,
/// RV64's scalar 64).
static void applyScalableIsaFacts(TargetDesc &t, StringRef extension,
                                  unsigned fixedVectorBits) {
  t.vectorRegisters = 32;
  t.hasFMA = true;
  if (t.hasFeature(extension)) {
    t.scalableVectors = true;
    t.nativeMasking = true;
    t.vectorBits = std::max(t.vectorBits, 128u);
  } else {
    t.vectorBits = fixedVectorBits;
  }
}

void applyIsaFacts(TargetDesc &t) {
  IsaFamily family = t.isaFamily();
  if (family == IsaFamily::X86) {
    if (t.hasFeature("avx512f")) {
      t.vectorBits = 512;
      t.vectorRegisters = 32;
      t.nativeMasking = true;
    } else if (t.hasFeature("avx")) {
      t.vectorBits = 256;
      t.vectorRegisters = 16;
    } else {
      t.vectorBits = 128;
      t.vectorRegisters = 16;
    }
    t.hasFMA = t.hasFeature("fma") || t.hasFeature("avx512f");
    t.scalableVectors = false;
  } else if (family == IsaFamily::AArch64) {
    applyScalableIsaFacts(t, "sve", /*fixedVectorBits=*/128);
  } else if (family == IsaFamily::RiscV64) {
    applyScalableIsaFacts(t, "v", /*fixedVectorBits=*/64);
  }
}

namespace {
struct MicroArch {
  unsigned fmaPipes, fmaLatency, fmaDatapathBits, loadPorts, storePorts;
  unsigned tlbEntries;
};
} // namespace

void applyMicroarchitectureFacts(TargetDesc &t) {
  // {FMA pipes, FMA latency, FMA datapath bits, load ports, store ports}
  MicroArch m = StringSwitch<MicroArch>(t.cpu)
                    .Case("znver5", {2, 4, 512, 2, 1, 4096})
                    .Case("znver4", {2, 4, 256, 2, 1, 3072})
                    .Cases({"znver3", "znver2"}, {2, 5, 256, 2, 1, 2048})
                    .Case("znver1", {2, 5, 128, 2, 1, 1536})
                    .Cases({"skylake-avx512", "cascadelake", "cooperlake",
                            "icelake-server", "sapphirerapids", "emeraldrapids",
                            "graniterapids"},
                           {2, 4, 512, 2, 1, 1536})
                    .Cases({"icelake-client", "tigerlake", "rocketlake"},
                           {1, 4, 512, 2, 1, 2048})
                    .Cases({"skylake", "alderlake", "raptorlake", "meteorlake",
                            "arrowlake"},
                           {2, 4, 256, 2, 1, 1536})
                    .Cases({"haswell", "broadwell"}, {2, 5, 256, 2, 1, 1024})
                    .Cases({"nehalem", "westmere", "sandybridge", "ivybridge"},
                           {1, 3, 256, 1, 1, 512})
                    .Cases({"neoverse-n1", "neoverse-n2", "cortex-a76"},
                           {2, 4, 128, 2, 1, 1280})
                    .Case("neoverse-v1", {2, 4, 256, 3, 2, 2048})
                    .Case("neoverse-v2", {4, 4, 128, 3, 2, 2048})
                    .Default({2, 4, t.vectorBits, 2, 1, 1536});
  t.fmaPipes = m.fmaPipes;
  t.fmaLatency = m.fmaLatency;
  t.fmaDatapathBits = m.fmaDatapathBits ? m.fmaDatapathBits : t.vectorBits;
  t.loadPorts = m.loadPorts;
  t.storePorts = m.storePorts;
  t.tlbEntries = m.tlbEntries;
}

} // namespace autoconfig
