//===- ConvLayouts.cpp - Operand layouts of convolution workloads ---------===//

#include "ConvLayouts.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>

namespace autoconfig {

bool isChannelsLast(const ConvWorkload &w) { return isChannelsLast(w.layout); }

static ActivationStrides activation(const ConvWorkload &w, int64_t channels,
                                    int64_t height, int64_t width) {
  if (isChannelsLast(w))
    return {height * width * channels, 1, width * channels, channels};
  return {channels * height * width, height * width, width, 1};
}

ActivationStrides inputStrides(const ConvWorkload &w) {
  return activation(w, w.c, w.h, w.w);
}

ActivationStrides outputStrides(const ConvWorkload &w) {
  return activation(w, w.f, w.outH(), w.outW());
}

FilterStrides filterStrides(const ConvWorkload &w) {
  int64_t cg = w.c / w.groups, fg = w.f / w.groups;
  ConvLayout layout = w.layout;
  // Same offsets as the reference (lib/Bench/Reference.cpp filterOffset).
  if (layout == ConvLayout::NhwcHwcf ||
      layout == ConvLayout::NhwcHwc) // KH×KW×Cg×F
    return {fg, 1, w.f, w.kw * cg * w.f, cg * w.f};
  if (layout == ConvLayout::NhwcFhwc) // F×KH×KW×Cg
    return {fg * w.kh * w.kw * cg, w.kh * w.kw * cg, 1, w.kw * cg, cg};
  // "hw", "nchw_fchw", "nchw_chw": F×Cg×KH×KW
  return {fg * cg * w.kh * w.kw, cg * w.kh * w.kw, w.kh * w.kw, w.kw, 1};
}

void packFilterGohwi(const ConvWorkload &w, const float *filter, float *dst) {
  FilterStrides s = filterStrides(w);
  int64_t cg = w.c / w.groups, fg = w.f / w.groups;
  for (int64_t g = 0; g < w.groups; ++g)
    for (int64_t o = 0; o < fg; ++o)
      for (int64_t kh = 0; kh < w.kh; ++kh)
        for (int64_t kw = 0; kw < w.kw; ++kw)
          for (int64_t c = 0; c < cg; ++c)
            *dst++ = filter[g * s.group + o * s.out + c * s.in + kh * s.kh +
                            kw * s.kw];
}

void transposePlane(const float *src, size_t rows, size_t cols, float *dst,
                    bool accumulate) {
  // 16×16 tiles: a tile of source rows and one of destination rows (64 bytes
  // each) stay in L1 while the tile is copied.
  constexpr size_t kTile = 16;
  for (size_t r0 = 0; r0 < rows; r0 += kTile)
    for (size_t c0 = 0; c0 < cols; c0 += kTile) {
      size_t r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
      for (size_t c = c0; c < c1; ++c) {
        float *out = dst + c * rows;
        if (accumulate)
          for (size_t r = r0; r < r1; ++r)
            out[r] += src[r * cols + c];
        else
          for (size_t r = r0; r < r1; ++r)
            out[r] = src[r * cols + c];
      }
    }
}

} // namespace autoconfig
