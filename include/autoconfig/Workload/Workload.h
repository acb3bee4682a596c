//===- Workload.h - Static description of one matmul or conv op -*- C++ -*-===//
#ifndef AUTOCONFIG_WORKLOAD_WORKLOAD_H
#define AUTOCONFIG_WORKLOAD_WORKLOAD_H

#include "llvm/Support/JSON.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace autoconfig {

/// The element type of a workload's inputs. bf16 inputs accumulate, and are
/// written, in f32; i8 (signed) inputs in i32 (outputElement). I32 is an
/// output type only.
enum class ElementKind { F32, F64, BF16, I8, I32 };

unsigned elementBits(ElementKind kind);
const char *elementName(ElementKind kind);
/// The input element of "f32", "f64", "bf16" or "i8".
std::optional<ElementKind> parseElementKind(llvm::StringRef name);
/// The element type of the output of a workload whose inputs are `input`.
inline ElementKind outputElement(ElementKind input) {
  if (input == ElementKind::BF16)
    return ElementKind::F32;
  return input == ElementKind::I8 ? ElementKind::I32 : input;
}
/// Integer elements: exact accumulation, no rounding.
inline bool isIntegerElement(ElementKind kind) {
  return kind == ElementKind::I8 || kind == ElementKind::I32;
}

/// A size known only at run time: the range it may take there.
struct SizeRange {
  int64_t min = 1, max = 0;
  /// The size declared most likely (0: none declared; the model then
  /// decides over the whole range).
  int64_t likely = 0;
  bool contains(int64_t size) const { return size >= min && size <= max; }
};

/// The range a dynamic size takes without a declared one
/// (docs/dynamic-shapes.md).
inline constexpr SizeRange kDefaultSizeRange{1, 4096};

/// C[b, m, n] += A[b, m, k] * B[b, k, n] with optionally transposed storage
/// of A (K x M) and B (N x K). Strides are in elements, of the stored layout.
struct GemmWorkload {
  std::string name;
  /// The op it was extracted from ("linalg.matmul", "linalg.batch_matmul").
  std::string opName = "linalg.matmul";
  int64_t batch = 1, m = 0, n = 0, k = 0;
  ElementKind element = ElementKind::F32;
  bool transA = false, transB = false;
  /// Leading-dimension strides of the stored operands (row pitch).
  int64_t lda = 0, ldb = 0, ldc = 0;
  bool constA = false, constB = false;
  /// Bytes of constant data the whole program reads between two runs of
  /// this op (all of its constant weights; 0 outside a program): a layer's
  /// weights come back from where that much data lives, not from where
  /// their own size would fit (a network's 45 MB of weights evict each
  /// layer's from the caches before the next inference).
  double weightsReuseBytes = 0;
  /// The ranges of the sizes known only at run time (none: static). Then
  /// m, n and k hold the sizes the model configures for (the likely ones),
  /// within the ranges.
  std::optional<SizeRange> mRange, nRange, kRange;
  bool isDynamic() const { return mRange || nRange || kRange; }

  /// An f32 matmul C(m x n) = A(m x k) B(k x n) on dense row-major storage,
  /// B stored transposed with `transB`.
  static GemmWorkload dense(llvm::StringRef name, int64_t m, int64_t n,
                            int64_t k, bool transB = false);

  double flops() const { return 2.0 * batch * m * n * k; }
  /// Fills lda/ldb/ldc for densely packed row-major storage.
  void setDenseStrides();
  /// "MxNxK" (with "BxMxNxK" for batches) and transposition marks.
  std::string shapeString() const;
};

/// The operand layouts of a convolution: input_filter (the output follows
/// the input), as the linalg op names them; `Hw` is a single-channel 2-D
/// filter (linalg.conv_2d).
enum class ConvLayout { Hw, NchwFchw, NchwChw, NhwcHwcf, NhwcFhwc, NhwcHwc };

/// "hw", "nchw_fchw", "nchw_chw", "nhwc_hwcf", "nhwc_fhwc", "nhwc_hwc".
llvm::StringRef convLayoutName(ConvLayout layout);
/// The layout of that name, if it is one.
std::optional<ConvLayout> parseConvLayout(llvm::StringRef name);
/// Channels innermost (NHWC input).
inline bool isChannelsLast(ConvLayout layout) {
  return layout == ConvLayout::NhwcHwcf || layout == ConvLayout::NhwcFhwc ||
         layout == ConvLayout::NhwcHwc;
}

/// Forward 2-D convolution (NCHW/FCHW or NHWC/HWCF, ...); see Conv module.
struct ConvWorkload {
  std::string name;
  std::string opName;
  int64_t n = 1, c = 1, h = 1, w = 1, f = 1, kh = 1, kw = 1;
  int64_t strideH = 1, strideW = 1, padTop = 0, padLeft = 0, padBottom = 0,
          padRight = 0, dilationH = 1, dilationW = 1, groups = 1;
  ElementKind element = ElementKind::F32;
  ConvLayout layout = ConvLayout::NchwFchw;
  bool constWeights = false;
  /// Bytes of constant data the whole program reads between two runs of
  /// this op (all of its constant weights; 0 outside a program): a layer's
  /// weights come back from where that much data lives, not from where
  /// their own size would fit (a network's 45 MB of weights evict each
  /// layer's from the caches before the next inference).
  double weightsReuseBytes = 0;

  int64_t outH() const {
    return (h + padTop + padBottom - dilationH * (kh - 1) - 1) / strideH + 1;
  }
  int64_t outW() const {
    return (w + padLeft + padRight - dilationW * (kw - 1) - 1) / strideW + 1;
  }
  bool depthwise() const { return groups == c && groups == f && groups > 1; }
  double flops() const {
    return 2.0 * n * f * outH() * outW() * (c / groups) * kh * kw;
  }
  std::string shapeString() const;
};

using Workload = std::variant<GemmWorkload, ConvWorkload>;

inline bool isGemm(const Workload &w) {
  return std::holds_alternative<GemmWorkload>(w);
}
inline bool isConv(const Workload &w) {
  return std::holds_alternative<ConvWorkload>(w);
}
const std::string &workloadName(const Workload &w);
std::string workloadShape(const Workload &w);
double workloadFlops(const Workload &w);
/// The element type of the inputs.
ElementKind workloadElement(const Workload &w);
/// The element type of the output (f32 for bf16 inputs).
inline ElementKind workloadOutputElement(const Workload &w) {
  return outputElement(workloadElement(w));
}
/// "gemm" or "conv".
const char *workloadKind(const Workload &w);

llvm::json::Value toJSON(const GemmWorkload &w);
llvm::json::Value toJSON(const ConvWorkload &w);
llvm::json::Value toJSON(const Workload &w);

} // namespace autoconfig

#endif
