//===- BFloat16.h - bfloat16 values as their 16 bits ------------*- C++ -*-===//
//
// bfloat16 is the upper half of an IEEE-754 binary32 (1 sign, 8 exponent, 7
// mantissa bits; Intel, "BFLOAT16 - Hardware Numerics Definition", 2018):
// widening appends 16 zero bits, narrowing rounds to nearest even.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_SUPPORT_BFLOAT16_H
#define AUTOCONFIG_SUPPORT_BFLOAT16_H

#include <bit>
#include <cmath>
#include <cstdint>

namespace autoconfig {

struct BFloat16 {
  uint16_t bits = 0;

  static BFloat16 fromFloat(float value) {
    uint32_t word = std::bit_cast<uint32_t>(value);
    if (std::isnan(value)) // keep it a NaN (quiet), whatever its payload
      return {uint16_t((word >> 16) | 0x40)};
    uint32_t roundingBias = 0x7fff + ((word >> 16) & 1);
    return {uint16_t((word + roundingBias) >> 16)};
  }
  float toFloat() const { return std::bit_cast<float>(uint32_t(bits) << 16); }
  operator double() const { return toFloat(); }
};
static_assert(sizeof(BFloat16) == 2);

} // namespace autoconfig

#endif
