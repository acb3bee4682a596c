//===- GemmParams.h - Typed parameters of the matmul algorithms -*- C++ -*-===//
//
// The generators read these structs; the models produce them. Each converts
// from and to the generic Config so that the text form stays the contract.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_GEMMPARAMS_H
#define AUTOCONFIG_MODEL_GEMMPARAMS_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Model/ParamTable.h"

#include "llvm/Support/Error.h"

#include <cstdint>

namespace autoconfig {

/// Broadcast vectorization (the Buddy Compiler's matmul vectorization): for
/// each row i and each k, broadcast A[i,k] and FMA it into C[i, j:j+vl]; a
/// ui x uj register tile of C vectors, no packing.
struct BroadcastGemmParams : DeclaredParams<BroadcastGemmParams> {
  static constexpr llvm::StringLiteral kName = "broadcast";
  /// What the algorithm does, in a line (`autoconfig algorithms`).
  static constexpr llvm::StringLiteral kSummary =
      "broadcast vectorization: broadcast A[i,k], FMA into a ui x uj "
      "register tile of C rows, no packing";
  /// Vector lanes.
  int64_t vl = 8;
  /// Rows of C per register tile.
  int64_t ui = 1;
  /// Vectors of C per row in the register tile.
  int64_t uj = 1;
  /// Unroll factor of the k loop.
  int64_t ku = 1;
  /// N tail: 1 = masked vector ops, 0 = scalar remainder.
  int64_t mask = 1;
  int64_t threads = 1;

  static llvm::ArrayRef<ParamDecl<BroadcastGemmParams>> decls();
};

/// Register-blocked GEMM with cache blocking and packing (Goto and van de
/// Geijn, "Anatomy of High-Performance Matrix Multiplication", TOMS 2008;
/// the BLIS loop structure of Van Zee and van de Geijn, TOMS 2015):
///
///   for jc in N step nc            (parallel over threads)
///     for pc in K step kc          pack B[pc:+kc, jc:+nc] into nr-wide panels
///       for ic in M step mc        pack A[ic:+mc, pc:+kc] into mr-tall panels
///         for jr in nc step nr
///           for ir in mc step mr   mr x nr register tile, kc rank-1 updates
struct BlockedGemmParams : DeclaredParams<BlockedGemmParams> {
  static constexpr llvm::StringLiteral kName = "blocked";
  /// What the algorithm does, in a line (`autoconfig algorithms`).
  static constexpr llvm::StringLiteral kSummary =
      "register-blocked micro-kernel with kc/mc/nc cache blocking and "
      "packed A and B panels (Goto/BLIS)";
  int64_t vl = 16;
  /// Rows of the register tile.
  int64_t mr = 6;
  /// Columns of the register tile (a multiple of vl).
  int64_t nr = 64;
  int64_t kc = 128, mc = 96, nc = 2048;
  /// Unroll factor of the micro-kernel's k loop.
  int64_t ku = 4;
  /// Pack A (mr-tall panels) and B (nr-wide panels) into contiguous buffers.
  int64_t packA = 1, packB = 1;
  /// Software prefetch distance of A in k iterations (0 = none).
  int64_t prefetch = 0;
  /// Threads over the jc blocks.
  int64_t threads = 1;

  static llvm::ArrayRef<ParamDecl<BlockedGemmParams>> decls();
};

/// Dot-product form for transposed B (and GEMV-like shapes): C[i,j] is a dot
/// product of row i of A and row j of B^T, both contiguous along K; a ui x uj
/// block of vector accumulators along K, reduced horizontally at the end.
struct DotGemmParams : DeclaredParams<DotGemmParams> {
  static constexpr llvm::StringLiteral kName = "dot";
  /// What the algorithm does, in a line (`autoconfig algorithms`).
  static constexpr llvm::StringLiteral kSummary =
      "dot-product form: rows of A and of B^T as vectors along K, "
      "horizontal reduction per output";
  int64_t vl = 16;
  int64_t ui = 2;
  int64_t uj = 4;
  int64_t ku = 1;
  /// K tail: 1 masked vector, 0 scalar remainder.
  int64_t mask = 1;
  int64_t threads = 1;

  static llvm::ArrayRef<ParamDecl<DotGemmParams>> decls();
};

} // namespace autoconfig

#endif
