//===- OneDnnMatmulPeer.cpp - oneDNN's matmul primitive, operands as given ===//
//
// `onednn-matmul`: the matmul primitive (brgemm where the CPU has it) on A
// and B in the workload's layout, as a caller with run-time weights uses
// it. See OneDnnMatmul.cpp.
//
//===----------------------------------------------------------------------===//

#include "OneDnn.h"

namespace autoconfig {
namespace {

class OneDnnMatmulPeer final : public Peer {
public:
  std::string name() const override { return "onednn-matmul"; }
  std::string library() const override { return "oneDNN"; }
  PeerRole role() const override { return PeerRole::Variant; }
  std::string note() const override { return lastNote; }
  std::string implementation() const override { return lastImplementation; }

  /// bf16 and s8 matmuls; convolutions stay f32 (supportsConv).
  bool takesElement(ElementKind) const override { return true; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    const auto *gemm = std::get_if<GemmWorkload>(&workload);
    if (!gemm) {
      whyNot = "GEMM peer (convolution: see onednn)";
      return false;
    }
    return onednn::supportsMatmul(*gemm, whyNot);
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    return onednn::prepareMatmul(std::get<GemmWorkload>(workload), buffers,
                                 threads, onednn::WeightsMode::AsGiven,
                                 lastNote, lastImplementation);
  }

private:
  std::string lastNote, lastImplementation;
};

PeerRegistration<OneDnnMatmulPeer> registration;

} // namespace
} // namespace autoconfig
