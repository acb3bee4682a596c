//===- DepthwiseConvParams.h - Parameters of the depthwise conv -*- C++ -*-===//
//
// Depthwise convolution in NHWC vectorized along channels: a register tile of
// owb output pixels along OW times cv vectors of vl channels; for each filter
// tap, cv filter vectors and owb x cv input vectors (no broadcast), one FMA
// per accumulator.
//
//   parallel for (n, oh)
//     for c0 in C step cv*vl, for ow0 in OW step owb
//       acc[owb][cv] = y[n, oh, ow0:+owb, c0:+cv*vl]
//       for kh, kw
//         acc[j][v] += x[n, ih, iw(j), c0+v*vl:+vl] * w[kh, kw, c0+v*vl:+vl]
//       y[...] = acc
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_DEPTHWISECONVPARAMS_H
#define AUTOCONFIG_MODEL_DEPTHWISECONVPARAMS_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Model/ParamTable.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>

namespace autoconfig {

class AlgorithmModel;

struct DepthwiseConvParams : DeclaredParams<DepthwiseConvParams> {
  static constexpr llvm::StringLiteral kName = "depthwise";
  /// What the algorithm does, in a line (`autoconfig algorithms`).
  static constexpr llvm::StringLiteral kSummary =
      "depthwise NHWC convolution vectorized along channels: owb "
      "pixels x cv channel vectors per register tile";
  /// Vector lanes (channels per vector).
  int64_t vl = 16;
  /// Output pixels along OW per register tile.
  int64_t owb = 4;
  /// Vectors of channels per register tile.
  int64_t cv = 2;
  int64_t threads = 1;

  static llvm::ArrayRef<ParamDecl<DepthwiseConvParams>> decls();
};

/// The analysis model of this algorithm (for the Select registry).
std::unique_ptr<AlgorithmModel> createDepthwiseConvModel();

} // namespace autoconfig

#endif
