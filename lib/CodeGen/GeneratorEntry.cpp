//===- GeneratorEntry.cpp - Shared parts of generator entry points --------===//

#include "autoconfig/CodeGen/GeneratorEntry.h"

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

} // namespace autoconfig
