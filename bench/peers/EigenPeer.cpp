//===- EigenPeer.cpp - Eigen 3.4 matrix product and image convolution -----===//
//
// Header-only: the kernels are whatever this file is compiled into, so it is
// compiled with -march=native -O3 (bench/CMakeLists.txt), as a user of Eigen
// would.
//
// GEMM: Eigen 3.4 threads its GEMM only through OpenMP; this file is built
// without it (linking libomp would also capture the GOMP calls of oneDNN and
// BLIS, which are meant for libgomp), so GEMM runs on one thread and declines
// other thread counts rather than report a one-thread time for them.
//
// Convolution: single-channel image filters (layout "hw") with the Tensor
// module's convolve(), which computes the valid-region correlation (no kernel
// flip), accumulated with `+=`; zero padding, if any, is Eigen's pad()
// evaluated into a scratch image inside the timed call. The Tensor module
// threads through its own ThreadPoolDevice, so it runs on `threads` threads.
//
//===----------------------------------------------------------------------===//

#define EIGEN_USE_THREADS

#include "autoconfig/Bench/Peer.h"

#include <Eigen/Core>
#include <unsupported/Eigen/CXX11/Tensor>

#include <memory>

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

/// output += correlate(pad(input), filter) for one single-channel image on
/// `device`, which must outlive the call.
template <typename T, typename Device>
std::function<void()> makeImageConv(const ConvWorkload &w,
                                    WorkloadBuffers &buffers,
                                    const Device &device) {
  using Image = Eigen::Tensor<T, 2, Eigen::RowMajor>;
  Eigen::TensorMap<const Image> input(buffers.operands[0].as<T>(), w.h, w.w);
  Eigen::TensorMap<const Image> filter(buffers.operands[1].as<T>(), w.kh, w.kw);
  Eigen::TensorMap<Image> output(buffers.operands[2].as<T>(), w.outH(),
                                 w.outW());
  Eigen::array<Eigen::Index, 2> dims{0, 1};
  bool padded = w.padTop || w.padBottom || w.padLeft || w.padRight;
  if (!padded)
    return [=, &device]() mutable {
      output.device(device) += input.convolve(filter, dims);
    };
  Eigen::array<std::pair<Eigen::Index, Eigen::Index>, 2> pads{
      std::pair<Eigen::Index, Eigen::Index>{w.padTop, w.padBottom},
      std::pair<Eigen::Index, Eigen::Index>{w.padLeft, w.padRight}};
  auto scratch = std::make_shared<Image>(w.h + w.padTop + w.padBottom,
                                         w.w + w.padLeft + w.padRight);
  return [=, &device]() mutable {
    scratch->device(device) = input.pad(pads);
    output.device(device) += scratch->convolve(filter, dims);
  };
}

/// The device of a prepared convolution: Eigen's default (the calling
/// thread) for one thread, a thread pool for more.
struct ConvDevices {
  explicit ConvDevices(unsigned threads)
      : pool(threads > 1 ? std::make_unique<Eigen::ThreadPool>(threads)
                         : nullptr),
        poolDevice(pool ? std::make_unique<Eigen::ThreadPoolDevice>(pool.get(),
                                                                    threads)
                        : nullptr) {}
  std::unique_ptr<Eigen::ThreadPool> pool;
  std::unique_ptr<Eigen::ThreadPoolDevice> poolDevice;
  Eigen::DefaultDevice defaultDevice;
};

template <typename T>
std::function<void()> makeImageConv(const ConvWorkload &w,
                                    WorkloadBuffers &buffers,
                                    unsigned threads) {
  auto devices = std::make_shared<ConvDevices>(threads);
  std::function<void()> call =
      devices->poolDevice
          ? makeImageConv<T>(w, buffers, *devices->poolDevice)
          : makeImageConv<T>(w, buffers, devices->defaultDevice);
  // The call refers to the device: keep it alive with the call.
  return [devices, call] { call(); };
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
  std::string library() const override { return "Eigen"; }
  PeerRole role() const override { return PeerRole::DefaultAndStrongest; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    if (const auto *conv = std::get_if<ConvWorkload>(&workload);
        conv && conv->layout != ConvLayout::Hw) {
      whyNot = "single-channel image filters (layout hw) only";
      return false;
    }
    return true;
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    if (const auto *conv = std::get_if<ConvWorkload>(&workload)) {
      lastNote = version() + " Tensor convolve() (valid correlation, +=" +
                 std::string(conv->padTop || conv->padBottom || conv->padLeft ||
                                     conv->padRight
                                 ? ", padding by pad() timed"
                                 : "") +
                 "), -march=native (" + simdSets() + "), " +
                 std::to_string(threads) +
                 (threads == 1 ? " thread (DefaultDevice)"
                               : " threads (ThreadPoolDevice)");
      if (conv->element == ElementKind::F64)
        return makeImageConv<double>(*conv, buffers, threads);
      return makeImageConv<float>(*conv, buffers, threads);
    }
    if (threads != 1)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "Eigen's GEMM runs on one thread here (built without OpenMP)");
    lastNote = version() + " GEBP kernel, -march=native (" + simdSets() +
               "), 1 thread (built without OpenMP)";
    const auto &w = std::get<GemmWorkload>(workload);
    if (w.element == ElementKind::F64)
      return makeCall<double>(w, buffers);
    return makeCall<float>(w, buffers);
  }

  std::string note() const override { return lastNote; }

private:
  static std::string version() {
    return std::string("Eigen ") + std::to_string(EIGEN_WORLD_VERSION) + "." +
           std::to_string(EIGEN_MAJOR_VERSION) + "." +
           std::to_string(EIGEN_MINOR_VERSION);
  }

  std::string lastNote;
};

PeerRegistration<EigenPeer> registration;

} // namespace
} // namespace autoconfig
