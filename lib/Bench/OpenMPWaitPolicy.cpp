//===- OpenMPWaitPolicy.cpp - Idle OpenMP threads sleep -------------------===//

#include "autoconfig/Bench/OpenMPWaitPolicy.h"

#include <cstdlib>
#include <unistd.h>

namespace autoconfig {

void ensurePassiveOpenMPWaiting(char **argv) {
  constexpr const char *kMarker = "AUTOCONFIG_OPENMP_WAIT_SET";
  if (getenv(kMarker) || getenv("OMP_WAIT_POLICY"))
    return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0);
  setenv("KMP_BLOCKTIME", "0", /*overwrite=*/0);
  setenv(kMarker, "1", /*overwrite=*/1);
  execv("/proc/self/exe", argv);
  // Not re-executed (no /proc): libomp still reads the settings on its first
  // parallel region; libgomp keeps its own.
}

} // namespace autoconfig
