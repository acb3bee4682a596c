//===- OneDnnGemmPeer.cpp - oneDNN (dnnl_sgemm) ---------------------------===//

#include "autoconfig/Bench/Peer.h"

#include <dlfcn.h>
#include <dnnl.h>

namespace autoconfig {
namespace {

/// oneDNN's OpenMP build (Debian) uses libgomp: its thread count is set
/// through libgomp, not through the libomp our generated code uses. False if
/// libgomp is not in the process.
bool setGompThreads(unsigned threads) {
  if (void *gomp = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD))
    if (auto set = reinterpret_cast<void (*)(int)>(
            dlsym(gomp, "omp_set_num_threads"))) {
      set(int(threads));
      return true;
    }
  return false;
}

const char *isaName(dnnl_cpu_isa_t isa) {
  switch (isa) {
  case dnnl_cpu_isa_sse41:
    return "sse41";
  case dnnl_cpu_isa_avx:
    return "avx";
  case dnnl_cpu_isa_avx2:
    return "avx2";
  case dnnl_cpu_isa_avx2_vnni:
    return "avx2_vnni";
  case dnnl_cpu_isa_avx512_mic:
    return "avx512_mic";
  case dnnl_cpu_isa_avx512_mic_4ops:
    return "avx512_mic_4ops";
  case dnnl_cpu_isa_avx512_core:
    return "avx512_core";
  case dnnl_cpu_isa_avx512_core_vnni:
    return "avx512_core_vnni";
  case dnnl_cpu_isa_avx512_core_bf16:
    return "avx512_core_bf16";
  case dnnl_cpu_isa_avx512_core_amx:
    return "avx512_core_amx";
  default:
    return "unknown";
  }
}

class OneDnnGemmPeer final : public Peer {
public:
  std::string name() const override { return "onednn"; }

  /// dnnl_sgemm is not a primitive, so it has no implementation name and
  /// ONEDNN_VERBOSE logs nothing for it (2.6); the ISA its JIT kernels are
  /// generated for is what tells them apart.
  std::string note() const override {
    const dnnl_version_t *v = dnnl_version();
    return "dnnl_sgemm (oneDNN " + std::to_string(v->major) + "." +
           std::to_string(v->minor) + "." + std::to_string(v->patch) +
           "), JIT for " + isaName(dnnl_get_effective_cpu_isa()) + ", " +
           std::to_string(threads) + " thread" + (threads == 1 ? "" : "s") +
           " (libgomp)";
  }

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
    if (!setGompThreads(threads))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "cannot set oneDNN's thread count: "
                                     "libgomp is not loaded");
    this->threads = threads;
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

private:
  unsigned threads = 1;
};

PeerRegistration<OneDnnGemmPeer> registration;

} // namespace
} // namespace autoconfig
