//===- GemmParams.h - Typed parameters of the matmul algorithms -*- C++ -*-===//
//
// The generators read these structs; the models produce them. Each converts
// from and to the generic Config so that the text form stays the contract.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_GEMMPARAMS_H
#define AUTOCONFIG_MODEL_GEMMPARAMS_H

#include "autoconfig/Model/Config.h"

#include "llvm/Support/Error.h"

#include <cstdint>

namespace autoconfig {

/// Broadcast vectorization (the Buddy Compiler's matmul vectorization): for
/// each row i and each k, broadcast A[i,k] and FMA it into C[i, j:j+vl]; a
/// ui x uj register tile of C vectors, no packing.
struct BroadcastGemmParams {
  static constexpr llvm::StringLiteral kName = "broadcast";
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

  static llvm::Expected<BroadcastGemmParams> fromConfig(const Config &config);
  Config toConfig() const;
};

} // namespace autoconfig

#endif
