//===- FuseElementwise.cpp - Elementwise fusion that keeps contractions ---===//
//
// MLIR's linalg elementwise-fusion pass also folds tensor reshapes into the
// linalg ops around them by expanding their iteration spaces, and to do so it
// rewrites named contractions (linalg.batch_matmul) into linalg.generic with
// split dimensions: attention's matmuls, between reshapes and transposes,
// would no longer be recognised and configured. This pass fuses elementwise
// chains (a residual add then a ReLU become one generic, which then fuses
// into the producing kernel's stores) and folds reshapes only into
// elementwise generics.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Import/Import.h"
#include "autoconfig/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace autoconfig {

#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "autoconfig/Transforms/Passes.h.inc"
namespace {

/// A linalg.generic with only parallel loops (or no linalg op at all).
bool isElementwiseOrNotLinalg(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  if (!linalgOp)
    return true;
  return isa<linalg::GenericOp>(op) &&
         linalgOp.getNumParallelLoops() == linalgOp.getNumLoops();
}

struct FuseElementwisePass
    : public impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    // A producer used once is fused (recomputing it for several consumers
    // would multiply its cost).
    linalg::ControlFusionFn singleUse = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      return producer && producer->hasOneUse();
    };
    linalg::ControlFusionFn elementwiseOnly = [](OpOperand *fused) {
      return isElementwiseOrNotLinalg(fused->getOwner()) &&
             isElementwiseOrNotLinalg(fused->get().getDefiningOp()) &&
             fused->get().getDefiningOp() && fused->get().hasOneUse();
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, singleUse);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns,
                                                      elementwiseOnly);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

} // namespace autoconfig
