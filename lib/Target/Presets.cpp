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

#include <functional>

using namespace llvm;

namespace autoconfig {

namespace {
constexpr uint64_t KiB = 1024, MiB = 1024 * 1024;

struct Preset {
  const char *name;
  const char *summary;
  std::function<TargetDesc()> make;
};

TargetDesc base(const char *name, const char *triple, const char *cpu,
                std::vector<std::string> features) {
  TargetDesc t;
  t.name = name;
  t.triple = triple;
  t.cpu = cpu;
  t.features = std::move(features);
  return t;
}

const std::vector<Preset> &presets() {
  static const std::vector<Preset> table = {
      {"x86-sse4.2", "Nehalem-class x86-64: 128-bit SSE, 16 registers, no FMA",
       [] {
         TargetDesc t =
             base("x86-sse4.2", "x86_64-unknown-linux-gnu", "nehalem",
                  {"+sse4.2", "+popcnt", "-avx", "-avx2", "-fma", "-avx512f"});
         applyIsaFacts(t);
         // No FMA: a multiply pipe and an add pipe, add latency on the chain.
         t.fmaPipes = 1;
         t.fmaLatency = 3;
         t.fmaDatapathBits = 128;
         t.loadPorts = 1;
         t.caches = {{1, 32 * KiB, 64, 8, 1},
                     {2, 256 * KiB, 64, 8, 1},
                     {3, 8 * MiB, 64, 16, 4}};
         t.cores = 4;
         t.frequencyGHz = 3.0;
         t.tlbEntries = 512;
         return t;
       }},
      {"x86-avx2",
       "Zen 2 / Haswell-class x86-64: 256-bit AVX2 + FMA, 16 "
       "registers",
       [] {
         TargetDesc t = base("x86-avx2", "x86_64-unknown-linux-gnu", "haswell",
                             {"+avx", "+avx2", "+fma", "+f16c", "+bmi", "+bmi2",
                              "+popcnt", "+sse4.2", "-avx512f"});
         applyIsaFacts(t);
         t.fmaPipes = 2;
         t.fmaLatency = 5;
         t.fmaDatapathBits = 256;
         t.caches = {{1, 32 * KiB, 64, 8, 1},
                     {2, 512 * KiB, 64, 8, 1},
                     {3, 16 * MiB, 64, 16, 4}};
         t.cores = 8;
         t.frequencyGHz = 3.5;
         t.tlbEntries = 1536;
         return t;
       }},
      {"x86-avx512",
       "Zen 4/5, Skylake-X-class x86-64: 512-bit AVX-512, 32 registers",
       [] {
         TargetDesc t =
             base("x86-avx512", "x86_64-unknown-linux-gnu", "skylake-avx512",
                  {"+avx", "+avx2", "+fma", "+f16c", "+bmi", "+bmi2", "+popcnt",
                   "+sse4.2", "+avx512f", "+avx512bw", "+avx512dq", "+avx512vl",
                   "+avx512cd"});
         applyIsaFacts(t);
         t.fmaPipes = 2;
         t.fmaLatency = 4;
         t.fmaDatapathBits = 512;
         t.caches = {{1, 48 * KiB, 64, 12, 1},
                     {2, 1 * MiB, 64, 16, 1},
                     {3, 32 * MiB, 64, 16, 8}};
         t.cores = 8;
         t.frequencyGHz = 4.0;
         t.tlbEntries = 2048;
         return t;
       }},
      {"aarch64-neon", "Neoverse N1-class AArch64: 128-bit NEON, 32 registers",
       [] {
         TargetDesc t = base("aarch64-neon", "aarch64-unknown-linux-gnu",
                             "neoverse-n1", {"+neon", "+fp-armv8"});
         applyIsaFacts(t);
         t.fmaPipes = 2;
         t.fmaLatency = 4;
         t.fmaDatapathBits = 128;
         t.caches = {{1, 64 * KiB, 64, 4, 1},
                     {2, 1 * MiB, 64, 8, 1},
                     {3, 32 * MiB, 64, 16, 16}};
         t.cores = 16;
         t.frequencyGHz = 2.6;
         t.tlbEntries = 1280;
         return t;
       }},
      {"aarch64-sve256",
       "Neoverse V1-class AArch64: SVE with 256-bit vectors, 32 registers",
       [] {
         TargetDesc t = base("aarch64-sve256", "aarch64-unknown-linux-gnu",
                             "neoverse-v1", {"+neon", "+fp-armv8", "+sve"});
         t.vectorBits = 256;
         applyIsaFacts(t);
         t.fmaPipes = 2;
         t.fmaLatency = 4;
         t.fmaDatapathBits = 256;
         t.loadPorts = 3;
         t.storePorts = 2;
         t.caches = {{1, 64 * KiB, 64, 4, 1},
                     {2, 1 * MiB, 64, 8, 1},
                     {3, 32 * MiB, 64, 16, 16}};
         t.cores = 16;
         t.frequencyGHz = 2.6;
         t.tlbEntries = 2048;
         return t;
       }},
      {"riscv64-rvv", "RV64GCV with VLEN = 256, 32 vector registers",
       [] {
         TargetDesc t =
             base("riscv64-rvv", "riscv64-unknown-linux-gnu", "generic-rv64",
                  {"+m", "+a", "+f", "+d", "+c", "+v", "+zvl256b"});
         t.vectorBits = 256;
         applyIsaFacts(t);
         t.fmaPipes = 1;
         t.fmaLatency = 4;
         t.fmaDatapathBits = 256;
         t.loadPorts = 1;
         t.storePorts = 1;
         t.caches = {{1, 32 * KiB, 64, 8, 1},
                     {2, 1 * MiB, 64, 16, 1},
                     {3, 8 * MiB, 64, 16, 4}};
         t.cores = 4;
         t.frequencyGHz = 2.0;
         t.tlbEntries = 1024;
         return t;
       }},
  };
  return table;
}
} // namespace

std::vector<std::string> targetPresetNames() {
  std::vector<std::string> names;
  for (const Preset &p : presets())
    names.push_back(p.name);
  return names;
}

Expected<TargetDesc> getTargetPreset(StringRef name) {
  for (const Preset &p : presets())
    if (name == p.name)
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
