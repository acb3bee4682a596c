//===- Im2colOpenBlasPeer.cpp - Convolution as im2col + OpenBLAS sgemm ----===//
//
// The classic baseline (Chellapilla et al., "High Performance Convolutional
// Neural Networks for Document Processing", 2006; Caffe's im2col): per image
// and group, the input patches are copied into a scratch matrix and
// multiplied with the filter by cblas_sgemm, accumulating into the output.
// Both steps are timed; the copy is made even for 1×1 stride-1 layers (where
// Caffe would skip it) so that the peer is the same algorithm on every layer.
//
//   NCHW: out[Fg × OH·OW] += filter[Fg × Cg·KH·KW] · col[Cg·KH·KW × OH·OW]
//   NHWC: out[OH·OW × F]  += col[OH·OW × KH·KW·Cg] · filter[KH·KW·Cg × Fg]
//         (FHWC filters: filter^T)
//
// OpenBLAS is the process's own instance (as for the `openblas` peer), on
// `threads` threads; im2col runs on the calling thread.
//
//===----------------------------------------------------------------------===//

#include "ConvLayouts.h"
#include "DynamicLibrary.h"
#include "autoconfig/Bench/Peer.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace autoconfig {
namespace {

// CBLAS enumerations (netlib cblas.h).
enum { kRowMajor = 101, kNoTrans = 111, kTrans = 112 };
using SgemmFn = void (*)(int, int, int, int, int, int, float, const float *,
                         int, const float *, int, float, float *, int);

/// The range of output positions o in [0, outSize) whose input position
/// o·stride + offset falls inside [0, inSize).
std::pair<int64_t, int64_t> validRange(int64_t outSize, int64_t inSize,
                                       int64_t stride, int64_t offset) {
  int64_t first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int64_t last =
      inSize - 1 - offset < 0 ? -1 : (inSize - 1 - offset) / stride; // incl.
  first = std::min(first, outSize);
  last = std::min(last, outSize - 1);
  return {first, std::max(first, last + 1)};
}

/// col[(c·KH + kh)·KW + kw][oh·OW + ow] for channels [c0, c0 + Cg) of one
/// NCHW image.
void im2colNchw(const ConvWorkload &w, const float *image, int64_t c0,
                float *col) {
  int64_t oh = w.outH(), ow = w.outW(), cg = w.c / w.groups;
  for (int64_t c = 0; c < cg; ++c)
    for (int64_t kh = 0; kh < w.kh; ++kh)
      for (int64_t kw = 0; kw < w.kw; ++kw) {
        const float *plane = image + (c0 + c) * w.h * w.w;
        int64_t colOffset = kw * w.dilationW - w.padLeft;
        auto [owBegin, owEnd] = validRange(ow, w.w, w.strideW, colOffset);
        for (int64_t y = 0; y < oh; ++y, col += ow) {
          int64_t ih = y * w.strideH - w.padTop + kh * w.dilationH;
          if (ih < 0 || ih >= w.h) {
            std::fill(col, col + ow, 0.0f);
            continue;
          }
          const float *row = plane + ih * w.w;
          std::fill(col, col + owBegin, 0.0f);
          if (w.strideW == 1)
            std::memcpy(col + owBegin, row + owBegin + colOffset,
                        (owEnd - owBegin) * sizeof(float));
          else
            for (int64_t x = owBegin; x < owEnd; ++x)
              col[x] = row[x * w.strideW + colOffset];
          std::fill(col + owEnd, col + ow, 0.0f);
        }
      }
}

/// col[oh·OW + ow][(kh·KW + kw)·Cg + c] for channels [c0, c0 + Cg) of one
/// NHWC image.
void im2colNhwc(const ConvWorkload &w, const float *image, int64_t c0,
                float *col) {
  int64_t oh = w.outH(), ow = w.outW(), cg = w.c / w.groups;
  for (int64_t y = 0; y < oh; ++y)
    for (int64_t x = 0; x < ow; ++x)
      for (int64_t kh = 0; kh < w.kh; ++kh) {
        int64_t ih = y * w.strideH - w.padTop + kh * w.dilationH;
        for (int64_t kw = 0; kw < w.kw; ++kw, col += cg) {
          int64_t iw = x * w.strideW - w.padLeft + kw * w.dilationW;
          if (ih < 0 || ih >= w.h || iw < 0 || iw >= w.w)
            std::fill(col, col + cg, 0.0f);
          else
            std::memcpy(col, image + (ih * w.w + iw) * w.c + c0,
                        cg * sizeof(float));
        }
      }
}

class Im2colOpenBlasPeer final : public Peer {
public:
  std::string name() const override { return "im2col_openblas"; }
  std::string library() const override { return "im2col + OpenBLAS"; }
  /// It runs OpenBLAS's own kernel choice: not the strongest where OpenBLAS
  /// misidentifies the CPU (openblas-best forces the core for GEMM).
  PeerRole role() const override { return PeerRole::Default; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    const auto *w = std::get_if<ConvWorkload>(&workload);
    if (!w) {
      whyNot = "convolution peer (GEMM: see openblas)";
      return false;
    }
    if (w->element != ElementKind::F32) {
      whyNot = "run with cblas_sgemm: f32 only";
      return false;
    }
    return true;
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    if (llvm::Error e = load())
      return std::move(e);
    setThreads(int(threads));
    this->threads = threads;
    const auto &w = std::get<ConvWorkload>(workload);
    bool nhwc = isChannelsLast(w);
    int64_t g = w.groups, cg = w.c / g, fg = w.f / g,
            pixels = w.outH() * w.outW(), patch = cg * w.kh * w.kw;
    auto col = std::make_shared<std::vector<float>>(size_t(pixels) * patch);
    const float *input = buffers.operands[0].as<float>();
    const float *filter = buffers.operands[1].as<float>();
    float *output = buffers.operands[2].as<float>();
    SgemmFn gemm = sgemm;
    FilterStrides fs = filterStrides(w);
    int64_t imageSize = w.c * w.h * w.w, outputSize = w.f * pixels;
    if (!nhwc)
      return [=] {
        for (int64_t n = 0; n < w.n; ++n)
          for (int64_t i = 0; i < g; ++i) {
            im2colNchw(w, input + n * imageSize, i * cg, col->data());
            gemm(kRowMajor, kNoTrans, kNoTrans, fg, pixels, patch, 1.0f,
                 filter + i * fs.group, patch, col->data(), pixels, 1.0f,
                 output + n * outputSize + i * fg * pixels, pixels);
          }
      };
    // HWCF filters are K×N with rows of F; FHWC ones N×K (transposed).
    bool fhwc = w.layout == ConvLayout::NhwcFhwc;
    return [=] {
      for (int64_t n = 0; n < w.n; ++n)
        for (int64_t i = 0; i < g; ++i) {
          im2colNhwc(w, input + n * imageSize, i * cg, col->data());
          gemm(kRowMajor, kNoTrans, fhwc ? kTrans : kNoTrans, pixels, fg, patch,
               1.0f, col->data(), patch, filter + i * fs.group,
               fhwc ? patch : w.f, 1.0f, output + n * outputSize + i * fg, w.f);
        }
    };
  }

  std::string note() const override {
    if (!openblas)
      return "";
    return std::string("im2col (1 thread) + cblas_sgemm, both timed; OpenBLAS "
                       "kernel ") +
           (coreName ? coreName() : "unknown") + ", " +
           std::to_string(threads) + " thread" + (threads == 1 ? "" : "s");
  }

private:
  llvm::Error load() {
    if (openblas)
      return llvm::Error::success();
    auto lib = DynamicLibrary::open({"libopenblas.so.0", "libopenblas.so"});
    if (!lib)
      return lib.takeError();
    if (llvm::Error e = lib->bind("cblas_sgemm", sgemm))
      return e;
    if (llvm::Error e = lib->bind("openblas_set_num_threads", setThreads))
      return e;
    coreName = lib->optionalSymbol<const char *(*)()>("openblas_get_corename");
    openblas = std::move(*lib);
    return llvm::Error::success();
  }

  std::optional<DynamicLibrary> openblas;
  SgemmFn sgemm = nullptr;
  void (*setThreads)(int) = nullptr;
  const char *(*coreName)() = nullptr;
  unsigned threads = 1;
};

PeerRegistration<Im2colOpenBlasPeer> registration;

} // namespace
} // namespace autoconfig
