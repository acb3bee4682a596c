//===- DirectConvParams.h - Blocked direct conv params ----------*- C++ -*-===//
//
// Blocked direct convolution for NHWC inputs with output-channel
// vectorization (Zhang, Franchetti and Low, "High Performance Zero-Memory
// Overhead Direct Convolutions", ICML 2018; Georganas et al., "Anatomy of
// High-Performance Deep Learning Convolutions on SIMD Architectures", SC
// 2018). The register tile holds owb output pixels along OW times fv vectors
// of vl output channels:
//
//   parallel for (n, row block of rb output rows)
//     for c0 in C step cb                      input-channel cache block
//       for f0 in F step fv*vl                 output-channel block
//         for oh in the row block, for ow0 in OW step owb
//           acc[owb][fv] = 0
//           for kh, for kw, for c in [c0, c0+cb)
//             acc[j][v] += x[n, ih, iw(j), c] * w[kh, kw, c, f0+v*vl:+vl]
//           y[n, oh, ow0:+owb, f0:+fv*vl] += acc
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_DIRECTCONVPARAMS_H
#define AUTOCONFIG_MODEL_DIRECTCONVPARAMS_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Model/ParamTable.h"
#include "autoconfig/Workload/Workload.h"

#include "llvm/ADT/SmallVector.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>

namespace autoconfig {

class AlgorithmModel;

struct DirectConvParams : DeclaredParams<DirectConvParams> {
  static constexpr llvm::StringLiteral kName = "direct";
  /// What the algorithm does, in a line (`autoconfig algorithms`).
  static constexpr llvm::StringLiteral kSummary =
      "blocked direct convolution for NHWC: owb output pixels x fv "
      "vectors of output channels per register tile, input-channel "
      "cache blocks";
  /// Vector lanes (output channels per vector).
  int64_t vl = 16;
  /// Output pixels along OW per register tile.
  int64_t owb = 6;
  /// Vectors of output channels per register tile.
  int64_t fv = 4;
  /// Input channels per cache block (the filter block kh x kw x cb x fv*vl
  /// is reused across the tiles of a row block).
  int64_t cb = 64;
  /// Output rows per row block (the unit of the thread partition and of the
  /// filter block's reuse).
  int64_t rb = 1;
  int64_t threads = 1;

  static llvm::ArrayRef<ParamDecl<DirectConvParams>> decls();
};

/// A class of register tiles along one NHWC output row, as the direct and
/// depthwise generators emit them: `count` tiles of `pixels` pixels, of which
/// validTaps[kw] read the input at kernel column kw (the others fall in the
/// padding); `border` for peeled tiles (padding or partial); inputColumns
/// distinct input columns are read by its valid taps.
struct NhwcRowTileClass {
  int64_t pixels = 0;
  double count = 0;
  bool border = false;
  int64_t inputColumns = 0;
  llvm::SmallVector<int64_t, 8> validTaps;
};
llvm::SmallVector<NhwcRowTileClass> nhwcRowTileClasses(const ConvWorkload &w,
                                                       int64_t owb);
/// Sum over the output rows of the kernel rows that read the input.
double nhwcKernelRowTaps(const ConvWorkload &w);
/// Input columns a tile of `pixels` output pixels spans along W.
int64_t nhwcTileInputWidth(const ConvWorkload &w, int64_t pixels);
/// Input columns the tiles of one output row span, summed over `tiles`.
double nhwcRowInputColumns(const ConvWorkload &w,
                           llvm::ArrayRef<NhwcRowTileClass> tiles);

/// How the micro-kernel reads the filter, decided once for the model and the
/// generator. Constant weights split into several output-channel blocks are
/// packed at compile time into [F / (fv*vl)][KH][KW][C][fv*vl] (zero-padded):
/// each block is one contiguous stream, which the hardware prefetchers follow
/// and which reaches every cache set, where in place it is rows of fv*vl
/// channels F apart. Otherwise a FHWC filter is packed into a padded HWCF
/// buffer and an HWCF filter is read in place.
enum class DirectFilterLayout { InPlaceHwcf, PaddedHwcf, Blocked };
DirectFilterLayout directFilterLayout(const ConvWorkload &w,
                                      const DirectConvParams &p);
/// Bytes between consecutive (kh, kw, c) rows of fv*vl channels as the
/// micro-kernel reads them in that layout.
int64_t directFilterRowStrideBytes(const ConvWorkload &w,
                                   const DirectConvParams &p);

/// The analysis model of this algorithm (for the Select registry).
std::unique_ptr<AlgorithmModel> createDirectConvModel();

} // namespace autoconfig

#endif
