//===- OneDnnPrepackedPeer.cpp - oneDNN at its strongest ------------------===//
//
// `onednn-prepacked`: oneDNN as a user with constant weights runs it, every
// operand it may take in its own layout prepared outside the timed call.
// GEMM: the matmul primitive with B reordered once into the layout it
// prefers (format_tag::any), A and C in the workload's layout (see
// OneDnnMatmul.cpp). Convolution: the primitive at its best, as `onednn`
// runs it (see OneDnnConv.cpp).
//
//===----------------------------------------------------------------------===//

#include "OneDnn.h"

namespace autoconfig {
namespace {

class OneDnnPrepackedPeer final : public Peer {
public:
  std::string name() const override { return "onednn-prepacked"; }
  std::string library() const override { return "oneDNN"; }
  PeerRole role() const override { return PeerRole::Strongest; }
  std::string note() const override { return lastNote; }
  std::string implementation() const override { return lastImplementation; }

  /// bf16 and s8 matmuls; convolutions stay f32 (supportsConv).
  bool takesElement(ElementKind) const override { return true; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    if (const auto *conv = std::get_if<ConvWorkload>(&workload))
      return onednn::supportsConv(*conv, whyNot);
    return onednn::supportsMatmul(std::get<GemmWorkload>(workload), whyNot);
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    if (const auto *conv = std::get_if<ConvWorkload>(&workload))
      return onednn::prepareConv(*conv, buffers, threads,
                                 onednn::ConvMode::BestCase, lastNote,
                                 lastImplementation);
    return onednn::prepareMatmul(std::get<GemmWorkload>(workload), buffers,
                                 threads, onednn::WeightsMode::Prepacked,
                                 lastNote, lastImplementation);
  }

private:
  std::string lastNote, lastImplementation;
};

PeerRegistration<OneDnnPrepackedPeer> registration;

} // namespace
} // namespace autoconfig
