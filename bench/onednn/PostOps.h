//===- PostOps.h - The epilogue of a oneDNN primitive -----------*- C++ -*-===//
//
// What an expert fuses into a convolution, inner product, matmul, pooling,
// eltwise or binary primitive instead of running it as a primitive of its
// own: element-wise functions, a sum into the destination's previous
// content, and a binary operation with a second tensor (broadcast along the
// dimensions where that tensor has size 1).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_ONEDNN_POSTOPS_H
#define AUTOCONFIG_BENCH_ONEDNN_POSTOPS_H

#include "OneDnnApi.h"

#include "llvm/ADT/ArrayRef.h"

#include <string>
#include <vector>

namespace autoconfig::onednn {

struct PostOp {
  enum class Kind { Eltwise, Sum, Binary };
  Kind kind = Kind::Eltwise;
  /// Eltwise: the dnnl_eltwise_* algorithm; Binary: the dnnl_binary_* one.
  dnnl_alg_kind_t alg = dnnl_eltwise_relu;
  /// Eltwise parameters (oneDNN's alpha and beta).
  float alpha = 0, beta = 0;
  /// Binary: the second operand.
  dnnl_memory_desc_t src1{};
  dnnl_memory_t src1Memory = nullptr;

  static PostOp eltwise(dnnl_alg_kind_t alg, float alpha = 0, float beta = 0);
  static PostOp sum();
  static PostOp binary(dnnl_alg_kind_t alg, const dnnl_memory_desc_t &src1,
                       dnnl_memory_t memory);
};

/// "relu+binary_add+clip(0,6)", "none" when empty.
std::string describe(llvm::ArrayRef<PostOp> ops);

/// One post-op's name ("relu", "linear(0.5,1)", "binary_mul", "sum").
std::string describe(const PostOp &op);

/// Primitive attributes carrying `ops`.
llvm::Expected<Attr> makeAttr(llvm::ArrayRef<PostOp> ops);

/// The execution arguments of the binary post-ops' second operands.
void addPostOpArgs(llvm::ArrayRef<PostOp> ops,
                   std::vector<dnnl_exec_arg_t> &args);

} // namespace autoconfig::onednn

#endif
