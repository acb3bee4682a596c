//===- StreamingNest.h - A linalg op as one vector loop nest ----*- C++ -*-===//
//
// Every linalg op on memrefs with static shapes, linear indexing maps and a
// body of arith/math operations (elementwise and broadcast generics,
// reductions, pooling, transposes, copies, fills) is a loop nest whose body
// loads one element of each operand, computes, and stores. The nest:
//   - tells the model (Model/StreamingModel.h) its loops, each operand's
//     memory strides along them and the body's work;
//   - generates the op as scf loops over vector operations for one config:
//     one loop (fused with the loops outside it when every operand is
//     contiguous across them) carries vectors of vl lanes, unrolled; the
//     other loops run outside it, and reduction loops inside it with the
//     accumulators in registers (or, when the vector loop is the reduction,
//     a vector accumulator per unrolled vector, reduced at the end). Tails are
//     one masked vector; operands reach lanes contiguously, broadcast,
//     through a wide load and a shuffle (a window stride inside a row), or
//     element by element.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_CODEGEN_STREAMINGNEST_H
#define AUTOCONFIG_CODEGEN_STREAMINGNEST_H

#include "autoconfig/Model/StreamingModel.h"
#include "autoconfig/Target/TargetDesc.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <string>

namespace autoconfig {

/// sum_l coeffs[l] * iv_l + constant, over the op's loops.
struct LinearIndex {
  llvm::SmallVector<int64_t> coeffs;
  int64_t constant = 0;
  /// The pure loop `l` (coefficient 1, nothing else), or -1.
  int pureLoop() const;
};

struct NestOperand {
  /// The memref (or a scalar for linalg.fill's value).
  mlir::Value value;
  mlir::BlockArgument arg;
  bool output = false;
  /// One per memref dimension.
  llvm::SmallVector<LinearIndex> indices;
  llvm::SmallVector<int64_t> shape, strides;
  /// A value, not a memref (linalg.fill's).
  bool scalar = false;
  bool isScalar() const { return scalar; }
};

/// The memref dimension along which `loop` moves an operand when that stays
/// inside one row: one index uses the loop, with unit stride, and the
/// dimensions after it have size 1. Else -1.
int rowDimension(llvm::ArrayRef<LinearIndex> indices,
                 llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> strides,
                 unsigned loop);

class StreamingNest {
public:
  /// The nest of `op`, or failure with the reason in `whyNot`.
  static mlir::FailureOr<StreamingNest> analyze(mlir::linalg::LinalgOp op,
                                                std::string &whyNot);

  /// The model's view of the nest.
  const StreamingWorkload &workload() const { return model; }

  /// Replaces the op by the vector loop nest of `config` (a vector lowering
  /// the model verified).
  mlir::LogicalResult generate(mlir::RewriterBase &rewriter,
                               const StreamingConfig &config,
                               const TargetDesc &target) const;

  mlir::linalg::LinalgOp op;
  llvm::SmallVector<int64_t> extents;
  llvm::SmallVector<bool> reduction;
  llvm::SmallVector<NestOperand> operands;
  /// For a reduction along the vectorized loop: the body's combining op
  /// (its output's only user, what it yields).
  mlir::Operation *combiner = nullptr;

private:
  StreamingWorkload model;
};

} // namespace autoconfig

#endif
