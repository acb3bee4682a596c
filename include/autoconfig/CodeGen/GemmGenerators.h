//===- GemmGenerators.h - Configurable matmul code generators ---*- C++ -*-===//
#ifndef AUTOCONFIG_CODEGEN_GEMMGENERATORS_H
#define AUTOCONFIG_CODEGEN_GEMMGENERATORS_H

#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/Model/Config.h"
#include "autoconfig/Model/GemmParams.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace autoconfig {

/// The 2-D memref views one matmul generator call works on. A is M x K (or
/// K x M when transposed), B is K x N (or N x K), C is M x N.
class Epilogue;

struct GemmOperands {
  mlir::Value a, b, c;
  /// When set, C's final values go through this fused elementwise epilogue
  /// into its destination (see CodeGen/Epilogue.h).
  const Epilogue *epilogue = nullptr;
};

class KernelBuilder;

/// Where a packing routine writes one block [row0, row0 + rows) x
/// [col0, col0 + cols) of a matrix source (static extents).
struct GemmPackedBlock {
  enum class Layout {
    /// B's layout: panels of `panel` columns, element (r, c) of the block at
    /// (c - c % panel) * rows + r * panel + c % panel. A partial last panel
    /// holds ceil(width / lanes) vectors, zero past the block's columns.
    ColumnPanels,
    /// A virtual A source's layout: row-major, element (r, c) at r * cols + c
    /// (an mr-row panel at row ir starts at ir * cols, as the k-major panels
    /// of a memref A do).
    RowMajor,
  };
  Layout layout = Layout::ColumnPanels;
  /// A 1-D memref of the element type.
  mlir::Value buffer;
  mlir::Value row0, col0;
  int64_t rows = 0, cols = 0;
  /// Panel width (ColumnPanels) and vector lanes.
  int64_t panel = 1, lanes = 1;
};

/// One input operand of the blocked GEMM seen as a matrix (A: M x K, B:
/// K x N): a 2-D memref, transposed or not, or a virtual matrix that the
/// packing routines compute from other buffers (im2col of a convolution's
/// input). Packing reads a source through pack() when it has a specialized
/// routine, else through vector() (rows contiguous) or scalar() (a
/// transposed memref); unpacked, the micro-kernel reads it directly.
class GemmMatrixSource {
public:
  virtual ~GemmMatrixSource();

  /// `lanes` elements of row `row` from column `col`; lanes at and past
  /// `live` are zero and read nothing.
  virtual mlir::Value vector(KernelBuilder &kb, mlir::Value row,
                             mlir::Value col, int64_t lanes,
                             int64_t live) const = 0;
  /// Element (row, col).
  virtual mlir::Value scalar(KernelBuilder &kb, mlir::Value row,
                             mlir::Value col) const = 0;
  /// The 2-D memref of a plain source; null for a virtual one.
  virtual mlir::Value memref() const { return {}; }
  /// Whether memref() holds the matrix transposed (columns contiguous).
  virtual bool transposed() const { return false; }
  /// Packs one block with a routine specialized to the source; returns false
  /// (emitting nothing) to let the generator use its generic packing.
  virtual bool pack(KernelBuilder &, const GemmPackedBlock &) const {
    return false;
  }
};

/// A 2-D memref as a matrix source; `transposed` when it stores the matrix
/// transposed (A as K x M, B as N x K).
class MemRefMatrixSource final : public GemmMatrixSource {
public:
  MemRefMatrixSource(mlir::Value memref, bool transposed)
      : stored(memref), isTransposed(transposed) {}
  mlir::Value vector(KernelBuilder &kb, mlir::Value row, mlir::Value col,
                     int64_t lanes, int64_t live) const override;
  mlir::Value scalar(KernelBuilder &kb, mlir::Value row,
                     mlir::Value col) const override;
  mlir::Value memref() const override { return stored; }
  bool transposed() const override { return isTransposed; }

private:
  mlir::Value stored;
  bool isTransposed;
};

/// Emits C += A * B with register and cache blocking and packing.
void emitBlockedGemm(mlir::OpBuilder &builder, mlir::Location loc,
                     const GemmOperands &operands, const GemmWorkload &w,
                     const BlockedGemmParams &params, const TargetDesc &target);

/// Emits C += A * B with the blocked algorithm, A and B read through matrix
/// sources and C a 2-D memref (view) of the element type. The workload gives
/// M, N and K (its transposition flags are the sources' business). Virtual
/// sources should be packed (packA / packB = 1): unpacked, the micro-kernel
/// reads them through vector() / scalar() at every k step.
/// With `epilogue`, C's final values (after the last kc block) go through
/// it; its index map takes C's (row, column) indices.
void emitBlockedGemm(mlir::OpBuilder &builder, mlir::Location loc,
                     const GemmMatrixSource &a, const GemmMatrixSource &b,
                     mlir::Value c, const GemmWorkload &w,
                     const BlockedGemmParams &params, const TargetDesc &target,
                     const Epilogue *epilogue = nullptr);

/// Emits the 2-D kernel for one matrix of a (batch) matmul.
using Gemm2DEmitter = llvm::function_ref<void(mlir::OpBuilder &, mlir::Location,
                                              const GemmOperands &)>;

/// Replaces a linalg matmul/batch_matmul on memrefs with a loop over the
/// batch (if any) around `emit2D`, and erases the op.
mlir::LogicalResult replaceGemmOp(mlir::RewriterBase &rewriter,
                                  mlir::Operation *op, const GemmWorkload &w,
                                  Gemm2DEmitter emit2D,
                                  bool fuseEpilogue = false);

/// The 2-D matrix `batch` of a 3-D memref, as a rank-reduced subview.
mlir::Value matrixOfBatch(mlir::OpBuilder &builder, mlir::Location loc,
                          mlir::Value memref, mlir::Value batch);

/// Generator entry points, one per algorithm (see GeneratorFn).
/// C += A * B by broadcast vectorization.
extern const GeneratorFn generateBroadcastGemm;
/// C += A * B with register and cache blocking and packing (emitBlockedGemm).
extern const GeneratorFn generateBlockedGemm;
/// C += A * B^T as dot products along K.
extern const GeneratorFn generateDotGemm;
/// bf16 C += A * B on AMX tiles (TDPBF16PS).
extern const GeneratorFn generateAmxGemm;

} // namespace autoconfig

#endif
