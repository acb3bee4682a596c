//===- GemmDispatch.cpp - Batch loop and epilogue around matmul kernels ---===//

#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/CodeGen/KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace autoconfig {

Value matrixOfBatch(OpBuilder &b, Location loc, Value memref, Value batch) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<OpFoldResult> offsets = {batch, b.getIndexAttr(0),
                                       b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1),
                                     b.getIndexAttr(type.getDimSize(1)),
                                     b.getIndexAttr(type.getDimSize(2))};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  auto reduced = memref::SubViewOp::inferRankReducedResultType(
      {type.getDimSize(1), type.getDimSize(2)}, type, offsets, sizes, strides);
  return memref::SubViewOp::create(b, loc, cast<MemRefType>(reduced), memref,
                                   offsets, sizes, strides);
}

LogicalResult replaceGemmOp(RewriterBase &rewriter, Operation *op,
                            const GemmWorkload &w, Gemm2DEmitter emit2D,
                            bool fuseEpilogue) {
  auto buffers = bufferOperands(op);
  if (failed(buffers))
    return failure();
  auto [a, b, c] = *buffers;
  Location loc = op->getLoc();
  replaceWithKernel(rewriter, op, fuseEpilogue, [&](const Epilogue *epilogue) {
    if (!isa<linalg::BatchMatmulOp>(op)) {
      emit2D(rewriter, loc, GemmOperands{a, b, c, epilogue});
      return;
    }
    Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value ub = arith::ConstantIndexOp::create(rewriter, loc, w.batch);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(rewriter, loc, lb, ub, one);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.getBody());
    Value batch = loop.getInductionVar();
    GemmOperands matrix{matrixOfBatch(rewriter, loc, a, batch),
                        matrixOfBatch(rewriter, loc, b, batch),
                        matrixOfBatch(rewriter, loc, c, batch)};
    std::optional<Epilogue> ofMatrix;
    if (epilogue)
      ofMatrix = epilogue->withPrefix({batch});
    matrix.epilogue = ofMatrix ? &*ofMatrix : nullptr;
    emit2D(rewriter, loc, matrix);
  });
  return success();
}

} // namespace autoconfig
