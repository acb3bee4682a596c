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
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

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

/// AMX tiles (Intel Architecture Instruction Set Extensions Programming
/// Reference, ch. 3): A and B packed into 16 x 32 bf16 tiles (B's of k
/// pairs), C accumulated in tm x tn tiles of 16 x 16 f32 by TDPBF16PS,
///
///   for jc in N step nc              B's block of nc columns, in L2
///    for it in M/16 step tm          (parallel when threads > 1)
///     for jt in jc/16.. step tn
///       for kt in K/32               load tm A and tn B tiles, tm*tn TDPBF16PS
///       C[it.., jt..] += the C tiles (through a 16 x 16 scratch, masked)
///
/// tm*tn + tm + tn of the 8 tile registers.
struct AmxGemmParams : DeclaredParams<AmxGemmParams> {
  static constexpr llvm::StringLiteral kName = "amx";
  /// What the algorithm does, in a line (`autoconfig algorithms`).
  static constexpr llvm::StringLiteral kSummary =
      "AMX tiles: A and B packed into 16x32 bf16 tiles, a tm x tn block of "
      "16x16 f32 C tiles accumulated by TDPBF16PS";
  /// C tiles of the block along M and along N.
  int64_t tm = 2, tn = 2;
  /// Columns of B's block that all row blocks pass over before the next
  /// (a multiple of 16 tn; kept in L2).
  int64_t nc = 512;
  /// Software prefetch of the A and B tiles this many k steps ahead (0:
  /// none).
  int64_t prefetch = 0;
  /// Pack A into tiles (0: tile loads read A in place, rows lda apart; only
  /// where amxReadsAInPlace).
  int64_t packA = 1;
  /// Threads over the row blocks.
  int64_t threads = 1;

  static llvm::ArrayRef<ParamDecl<AmxGemmParams>> decls();
};

/// Whether the amx generator can load A's tiles from A itself: untransposed,
/// and every tile whole (M a multiple of 16, K of 64 bytes: 32 bf16, 64 i8).
inline bool amxReadsAInPlace(const GemmWorkload &w) {
  int64_t tileK = 64 / (elementBits(w.element) / 8);
  return !w.transA && w.m % 16 == 0 && w.k % tileK == 0;
}

/// How many consecutive k the blocked micro-kernel's multiply-add takes per
/// lane, for inputs of `element` in vectors of `vl` f32 accumulators: 2 for
/// bf16 where the target has AVX512-BF16 at that width (vdpbf16ps: lane j
/// += a[2j] b[2j] + a[2j+1] b[2j+1]; Intel SDM), the packed panels then
/// interleaving pairs of k; 1 otherwise (bf16 widened to f32, one FMA per
/// k). The model and the generator both read it.
inline int64_t blockedKGroup(ElementKind element, int64_t vl,
                             const TargetDesc &target) {
  if (element != ElementKind::BF16 || !target.hasFeature("avx512bf16"))
    return 1;
  int64_t bits = vl * 32;
  if (bits == 512)
    return 2;
  return (bits == 256 || bits == 128) && target.hasFeature("avx512vl") ? 2 : 1;
}

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
