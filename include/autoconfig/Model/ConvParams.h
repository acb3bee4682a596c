//===- ConvParams.h - Typed convolution parameters --------------*- C++ -*-===//
#ifndef AUTOCONFIG_MODEL_CONVPARAMS_H
#define AUTOCONFIG_MODEL_CONVPARAMS_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Model/ParamTable.h"

#include "llvm/Support/Error.h"

#include <cstdint>

namespace autoconfig {

/// Coefficient broadcasting with strip mining (the Buddy Compiler's
/// convolution vectorization, first built for single-channel image filters),
/// generalized with a register block over output channels: for layouts whose
/// innermost dimension is W (hw, NCHW/FCHW, depthwise NCHW), a tile holds fb
/// output channels x sv vectors of vl output columns; each filter coefficient
/// is broadcast and multiplied into a strip of input row.
struct CbsmConvParams : DeclaredParams<CbsmConvParams> {
  static constexpr llvm::StringLiteral kName = "cbsm";
  /// What the algorithm does, in a line (`autoconfig algorithms`).
  static constexpr llvm::StringLiteral kSummary =
      "coefficient broadcasting with strip mining along output rows "
      "(direct, W innermost), fb output channels per register tile";
  int64_t vl = 16;
  /// Vectors per strip (strip = sv * vl output columns).
  int64_t sv = 4;
  /// Output channels per register tile (1 = the original CB-SM).
  int64_t fb = 1;
  int64_t threads = 1;

  static llvm::ArrayRef<ParamDecl<CbsmConvParams>> decls();
};

} // namespace autoconfig

#endif
