//===- Im2colConvParams.h - GEMM-based convolution params -------*- C++ -*-===//
//
// Two convolution algorithms run the blocked GEMM generator and share its
// parameters (same keys, same meaning, on the convolution's equivalent GEMM):
//  - "im2col": im2col fused into the packing of the blocked GEMM, in bounded
//    kc x nc (NCHW, B = im2col of the input) or mc x kc (NHWC, A = im2col)
//    tiles; no full im2col buffer, padding read as zeros.
//  - "gemm1x1": a 1x1, stride-1, unpadded convolution is a GEMM on views of
//    the tensors themselves.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_IM2COLCONVPARAMS_H
#define AUTOCONFIG_MODEL_IM2COLCONVPARAMS_H

#include "autoconfig/Model/AlgorithmModel.h"
#include "autoconfig/Model/GemmParams.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <optional>

namespace autoconfig {

/// The blocked GEMM's parameters under another algorithm name.
template <const llvm::StringLiteral &Name> struct GemmConvParams {
  static constexpr llvm::StringLiteral kName = Name;
  BlockedGemmParams gemm;

  static llvm::Expected<GemmConvParams> fromConfig(const Config &config) {
    if (config.getAlgorithm() != kName.str())
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "config is for '" + config.getAlgorithm() +
                                         "', not '" + kName + "'");
    Config renamed = config;
    renamed.setAlgorithm(BlockedGemmParams::kName.str());
    auto gemm = BlockedGemmParams::fromConfig(renamed);
    if (!gemm)
      return gemm.takeError();
    return GemmConvParams{*gemm};
  }
  Config toConfig() const {
    Config config = gemm.toConfig();
    config.setAlgorithm(kName.str());
    return config;
  }
};

inline constexpr llvm::StringLiteral kIm2colName = "im2col";
inline constexpr llvm::StringLiteral kGemm1x1Name = "gemm1x1";

/// im2col + blocked GEMM (NCHW/FCHW, NHWC/HWCF, NHWC/FHWC).
using Im2colConvParams = GemmConvParams<kIm2colName>;
/// 1x1 convolution as a GEMM with no im2col.
using Gemm1x1ConvParams = GemmConvParams<kGemm1x1Name>;

/// The GEMM a convolution is computed as by `algorithm` ("im2col" or
/// "gemm1x1"), per image for NCHW (batch = images, a loop around the GEMM):
///   NCHW: Y[n] (F x OH*OW) += W (F x C*KH*KW) * Xcol (C*KH*KW x OH*OW)
///   NHWC: Y (N*OH*OW x F) += Xcol (N*OH*OW x KH*KW*C) * W (KH*KW*C x F),
///         W transposed (F x KH*KW*C) for FHWC.
/// std::nullopt for a layout neither handles.
std::optional<GemmWorkload> equivalentGemm(const ConvWorkload &w);

/// Whether im2col builds the equivalent GEMM's B (NCHW) or A (NHWC).
bool im2colPacksB(const ConvWorkload &w);

/// Elements per run of the NHWC im2col packer: a row of the window (KW*C,
/// contiguous in the input with dilation 1) when C is small, so that a run
/// fills vectors; else the C channels of one tap.
int64_t im2colNhwcRunLength(const ConvWorkload &w);

std::unique_ptr<AlgorithmModel> createIm2colConvModel();
std::unique_ptr<AlgorithmModel> createGemm1x1ConvModel();

} // namespace autoconfig

#endif
