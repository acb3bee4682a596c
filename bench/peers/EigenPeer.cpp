//===- EigenPeer.cpp - Eigen 3.4 matrix product ---------------------------===//
//
// Header-only: the kernels are whatever this file is compiled into, so it is
// compiled with -march=native -O3 (bench/CMakeLists.txt), as a user of Eigen
// would. Eigen 3.4 threads its GEMM only through OpenMP; this file is built
// without it (linking libomp would also capture the GOMP calls of oneDNN and
// BLIS, which are meant for libgomp), so the peer runs on one thread and
// declines other thread counts rather than report a one-thread time for them.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Peer.h"

#include <Eigen/Core>

namespace autoconfig {
namespace {

template <typename T>
std::function<void()> makeCall(const GemmWorkload &w,
                               WorkloadBuffers &buffers) {
  using Matrix =
      Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const T *a = buffers.operands[0].as<T>();
  const T *b = buffers.operands[1].as<T>();
  T *c = buffers.operands[2].as<T>();
  return [=] {
    size_t sizeA = size_t(w.m) * w.k, sizeB = size_t(w.k) * w.n,
           sizeC = size_t(w.m) * w.n;
    for (int64_t i = 0; i < w.batch; ++i) {
      Eigen::Map<const Matrix> A(a + i * sizeA, w.transA ? w.k : w.m,
                                 w.transA ? w.m : w.k);
      Eigen::Map<const Matrix> B(b + i * sizeB, w.transB ? w.n : w.k,
                                 w.transB ? w.k : w.n);
      Eigen::Map<Matrix> C(c + i * sizeC, w.m, w.n);
      if (w.transA && w.transB)
        C.noalias() += A.transpose() * B.transpose();
      else if (w.transA)
        C.noalias() += A.transpose() * B;
      else if (w.transB)
        C.noalias() += A * B.transpose();
      else
        C.noalias() += A * B;
    }
  };
}

/// The widest of Eigen's instruction sets in use, and the next (FMA).
std::string simdSets() {
  std::string all = Eigen::SimdInstructionSetsInUse();
  size_t second = all.find(", ");
  if (second != std::string::npos)
    second = all.find(", ", second + 2);
  return all.substr(0, second);
}

class EigenPeer final : public Peer {
public:
  std::string name() const override { return "eigen"; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    if (!isGemm(workload)) {
      whyNot = "GEMM peer";
      return false;
    }
    return true;
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    if (threads != 1)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "Eigen runs on one thread here (built without OpenMP)");
    const auto &w = std::get<GemmWorkload>(workload);
    if (w.element == ElementKind::F64)
      return makeCall<double>(w, buffers);
    return makeCall<float>(w, buffers);
  }

  std::string note() const override {
    return std::string("Eigen ") + std::to_string(EIGEN_WORLD_VERSION) + "." +
           std::to_string(EIGEN_MAJOR_VERSION) + "." +
           std::to_string(EIGEN_MINOR_VERSION) +
           " GEBP kernel, -march=native (" + simdSets() +
           "), 1 thread (built without OpenMP)";
  }
};

PeerRegistration<EigenPeer> registration;

} // namespace
} // namespace autoconfig
