//===- PrepareProgram.cpp - A program as the peers take it ----------------===//
//
// The peers read linalg on tensors: what frontends such as torch-mlir write.
// TOSA is lowered to it with the passes normalizeModule uses (Import.cpp),
// and canonicalized, calls to functions of the module are inlined, but
// nothing is bufferized or fused: the peer sees the program's ops one by
// one.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/ProgramPeer.h"

#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace autoconfig {

ProgramPeer::~ProgramPeer() = default;

LogicalResult prepareProgramForPeers(ModuleOp module) {
  bool hasTosa = false, callsDefined = false;
  module.walk([&](Operation *op) {
    if (isa<tosa::TosaDialect>(op->getDialect()))
      hasTosa = true;
    if (auto call = dyn_cast<func::CallOp>(op))
      if (auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee()))
        callsDefined |= !callee.isExternal();
  });
  PassManager pm(module.getContext());
  // A helper function's ops are the caller's.
  if (callsDefined)
    pm.addPass(createInlinerPass());
  if (hasTosa) {
    tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions(),
                                TosaToLinalgNamedOptions());
    pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
    pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
    pm.addPass(createCanonicalizerPass());
  }
  return pm.run(module);
}

} // namespace autoconfig
