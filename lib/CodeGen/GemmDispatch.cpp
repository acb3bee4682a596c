//===- GemmDispatch.cpp - Batch loop and algorithm dispatch for matmuls ---===//

#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/CodeGen/KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace autoconfig {

/// The 2-D matrix `batch` of a 3-D memref, as a rank-reduced subview.
static Value matrixOfBatch(OpBuilder &b, Location loc, Value memref,
                           Value batch) {
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
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics())
    return op->emitError("autoconfig: code generation needs the op on "
                         "memrefs (bufferize the program first)");
  Location loc = op->getLoc();
  GemmOperands operands{linalgOp.getDpsInputOperand(0)->get(),
                        linalgOp.getDpsInputOperand(1)->get(),
                        linalgOp.getDpsInitOperand(0)->get()};
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

/// Parses the typed parameters of `config` or reports the error on `op`.
template <typename Params>
static FailureOr<Params> paramsOrError(Operation *op, const Config &config) {
  auto params = Params::fromConfig(config);
  if (!params)
    return op->emitError("autoconfig: ") << llvm::toString(params.takeError());
  return *params;
}

LogicalResult generateBroadcastGemm(RewriterBase &rewriter, Operation *op,
                                    const Workload &workload,
                                    const Config &config,
                                    const TargetDesc &target) {
  const auto &w = std::get<GemmWorkload>(workload);
  auto params = paramsOrError<BroadcastGemmParams>(op, config);
  if (failed(params))
    return failure();
  if (w.transB)
    return op->emitError("autoconfig: 'broadcast' needs B untransposed");
  return replaceGemmOp(
      rewriter, op, w,
      [&](OpBuilder &b, Location loc, const GemmOperands &o) {
        emitBroadcastGemm(b, loc, o, w, *params, target);
      },
      /*fuseEpilogue=*/true);
}

LogicalResult generateBlockedGemm(RewriterBase &rewriter, Operation *op,
                                  const Workload &workload,
                                  const Config &config,
                                  const TargetDesc &target) {
  const auto &w = std::get<GemmWorkload>(workload);
  auto params = paramsOrError<BlockedGemmParams>(op, config);
  if (failed(params))
    return failure();
  if (!params->packB && w.transB)
    return op->emitError("autoconfig: 'blocked' with packB=0 needs B "
                         "untransposed");
  return replaceGemmOp(
      rewriter, op, w,
      [&](OpBuilder &b, Location loc, const GemmOperands &o) {
        emitBlockedGemm(b, loc, o, w, *params, target);
      },
      /*fuseEpilogue=*/true);
}

LogicalResult generateDotGemm(RewriterBase &rewriter, Operation *op,
                              const Workload &workload, const Config &config,
                              const TargetDesc &target) {
  const auto &w = std::get<GemmWorkload>(workload);
  auto params = paramsOrError<DotGemmParams>(op, config);
  if (failed(params))
    return failure();
  if (w.transA || (!w.transB && w.n != 1))
    return op->emitError("autoconfig: 'dot' needs rows of A and columns of "
                         "B contiguous along K (A untransposed; B transposed "
                         "or N = 1)");
  return replaceGemmOp(
      rewriter, op, w,
      [&](OpBuilder &b, Location loc, const GemmOperands &o) {
        emitDotGemm(b, loc, o, w, *params, target);
      },
      /*fuseEpilogue=*/true);
}

} // namespace autoconfig
