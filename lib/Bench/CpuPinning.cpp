//===- CpuPinning.cpp - One-thread timing stays on one CPU ----------------===//

#include "autoconfig/Bench/CpuPinning.h"

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

namespace autoconfig {

#if defined(__linux__)
struct CpuPinning::SavedMask {
  cpu_set_t mask;
};

CpuPinning::CpuPinning() {
  auto mask = std::make_unique<SavedMask>();
  if (pthread_getaffinity_np(pthread_self(), sizeof(mask->mask), &mask->mask) !=
      0)
    return;
  int cpu = sched_getcpu();
  if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &mask->mask))
    return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  if (pthread_setaffinity_np(pthread_self(), sizeof(one), &one) != 0)
    return;
  saved = std::move(mask);
  pinnedCpu = cpu;
}

CpuPinning::~CpuPinning() {
  if (saved)
    pthread_setaffinity_np(pthread_self(), sizeof(saved->mask), &saved->mask);
}
#else
struct CpuPinning::SavedMask {};
CpuPinning::CpuPinning() = default;
CpuPinning::~CpuPinning() = default;
#endif

} // namespace autoconfig
