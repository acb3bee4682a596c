//===- WinogradConvParams.h - Winograd convolution: parameters, transforms -*-
// C++ -*-===//
//
// Winograd minimal filtering F(m x m, 3 x 3) (Lavin and Gray, "Fast
// Algorithms for Convolutional Neural Networks", CVPR 2016): each output tile
// of m x m pixels is Y = A^T [ (G g G^T) . (B^T d B) ] A, where d is the
// (m+2) x (m+2) input tile, g the 3 x 3 filter and . the elementwise product.
// Summed over input channels, the (m+2)^2 elementwise products become
// (m+2)^2 independent matrix products M_xi = V_xi U_xi (tiles x C times
// C x F), computed by a register-blocked micro-kernel.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_WINOGRADCONVPARAMS_H
#define AUTOCONFIG_MODEL_WINOGRADCONVPARAMS_H

#include "autoconfig/Model/AlgorithmModel.h"
#include "autoconfig/Model/Config.h"
#include "autoconfig/Model/ParamTable.h"
#include "autoconfig/Workload/Workload.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace autoconfig {

/// Loop structure (see CodeGen/WinogradConv.cpp):
///
///   U[xi][F/nr panels][C][nr] = G g G^T        (at compile time for constant
///                                               weights, else once per call)
///   for each block of tbh x tbw tiles          (parallel over threads)
///     V[xi][tile][C] = B^T d B                 vectors over vl channels
///     for each block of nc filters
///       for xi, for kc channels, for nr filters, for mr tiles:
///         M[xi][tile][f] (+)= sum_c V[xi][tile][c] U[xi][c][f]
///       y[tile pixels][f] += A^T M A           vectors over vl filters
struct WinogradConvParams : DeclaredParams<WinogradConvParams> {
  static constexpr llvm::StringLiteral kName = "winograd";
  /// What the algorithm does, in a line (`autoconfig algorithms`).
  static constexpr llvm::StringLiteral kSummary =
      "Winograd F(2x2,3x3) / F(4x4,3x3): transformed tiles, batched "
      "register-blocked GEMMs, vectors over channels and filters";
  /// Output tile m x m: F(2x2, 3x3) or F(4x4, 3x3).
  int64_t m = 4;
  /// Vector lanes over channels (input transform) and filters (GEMM, output).
  int64_t vl = 16;
  /// Tile block: tile rows x tile columns transformed together.
  int64_t tbh = 2, tbw = 8;
  /// Register tile of the batched GEMMs: mr tiles x nr filters.
  int64_t mr = 6, nr = 32;
  /// Filters per block of the GEMMs (bounds the transformed output M).
  int64_t nc = 64;
  /// Channels per reduction block (the U micro-panel kept in L1).
  int64_t kc = 128;
  /// Unroll factor of the reduction loop.
  int64_t ku = 2;
  int64_t threads = 1;

  int64_t alpha() const { return m + 2; }
  static llvm::ArrayRef<ParamDecl<WinogradConvParams>> decls();
};

/// The transforms of F(m, 3) in 1-D, row-major: A^T (m x alpha), G (alpha x
/// 3), B^T (alpha x alpha), alpha = m + 2. Built by the Cook-Toom
/// construction from the interpolation points 0, 1, -1 (, 2, -2) and infinity
/// (Lavin and Gray 2016, section 4; Barabasz et al., "Error Analysis and
/// Improving the Accuracy of Winograd Convolution for Deep Neural Networks",
/// ACM TOMS 2020, section 3).
/// The blocking a config gives a workload, clamped to it: tiles, tile
/// blocks, padded channels and filter panels. The model and the generator
/// both read it, so that a prediction counts the tiles the code computes.
struct WinogradGeometry {
  WinogradGeometry(const ConvWorkload &w, const WinogradConvParams &p);

  /// Input tile edge (m + 2) and its square.
  int64_t alpha, a2;
  int64_t oh, ow;
  /// Output tiles along H and W, and per block.
  int64_t tilesH, tilesW, tbh, tbw, tb;
  /// Tile blocks along H and W, and over the batch.
  int64_t blocksH, blocksW, blocks;
  /// Channels padded to vectors; filter panels of nr and filters padded.
  int64_t cPad, panels, fPad;
  /// GEMM blocking clamped to the workload; filter vectors.
  int64_t nc, kc, fVectors;
  /// Tiles computed (blocks x tb) and those that hold outputs.
  double computedTiles, usefulTiles;
};

struct WinogradTransforms {
  int64_t m = 0, alpha = 0;
  std::vector<double> at, g, bt;
  double atAt(int64_t i, int64_t j) const { return at[i * alpha + j]; }
  double gAt(int64_t i, int64_t j) const { return g[i * 3 + j]; }
  double btAt(int64_t i, int64_t j) const { return bt[i * alpha + j]; }
};
/// The transforms for m = 2 or 4 (others: any m >= 1 with the points
/// 0, 1, -1, 2, -2, ... in that order).
WinogradTransforms winogradTransforms(int64_t m);

/// How y = T x (T: rows x cols constant) is evaluated with few vector ops:
/// optional pre-combined inputs x_a +- x_b, partial sums of inputs, each
/// output one partial or the sum/difference of two. Rows of points p and -p
/// share their even and odd parts (y_p = E + O, y_-p = E - O: B^T and G);
/// columns of points p and -p are combined first (A^T); every sum starts
/// from a term of coefficient 1 when it has one (no multiply). The generator
/// emits exactly these ops; the model counts them.
struct TransformPlan {
  struct PreCombined {
    /// Input cols + index = x[a] + sign * x[b].
    int64_t a = 0, b = 0;
    double sign = 1;
  };
  std::vector<PreCombined> preCombined;
  struct Partial {
    /// (coefficient, input index), in evaluation order.
    std::vector<std::pair<double, int64_t>> terms;
  };
  struct Output {
    /// out = signA * partials[a] (+ signB * partials[b] when b >= 0).
    int64_t a = 0, b = -1;
    double signA = 1, signB = 1;
  };
  std::vector<Partial> partials;
  std::vector<Output> outputs;

  /// Vector ops of one evaluation (adds, subtractions, FMAs, multiplies,
  /// negations).
  int64_t ops() const;
};
TransformPlan planTransform(llvm::ArrayRef<double> matrix, int64_t rows,
                            int64_t cols);

/// Vector ops of out = L in R^T (in: rows x cols; L: outRows x rows; R:
/// outCols x cols) evaluated as two passes of planned 1-D transforms.
int64_t sandwichOps(llvm::ArrayRef<double> left, int64_t outRows, int64_t rows,
                    llvm::ArrayRef<double> right, int64_t outCols,
                    int64_t cols);

/// Expected largest normalized error |y - y_ref| / (sum |x||w| + |y0|) of
/// F(m x m, 3 x 3) on the workload, for random inputs: measured growth
/// factors, see WinogradConvModel.cpp.
double winogradExpectedError(const ConvWorkload &w, int64_t m);

std::unique_ptr<AlgorithmModel> createWinogradConvModel();

} // namespace autoconfig

#endif
