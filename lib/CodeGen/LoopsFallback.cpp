//===- LoopsFallback.cpp - The scalar loop-nest fallback generator --------===//

#include "autoconfig/CodeGen/LoopsFallback.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"

using namespace mlir;

namespace autoconfig {

LogicalResult generateLoops(RewriterBase &rewriter, Operation *op,
                            const Workload &, const Config &,
                            const TargetDesc &) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics())
    return op->emitError("autoconfig: code generation needs the op on "
                         "memrefs (bufferize the program first)");
  // A zero-padded input buffer stays: the loops read it as it is.
  rewriter.setInsertionPoint(op);
  if (failed(linalg::linalgOpToLoops(rewriter, linalgOp)))
    return op->emitError("autoconfig: cannot lower the op to loops");
  rewriter.eraseOp(op);
  return success();
}

} // namespace autoconfig
