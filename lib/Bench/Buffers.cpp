//===- Buffers.cpp - Aligned operand buffers for benchmarks ---------------===//

#include "autoconfig/Bench/Buffers.h"

#include <cstring>
#include <random>

namespace autoconfig {

AlignedBuffer::AlignedBuffer(size_t count, size_t elementBytes)
    : count(count), elementBytes(elementBytes) {
  size_t bytes = (count * elementBytes + 63) / 64 * 64;
  storage.reset(std::aligned_alloc(64, bytes ? bytes : 64));
}

void AlignedBuffer::fillRandom(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  if (elementBytes == 8) {
    double *p = as<double>();
    for (size_t i = 0; i < count; ++i)
      p[i] = dist(rng);
  } else if (elementBytes == 2) {
    BFloat16 *p = as<BFloat16>();
    for (size_t i = 0; i < count; ++i)
      p[i] = BFloat16::fromFloat(float(dist(rng)));
  } else {
    float *p = as<float>();
    for (size_t i = 0; i < count; ++i)
      p[i] = float(dist(rng));
  }
}

void AlignedBuffer::fillRandomIntegers(uint64_t seed, int32_t lo, int32_t hi) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int32_t> dist(lo, hi);
  for (size_t i = 0; i < count; ++i) {
    if (elementBytes == 1)
      as<int8_t>()[i] = int8_t(dist(rng));
    else
      as<int32_t>()[i] = dist(rng);
  }
}

void AlignedBuffer::fillZero() { std::memset(data(), 0, bytes()); }

void AlignedBuffer::copyFrom(const AlignedBuffer &other) {
  std::memcpy(data(), other.data(), std::min(bytes(), other.bytes()));
}

} // namespace autoconfig
