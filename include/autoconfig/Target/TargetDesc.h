//===- TargetDesc.h - Description of a compilation target -------*- C++ -*-===//
//
// What the analytical models know about a machine without running anything:
// ISA, vector registers, FMA pipes and latency, ports, caches, cores.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_TARGET_TARGETDESC_H
#define AUTOCONFIG_TARGET_TARGETDESC_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <string>
#include <vector>

namespace autoconfig {

/// One level of the data-cache hierarchy.
/// The instruction-set families AutoConfig generates code for.
enum class IsaFamily { X86, AArch64, RiscV64, Other };

/// "x86", "aarch64", "riscv64" (or "other"), as targets and reports say it.
llvm::StringRef isaFamilyName(IsaFamily family);

struct CacheLevel {
  unsigned level = 1;
  uint64_t sizeBytes = 0;
  unsigned lineBytes = 64;
  unsigned ways = 8;
  /// Number of cores sharing one instance of this cache.
  unsigned sharedByCores = 1;

  uint64_t sets() const {
    return ways && lineBytes ? sizeBytes / (uint64_t(ways) * lineBytes) : 0;
  }
};

/// The static description of a target. Everything here comes from a preset,
/// a JSON file or host detection; nothing is measured (see Profile for that).
struct TargetDesc {
  /// Where this description came from: "host", a preset name, or a file.
  std::string name;
  std::string triple;
  /// LLVM CPU name, as given to the target machine ("znver4", "neoverse-n1").
  std::string cpu;
  /// LLVM subtarget features, each with its sign ("+avx2", "-avx512f").
  std::vector<std::string> features;
  /// Width of the vector registers the generators use, in bits. For scalable
  /// ISAs (SVE, RVV) this is the implementation's known vector length.
  unsigned vectorBits = 128;
  unsigned vectorRegisters = 16;
  /// The ISA predicates vector lanes natively (AVX-512 masks, SVE, RVV):
  /// masked tails cost about as much as full vectors.
  bool nativeMasking = false;
  /// Scalable vectors (SVE, RVV) whose length is fixed here to vectorBits.
  bool scalableVectors = false;
  /// Fused multiply-add exists; without it a multiply and an add issue apart.
  bool hasFMA = true;
  unsigned fmaPipes = 2;
  unsigned fmaLatency = 4;
  /// Width of one FMA pipe's datapath in bits; a wider vector op occupies the
  /// pipe for vectorBits / fmaDatapathBits cycles (Zen 4 runs zmm as 2x256).
  unsigned fmaDatapathBits = 512;
  unsigned loadPorts = 2;
  unsigned storePorts = 1;
  std::vector<CacheLevel> caches;
  /// Entries of the last-level data TLB (4 KiB pages): beyond its reach a
  /// strided stream walks the page table on every new page.
  unsigned tlbEntries = 1536;
  unsigned cores = 1;
  double frequencyGHz = 3.0;
  /// True when code compiled for this target runs on this machine.
  bool runsOnHost = false;

  /// Vector lanes for elements of the given size in bits.
  unsigned lanes(unsigned elementBits) const {
    return elementBits ? vectorBits / elementBits : 0;
  }
  /// Cycles one vector FMA occupies a pipe.
  double fmaIssueCycles() const {
    return vectorBits > fmaDatapathBits ? double(vectorBits) / fmaDatapathBits
                                        : 1.0;
  }
  /// Nominal peak in FLOP/s for one core and elements of elementBits.
  double nominalPeakFlops(unsigned elementBits) const {
    return 2.0 * lanes(elementBits) * fmaPipes / fmaIssueCycles() *
           frequencyGHz * 1e9;
  }
  uint64_t tlbReachBytes() const { return uint64_t(tlbEntries) * 4096; }
  /// The cache at `level` (1-based), or nullptr.
  const CacheLevel *cache(unsigned level) const;
  bool hasFeature(llvm::StringRef feature) const;
  /// "+a,+b,-c" as LLVM's target machine expects.
  std::string featureString() const;
  /// The ISA family of the triple's architecture (llvm::Triple).
  IsaFamily isaFamily() const;

  /// Checks internal consistency; the message names the offending field.
  llvm::Error validate() const;
};

llvm::json::Value toJSON(const CacheLevel &cache);
llvm::json::Value toJSON(const TargetDesc &target);
bool fromJSON(const llvm::json::Value &value, CacheLevel &cache,
              llvm::json::Path path);
bool fromJSON(const llvm::json::Value &value, TargetDesc &target,
              llvm::json::Path path);

/// Detects the machine this process runs on: LLVM's host CPU name and
/// features, caches from sysfs, core count and frequency from the OS.
TargetDesc detectHostTarget();

/// Names of the built-in presets.
std::vector<std::string> targetPresetNames();

/// A built-in preset, e.g. "x86-avx2". Unknown names list the valid ones.
llvm::Expected<TargetDesc> getTargetPreset(llvm::StringRef name);

/// Reads a TargetDesc from a JSON file; errors name the file and field.
llvm::Expected<TargetDesc> loadTargetFile(llvm::StringRef path);

/// Resolves a target in precedence order: file, then preset, then the host.
/// Marks the result runsOnHost when its ISA is executable here.
llvm::Expected<TargetDesc> resolveTarget(llvm::StringRef presetName,
                                         llvm::StringRef targetFile);

} // namespace autoconfig

#endif // AUTOCONFIG_TARGET_TARGETDESC_H
