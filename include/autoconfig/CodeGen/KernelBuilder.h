//===- KernelBuilder.h - IR-building helpers for generators -----*- C++ -*-===//
//
// The generators build scf loops over vector ops on memrefs. This wraps the
// repetitive parts (index constants, masked loads and stores, FMA with or
// without a fused instruction) so that each generator reads like its loop nest.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_CODEGEN_KERNELBUILDER_H
#define AUTOCONFIG_CODEGEN_KERNELBUILDER_H

#include "autoconfig/Target/TargetDesc.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace autoconfig {

class KernelBuilder {
public:
  KernelBuilder(mlir::OpBuilder &builder, mlir::Location loc,
                mlir::Type elementType, bool useFma);
  /// For a kernel that computes the memref `output`: its element type, and
  /// fused FMAs when the target has them.
  KernelBuilder(mlir::OpBuilder &builder, mlir::Location loc,
                mlir::Value output, const TargetDesc &target);

  mlir::ImplicitLocOpBuilder &b() { return builder; }
  mlir::Type elementType() const { return element; }

  mlir::Value index(int64_t value);
  mlir::Value add(mlir::Value lhs, mlir::Value rhs);
  mlir::Value add(mlir::Value lhs, int64_t rhs);
  mlir::Value mul(mlir::Value lhs, int64_t rhs);
  mlir::Value mul(mlir::Value lhs, mlir::Value rhs);
  mlir::Value sub(mlir::Value lhs, mlir::Value rhs);
  /// Unsigned quotient of a non-negative index by a positive constant.
  mlir::Value div(mlir::Value lhs, int64_t rhs);
  /// The indices base + i * stride for i in [0, count) (a tile's rows or
  /// vector columns).
  llvm::SmallVector<mlir::Value> stridedIndices(mlir::Value base, int64_t count,
                                                int64_t stride = 1);

  /// Vectors of the builder's element type, or of `element` when given.
  mlir::VectorType vectorType(int64_t lanes, mlir::Type element = {});
  mlir::Value zeroVector(int64_t lanes, mlir::Type element = {});
  mlir::Value zeroScalar();
  /// A constant mask with the first `active` of `lanes` lanes set.
  mlir::Value mask(int64_t lanes, int64_t active);

  /// A mask with the first `active` (a run-time count, clamped to [0, lanes])
  /// of `lanes` lanes set.
  mlir::Value mask(int64_t lanes, mlir::Value active);
  /// The masked forms of loadVector and storeVector (masked-off lanes read
  /// nothing and load as zero, are not written). Loads give vectors of the
  /// memref's element type.
  mlir::Value loadVectorMasked(mlir::Value memref, mlir::ValueRange indices,
                               int64_t lanes, mlir::Value mask);
  void storeVectorMasked(mlir::Value value, mlir::Value memref,
                         mlir::ValueRange indices, mlir::Value mask);

  /// Loads `lanes` contiguous elements at `indices`; when active < lanes only
  /// the first `active` are read (masked) and the rest are zero.
  mlir::Value loadVector(mlir::Value memref, mlir::ValueRange indices,
                         int64_t lanes, int64_t active);
  void storeVector(mlir::Value value, mlir::Value memref,
                   mlir::ValueRange indices, int64_t active);
  mlir::Value loadScalar(mlir::Value memref, mlir::ValueRange indices);
  void storeScalar(mlir::Value value, mlir::Value memref,
                   mlir::ValueRange indices);
  mlir::Value broadcast(mlir::Value scalar, int64_t lanes);

  /// acc + a * b: a fused vector.fma when the target has one, else a
  /// multiply and an add (so that no libm call is ever emitted).
  mlir::Value fma(mlir::Value a, mlir::Value b, mlir::Value acc);
  /// Row `row` of a register tile of b.size() vectors a row, stored row-major
  /// in `tile`, plus a * b: tile[row * n + v] = fma(a, b[v], tile[row * n + v])
  /// (the outer-product step of the GEMM-like micro-kernels).
  void fmaTileRow(mlir::Value a, mlir::ValueRange b,
                  llvm::MutableArrayRef<mlir::Value> tile, int64_t row);
  mlir::Value addf(mlir::Value a, mlir::Value b);
  /// Horizontal sum of a vector.
  mlir::Value reduceAdd(mlir::Value vector);
  /// Interleaves g vectors (g a power of two) lane by lane: lane j*g + i of
  /// the result is lane j of rows[i] (the k-group layout of packed panels
  /// for dot-product instructions: pairs of bf16, quads of i8).
  mlir::Value interleave(llvm::ArrayRef<mlir::Value> rows);
  /// Transposes n vectors of n lanes (n a power of two) in registers:
  /// lane j of result i is lane i of row j.
  llvm::SmallVector<mlir::Value> transposeSquare(mlir::ValueRange rows);

  /// for (iv = lb; iv < ub; iv += step) body(iv), with static bounds. Emits
  /// nothing when the range is empty and no loop when it has one iteration.
  void forRange(int64_t lb, int64_t ub, int64_t step,
                llvm::function_ref<void(mlir::Value)> body);
  /// Like forRange with dynamic bounds.
  void forRange(mlir::Value lb, mlir::Value ub, int64_t step,
                llvm::function_ref<void(mlir::Value)> body);
  /// Like forRange but distributed over threads (scf.parallel, lowered to
  /// OpenMP) when `parallel` is set and there is more than one iteration.
  void parallelRange(int64_t lb, int64_t ub, int64_t step, bool parallel,
                     llvm::function_ref<void(mlir::Value)> body);
  /// Calls body(start, size) for the full blocks of `block` in [0, extent),
  /// in a loop (a parallelRange), then once for the remainder: each block has
  /// a static size.
  void forBlocks(int64_t extent, int64_t block,
                 llvm::function_ref<void(mlir::Value, int64_t)> body,
                 bool parallel = false);
  /// A loop carrying values; returns the final values.
  llvm::SmallVector<mlir::Value> forWithValues(
      mlir::Value lb, mlir::Value ub, int64_t step, mlir::ValueRange init,
      llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::Value,
                                                        mlir::ValueRange)>
          body,
      mlir::scf::ForOp *loop = nullptr);

private:
  mlir::ImplicitLocOpBuilder builder;
  mlir::Type element;
  bool useFma;
};

/// The base of a generator's emitter class: what every emitter works from.
/// The caller owns all four and runs the emitter within their lifetime.
template <typename Operands, typename Workload, typename Params>
class KernelEmitterBase {
public:
  using OperandsType = Operands;
  using WorkloadType = Workload;
  using ParamsType = Params;

  KernelEmitterBase(KernelBuilder &kb, const Operands &ops, const Workload &w,
                    const Params &p)
      : kb(kb), ops(ops), w(w), p(p) {}

protected:
  KernelBuilder &kb;
  const Operands &ops;
  const Workload &w;
  const Params &p;
};

} // namespace autoconfig

#endif
