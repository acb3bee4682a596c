//===- GeneratorEntry.cpp - Shared parts of generator entry points --------===//

#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/CodeGen/Epilogue.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;

namespace autoconfig {

FailureOr<std::array<Value, 3>> bufferOperands(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics())
    return op->emitError("autoconfig: code generation needs the op on "
                         "memrefs (bufferize the program first)");
  return std::array<Value, 3>{linalgOp.getDpsInputOperand(0)->get(),
                              linalgOp.getDpsInputOperand(1)->get(),
                              linalgOp.getDpsInitOperand(0)->get()};
}

void replaceWithKernel(RewriterBase &rewriter, Operation *op, bool fuseEpilogue,
                       function_ref<void(const Epilogue *)> emit) {
  std::optional<Epilogue> epilogue;
  if (fuseEpilogue)
    epilogue = Epilogue::following(op);
  rewriter.setInsertionPoint(op);
  emit(epilogue ? &*epilogue : nullptr);
  if (epilogue)
    epilogue->erase(rewriter);
  rewriter.eraseOp(op);
}

} // namespace autoconfig
