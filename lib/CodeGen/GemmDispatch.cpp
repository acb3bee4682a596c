//===- GemmDispatch.cpp - Batch loop and algorithm dispatch for matmuls ---===//

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
  GemmOperands operands{a, b, c};
  std::optional<Epilogue> epilogue;
  if (fuseEpilogue)
    epilogue = Epilogue::following(op);
  rewriter.setInsertionPoint(op);
  if (!isa<linalg::BatchMatmulOp>(op)) {
    operands.epilogue = epilogue ? &*epilogue : nullptr;
    emit2D(rewriter, loc, operands);
  } else {
    Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value ub = arith::ConstantIndexOp::create(rewriter, loc, w.batch);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(rewriter, loc, lb, ub, one);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.getBody());
    Value batch = loop.getInductionVar();
    GemmOperands matrix{matrixOfBatch(rewriter, loc, operands.a, batch),
                        matrixOfBatch(rewriter, loc, operands.b, batch),
                        matrixOfBatch(rewriter, loc, operands.c, batch)};
    std::optional<Epilogue> ofMatrix;
    if (epilogue)
      ofMatrix = epilogue->withPrefix({batch});
    matrix.epilogue = ofMatrix ? &*ofMatrix : nullptr;
    emit2D(rewriter, loc, matrix);
  }
  if (epilogue)
    epilogue->erase(rewriter);
  rewriter.eraseOp(op);
  return success();
}

LogicalResult generateBroadcastGemm(RewriterBase &rewriter, Operation *op,
                                    const Workload &workload,
                                    const Config &config,
                                    const TargetDesc &target) {
  const auto &w = std::get<GemmWorkload>(workload);
  auto params = parseGeneratorParams<BroadcastGemmParams>(op, config);
  if (failed(params))
    return failure();
  if (w.transB)
    return op->emitError("autoconfig: 'broadcast' needs B untransposed");
  return replaceGemmOp(rewriter, op, w,
                       bindKernelEmitter(emitBroadcastGemm, w, *params, target),
                       /*fuseEpilogue=*/true);
}

LogicalResult generateBlockedGemm(RewriterBase &rewriter, Operation *op,
                                  const Workload &workload,
                                  const Config &config,
                                  const TargetDesc &target) {
  const auto &w = std::get<GemmWorkload>(workload);
  auto params = parseGeneratorParams<BlockedGemmParams>(op, config);
  if (failed(params))
    return failure();
  if (!params->packB && w.transB)
    return op->emitError("autoconfig: 'blocked' with packB=0 needs B "
                         "untransposed");
  return replaceGemmOp(rewriter, op, w,
                       bindKernelEmitter(emitBlockedGemm, w, *params, target),
                       /*fuseEpilogue=*/true);
}

LogicalResult generateDotGemm(RewriterBase &rewriter, Operation *op,
                              const Workload &workload, const Config &config,
                              const TargetDesc &target) {
  const auto &w = std::get<GemmWorkload>(workload);
  auto params = parseGeneratorParams<DotGemmParams>(op, config);
  if (failed(params))
    return failure();
  if (w.transA || (!w.transB && w.n != 1))
    return op->emitError("autoconfig: 'dot' needs rows of A and columns of "
                         "B contiguous along K (A untransposed; B transposed "
                         "or N = 1)");
  return replaceGemmOp(rewriter, op, w,
                       bindKernelEmitter(emitDotGemm, w, *params, target),
                       /*fuseEpilogue=*/true);
}

} // namespace autoconfig
