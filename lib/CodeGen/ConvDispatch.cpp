//===- ConvDispatch.cpp - Padding folding and dispatch for convolutions ---===//

#include "autoconfig/CodeGen/ConvGenerators.h"
#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/Workload/ExtractionUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace autoconfig {

LogicalResult replaceConvOp(RewriterBase &rewriter, Operation *op,
                            const ConvWorkload &w, ConvEmitter emit,
                            bool fuseEpilogue) {
  auto buffers = bufferOperands(op);
  if (failed(buffers))
    return failure();
  auto [input, filter, output] = *buffers;
  ConvOperands operands{input, filter, output};
  // Extraction folded the padding into the workload: read the real input.
  std::optional<ZeroPaddedInput> padded;
  if (w.padTop || w.padLeft || w.padBottom || w.padRight) {
    padded = matchZeroPaddedInput(operands.input, op);
    if (!padded)
      return op->emitError("autoconfig: padded input buffer no longer "
                           "matches the zero-padding pattern");
    operands.input = padded->source;
  }
  replaceWithKernel(rewriter, op, fuseEpilogue, [&](const Epilogue *epilogue) {
    operands.epilogue = epilogue;
    emit(rewriter, op->getLoc(), operands);
  });
  if (padded)
    for (Operation *producer : padded->producers)
      rewriter.eraseOp(producer);
  return success();
}

std::optional<Epilogue> nhwcMatrixEpilogue(const ConvOperands &operands,
                                           const ConvWorkload &w) {
  if (!operands.epilogue)
    return std::nullopt;
  int64_t oh = w.outH(), ow = w.outW();
  return operands.epilogue->withIndexMap(
      [oh, ow](KernelBuilder &kb, ValueRange view) -> SmallVector<Value> {
        Value pixels = kb.index(oh * ow), width = kb.index(ow);
        Value n = arith::DivUIOp::create(kb.b(), view[0], pixels);
        Value inImage = arith::RemUIOp::create(kb.b(), view[0], pixels);
        Value row = arith::DivUIOp::create(kb.b(), inImage, width);
        Value col = arith::RemUIOp::create(kb.b(), inImage, width);
        return {n, row, col, view[1]};
      });
}

} // namespace autoconfig
