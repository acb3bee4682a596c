//===- FuseEpilogues.cpp - Mark elementwise epilogues for fusion ----------===//

#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/Extraction.h"
#include "autoconfig/Workload/ExtractionUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;

namespace autoconfig {

#define GEN_PASS_DEF_FUSEEPILOGUESPASS
#include "autoconfig/Transforms/Passes.h.inc"
namespace {

/// Whether `op` writes all of `buffer` without reading it: a fill of it, or
/// a copy into it (bufferization reuses one buffer for several results and
/// refills it).
bool overwritesWhole(Operation *op, Value buffer) {
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return fill.hasPureBufferSemantics() &&
           fill.getDpsInitOperand(0)->get() == buffer;
  if (auto copy = dyn_cast<memref::CopyOp>(op))
    return copy.getTarget() == buffer && copy.getSource() != buffer;
  return false;
}

/// Whether `output`'s contents after `epilogue` are never read: it is only
/// used by ops before `producer`, by `producer`, `epilogue`, deallocs, and
/// ops after `epilogue` in the same block of which the first overwrites it
/// whole. Skipping its final contents is then invisible.
bool deadAfter(Value output, Operation *producer, Operation *epilogue) {
  Operation *firstLater = nullptr;
  for (Operation *user : output.getUsers()) {
    if (user == producer || user == epilogue || isa<memref::DeallocOp>(user))
      continue;
    if (user->getBlock() != producer->getBlock())
      return false;
    if (user->isBeforeInBlock(producer))
      continue;
    if (!firstLater || user->isBeforeInBlock(firstLater))
      firstLater = user;
  }
  return !firstLater || (epilogue->isBeforeInBlock(firstLater) &&
                         overwritesWhole(firstLater, output));
}

struct FuseEpiloguesPass
    : public impl::FuseEpiloguesPassBase<FuseEpiloguesPass> {
  void runOnOperation() override {
    SmallVector<Operation *> producers;
    getOperation().walk([&](Operation *op) {
      if (isConfigurableOp(op))
        producers.push_back(op);
    });
    for (Operation *producer : producers) {
      auto linalgOp = cast<linalg::LinalgOp>(producer);
      if (!linalgOp.hasPureBufferSemantics() || linalgOp.getNumDpsInits() != 1)
        continue;
      Value output = linalgOp.getDpsInitOperand(0)->get();
      // Skip allocations between the two ops: they move above the producer.
      SmallVector<Operation *> allocs;
      Operation *next = producer->getNextNode();
      while (next && isa<memref::AllocOp>(next) &&
             next->getNumOperands() == 0) {
        allocs.push_back(next);
        next = next->getNextNode();
      }
      auto generic = dyn_cast_or_null<linalg::GenericOp>(next);
      std::string why;
      if (!generic || !Epilogue::isFusable(generic, output, why))
        continue;
      // In place (the epilogue writes the producer's output) the final
      // contents are produced anyway; otherwise nobody may read them.
      Value destination = generic.getDpsInitOperand(0)->get();
      if (destination != output && !deadAfter(output, producer, generic))
        continue;
      // Nor may the producer read the destination: directly, or as the
      // source of a zero-padded input the generators read in place.
      if (llvm::any_of(linalgOp.getDpsInputs(), [&](Value input) {
            if (input == destination)
              return true;
            std::optional<ZeroPaddedInput> padded =
                matchZeroPaddedInput(input, producer);
            return padded && padded->source == destination;
          }))
        continue;
      for (Operation *alloc : allocs)
        alloc->moveBefore(producer);
      generic->setAttr(kEpilogueAttrName, UnitAttr::get(&getContext()));
    }
  }
};

} // namespace

} // namespace autoconfig
