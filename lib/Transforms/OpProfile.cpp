//===- OpProfile.cpp - Per-op timing of a whole program -------------------===//

#include "autoconfig/Transforms/OpProfile.h"
#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/Dialect/AutoConfigDialect.h"
#include "autoconfig/Model/Config.h"
#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/Extraction.h"
#include "autoconfig/Workload/ExtractionUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;

namespace autoconfig {

#define GEN_PASS_DEF_INSTRUMENTPROFILEPASS
#include "autoconfig/Transforms/Passes.h.inc"

static constexpr llvm::StringLiteral kEnterFn = "autoconfig_profile_enter";
static constexpr llvm::StringLiteral kExitFn = "autoconfig_profile_exit";

//===----------------------------------------------------------------------===//
// Timers
//===----------------------------------------------------------------------===//

namespace {
struct TimerState {
  std::vector<double> seconds;
  std::chrono::steady_clock::time_point started;
};
TimerState &timerState() {
  static TimerState state;
  return state;
}
} // namespace

extern "C" void autoconfig_profile_enter(int64_t) {
  timerState().started = std::chrono::steady_clock::now();
}

extern "C" void autoconfig_profile_exit(int64_t id) {
  TimerState &state = timerState();
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - state.started;
  if (id >= 0 && size_t(id) < state.seconds.size())
    state.seconds[id] += elapsed.count();
}

void OpTimers::reset(size_t ops) { timerState().seconds.assign(ops, 0.0); }

std::vector<double> OpTimers::seconds() { return timerState().seconds; }

JitModule::HostSymbols OpTimers::symbols() {
  return {{kEnterFn.str(), reinterpret_cast<void *>(&autoconfig_profile_enter)},
          {kExitFn.str(), reinterpret_cast<void *>(&autoconfig_profile_exit)}};
}

//===----------------------------------------------------------------------===//
// Instrumentation
//===----------------------------------------------------------------------===//

namespace {

std::string locationOf(Operation *op) {
  if (auto file = dyn_cast<FileLineColLoc>(op->getLoc()))
    return (file.getFilename().getValue() + ":" + llvm::Twine(file.getLine()) +
            ":" + llvm::Twine(file.getColumn()))
        .str();
  std::string text;
  llvm::raw_string_ostream os(text);
  op->getLoc().print(os);
  return text;
}

double bytesOf(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return 0;
  return double(shaped.getNumElements()) *
         double(shaped.getElementTypeBitWidth()) / 8;
}

std::string shapesOf(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      op->getOperands(), os,
      [&](Value v) {
        if (auto shaped = dyn_cast<ShapedType>(v.getType()))
          os << shapeText(shaped);
        else
          os << v.getType();
      },
      ", ");
  return text;
}

/// What a non-kernel op does, for the profile's `kind` column.
std::string kindOf(Operation *op) {
  if (isa<linalg::FillOp>(op))
    return "fill";
  if (isa<linalg::CopyOp, memref::CopyOp>(op))
    return "copy";
  if (isa<linalg::TransposeOp>(op))
    return "transpose";
  if (isConfigurableOp(op) || isa<linalg::ContractionOpInterface>(op) ||
      isa<linalg::ConvolutionOpInterface>(op)) {
    if (op->getName().getStringRef().contains("pooling"))
      return "pooling";
    return "contraction";
  }
  if (auto map = dyn_cast<linalg::MapOp>(op))
    return map.getInputs().empty() ? "fill" : "elementwise";
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    if (linalgOp.getNumReductionLoops() > 0)
      return "reduction";
    if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
      // A body that only yields an input is a copy or a transpose.
      Block &body = generic.getRegion().front();
      if (body.getOperations().size() == 1 &&
          isa<BlockArgument>(body.getTerminator()->getOperand(0)))
        return "copy";
    }
    return "elementwise";
  }
  return "other";
}

struct InstrumentProfilePass
    : public impl::InstrumentProfilePassBase<InstrumentProfilePass> {
  using Base::Base;
  explicit InstrumentProfilePass(std::vector<ProfiledOp> *table)
      : table(table) {}

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // From autoconfig-opt nobody reads the table: the calls are the point.
    std::vector<ProfiledOp> unread;
    std::vector<ProfiledOp> *table = this->table ? this->table : &unread;
    OpBuilder builder(module.getBodyRegion());
    auto i64 = builder.getI64Type();
    auto timerType = builder.getFunctionType({i64}, {});
    for (StringRef name : {kEnterFn, kExitFn})
      if (!module.lookupSymbol(name))
        func::FuncOp::create(builder, module.getLoc(), name, timerType)
            .setPrivate();

    SmallVector<Operation *> work;
    module.walk([&](Operation *op) {
      // Ops nested in a linalg op's body belong to it.
      if (op->getParentOfType<linalg::LinalgOp>())
        return;
      if (isa<linalg::LinalgOp, memref::CopyOp>(op))
        work.push_back(op);
    });
    llvm::DenseSet<Operation *> partOfKernel;
    for (Operation *op : work) {
      if (partOfKernel.contains(op))
        continue;
      ProfiledOp entry;
      entry.op = op->getName().getStringRef().str();
      entry.location = locationOf(op);
      entry.shapes = shapesOf(op);
      for (Value operand : op->getOperands())
        entry.bytes += bytesOf(operand.getType());
      Operation *last = op;
      FailureOr<std::optional<Config>> config = readOpConfig(op);
      if (failed(config))
        return signalPassFailure();
      if (*config && isConfigurableOp(op)) {
        entry.kind = "kernel";
        entry.lowering = (*config)->str();
        if (FailureOr<Workload> workload = extractWorkload(op);
            succeeded(workload))
          entry.flops = workloadFlops(*workload);
        // The fused epilogue runs inside the kernel's stores: one entry.
        Operation *next = op->getNextNode();
        while (next && isa<memref::AllocOp>(next))
          next = next->getNextNode();
        if (next && next->hasAttr(kEpilogueAttrName)) {
          last = next;
          partOfKernel.insert(next);
          entry.op += " + epilogue";
        }
      } else {
        entry.kind = kindOf(op);
        auto lowering = op->getAttrOfType<StringAttr>(kLoweringAttrName);
        entry.lowering = lowering ? lowering.str() : "default";
      }
      int64_t id = int64_t(table->size());
      table->push_back(std::move(entry));
      builder.setInsertionPoint(op);
      Value idValue = arith::ConstantIntOp::create(builder, op->getLoc(), id,
                                                   /*width=*/64);
      func::CallOp::create(builder, op->getLoc(), kEnterFn, TypeRange{},
                           idValue);
      builder.setInsertionPointAfter(last);
      func::CallOp::create(builder, op->getLoc(), kExitFn, TypeRange{},
                           idValue);
    }
  }

  std::vector<ProfiledOp> *table = nullptr;
};

} // namespace

std::unique_ptr<Pass>
createInstrumentProfilePass(std::vector<ProfiledOp> *table) {
  return std::make_unique<InstrumentProfilePass>(table);
}

} // namespace autoconfig
