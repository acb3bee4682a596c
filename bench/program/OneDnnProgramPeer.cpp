//===- OneDnnProgramPeer.cpp - A whole program on oneDNN primitives -------===//
//
// The oneDNN peer of `autoconfig run`: the program's entry executed op by op
// on oneDNN 2.6 primitives, in the same process, the way an expert framework
// (OpenVINO, PyTorch's oneDNN path) would run it:
//   - constants are evaluated and weights reordered into the formats the
//     primitives chose once, when the peer is built; batch normalization on
//     constants is folded into the preceding convolution's weights and bias;
//   - activations are in the formats the primitives choose (format_tag::any)
//     and reordered only where two disagree;
//   - bias, activations, residual additions and other element-wise work are
//     post-ops of the primitive producing their operand;
//   - reshapes and transposes are views; the caller's input and output
//     buffers are bound, not copied, where the layouts allow.
// The mapping itself is ProgramBuilder's.
//
//===----------------------------------------------------------------------===//

#include "ProgramBuilder.h"

#include "autoconfig/Bench/ProgramPeer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace llvm;

namespace autoconfig {
namespace {

class OneDnnProgramPeer final : public ProgramPeer {
public:
  std::string name() const override { return "onednn"; }

  Error build(ModuleOp module, StringRef entry, unsigned threads) {
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func || func.isExternal())
      return createStringError(inconvertibleErrorCode(),
                               "oneDNN peer: no function @" + entry +
                                   " with a body");
    if (Error e = seq.init(threads))
      return e;
    program::ProgramBuilder builder(seq);
    if (Error e = builder.build(func))
      return e;
    inputs = builder.inputBuffers();
    outputs = builder.outputBuffers();
    return Error::success();
  }

  Error run(ArrayRef<const void *> in,
            std::vector<AlignedBuffer> &out) override {
    if (in.size() != inputs.size())
      return createStringError(inconvertibleErrorCode(),
                               "oneDNN peer: %zu inputs given, %zu expected",
                               in.size(), inputs.size());
    for (auto [buffer, data] : llvm::zip(inputs, in))
      if (Error e = seq.bind(buffer, const_cast<void *>(data)))
        return e;
    out.resize(outputs.size());
    for (auto [o, buffer] : llvm::zip(outputs, out)) {
      if (buffer.size() != o.elements || buffer.bytes() != o.elements * 4)
        buffer = AlignedBuffer(o.elements, sizeof(float));
      if (Error e = seq.bind(o.buffer, buffer.data()))
        return e;
    }
    return seq.run();
  }

  std::vector<std::string> plan() const override { return seq.plan(); }

private:
  onednn::PrimitiveSequence seq;
  std::vector<int> inputs;
  std::vector<program::ProgramBuilder::Output> outputs;
};

} // namespace

Expected<std::unique_ptr<ProgramPeer>>
createOneDnnProgramPeer(ModuleOp module, StringRef entry, unsigned threads) {
  auto peer = std::make_unique<OneDnnProgramPeer>();
  if (Error e = peer->build(module, entry, threads))
    return std::move(e);
  return std::unique_ptr<ProgramPeer>(std::move(peer));
}

} // namespace autoconfig
