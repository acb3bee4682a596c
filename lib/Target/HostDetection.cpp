//===- HostDetection.cpp - Describe the machine this process runs on ------===//

#include "autoconfig/Target/CpuTables.h"
#include "autoconfig/Target/CpuidCaches.h"
#include "autoconfig/Target/TargetDesc.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <optional>
#include <thread>

using namespace llvm;

namespace autoconfig {

static std::optional<std::string> readSysfs(const Twine &path) {
  auto buffer = MemoryBuffer::getFileAsStream(path);
  if (!buffer)
    return std::nullopt;
  return (*buffer)->getBuffer().trim().str();
}

/// Parses sysfs sizes such as "48K", "1024K", "32M".
static uint64_t parseCacheSize(StringRef text) {
  uint64_t multiplier = 1;
  if (text.consume_back("K"))
    multiplier = 1024;
  else if (text.consume_back("M"))
    multiplier = 1024 * 1024;
  uint64_t value = 0;
  if (text.getAsInteger(10, value))
    return 0;
  return value * multiplier;
}

/// Counts the CPUs in a sysfs cpu list such as "0-3,8-11".
static unsigned countCpuList(StringRef list) {
  unsigned count = 0;
  SmallVector<StringRef> ranges;
  list.split(ranges, ',', -1, false);
  for (StringRef range : ranges) {
    auto [lo, hi] = range.split('-');
    unsigned a = 0, b = 0;
    if (lo.trim().getAsInteger(10, a))
      continue;
    if (hi.empty() || hi.trim().getAsInteger(10, b))
      b = a;
    count += b >= a ? b - a + 1 : 0;
  }
  return std::max(count, 1u);
}

/// Data and unified caches of cpu0 from /sys/devices/system/cpu/cpu0/cache.
static std::vector<CacheLevel> detectCaches() {
  std::vector<CacheLevel> caches;
  for (unsigned index = 0; index < 16; ++index) {
    std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    auto type = readSysfs(dir + "/type");
    if (!type)
      break;
    if (*type == "Instruction")
      continue;
    CacheLevel c;
    unsigned value = 0;
    if (auto level = readSysfs(dir + "/level"))
      if (!StringRef(*level).getAsInteger(10, value))
        c.level = value;
    if (auto size = readSysfs(dir + "/size"))
      c.sizeBytes = parseCacheSize(*size);
    if (auto line = readSysfs(dir + "/coherency_line_size"))
      if (!StringRef(*line).getAsInteger(10, value) && value)
        c.lineBytes = value;
    if (auto ways = readSysfs(dir + "/ways_of_associativity"))
      if (!StringRef(*ways).getAsInteger(10, value) && value)
        c.ways = value;
    if (auto shared = readSysfs(dir + "/shared_cpu_list"))
      c.sharedByCores = countCpuList(*shared);
    if (c.sizeBytes)
      caches.push_back(c);
  }
  std::sort(caches.begin(), caches.end(),
            [](const CacheLevel &a, const CacheLevel &b) {
              return a.level < b.level;
            });
  return caches;
}

/// Nominal (maximum) frequency: cpufreq if exposed, else /proc/cpuinfo.
static double detectFrequencyGHz() {
  if (auto khz =
          readSysfs("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")) {
    uint64_t value = 0;
    if (!StringRef(*khz).getAsInteger(10, value) && value > 100000)
      return double(value) / 1e6;
  }
  if (auto cpuinfo = MemoryBuffer::getFileAsStream("/proc/cpuinfo")) {
    SmallVector<StringRef> lines;
    (*cpuinfo)->getBuffer().split(lines, '\n');
    for (StringRef line : lines) {
      if (!line.starts_with("cpu MHz"))
        continue;
      double mhz = 0;
      if (!line.split(':').second.trim().getAsDouble(mhz) && mhz > 100)
        return mhz / 1000.0;
    }
  }
  return 3.0;
}

TargetDesc detectHostTarget() {
  TargetDesc t;
  t.name = "host";
  t.triple = sys::getProcessTriple();
  t.cpu = sys::getHostCPUName().str();
  for (const auto &entry : sys::getHostCPUFeatures())
    t.features.push_back((entry.second ? "+" : "-") + entry.first().str());
  std::sort(t.features.begin(), t.features.end());
  t.caches = detectCaches();
  // Some virtual machines hide the sysfs cache directory; the processor (or
  // the hypervisor) still answers CPUID.
  if (t.caches.empty())
    t.caches = detectCachesWithCpuid();
  t.cores = std::max(1u, std::thread::hardware_concurrency());
  t.frequencyGHz = detectFrequencyGHz();
  t.runsOnHost = true;
  applyIsaFacts(t);
  applyMicroarchitectureFacts(t);
  if (t.caches.empty())
    t.caches = {CacheLevel{1, 32 * 1024, 64, 8, 1},
                CacheLevel{2, 1024 * 1024, 64, 16, 1}};
  return t;
}

} // namespace autoconfig
