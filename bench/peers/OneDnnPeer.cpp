//===- OneDnnPeer.cpp - oneDNN: dnnl_sgemm and the convolution primitive --===//
//
// `onednn` is one peer for both kinds of workload: dnnl_sgemm for an f32
// GEMM (the matmul primitive for bf16 and i8, which dnnl_sgemm does not
// take), the
// convolution primitive at its best for convolutions. `onednn_plain` times
// the same convolution from the plain buffers, reorders included (see
// OneDnnConv.cpp).
//
//===----------------------------------------------------------------------===//

#include "OneDnn.h"

#include <dnnl.h>

namespace autoconfig {
namespace {

/// dnnl_sgemm, batches one matrix at a time.
std::function<void()> prepareGemm(const GemmWorkload &w,
                                  WorkloadBuffers &buffers) {
  char ta = w.transA ? 'T' : 'N', tb = w.transB ? 'T' : 'N';
  dnnl_dim_t lda = w.transA ? w.m : w.k, ldb = w.transB ? w.k : w.n, ldc = w.n;
  size_t strideA = size_t(w.m) * w.k, strideB = size_t(w.k) * w.n,
         strideC = size_t(w.m) * w.n;
  const float *a = buffers.operands[0].as<float>();
  const float *b = buffers.operands[1].as<float>();
  float *c = buffers.operands[2].as<float>();
  return [=] {
    for (int64_t i = 0; i < w.batch; ++i)
      dnnl_sgemm(ta, tb, w.m, w.n, w.k, 1.0f, a + i * strideA, lda,
                 b + i * strideB, ldb, 1.0f, c + i * strideC, ldc);
  };
}

std::string threadsNote(unsigned threads) {
  return std::to_string(threads) + " thread" + (threads == 1 ? "" : "s") +
         " (libgomp)";
}

class OneDnnPeer final : public Peer {
public:
  std::string name() const override { return "onednn"; }
  std::string library() const override { return "oneDNN"; }
  /// dnnl_sgemm is oneDNN's BLAS-like entry point, what a user calling
  /// oneDNN for a GEMM writes first; onednn-prepacked is its strongest.
  PeerRole role() const override { return PeerRole::Default; }
  std::string implementation() const override { return lastImplementation; }

  /// dnnl_sgemm is not a primitive, so it has no implementation name and
  /// ONEDNN_VERBOSE logs nothing for it (2.6); the ISA its JIT kernels are
  /// generated for is what tells them apart.
  std::string note() const override { return lastNote; }

  bool takesElement(ElementKind) const override { return true; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    if (const auto *conv = std::get_if<ConvWorkload>(&workload))
      return onednn::supportsConv(*conv, whyNot);
    const auto &gemm = std::get<GemmWorkload>(workload);
    if (gemm.element == ElementKind::BF16 || gemm.element == ElementKind::I8)
      return onednn::supportsMatmul(gemm, whyNot);
    if (gemm.element != ElementKind::F32) {
      whyNot = "dnnl_sgemm is f32 only";
      return false;
    }
    return true;
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    if (const auto *conv = std::get_if<ConvWorkload>(&workload))
      return onednn::prepareConv(*conv, buffers, threads,
                                 onednn::ConvMode::BestCase, lastNote,
                                 lastImplementation);
    if (!onednn::setGompThreads(threads))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "cannot set oneDNN's thread count: "
                                     "libgomp is not loaded");
    const auto &gemm = std::get<GemmWorkload>(workload);
    if (gemm.element == ElementKind::BF16 || gemm.element == ElementKind::I8)
      return onednn::prepareMatmul(gemm, buffers, threads,
                                   onednn::WeightsMode::AsGiven, lastNote,
                                   lastImplementation);
    lastImplementation = "dnnl_sgemm (" + onednn::versionAndIsa() + ")";
    lastNote = lastImplementation + ", " + threadsNote(threads);
    return prepareGemm(std::get<GemmWorkload>(workload), buffers);
  }

private:
  std::string lastNote, lastImplementation;
};

class OneDnnPlainPeer final : public Peer {
public:
  std::string name() const override { return "onednn_plain"; }
  std::string library() const override { return "oneDNN"; }
  PeerRole role() const override { return PeerRole::Variant; }
  std::string note() const override { return lastNote; }
  std::string implementation() const override { return lastImplementation; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    const auto *conv = std::get_if<ConvWorkload>(&workload);
    if (!conv) {
      whyNot = "convolution peer (GEMM: see onednn)";
      return false;
    }
    return onednn::supportsConv(*conv, whyNot);
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    return onednn::prepareConv(std::get<ConvWorkload>(workload), buffers,
                               threads, onednn::ConvMode::Plain, lastNote,
                               lastImplementation);
  }

private:
  std::string lastNote, lastImplementation;
};

PeerRegistration<OneDnnPeer> registration;
PeerRegistration<OneDnnPlainPeer> plainRegistration;

} // namespace
} // namespace autoconfig
