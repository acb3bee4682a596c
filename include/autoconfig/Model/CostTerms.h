//===- CostTerms.h - Cost pieces several models compute alike ---*- C++ -*-===//
//
// What the predictions of the NHWC direct and depthwise convolutions compute
// in the same way, written once: the issue rates of vectors that may be wider
// than the registers, the blocks a vectorized channel dimension falls into,
// and how the threads share the row blocks.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_COSTTERMS_H
#define AUTOCONFIG_MODEL_COSTTERMS_H

#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Support/Arithmetic.h"
#include "autoconfig/Workload/Workload.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace autoconfig {

/// Issue rates of `vl`-lane vectors of `element`. Vectors wider than the
/// registers are split by LLVM into `split` register-wide ops, each costing
/// a register-wide op's time (broadcasts stay one scalar each).
struct SplitVectorRates {
  SplitVectorRates(const Machine &machine, ElementKind element, int64_t vl) {
    const TargetDesc &t = machine.target;
    ebytes = elementBits(element) / 8.0;
    bits = unsigned(vl * ebytes * 8);
    const VectorCosts &v =
        machine.profile.forBits(std::min(bits, t.vectorBits));
    split = std::max(1.0, double(bits) / t.vectorBits);
    fmaRate = v.fmaPerSecond / split;
    loadRate = v.loadPerSecond / split;
    storeRate = v.storePerSecond / split;
    broadcastRate = v.broadcastPerSecond;
    needed = fmaInFlightNeeded(machine, std::min(bits, t.vectorBits));
  }

  /// Seconds to load a vector and store it back (an output vector in and
  /// out, a spilled accumulator reloaded and stored).
  double loadStoreSeconds() const { return 1 / loadRate + 1 / storeRate; }

  /// Bytes of an element.
  double ebytes;
  /// Bits of a (possibly split) vector.
  unsigned bits;
  /// Register-wide ops per vector op, at least 1.
  double split;
  double fmaRate, loadRate, storeRate, broadcastRate;
  /// Independent FMAs that hide the FMA latency (fmaInFlightNeeded).
  double needed;
};

/// `count` blocks of `vecs` vectors each.
struct VectorBlockClass {
  int64_t vecs;
  double count;
};

/// The blocks of `vecs` vectors of `vl` lanes that `channels` channels fall
/// into: the full blocks, then the remainder block's (fewer) vectors.
inline llvm::SmallVector<VectorBlockClass, 2>
vectorBlockClasses(int64_t channels, int64_t vecs, int64_t vl) {
  llvm::SmallVector<VectorBlockClass, 2> classes;
  if (channels / (vecs * vl))
    classes.push_back({vecs, double(channels / (vecs * vl))});
  if (channels % (vecs * vl))
    classes.push_back({ceilDiv(channels % (vecs * vl), vl), 1});
  return classes;
}

/// How `threads` share `blocks` equal blocks of work, each taking the same
/// number of blocks (the last ones fewer): `balance` is the useful share of
/// the busiest thread's time, `parallel` the speed-up it gives.
struct ThreadShare {
  ThreadShare(int64_t threads, double blocks) {
    double n = double(std::max<int64_t>(1, threads));
    double perThread = std::ceil(blocks / n);
    balance = blocks / (std::min(n, blocks) * perThread);
    parallel = std::min(n, blocks) * balance;
  }

  double balance;
  double parallel;
};

} // namespace autoconfig

#endif
