//===- Passes.cpp - The configure and generate passes ---------------------===//

#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/Dialect/AutoConfigDialect.h"
#include "autoconfig/Import/Idioms.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Select/Registry.h"
#include "autoconfig/Transforms/OutlineKernels.h"
#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/Extraction.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace autoconfig {

#define GEN_PASS_DEF_CONFIGUREPASS
#define GEN_PASS_DEF_GENERATEPASS
#include "autoconfig/Transforms/Passes.h.inc"

std::string formatLocation(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().getValue() + ":" + Twine(file.getLine()) + ":" +
            Twine(file.getColumn()))
        .str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (isa<FileLineColLoc>(inner))
        return formatLocation(inner);
  if (auto named = dyn_cast<NameLoc>(loc))
    return formatLocation(named.getChildLoc());
  if (isa<UnknownLoc>(loc))
    return "";
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

void writeSizeClasses(Operation *op, ArrayRef<SizeClass> classes) {
  Builder b(op->getContext());
  SmallVector<OpSizeClass> entries;
  for (const SizeClass &c : classes) {
    const GemmWorkload &w = c.workload;
    SmallVector<NamedAttribute> sizes;
    for (auto [name, range] :
         {std::pair{"M", w.mRange}, std::pair{"N", w.nRange},
          std::pair{"K", w.kRange}}) {
      if (!range)
        continue;
      SmallVector<int64_t> values = {range->min, range->max};
      if (range->likely)
        values.push_back(range->likely);
      sizes.push_back(b.getNamedAttr(name, b.getDenseI64ArrayAttr(values)));
    }
    entries.push_back({b.getDictionaryAttr(sizes), c.config});
  }
  writeOpSizeClasses(op, entries);
}

namespace {

/// What a fused epilogue does ("addf, maximumf") and the traffic it saves:
/// a separate elementwise pass reads the output and writes its own.
static void describeEpilogue(const Epilogue &epilogue, const Machine &machine,
                             Decision &decision) {
  std::string ops;
  for (Operation &op : epilogue.op().getRegion().front().without_terminator())
    if (!isa<arith::ConstantOp>(op))
      ops += (ops.empty() ? "" : ", ") +
             op.getName().getStringRef().drop_front(6).str();
  auto type = cast<MemRefType>(epilogue.destination().getType());
  double bytes = double(type.getNumElements()) *
                 (type.getElementType().getIntOrFloatBitWidth() / 8);
  decision.epilogueSavedSeconds =
      2 * bytes / machine.profile.bandwidthFor(uint64_t(bytes), machine.target);
  decision.epilogue =
      llvm::formatv("fused into the stores ({0}): saves "
                    "{1:f1} KiB of traffic, ~{2:f1} us",
                    ops, 2 * bytes / 1024, decision.epilogueSavedSeconds * 1e6)
          .str();
}

/// Resolves the pass's target from its textual options.
static FailureOr<TargetDesc>
targetFromOptions(Operation *anchor, StringRef preset, StringRef file) {
  auto target = resolveTarget(preset, file);
  if (!target) {
    anchor->emitError("autoconfig: ") << llvm::toString(target.takeError());
    return failure();
  }
  return *target;
}

struct ConfigurePass : public impl::ConfigurePassBase<ConfigurePass>,
                       InjectableOptions<ConfigurePass, ConfigureOptions> {
  using Base::Base;
  explicit ConfigurePass(ConfigureOptions options)
      : InjectableOptions(std::move(options)) {}

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<ConfigureOptions> resolved = resolvedOptions();
    if (failed(resolved))
      return signalPassFailure();
    ConfigureOptions options = std::move(*resolved);
    Machine machine{options.target, options.profile};
    bool failedAny = false;
    module.walk([&](Operation *op) {
      if (!isConfigurableOp(op))
        return;
      FailureOr<Workload> workload = extractWorkload(op);
      if (failed(workload)) {
        failedAny = true;
        return;
      }
      DecideOptions decideOptions;
      decideOptions.threads = options.threads;
      decideOptions.override = options.override;
      FailureOr<std::optional<Config>> onOp = readOpConfig(op);
      if (failed(onOp)) {
        failedAny = true;
        return;
      }
      if (*onOp)
        decideOptions.override = **onOp;
      bool fromDatabase = false;
      if (!decideOptions.override && options.tuned)
        if (std::optional<Config> tuned = options.tuned(*workload)) {
          decideOptions.override = std::move(tuned);
          fromDatabase = true;
        }
      auto decision = decide(*workload, machine, decideOptions);
      if (decision && fromDatabase)
        decision->reason = "Tuned config from the tuning database "
                           "(--use-tuned). " +
                           decision->reason;
      if (!decision) {
        op->emitError("autoconfig: ") << llvm::toString(decision.takeError());
        failedAny = true;
        return;
      }
      for (const std::string &warning : decision->warnings)
        op->emitWarning("autoconfig: ") << warning;
      writeOpConfig(op, decision->config);
      if (!decision->sizeClasses.empty())
        writeSizeClasses(op, decision->sizeClasses);
      if (std::optional<LayoutAttr> layout = readOpLayout(op))
        decision->layout = layout->describe();
      if (auto epilogue = Epilogue::following(op))
        describeEpilogue(*epilogue, machine, *decision);
      if (options.decisions) {
        decision->location = formatLocation(op->getLoc());
        options.decisions->push_back(std::move(*decision));
      }
    });
    if (failedAny)
      signalPassFailure();
  }

