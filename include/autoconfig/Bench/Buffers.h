//===- Buffers.h - Aligned operand buffers for benchmarks -------*- C++ -*-===//
#ifndef AUTOCONFIG_BENCH_BUFFERS_H
#define AUTOCONFIG_BENCH_BUFFERS_H

#include "autoconfig/Support/BFloat16.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace autoconfig {

/// A 64-byte aligned array of `count` elements of `elementBytes` each.
class AlignedBuffer {
public:
  AlignedBuffer() = default;
  AlignedBuffer(size_t count, size_t elementBytes);

  void *data() { return storage.get(); }
  const void *data() const { return storage.get(); }
  template <typename T> T *as() { return static_cast<T *>(data()); }
  template <typename T> const T *as() const {
    return static_cast<const T *>(data());
  }
  size_t size() const { return count; }
  size_t bytes() const { return count * elementBytes; }
  size_t elementSize() const { return elementBytes; }
  /// Element `i` of an f32, f64 or (2-byte elements) bf16 buffer, widened.
  double elementAsDouble(size_t i) const {
    if (elementBytes == 2)
      return as<BFloat16>()[i];
    return elementBytes == 8 ? as<double>()[i] : double(as<float>()[i]);
  }

  /// Uniform values in [-1, 1) from a fixed seed (reproducible runs); a
  /// bf16 buffer holds them rounded to bf16.
  void fillRandom(uint64_t seed);
  /// Uniform integers in [lo, hi] from a fixed seed, as int8 (1-byte
  /// elements) or int32 (4-byte elements).
  void fillRandomIntegers(uint64_t seed, int32_t lo, int32_t hi);
  void fillZero();
  void copyFrom(const AlignedBuffer &other);

private:
  struct Free {
    void operator()(void *p) const { std::free(p); }
  };
  std::unique_ptr<void, Free> storage;
  size_t count = 0;
  size_t elementBytes = 4;
};

} // namespace autoconfig

#endif
