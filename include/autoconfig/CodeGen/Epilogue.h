//===- Epilogue.h - Elementwise epilogues in stores -------------*- C++ -*-===//
//
// Any elementwise consumer of a matmul or convolution (bias add,
// ReLU/ReLU6/clamp, residual add, SiLU, GELU, sigmoid...: a linalg.generic of
// side-effect-free arith and math ops, with broadcast operands) reads the
// op's output. The
// fuse-epilogues pass marks such a generic (attribute `autoconfig.epilogue`)
// when it directly follows the op; a generator that supports epilogues then
// applies the generic's body to each final output vector in registers and
// stores the result into the generic's output, and erases the generic: the
// output is never written and read back. A generator that does not support
// them leaves the generic in place, which stays correct.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_CODEGEN_EPILOGUE_H
#define AUTOCONFIG_CODEGEN_EPILOGUE_H

#include "autoconfig/CodeGen/KernelBuilder.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <functional>
#include <optional>

namespace autoconfig {

inline constexpr llvm::StringLiteral kEpilogueAttrName = "autoconfig.epilogue";

class Epilogue {
public:
  /// The marked epilogue right after `op`, if any.
  static std::optional<Epilogue> following(mlir::Operation *op);

  /// Whether `generic` can be fused after an op whose output is `output`:
  /// all-parallel, identity output of the same shape, `output` read once
  /// with the identity map, a body of elementwise arith and math ops. Sets
  /// `why`.
  static bool isFusable(mlir::linalg::GenericOp generic, mlir::Value output,
                        std::string &why);

  /// Where the fused results go (the generic's output buffer).
  mlir::Value destination() const;

  /// The generic's body applied to `value`, the final value of the op's
  /// output at `indices` (a vector of `lanes` along the last dimension with
  /// `live` valid lanes, or a scalar). Other inputs are loaded at the same
  /// indices through their indexing maps (broadcast when they do not vary
  /// along the last dimension).
  mlir::Value apply(KernelBuilder &kb, mlir::Value value,
                    mlir::ValueRange indices, int64_t live,
                    mlir::Value mask = {}) const;

  /// Stores apply(...) into the destination.
  void store(KernelBuilder &kb, mlir::Value value, mlir::ValueRange indices,
             int64_t live) const;
  /// Like store, for a vector whose valid lanes are given by a run-time
  /// `mask` (other inputs are read under the same mask).
  void storeMasked(KernelBuilder &kb, mlir::Value value,
                   mlir::ValueRange indices, mlir::Value mask) const;

  /// Erases the generic once the generator has emitted the fused stores.
  void erase(mlir::RewriterBase &rewriter) const;

  mlir::linalg::GenericOp op() const { return generic; }

  /// The same epilogue for a generator that works on a view of the output
  /// with leading dimensions fixed at `prefix` (a matrix of a batch).
  Epilogue withPrefix(mlir::ValueRange prefix) const;

  /// Maps the indices of a generator's view of the output to the output's
  /// own indices; the view's last dimension must be the output's last.
  using IndexMap = std::function<llvm::SmallVector<mlir::Value>(
      KernelBuilder &, mlir::ValueRange)>;
  Epilogue withIndexMap(IndexMap map) const {
    Epilogue copy = *this;
    copy.indexMap = std::move(map);
    return copy;
  }

private:
  explicit Epilogue(mlir::linalg::GenericOp generic, mlir::Value output)
      : generic(generic), output(output) {}
  // Op handles are value types whose accessors are not const.
  mutable mlir::linalg::GenericOp generic;
  mlir::Value output;
  IndexMap indexMap;
  llvm::SmallVector<mlir::Value> outputIndices(KernelBuilder &kb,
                                               mlir::ValueRange view) const;
};

/// Stores a final output value at `indices` (a vector with `live` valid
/// lanes, or a scalar): through `epilogue` when there is one, else into
/// `output` itself.
void storeFinal(KernelBuilder &kb, const Epilogue *epilogue, mlir::Value value,
                mlir::Value output, mlir::ValueRange indices, int64_t live);

} // namespace autoconfig

#endif