  /// The options autoconfig-opt gives as text.
  FailureOr<ConfigureOptions> textOptions() {
    auto options = optionsFromText<ConfigureOptions>(getOperation(), targetName,
                                                     targetFile, threads);
    if (failed(options) || configText.empty())
      return options;
    auto parsed = Config::parse(configText);
    if (!parsed)
      return getOperation().emitError("autoconfig: ")
             << llvm::toString(parsed.takeError());
    options->override = *parsed;
    return options;
  }
};

struct GeneratePass : public impl::GeneratePassBase<GeneratePass>,
                      InjectableOptions<GeneratePass, TargetDesc> {
  using Base::Base;
  GeneratePass(TargetDesc target, bool outlineKernels)
      : InjectableOptions(std::move(target)) {
    outline = outlineKernels;
  }

  /// The target autoconfig-opt names as text.
  FailureOr<TargetDesc> textOptions() {
    return targetFromOptions(getOperation(), targetName, targetFile);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<TargetDesc> target = resolvedOptions();
    if (failed(target))
      return signalPassFailure();
    SmallVector<Operation *> configured;
    module.walk([&](Operation *op) {
      if (op->hasAttr(kConfigAttrName) || op->hasAttr(kSizeClassesAttrName))
        configured.push_back(op);
    });
    IRRewriter rewriter(module.getContext());
    SmallVector<scf::ExecuteRegionOp> regions;
    for (Operation *op : configured) {
      if (outline) {
        SmallVector<Operation *> group = {op};
        if (std::optional<Epilogue> epilogue = Epilogue::following(op))
          group.push_back(epilogue->op());
        regions.push_back(wrapInRegion(group));
      }
      if (failed(generateOp(rewriter, op, *target)))
        return signalPassFailure();
      // An epilogue the generator did not fuse (still there, with its mark)
      // leaves the kernel's region: kept inside, it would make kernels of
      // the same shape and config distinct functions, compiled once each,
      // for their different epilogues; outside, it is lowered as the other
      // ops are.
      if (outline) {
        Operation *unfused = nullptr;
        regions.back().walk([&](linalg::GenericOp generic) {
          if (generic->hasAttr(kEpilogueAttrName))
            unfused = generic;
        });
        if (unfused)
          unfused->moveAfter(regions.back());
      }
    }
    outlineRegions(module, regions, kKernelFunctionPrefix);
    eraseReplacedConstants(module);
  }

  /// Weights a generator repacked at compile time are no longer read in
  /// their original layout: their get_globals are dead, and a private
  /// constant nobody reads any more would only double the program's size.
  static void eraseReplacedConstants(ModuleOp module) {
    SmallVector<memref::GetGlobalOp> unread;
    module.walk([&](memref::GetGlobalOp get) {
      if (get->use_empty())
        unread.push_back(get);
    });
    for (memref::GetGlobalOp get : unread)
      get->erase();
    SymbolTable symbols(module);
    for (auto global :
         llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
      if (global.isPrivate() && global.getConstant() &&
          SymbolTable::symbolKnownUseEmpty(global, module))
        symbols.erase(global);
  }

  /// A dynamic matmul with size classes: one copy of the op per class,
  /// each with its class's ranges and config, under a chain of scf.if on
  /// the run-time size the classes split.
  static LogicalResult generateSizeClasses(RewriterBase &rewriter,
                                           Operation *op,
                                           ArrayRef<OpSizeClass> classes,
                                           const TargetDesc &target) {
    FailureOr<Workload> whole = extractWorkload(op);
    if (failed(whole))
      return failure();
    const auto *w = std::get_if<GemmWorkload>(&*whole);
    if (!w || !w->isDynamic())
      return op->emitError("autoconfig: '")
             << kSizeClassesAttrName << "' on an op without dynamic sizes";
    // One copy per class, with the class's ranges and config.
    SmallVector<Operation *> copies;
    SmallVector<GemmWorkload> partWorkloads;
    auto cleanUp = [&]() {
      for (Operation *copy : copies)
        copy->erase();
    };
    rewriter.setInsertionPoint(op);
    for (const OpSizeClass &c : classes) {
      Operation *copy = op->clone();
      copies.push_back(copy);
      copy->removeAttr(kSizeClassesAttrName);
      copy->setAttr("autoconfig.sizes", c.sizes);
      writeOpConfig(copy, c.config);
      rewriter.insert(copy);
      FailureOr<Workload> part = extractWorkload(copy);
      if (failed(part)) {
        cleanUp();
        return failure();
      }
      partWorkloads.push_back(std::get<GemmWorkload>(*part));
    }
    // The size the classes split: the one whose ranges differ from the op's.
    auto rangeOf = [](const GemmWorkload &g, int size) {
      return size == 0 ? g.mRange : size == 1 ? g.nRange : g.kRange;
    };
    std::optional<int> along;
    for (const GemmWorkload &pw : partWorkloads)
      for (int i = 0; i < 3; ++i) {
        std::optional<SizeRange> own = rangeOf(*w, i), part = rangeOf(pw, i);
        if (!own || (part->min == own->min && part->max == own->max))
          continue;
        if (along && *along != i) {
          cleanUp();
          return op->emitError("autoconfig: the size classes must all "
                               "split the range of one size");
        }
        along = i;
      }
    bool covering = !along && classes.size() == 1;
    if (along) {
      int64_t next = rangeOf(*w, *along)->min;
      covering = true;
      for (const GemmWorkload &pw : partWorkloads) {
        covering &= rangeOf(pw, *along)->min == next;
        next = rangeOf(pw, *along)->max + 1;
      }
      covering &= next == rangeOf(*w, *along)->max + 1;
    }
    if (!covering) {
      cleanUp();
      return op->emitError("autoconfig: the size classes must split one "
                           "size's range into consecutive parts covering it");
    }
    auto buffers = bufferOperands(op);
    if (failed(buffers)) {
      cleanUp();
      return failure();
    }
    // The run-time size: M and N of C, K of A.
    Location loc = op->getLoc();
    rewriter.setInsertionPoint(op);
    Value size;
    if (along) {
      auto [a, b, c] = *buffers;
      int dimOfA = w->transA ? 0 : 1;
      size = *along == 2 ? memref::DimOp::create(rewriter, loc, a, dimOfA)
                         : memref::DimOp::create(rewriter, loc, c, *along);
    }
    for (size_t i = 0; i + 1 < copies.size(); ++i) {
      Value bound = arith::ConstantIndexOp::create(
          rewriter, loc, rangeOf(partWorkloads[i], *along)->max);
      Value inClass = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::ule, size, bound);
      auto ifOp = scf::IfOp::create(rewriter, loc, inClass,
                                    /*withElseRegion=*/true);
      copies[i]->moveBefore(ifOp.thenBlock()->getTerminator());
      rewriter.setInsertionPoint(ifOp.elseBlock()->getTerminator());
    }
    copies.back()->moveBefore(rewriter.getInsertionBlock(),
                              rewriter.getInsertionPoint());
    rewriter.eraseOp(op);
    for (Operation *copy : copies)
      if (failed(generateOp(rewriter, copy, target)))
        return failure();
    return success();
  }

  static LogicalResult generateOp(RewriterBase &rewriter, Operation *op,
                                  const TargetDesc &target) {
    FailureOr<SmallVector<OpSizeClass>> classes = readOpSizeClasses(op);
    if (failed(classes))
      return failure();
    if (!classes->empty())
      return generateSizeClasses(rewriter, op, *classes, target);
    FailureOr<std::optional<Config>> onOp = readOpConfig(op);
    if (failed(onOp))
      return failure();
    if (!*onOp)
      return op->emitError("autoconfig: no '")
             << kConfigAttrName << "' on the op";
    const Config &config = **onOp;
    FailureOr<Workload> workload = extractWorkload(op);
    if (failed(workload))
      return failure();
    const Algorithm *algorithm = findAlgorithm(config.getAlgorithm());
    if (!algorithm)
      return op->emitError("autoconfig: unknown algorithm '")
             << config.getAlgorithm() << "'";
    std::string whyNot;
    if (!algorithm->model->applies(*workload, target, whyNot))
      return op->emitError("autoconfig: algorithm '")
             << config.getAlgorithm() << "' does not apply: " << whyNot;
    std::vector<std::string> warnings;
    if (llvm::Error err =
            algorithm->model->verify(*workload, config, target, warnings))
      return op->emitError("autoconfig: config '")
             << config.str()
             << "' rejected: " << llvm::toString(std::move(err));
    return algorithm->generate(rewriter, op, *workload, config, target);
  }
};

} // namespace

std::unique_ptr<Pass> createConfigurePass(ConfigureOptions options) {
  return std::make_unique<ConfigurePass>(std::move(options));
}

std::unique_ptr<Pass> createGeneratePass(TargetDesc target,
                                         bool outlineKernels) {
  return std::make_unique<GeneratePass>(std::move(target), outlineKernels);
}

} // namespace autoconfig
