//===- LowerStreaming.cpp - Configured lowering of every other op ---------===//
//
// After autoconfig-generate, every linalg op left (elementwise, broadcast,
// reduction, pooling, transpose, copy, fill) and every memref.copy between
// non-contiguous buffers (what bufferized pads, slices and concatenations
// become) is decided by the streaming model and rewritten in place as one
// vector loop nest. The decision is recorded on the op as
// `autoconfig.lowering`; a lowering already there is the user's (validated,
// completed by the model). Ops that cannot be vectorized stay for MLIR's
// default lowering, with the reason.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/StreamingNest.h"
#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Transforms/OutlineKernels.h"
#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/Extraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <cstdlib>

using namespace mlir;

namespace autoconfig {

#define GEN_PASS_DEF_LOWERSTREAMINGPASS
#include "autoconfig/Transforms/Passes.h.inc"

namespace {

/// Whether a memref.copy is one contiguous block on both sides: the default
/// lowering makes it a memcpy, which nothing beats.
static bool isContiguousCopy(memref::CopyOp copy) {
  auto contiguous = [](Type type) {
    auto memref = dyn_cast<MemRefType>(type);
    return memref && memref.getLayout().isIdentity();
  };
  return contiguous(copy.getSource().getType()) &&
         contiguous(copy.getTarget().getType());
}

struct LowerStreamingPass
    : public impl::LowerStreamingPassBase<LowerStreamingPass>,
      InjectableOptions<LowerStreamingPass, LowerStreamingOptions> {
  using Base::Base;
  explicit LowerStreamingPass(LowerStreamingOptions options)
      : InjectableOptions(std::move(options)) {}

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<LowerStreamingOptions> resolved = resolvedOptions();
    if (failed(resolved))
      return signalPassFailure();
    LowerStreamingOptions options = std::move(*resolved);
    // A hidden switch for measurements: leave everything to the default.
    if (const char *off = std::getenv("AUTOCONFIG_NO_STREAMING"))
      if (StringRef(off) != "" && StringRef(off) != "0")
        return;
    Machine machine{options.target, options.profile, options.threads};
    StreamingModel model(machine);

    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<memref::CopyOp>(op) ||
          (isa<linalg::LinalgOp>(op) && !isConfigurableOp(op)))
        ops.push_back(op);
    });
    IRRewriter rewriter(module.getContext());
    bool failedAny = false;
    // Repeated layers repeat these ops too (a pad, a pooling, a residual
    // add per block): outlined, each distinct one is compiled once.
    bool outlineOps = options.outline && options.rewrite;
    SmallVector<scf::ExecuteRegionOp> regions;
    for (Operation *op : ops) {
      if (outlineOps && op->getNumResults() == 0)
        regions.push_back(wrapInRegion({op}));
      if (failed(lowerOne(rewriter, op, model, options)))
        failedAny = true;
    }
    if (failedAny)
      return signalPassFailure();
    outlineRegions(module, regions, kStreamFunctionPrefix);
  }

  LogicalResult lowerOne(IRRewriter &rewriter, Operation *op,
                         const StreamingModel &model,
                         const LowerStreamingOptions &options) {
    StreamingDecision decision;
    decision.opName = op->getName().getStringRef().str();
    decision.location = formatLocation(op->getLoc());
    auto record = [&]() {
      if (options.decisions)
        options.decisions->push_back(decision);
    };

    // The user's lowering, if any.
    std::optional<StreamingConfig> fixed;
    if (Attribute attr = op->getAttr(kLoweringAttrName)) {
      auto text = dyn_cast<StringAttr>(attr);
      if (!text)
        return op->emitError("autoconfig: '")
               << kLoweringAttrName
               << "' must be a string such as \"vector dim=1 vl=8\", got "
               << attr;
      auto config = Config::parse(text.getValue());
      if (!config)
        return op->emitError("autoconfig: ")
               << llvm::toString(config.takeError());
      auto parsed = StreamingConfig::fromConfig(*config);
      if (!parsed)
        return op->emitError("autoconfig: ")
               << llvm::toString(parsed.takeError());
      fixed = *parsed;
      decision.fromUser = true;
    }

    if (auto copy = dyn_cast<memref::CopyOp>(op)) {
      if (isContiguousCopy(copy) && !(fixed && fixed->vectorize)) {
        decision.reason = "contiguous on both sides: one memcpy";
        decision.shape = "memcpy";
        // Read once, written once.
        auto type = cast<MemRefType>(copy.getSource().getType());
        if (type.hasStaticShape()) {
          decision.bytes = 2.0 * double(type.getNumElements()) *
                           double(type.getElementTypeBitWidth()) / 8;
          double bandwidth = options.profile.bandwidthFor(
              uint64_t(decision.bytes), options.target);
          decision.prediction.seconds = decision.bytes / bandwidth;
          decision.prediction.add("memory", decision.prediction.seconds,
                                  "read and written once");
        }
        record();
        return success();
      }
      if (fixed && !fixed->vectorize) {
        decision.reason = "the user's lowering: MLIR's default";
        record();
        return success();
      }
      // Decided and lowered as the linalg.copy it is.
      rewriter.setInsertionPoint(op);
      auto linalgCopy = linalg::CopyOp::create(
          rewriter, op->getLoc(), copy.getSource(), copy.getTarget());
      bool rewritten = false;
      LogicalResult result = decideAndLower(
          rewriter, linalgCopy, model, options, fixed, decision, rewritten);
      decision.opName = "memref.copy";
      if (rewritten) {
        rewriter.eraseOp(op);
      } else {
        op->setAttr(kLoweringAttrName, linalgCopy->getAttr(kLoweringAttrName));
        rewriter.eraseOp(linalgCopy);
      }
      record();
      return result;
    }
    bool rewritten = false;
    LogicalResult result =
        decideAndLower(rewriter, cast<linalg::LinalgOp>(op), model, options,
                       fixed, decision, rewritten);
    record();
    return result;
  }

  /// Decides `op`'s lowering, records it on the op and, when rewriting,
  /// replaces the op by its loop nest (the op is then erased).
  LogicalResult decideAndLower(IRRewriter &rewriter, linalg::LinalgOp op,
                               const StreamingModel &model,
                               const LowerStreamingOptions &options,
                               std::optional<StreamingConfig> fixed,
                               StreamingDecision &decision, bool &rewritten) {
    std::string whyNot;
    FailureOr<StreamingNest> nest = StreamingNest::analyze(op, whyNot);
    if (failed(nest)) {
      if (fixed && fixed->vectorize)
        return op->emitError("autoconfig: lowering '")
               << fixed->str() << "' cannot apply: " << whyNot;
      decision.reason = "left to the default lowering: " + whyNot;
      op->setAttr(kLoweringAttrName,
                  StringAttr::get(op->getContext(), "default"));
      return success();
    }
    const StreamingWorkload &w = nest->workload();
    std::string opName = decision.opName, location = decision.location;
    bool fromUser = decision.fromUser;
    if (fixed && !fixed->vectorize) {
      decision = model.decide(w);
      decision.config = *fixed;
      decision.prediction = model.predictScalar(w);
      decision.reason = "the user's lowering: MLIR's default scalar loops";
    } else {
      decision = model.decide(w, fixed ? &*fixed : nullptr);
    }
    decision.opName = opName;
    decision.location = location;
    decision.fromUser = fromUser;
    if (fixed && fixed->vectorize) {
      if (!decision.config.vectorize)
        return op->emitError("autoconfig: lowering '")
               << fixed->str() << "' cannot apply: " << decision.reason;
      if (llvm::Error err = model.verify(w, decision.config))
        return op->emitError("autoconfig: ") << llvm::toString(std::move(err));
      decision.reason =
          "the user's lowering (completed by the model): " + decision.reason;
    }
    if (op->hasAttr(kEpilogueAttrName))
      decision.reason += " (marked as the epilogue of the kernel before it: "
                         "fused into its stores when its generator can)";
    op->setAttr(kLoweringAttrName,
                StringAttr::get(op->getContext(), decision.config.str()));
    if (!options.rewrite || !decision.config.vectorize)
      return success();
    rewritten = true;
    return nest->generate(rewriter, decision.config, options.target);
  }

  /// The options autoconfig-opt gives as text.
  FailureOr<LowerStreamingOptions> textOptions() {
    auto options = optionsFromText<LowerStreamingOptions>(
        getOperation(), targetName, targetFile, threads);
    if (succeeded(options)) {
      options->rewrite = rewrite;
      options->outline = outline;
    }
    return options;
  }
};

} // namespace

std::unique_ptr<Pass> createLowerStreamingPass(LowerStreamingOptions options) {
  return std::make_unique<LowerStreamingPass>(std::move(options));
}

} // namespace autoconfig
