//===- Arithmetic.h - Integer helpers of tile and block sizes ---*- C++ -*-===//
//
// The one definition of the rounding divisions every model and generator
// uses for trip counts and padded extents (on LLVM's MathExtras).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_SUPPORT_ARITHMETIC_H
#define AUTOCONFIG_SUPPORT_ARITHMETIC_H

#include "llvm/Support/MathExtras.h"

#include <cstdint>

namespace autoconfig {

/// ceil(a / b) for b > 0: the trip count of a loop over `a` in steps of `b`.
inline int64_t ceilDiv(int64_t a, int64_t b) {
  return llvm::divideCeilSigned(a, b);
}

/// `a` rounded up to a multiple of `b` (b > 0): the padded extent.
inline int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

} // namespace autoconfig

#endif
