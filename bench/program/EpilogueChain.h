//===- EpilogueChain.h - Element-wise work as oneDNN steps ------*- C++ -*-===//
//
// oneDNN computes element-wise work as a chain: one eltwise or binary
// primitive, or the post-ops of the primitive that produced the value, each
// applied to the result of the previous one. An element-wise expression
// maps onto oneDNN when it is such a chain in one tensor (the primary): each
// function applied to it takes at most one other operand, a constant or
// another tensor read as is. The recognized functions are those of
// oneDNN's eltwise algorithms, including the compound ones frontends spell
// out (sigmoid, SiLU/swish, GELU in its erf and tanh forms), and the binary
// ones (add, sub, mul, div, max, min; a comparison and a select are a max or
// a min). Nothing is approximated: an expression that is not such a chain
// is refused with the reason.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PROGRAM_EPILOGUECHAIN_H
#define AUTOCONFIG_BENCH_PROGRAM_EPILOGUECHAIN_H

#include "ConstantTensor.h"
#include "ScalarExpr.h"

#include <dnnl.h>

#include <optional>
#include <string>
#include <vector>

namespace autoconfig::program {

struct Step {
  enum class Kind { Eltwise, Binary };
  Kind kind = Kind::Eltwise;
  /// dnnl_eltwise_* or dnnl_binary_*.
  dnnl_alg_kind_t alg = dnnl_eltwise_linear;
  float alpha = 1, beta = 0;
  /// Binary: a constant in the expression's index space (size 1 where it is
  /// broadcast) ...
  std::optional<ConstantTensor> constant;
  /// ... or a tensor of the program read through `map`.
  mlir::Value tensor;
  mlir::AffineMap map;
  /// The index space the operand lives in, for the caller's bookkeeping.
  int space = 0;

  static Step eltwise(dnnl_alg_kind_t alg, float alpha = 0, float beta = 0);
};

struct ChainContext {
  /// The expression's index space.
  llvm::ArrayRef<int64_t> shape;
  /// The constant value of a tensor, or null when it is computed at run time.
  llvm::function_ref<const ConstantTensor *(mlir::Value)> constantOf;
};

/// Whether `map` reads a tensor of `shape` element by element in an index
/// space of the same shape (the identity, or index 0 of a size-1 dimension,
/// as torch-mlir writes for the batch).
bool readsAsIs(mlir::AffineMap map, llvm::ArrayRef<int64_t> shape);

/// The steps computing `root` from `primary` (read through the identity
/// map), simplified (linear steps merged, a max then a min made one clip).
/// The error says which part is not a chain.
llvm::Expected<std::vector<Step>> extractChain(const Expr *root,
                                               mlir::Value primary,
                                               const ChainContext &context);

/// Merges adjacent steps oneDNN computes as one.
void simplifyChain(std::vector<Step> &steps);

} // namespace autoconfig::program

#endif
