//===- LibxsmmPeer.cpp - libxsmm JIT-generated matrix kernels -------------===//
//
// libxsmm (1.17, Debian's static build) generates a kernel for one exact
// shape at run time. It is column-major: the row-major C[M,N] += A[M,K]·B[K,N]
// is, read column-major, C'[N,M] += B'[N,K]·A'[K,M] where X' is the buffer of
// X read column-major, so the kernel gets m = N, n = M and B before A.
//
// One kernel covers the whole matrix, with no cache blocking. The other
// paths are not used: the automatic one (libxsmm_sgemm) hands shapes above
// the small-matrix limit to a BLAS, and the tiled one (libxsmm_gemm_handle +
// libxsmm_gemm_thread) ran 127x255x253 seven times slower than one kernel
// here. We link libxsmmnoblas, so that no BLAS can stand in for libxsmm
// unnoticed.
// Threads each run a kernel on their own band of C's rows (pthreadpool).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Peer.h"

#include <libxsmm.h>
#include <pthreadpool.h>

#include <map>
#include <memory>
#include <type_traits>

namespace autoconfig {
namespace {

/// libxsmm's small-matrix range: (M·N·K)^(1/3) <= 64 (libxsmm_config.h).
constexpr double kSmallLimit = double(LIBXSMM_CONFIG_MAX_MNK);

template <typename T> using Kernel = void (*)(const T *, const T *, T *, ...);

/// The kernel for `rows` rows of C (null if libxsmm has none).
template <typename T> Kernel<T> dispatch(const GemmWorkload &w, int64_t rows) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  libxsmm_blasint m = w.n, n = rows, k = w.k;
  // B' is N×K (no flag) if B is K×N row-major; else K×N, transposed.
  libxsmm_blasint lda = w.transB ? w.k : w.n;
  libxsmm_blasint ldb = w.transA ? w.m : w.k;
  libxsmm_blasint ldc = w.n;
  int flags = (w.transB ? LIBXSMM_GEMM_FLAG_TRANS_A : 0) |
              (w.transA ? LIBXSMM_GEMM_FLAG_TRANS_B : 0);
  int prefetch = LIBXSMM_GEMM_PREFETCH_NONE;
  T alpha = 1, beta = 1;
  if constexpr (std::is_same_v<T, float>)
    return libxsmm_smmdispatch(m, n, k, &lda, &ldb, &ldc, &alpha, &beta, &flags,
                               &prefetch);
  else
    return libxsmm_dmmdispatch(m, n, k, &lda, &ldb, &ldc, &alpha, &beta, &flags,
                               &prefetch);
}

void initializeOnce() {
  static bool done = [] {
    libxsmm_init();
    return true;
  }();
  (void)done;
}

/// One prepared workload: kernels per band of rows, and the threads.
template <typename T> struct Plan {
  GemmWorkload w;
  const T *a = nullptr, *b = nullptr;
  T *c = nullptr;
  /// Band p covers rows [rowStart[p], rowStart[p + 1]) of C.
  std::vector<int64_t> rowStart;
  std::vector<Kernel<T>> kernel;
  pthreadpool_t pool = nullptr;

  ~Plan() {
    if (pool)
      pthreadpool_destroy(pool);
  }
  size_t bands() const { return kernel.size(); }

  void runTask(size_t task) const {
    size_t i = task / bands(), p = task % bands();
    int64_t row = rowStart[p];
    const T *batchA = a + i * size_t(w.m) * w.k;
    const T *batchB = b + i * size_t(w.k) * w.n;
    T *batchC = c + i * size_t(w.m) * w.n;
    // Row `row` of A is column `row` of its transposed storage.
    const T *bandA = batchA + (w.transA ? row : row * w.k);
    kernel[p](batchB, bandA, batchC + row * w.n);
  }
  static void task(void *context, size_t index) {
    static_cast<const Plan *>(context)->runTask(index);
  }
  void run() const {
    size_t tasks = size_t(w.batch) * bands();
    if (!pool) {
      for (size_t t = 0; t < tasks; ++t)
        runTask(t);
      return;
    }
    pthreadpool_parallelize_1d(pool, &Plan::task, const_cast<Plan *>(this),
                               tasks, 0);
  }
};

class LibxsmmPeer final : public Peer {
public:
  std::string name() const override { return "libxsmm"; }
  std::string library() const override { return "libxsmm"; }
  PeerRole role() const override { return PeerRole::DefaultAndStrongest; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    const auto *w = std::get_if<GemmWorkload>(&workload);
    if (!w) {
      whyNot = "GEMM peer";
      return false;
    }
    initializeOnce();
    bool found = w->element == ElementKind::F64
                     ? dispatch<double>(*w, w->m) != nullptr
                     : dispatch<float>(*w, w->m) != nullptr;
    if (!found) {
      // Row-major B transposed is libxsmm's TRANS_A, which the 1.17 x86 JIT
      // does not generate.
      whyNot = w->transB ? "libxsmm's JIT generates no kernel for transposed "
                           "B (its column-major A)"
                         : "libxsmm's JIT generates no kernel for this case";
      return false;
    }
    return true;
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    initializeOnce();
    const auto &w = std::get<GemmWorkload>(workload);
    if (w.element == ElementKind::F64)
      return makeCall<double>(w, buffers, threads);
    return makeCall<float>(w, buffers, threads);
  }

