//===- OpenMPWaitPolicy.h - Idle OpenMP threads sleep -----------*- C++ -*-===//
//
// AutoConfig's generated code runs on libomp, oneDNN on libgomp. Both keep
// their idle threads spinning after a parallel region by default (libomp for
// 200 ms, libgomp for a spin count), so when the two are timed in turn in
// one process on a machine with few cores, one runtime's spinning threads
// take the cores the other needs. Benchmarks that time several
// implementations set OMP_WAIT_POLICY=PASSIVE (and KMP_BLOCKTIME=0) unless
// the user chose otherwise. libgomp reads its environment when it is
// loaded, before main: the process re-executes itself once with it set.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_OPENMPWAITPOLICY_H
#define AUTOCONFIG_BENCH_OPENMPWAITPOLICY_H

namespace autoconfig {

/// Re-executes the program with passive OpenMP waiting unless that is set
/// already (or the user set a wait policy); returns if it cannot.
void ensurePassiveOpenMPWaiting(char **argv);

} // namespace autoconfig

#endif
