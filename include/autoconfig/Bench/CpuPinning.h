//===- CpuPinning.h - One-thread timing stays on one CPU --------*- C++ -*-===//
//
// A one-thread benchmark the scheduler moves between cores mid-sample finds
// its L1 and L2 cold on the new one: on a 2-vCPU Zen 5 guest the same
// depthwise kernel ran at 72-79 or 107-112 GFLOP/s from one process to the
// next unpinned, 97-108 pinned. While a benchmark times one-thread code it
// keeps the timing thread on the CPU it runs on; threads started earlier
// (an OpenMP pool) keep their own masks.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_CPUPINNING_H
#define AUTOCONFIG_BENCH_CPUPINNING_H

#include <memory>

namespace autoconfig {

/// Pins the calling thread to its current CPU for its lifetime, then
/// restores the thread's mask. Does nothing where that is not supported or
/// allowed (the pin is an aid to timing, never a requirement).
class CpuPinning {
public:
  CpuPinning();
  ~CpuPinning();
  CpuPinning(const CpuPinning &) = delete;
  CpuPinning &operator=(const CpuPinning &) = delete;

  /// The CPU the thread is pinned to, or -1.
  int cpu() const { return pinnedCpu; }

private:
  struct SavedMask;
  std::unique_ptr<SavedMask> saved;
  int pinnedCpu = -1;
};

} // namespace autoconfig

#endif
