//===- Presets.cpp - Built-in target descriptions -------------------------===//
//
// Nominal figures for representative cores of each ISA family. They stand in
// for calibration when the target is not the host.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Target/CpuTables.h"
#include "autoconfig/Target/TargetDesc.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace autoconfig {

namespace {
constexpr uint64_t KiB = 1024, MiB = 1024 * 1024;

/// One preset: its nominal figures; what follows from its ISA is filled in
/// by applyIsaFacts.
struct Preset {
  const char *summary;
  TargetDesc figures;

  StringRef name() const { return figures.name; }
  TargetDesc make() const {
    TargetDesc t = figures;
    applyIsaFacts(t);
    return t;
  }
};

const std::vector<Preset> &presets() {
  static const std::vector<Preset> table = {
      {"Nehalem-class x86-64: 128-bit SSE, 16 registers, no FMA",
       {.name = "x86-sse4.2",
        .triple = "x86_64-unknown-linux-gnu",
        .cpu = "nehalem",
        .features = {"+sse4.2", "+popcnt", "-avx", "-avx2", "-fma", "-avx512f"},
        // No FMA: a multiply pipe and an add pipe, add latency on the chain.
        .fmaPipes = 1,
        .fmaLatency = 3,
        .fmaDatapathBits = 128,
        .loadPorts = 1,
        .caches = {{1, 32 * KiB, 64, 8, 1},
                   {2, 256 * KiB, 64, 8, 1},
                   {3, 8 * MiB, 64, 16, 4}},
        .tlbEntries = 512,
        .cores = 4,
        .frequencyGHz = 3.0}},
      {"Zen 2 / Haswell-class x86-64: 256-bit AVX2 + FMA, 16 "
       "registers",
       {.name = "x86-avx2",
        .triple = "x86_64-unknown-linux-gnu",
        .cpu = "haswell",
        .features = {"+avx", "+avx2", "+fma", "+f16c", "+bmi", "+bmi2",
                     "+popcnt", "+sse4.2", "-avx512f"},
        .fmaPipes = 2,
        .fmaLatency = 5,
        .fmaDatapathBits = 256,
        .caches = {{1, 32 * KiB, 64, 8, 1},
                   {2, 512 * KiB, 64, 8, 1},
                   {3, 16 * MiB, 64, 16, 4}},
        .tlbEntries = 1536,
        .cores = 8,
        .frequencyGHz = 3.5}},
      {"Zen 4/5, Skylake-X-class x86-64: 512-bit AVX-512, 32 registers",
       {.name = "x86-avx512",
        .triple = "x86_64-unknown-linux-gnu",
        .cpu = "skylake-avx512",
        .features = {"+avx", "+avx2", "+fma", "+f16c", "+bmi", "+bmi2",
                     "+popcnt", "+sse4.2", "+avx512f", "+avx512bw", "+avx512dq",
                     "+avx512vl", "+avx512cd"},
        .fmaPipes = 2,
        .fmaLatency = 4,
        .fmaDatapathBits = 512,
        .caches = {{1, 48 * KiB, 64, 12, 1},
                   {2, 1 * MiB, 64, 16, 1},
                   {3, 32 * MiB, 64, 16, 8}},
        .tlbEntries = 2048,
        .cores = 8,
        .frequencyGHz = 4.0}},
      {"Sapphire/Emerald Rapids-class x86-64: AVX-512 with BF16 and VNNI, "
       "AMX tiles",
       {.name = "x86-amx",
        .triple = "x86_64-unknown-linux-gnu",
        .cpu = "sapphirerapids",
        .features = {"+avx", "+avx2", "+fma", "+f16c", "+bmi", "+bmi2",
                     "+popcnt", "+sse4.2", "+avx512f", "+avx512bw", "+avx512dq",
                     "+avx512vl", "+avx512cd", "+avx512bf16", "+avx512vnni",
                     "+amx-tile", "+amx-bf16", "+amx-int8"},
        .fmaPipes = 2,
        .fmaLatency = 4,
        .fmaDatapathBits = 512,
        .caches = {{1, 48 * KiB, 64, 12, 1},
                   {2, 2 * MiB, 64, 16, 1},
                   {3, 105 * MiB, 64, 15, 56}},
        .tlbEntries = 2048,
        .cores = 56,
        .frequencyGHz = 3.0}},
      {"Neoverse N1-class AArch64: 128-bit NEON, 32 registers",
       {.name = "aarch64-neon",
        .triple = "aarch64-unknown-linux-gnu",
        .cpu = "neoverse-n1",
        .features = {"+neon", "+fp-armv8"},
        .fmaPipes = 2,
        .fmaLatency = 4,
        .fmaDatapathBits = 128,
        .caches = {{1, 64 * KiB, 64, 4, 1},
                   {2, 1 * MiB, 64, 8, 1},
                   {3, 32 * MiB, 64, 16, 16}},
        .tlbEntries = 1280,
        .cores = 16,
        .frequencyGHz = 2.6}},
      {"Neoverse V1-class AArch64: SVE with 256-bit vectors, 32 registers",
       {.name = "aarch64-sve256",
        .triple = "aarch64-unknown-linux-gnu",
        .cpu = "neoverse-v1",
        .features = {"+neon", "+fp-armv8", "+sve"},
        .vectorBits = 256,
        .fmaPipes = 2,
        .fmaLatency = 4,
        .fmaDatapathBits = 256,
        .loadPorts = 3,
        .storePorts = 2,
        .caches = {{1, 64 * KiB, 64, 4, 1},
                   {2, 1 * MiB, 64, 8, 1},
                   {3, 32 * MiB, 64, 16, 16}},
        .tlbEntries = 2048,
        .cores = 16,
        .frequencyGHz = 2.6}},
      {"RV64GCV with VLEN = 256, 32 vector registers",
       {.name = "riscv64-rvv",
        .triple = "riscv64-unknown-linux-gnu",
        .cpu = "generic-rv64",
        .features = {"+m", "+a", "+f", "+d", "+c", "+v", "+zvl256b"},
        .vectorBits = 256,
        .fmaPipes = 1,
        .fmaLatency = 4,
        .fmaDatapathBits = 256,
        .loadPorts = 1,
        .storePorts = 1,
        .caches = {{1, 32 * KiB, 64, 8, 1},
                   {2, 1 * MiB, 64, 16, 1},
                   {3, 8 * MiB, 64, 16, 4}},
        .tlbEntries = 1024,
        .cores = 4,
        .frequencyGHz = 2.0}},
  };
  return table;
}
} // namespace

