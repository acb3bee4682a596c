//===- Reference.h - Reference results and their comparison -----*- C++ -*-===//
#ifndef AUTOCONFIG_BENCH_REFERENCE_H
#define AUTOCONFIG_BENCH_REFERENCE_H

#include "autoconfig/Bench/Buffers.h"
#include "autoconfig/Workload/Workload.h"

#include <vector>

namespace autoconfig {

/// The operands of one workload run: inputs (A, B / input, weights) and the
/// output (C), all dense row-major in the kernel's operand shapes.
struct WorkloadBuffers {
  std::vector<AlignedBuffer> operands;
  /// Index of the output operand in `operands`.
  size_t output = 0;

  std::vector<void *> pointers();
  AlignedBuffer &outputBuffer() { return operands[output]; }
};

/// A deep copy (each implementation under test gets its own output).
WorkloadBuffers cloneBuffers(const WorkloadBuffers &buffers);

/// Allocates and fills random inputs and a random initial output (so that
/// accumulation into C is checked too).
WorkloadBuffers makeBuffers(const Workload &workload, uint64_t seed = 42);

/// The expected output: initial output plus the op's result, accumulated in
/// double precision by naive loops. Also returns, per output element, the
/// magnitude sum_k |a||b| + |c0| that bounds its rounding error.
struct ReferenceResult {
  std::vector<double> values;
  std::vector<double> magnitude;
};
ReferenceResult computeReference(const Workload &workload,
                                 const WorkloadBuffers &initial);

/// Error of `output` against the reference: max over elements of
/// |out - ref| / magnitude, and the tolerance for this workload.
struct Comparison {
  double maxRelativeError = 0;
  double tolerance = 0;
  bool passed = false;
  size_t worstIndex = 0;
};
Comparison compareToReference(const Workload &workload,
                              const AlignedBuffer &output,
                              const ReferenceResult &reference);

/// Tolerance on the normalized error: grows with the reduction length K
/// (Higham, "Accuracy and Stability of Numerical Algorithms", 2002, §3.1:
/// |error| <= gamma_K sum|a||b| with gamma_K ~ K u).
double toleranceFor(const Workload &workload);

} // namespace autoconfig

#endif
