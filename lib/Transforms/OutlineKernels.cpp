//===- OutlineKernels.cpp - One function per distinct generated kernel ----===//
//
// A network repeats its layers: ResNet-18 has 20 convolutions of about a
// dozen distinct shapes, a transformer the same matmul in every block.
// Generated inline, every instance is a copy of the same unrolled code that
// LLVM optimizes and compiles again, which made whole-program compile times
// grow with the number of layers. Here each configured op (with its fused
// epilogue) is generated inside a region of its own, which then becomes a
// private function whose arguments are the buffers it reads and writes, the
// constant weights included (their get_global is hoisted out of the region);
// functions with identical bodies are then merged, so a kernel is compiled
// once per distinct (shape, config, epilogue).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Transforms/OutlineKernels.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace autoconfig {

scf::ExecuteRegionOp wrapInRegion(ArrayRef<Operation *> ops) {
  Operation *first = ops.front();
  OpBuilder builder(first);
  auto region =
      scf::ExecuteRegionOp::create(builder, first->getLoc(), TypeRange{});
  Block *body = builder.createBlock(&region.getRegion());
  builder.setInsertionPointToEnd(body);
  auto yield = scf::YieldOp::create(builder, first->getLoc());
  for (Operation *op : ops)
    op->moveBefore(yield);
  return region;
}

namespace {

/// Moves what must not become a function argument into the region (scalar
/// constants, so that the code keeps its constant trip counts and offsets)
/// and what should be one out of it (get_global of constant buffers, so that
/// two layers with different weights share their code).
void prepareForOutlining(scf::ExecuteRegionOp region) {
  SmallVector<memref::GetGlobalOp> globals;
  region.walk([&](memref::GetGlobalOp get) { globals.push_back(get); });
  for (memref::GetGlobalOp get : globals)
    get->moveBefore(region);
  llvm::SetVector<Value> above;
  getUsedValuesDefinedAbove(region.getRegion(), above);
  Block &body = region.getRegion().front();
  OpBuilder builder(&body, body.begin());
  for (Value value : above) {
    Operation *def = value.getDefiningOp();
    if (!def || !matchPattern(def, m_Constant()) || def->getNumResults() != 1 ||
        isa<ShapedType>(value.getType()))
      continue;
    Operation *copy = builder.clone(*def);
    replaceAllUsesInRegionWith(value, copy->getResult(0), region.getRegion());
  }
}

/// The text of a function's signature and body without its name and
/// locations: equal texts are interchangeable functions.
std::string fingerprint(func::FuncOp fn) {
  std::string name = fn.getName().str();
  fn.setName("__fingerprint");
  std::string text;
  llvm::raw_string_ostream os(text);
  OpPrintingFlags flags;
  flags.printGenericOpForm().useLocalScope();
  fn->print(os, flags);
  fn.setName(name);
  return text;
}

} // namespace

void outlineRegions(ModuleOp module, ArrayRef<scf::ExecuteRegionOp> regions,
                    StringRef prefix) {
  llvm::StringMap<func::FuncOp> byBody;
  SymbolTable symbols(module);
  unsigned counter = 0;
  for (scf::ExecuteRegionOp region : regions) {
    prepareForOutlining(region);
    llvm::SetVector<Value> above;
    getUsedValuesDefinedAbove(region.getRegion(), above);
    SmallVector<Type> argTypes;
    for (Value v : above)
      argTypes.push_back(v.getType());

    OpBuilder builder(module.getBodyRegion());
    builder.setInsertionPointToEnd(module.getBody());
    auto fn = func::FuncOp::create(builder, region.getLoc(),
                                   (prefix + Twine(counter++)).str(),
                                   builder.getFunctionType(argTypes, {}));
    fn.setPrivate();
    Block *entry = fn.addEntryBlock();
    Block &body = region.getRegion().front();
    // The region's ops, with the outside values as the arguments.
    for (auto [value, arg] : llvm::zip(above, entry->getArguments()))
      replaceAllUsesInRegionWith(value, arg, region.getRegion());
    entry->getOperations().splice(entry->end(), body.getOperations());
    Operation *terminator = entry->getTerminator();
    builder.setInsertionPoint(terminator);
    func::ReturnOp::create(builder, terminator->getLoc());
    terminator->erase();
    symbols.insert(fn);

    // Reuse an identical function when there is one.
    std::string key = fingerprint(fn);
    func::FuncOp callee = fn;
    if (auto it = byBody.find(key); it != byBody.end()) {
      callee = it->second;
      symbols.erase(fn);
    } else {
      byBody[key] = fn;
    }
    builder.setInsertionPoint(region);
    func::CallOp::create(builder, region.getLoc(), callee,
                         SmallVector<Value>(above.begin(), above.end()));
    region.erase();
  }
}

} // namespace autoconfig