  std::string note() const override { return lastNote; }

private:
  template <typename T>
  llvm::Expected<std::function<void()>>
  makeCall(const GemmWorkload &w, WorkloadBuffers &buffers, unsigned threads) {
    auto plan = std::make_shared<Plan<T>>();
    plan->w = w;
    plan->a = buffers.operands[0].as<T>();
    plan->b = buffers.operands[1].as<T>();
    plan->c = buffers.operands[2].as<T>();
    int64_t bands = std::max<int64_t>(1, std::min<int64_t>(threads, w.m));
    std::map<int64_t, Kernel<T>> byRows;
    size_t codeBytes = 0;
    for (int64_t p = 0; p <= bands; ++p)
      plan->rowStart.push_back(w.m * p / bands);
    for (int64_t p = 0; p < bands; ++p) {
      int64_t rows = plan->rowStart[p + 1] - plan->rowStart[p];
      Kernel<T> &k = byRows[rows];
      if (!k) {
        k = dispatch<T>(w, rows);
        if (!k)
          return llvm::createStringError(
              llvm::inconvertibleErrorCode(),
              "libxsmm generated no kernel for %lld rows", (long long)rows);
        libxsmm_kernel_info info;
        if (libxsmm_get_kernel_info(reinterpret_cast<const void *>(k), &info) ==
            EXIT_SUCCESS)
          codeBytes += info.code_size;
      }
      plan->kernel.push_back(k);
    }
    if (threads > 1) {
      plan->pool = pthreadpool_create(threads);
      if (!plan->pool)
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "pthreadpool_create failed");
    }

    double mnk = double(w.m) * double(w.n) * double(w.k);
    lastNote =
        std::string("JIT kernel") + (byRows.size() > 1 ? "s" : "") +
        " (libxsmm_" + (std::is_same_v<T, float> ? "s" : "d") +
        "mmdispatch, target " + libxsmm_get_target_arch() + ", " +
        std::to_string((codeBytes + 512) / 1024) +
        " KiB of code) over the whole K, no BLAS fallback; " +
        (bands > 1 ? "C's rows in " + std::to_string(bands) + " bands on " +
                         std::to_string(threads) + " threads (pthreadpool)"
                   : std::string("1 thread"));
    if (mnk > kSmallLimit)
      lastNote += "; M*N*K above libxsmm's small-matrix range (64^3): one "
                  "kernel, no cache blocking";
    return [plan] { plan->run(); };
  }

  std::string lastNote;
};

PeerRegistration<LibxsmmPeer> registration;

} // namespace
} // namespace autoconfig
