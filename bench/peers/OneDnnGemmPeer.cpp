//===- OneDnnGemmPeer.cpp - oneDNN (dnnl_sgemm) ---------------------------===//

#include "autoconfig/Bench/Peer.h"

#include <dlfcn.h>
#include <dnnl.h>

namespace autoconfig {
namespace {

/// oneDNN's OpenMP build (Debian) uses libgomp: its thread count is set
/// through libgomp, not through the libomp our generated code uses.
void setGompThreads(unsigned threads) {
  if (void *gomp = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD))
    if (auto set =
            reinterpret_cast<void (*)(int)>(dlsym(gomp, "omp_set_num_threads")))
      set(int(threads));
}

class OneDnnGemmPeer final : public Peer {
public:
  std::string name() const override { return "onednn"; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    const auto *w = std::get_if<GemmWorkload>(&workload);
    if (!w) {
      whyNot = "GEMM peer";
      return false;
    }
    if (w->element != ElementKind::F32) {
      whyNot = "dnnl_sgemm is f32 only";
      return false;
    }
    return true;
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    setGompThreads(threads);
    const auto w = std::get<GemmWorkload>(workload);
    char ta = w.transA ? 'T' : 'N', tb = w.transB ? 'T' : 'N';
    dnnl_dim_t lda = w.transA ? w.m : w.k, ldb = w.transB ? w.k : w.n,
               ldc = w.n;
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
};

PeerRegistration<OneDnnGemmPeer> registration;

} // namespace
} // namespace autoconfig
