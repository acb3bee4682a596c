//===- GemmModels.h - Analysis models of the matmul algorithms --*- C++ -*-===//
#ifndef AUTOCONFIG_MODEL_GEMMMODELS_H
#define AUTOCONFIG_MODEL_GEMMMODELS_H

#include "autoconfig/Model/AlgorithmModel.h"

#include <initializer_list>
#include <memory>

namespace autoconfig {

std::unique_ptr<AlgorithmModel> createBroadcastGemmModel();
std::unique_ptr<AlgorithmModel> createBlockedGemmModel();
std::unique_ptr<AlgorithmModel> createDotGemmModel();
/// bf16 matmuls on AMX tiles (targets with AMX-BF16 only).
std::unique_ptr<AlgorithmModel> createAmxGemmModel();

/// Independent vector FMAs that must be in flight to hide the FMA latency:
/// latency x throughput (Little's law), at least 1.
double fmaInFlightNeeded(const Machine &machine, unsigned vectorBits);

/// Seconds per k step of a register tile of `rows` broadcast rows and
/// `vectors` vectors of `bits` (rows x vectors FMAs, one load per vector and
/// one broadcast per row): the calibrated time of the generator's
/// micro-kernel for that tile when the profile has it, otherwise
/// `analytic` (the model's estimate from the FMA and load rates).
double tileStepSeconds(const Machine &machine, unsigned bits, int64_t rows,
                       int64_t vectors, double analytic);

/// Seconds per step of any register-blocked vector kernel (a conv tap, a
/// dot-product k step, a Winograd GEMM step) issuing `fmas` independent
/// vector FMAs (FMA-pipe slots), `loads` vector loads and `broadcasts`
/// scalar broadcasts of `bits` vectors: the calibrated GEMM micro-kernel
/// fit (per-step cost plus the larger of the FMA and load-port times,
/// the FMA latency at least) when the profile has one for these vectors,
/// so that every algorithm's kernel is costed on the same measured scale
/// as the blocked GEMM's; otherwise the profile's FMA, load and broadcast
/// rates with the latency hidden by `fmas` in flight.
double kernelStepSeconds(const Machine &machine, unsigned bits, double fmas,
                         double loads, double broadcasts);

/// The depth kc at which an mr-row A micro-panel and an nr-column B
/// micro-panel of `ebytes` elements share the L1 ways but one, each in
/// whole ways (Low et al., TOMS 2016): the blocked GEMM's L1 blocking, and
/// the depth at which calibration measures the register tiles.
int64_t l1PanelDepth(int64_t mr, int64_t nr, unsigned ebytes,
                     const CacheLevel &l1);

/// Time of activities that overlap only partly (compute and the memory
/// streams feeding it): the 4-norm of their times. It equals the largest
/// when one dominates and costs ~19% more than either when two are equal,
/// between a perfect overlap (max) and none (sum).
double partialOverlap(std::initializer_list<double> times);

/// With threads, the op's memory streams (`serialMemorySeconds`, their time
/// on one thread, when its working set is beyond the effective last level)
/// go only as much faster as the calibrated bandwidth of that many cores
/// over one (Profile::memoryThreadSpeedup): when the threaded prediction
/// would beat that, a "memory bus" term makes up the difference. One
/// thread, an op in the caches or an unmeasured scaling: no change.
void applySharedMemoryFloor(Prediction &pred, const Machine &machine,
                            double serialMemorySeconds, double workingSetBytes,
                            unsigned threads, double overhead);

/// Human-readable byte count ("48 KiB").
std::string formatBytes(double bytes);
/// Human-readable time ("1.25 ms").
std::string formatSeconds(double seconds);

} // namespace autoconfig

#endif