std::vector<std::string> targetPresetNames() {
  std::vector<std::string> names;
  for (const Preset &p : presets())
    names.push_back(p.name().str());
  return names;
}

Expected<TargetDesc> getTargetPreset(StringRef name) {
  for (const Preset &p : presets())
    if (name == p.name())
      return p.make();
  return createStringError(inconvertibleErrorCode(),
                           "unknown target '" + name + "' (valid: host, " +
                               join(targetPresetNames(), ", ") + ")");
}

/// True when every feature the target requires is present on the host, so
/// code compiled for it can run here.
static bool runnableOn(const TargetDesc &target, const TargetDesc &host) {
  if (target.isaFamily() != host.isaFamily())
    return false;
  for (const std::string &f : target.features)
    if (StringRef(f).starts_with("+") && !is_contained(host.features, f))
      return false;
  return true;
}

Expected<TargetDesc> resolveTarget(StringRef presetName, StringRef targetFile) {
  TargetDesc host = detectHostTarget();
  TargetDesc chosen;
  if (!targetFile.empty()) {
    Expected<TargetDesc> file = loadTargetFile(targetFile);
    if (!file)
      return file.takeError();
    chosen = std::move(*file);
  } else if (!presetName.empty() && presetName != "host") {
    Expected<TargetDesc> preset = getTargetPreset(presetName);
    if (!preset)
      return preset.takeError();
    chosen = std::move(*preset);
  } else {
    return host;
  }
  chosen.runsOnHost = runnableOn(chosen, host);
  return chosen;
}

} // namespace autoconfig
