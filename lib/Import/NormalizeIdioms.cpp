//===- NormalizeIdioms.cpp - The frontend-idiom patterns as one pass ------===//

#include "autoconfig/Import/Idioms.h"
#include "autoconfig/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace autoconfig {

#define GEN_PASS_DEF_NORMALIZEIDIOMSPASS
#include "autoconfig/Transforms/Passes.h.inc"
namespace {

/// Gives every destination-passing user of a tensor `linalg.fill` its own
/// fill. One-shot bufferization writes an op's result into its output
/// operand's buffer; a fill shared by several ops (torch-mlir zero-fills one
/// tensor for all the convolutions of a shape) becomes one buffer that is
/// copied for each op. A fill of its own is written in place instead, and a
/// kernel that accumulates into it sees the zero init it can fold.
void duplicateSharedFills(ModuleOp module) {
  SmallVector<linalg::FillOp> fills;
  module.walk([&](linalg::FillOp fill) {
    if (fill.hasPureTensorSemantics() && !fill->getResult(0).hasOneUse())
      fills.push_back(fill);
  });
  OpBuilder builder(module.getContext());
  for (linalg::FillOp fill : fills) {
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : fill->getResult(0).getUses())
      uses.push_back(&use);
    // The first use keeps the original.
    for (OpOperand *use : llvm::drop_begin(uses)) {
      auto user = dyn_cast<DestinationStyleOpInterface>(use->getOwner());
      if (!user || !user.isDpsInit(use))
        continue;
      builder.setInsertionPoint(use->getOwner());
      use->set(builder.clone(*fill)->getResult(0));
    }
  }
}

struct NormalizeIdiomsPass
    : public impl::NormalizeIdiomsPassBase<NormalizeIdiomsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateContractionGenericPatterns(patterns);
    populateTransposeFoldingPatterns(patterns);
    populateAffineIntoWeightsPatterns(patterns);
    populateDropPaddedTapsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    duplicateSharedFills(getOperation());
  }
};

} // namespace

} // namespace autoconfig
