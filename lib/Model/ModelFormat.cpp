//===- ModelFormat.cpp - Shared helpers of the analysis models ------------===//

#include "autoconfig/Model/ConfigChecks.h"
#include "autoconfig/Model/GemmModels.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

namespace autoconfig {

double fmaInFlightNeeded(const Machine &machine, unsigned vectorBits) {
  const VectorCosts &v = machine.profile.forBits(vectorBits);
  return std::max(1.0, std::round(v.fmaLatencySeconds * v.fmaPerSecond));
}

double tileStepSeconds(const Machine &machine, unsigned bits, int64_t rows,
                       int64_t vectors, double analytic) {
  if (rows < 1 || vectors < 1)
    return analytic;
  if (std::optional<double> measured = machine.profile.tileSecondsPerKStep(
          bits, unsigned(rows), unsigned(vectors)))
    return *measured;
  return analytic;
}

double kernelStepSeconds(const Machine &machine, unsigned bits, double fmas,
                         double loads, double broadcasts) {
  const TileFit &fit = machine.profile.tileFit;
  if (fit.bits == bits && fit.points > 0 && fmas > 0)
    return fit.step + std::max({fit.fma * fmas,
                                fit.load * loads + fit.broadcast * broadcasts,
                                fit.latency});
  const VectorCosts &v = machine.profile.forBits(bits);
  double hidden = std::min(1.0, fmas / fmaInFlightNeeded(machine, bits));
  double issue = fmas > 0 ? fmas / (v.fmaPerSecond * hidden) : 0;
  return std::max(issue,
                  loads / v.loadPerSecond + broadcasts / v.broadcastPerSecond);
}

double partialOverlap(std::initializer_list<double> times) {
  double sum = 0;
  for (double t : times)
    sum += t * t * t * t;
  return std::sqrt(std::sqrt(sum));
}

void applySharedMemoryFloor(Prediction &pred, const Machine &machine,
                            double serialMemorySeconds, double workingSetBytes,
                            unsigned threads, double overhead) {
  const Profile &prof = machine.profile;
  if (threads <= 1 || workingSetBytes <= double(prof.effectiveLastLevelBytes))
    return;
  std::optional<double> speedup = prof.memoryThreadSpeedup(threads);
  if (!speedup)
    return;
  double floor = serialMemorySeconds / *speedup;
  double work = pred.seconds - overhead;
  if (floor <= work)
    return;
  pred.add("memory bus", floor - work,
           llvm::formatv("{0} threads stream from memory only x{1:f2} as "
                         "fast as one ({2} on one)",
                         threads, *speedup, formatSeconds(serialMemorySeconds))
               .str());
  pred.seconds = floor + overhead;
}

std::string formatBytes(double bytes) {
  if (bytes >= 1024.0 * 1024 * 1024)
    return llvm::formatv("{0:f1} GiB", bytes / (1024.0 * 1024 * 1024)).str();
  if (bytes >= 1024.0 * 1024)
    return llvm::formatv("{0:f1} MiB", bytes / (1024.0 * 1024)).str();
  if (bytes >= 1024.0)
    return llvm::formatv("{0:f1} KiB", bytes / 1024.0).str();
  return llvm::formatv("{0} B", int64_t(bytes)).str();
}

std::string formatSeconds(double s) {
  if (s >= 1)
    return llvm::formatv("{0:f2} s", s).str();
  if (s >= 1e-3)
    return llvm::formatv("{0:f3} ms", s * 1e3).str();
  if (s >= 1e-6)
    return llvm::formatv("{0:f2} us", s * 1e6).str();
  return llvm::formatv("{0:f1} ns", s * 1e9).str();
}

llvm::Error checkBufferBytes(llvm::StringRef what, double bytes,
                             llvm::StringRef formula) {
  if (bytes > double(int64_t(1) << 32))
    return configError(llvm::formatv("{0} of {1} are too large ({2})", what,
                                     formatBytes(bytes), formula)
                           .str());
  return llvm::Error::success();
}

} // namespace autoconfig
