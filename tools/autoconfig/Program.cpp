//===- Program.cpp - Loading a user's MLIR program ------------------------===//

#include "Program.h"
#include "Options.h"

#include "autoconfig/Dialect/AutoConfigDialect.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Model/Config.h"
#include "autoconfig/Onnx/OnnxModel.h"
#include "autoconfig/Workload/ExtractionUtils.h"

#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/Extraction.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Diagnostics.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using llvm::createStringError;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;
using llvm::inconvertibleErrorCode;

namespace autoconfig::cli {

static constexpr int64_t kConfigValueLimit = int64_t(1) << 31;

void installDiagnosticPrinter(MLIRContext &context) {
  context.getDiagEngine().registerHandler([](Diagnostic &diag) {
    const char *severity = "note";
    switch (diag.getSeverity()) {
    case DiagnosticSeverity::Error:
      severity = "error";
      break;
    case DiagnosticSeverity::Warning:
      severity = "warning";
      break;
    case DiagnosticSeverity::Remark:
      severity = "remark";
      break;
    case DiagnosticSeverity::Note:
      break;
    }
    std::string location;
    llvm::raw_string_ostream os(location);
    if (auto file = dyn_cast<FileLineColLoc>(diag.getLocation()))
      os << file.getFilename().getValue() << ":" << file.getLine() << ":"
         << file.getColumn() << ": ";
    else if (!isa<UnknownLoc>(diag.getLocation()))
      os << diag.getLocation() << ": ";
    llvm::errs() << location << severity << ": " << diag.str() << "\n";
    for (Diagnostic &note : diag.getNotes())
      llvm::errs() << "  note: " << note.str() << "\n";
    return success();
  });
}

llvm::Error checkConfigValues(const Config &config) {
  for (const auto &[key, value] : config.params())
    if (value <= -kConfigValueLimit || value >= kConfigValueLimit)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "invalid config \"" + config.str() + "\": value of '" + key +
              "' is out of range (" + std::to_string(value) +
              "; parameters must be within +-(2^31-1))");
  return llvm::Error::success();
}

std::optional<Program> loadProgram(llvm::StringRef path,
                                   const LayoutPropagationOptions *layout) {
  Program program;
  program.context = createAutoConfigContext();
  installDiagnosticPrinter(*program.context);
  if (path.empty()) {
    fail("no input file given");
    return std::nullopt;
  }
  if (isOnnxPath(path)) {
    OnnxImportOptions options;
    if (!onnxImportOptions(options))
      return std::nullopt;
    auto model = OnnxModel::load(path);
    if (!model) {
      fail(toString(model.takeError()));
      return std::nullopt;
    }
    auto module = model->import(*program.context, options);
    if (!module) {
      fail(toString(module.takeError()));
      return std::nullopt;
    }
    program.module = std::move(*module);
    // Compiling needs static shapes (only explain copes with symbolic ones).
    for (const OnnxValueInfo &in : model->inputs())
      if (!in.hasInitializer && !options.inputShapes.count(in.name) &&
          llvm::is_contained(in.shape, -1))
        llvm::WithColor::note(llvm::errs(), "autoconfig")
            << "input '" << in.name << "' of '" << path
            << "' has symbolic dimensions " << onnxShapeString(in.shape)
            << ": give them with --input-shape " << in.name << "=D1xD2x...\n";
  } else {
    program.module = parseInputFile(path, *program.context);
  }
  if (!program.module)
    return std::nullopt;
  if (failed(normalizeModule(*program.module, layout))) {
    fail("'" + path +
         "' could not be normalized (TOSA lowering or "
         "bufferization failed; see the errors above)");
    return std::nullopt;
  }
  if (!dimRanges.empty()) {
    auto ranges = parseSizeRanges(dimRanges);
    if (!ranges) {
      fail(toString(ranges.takeError()));
      return std::nullopt;
    }
    applySizeRangeDefaults(program.module->getOperation(), *ranges);
  }
  // A hand-written config that is not a string would otherwise be silently
  // replaced by the model's choice.
  bool badConfig = false;
  program.module->walk([&](Operation *op) {
    Attribute config = op->getAttr(kConfigAttrName);
    if (config && !isa<StringAttr, ConfigAttr>(config)) {
      op->emitError("autoconfig: '")
          << kConfigAttrName
          << "' must be a string such as \"blocked mr=6 nr=32\" or a "
             "#autoconfig.config<...>, got "
          << config;
      badConfig = true;
      return;
    }
    if (auto text = dyn_cast_or_null<StringAttr>(config)) {
      // Parse errors are reported by the passes, with the same location.
      llvm::Expected<Config> parsed = Config::parse(text.getValue());
      if (!parsed) {
        llvm::consumeError(parsed.takeError());
        return;
      }
      if (llvm::Error err = checkConfigValues(*parsed)) {
        op->emitError("autoconfig: ") << llvm::toString(std::move(err));
        badConfig = true;
      }
    }
  });
  if (badConfig)
    return std::nullopt;
  return program;
}

Expected<std::vector<std::vector<int64_t>>>
parseArgumentShapes(StringRef text) {
  std::vector<std::vector<int64_t>> shapes;
  if (text.empty())
    return shapes;
  SmallVector<StringRef> parts;
  text.split(parts, ',');
  for (StringRef part : parts) {
    SmallVector<StringRef> dims;
    part.trim().split(dims, 'x');
    std::vector<int64_t> shape;
    for (StringRef dim : dims) {
      int64_t value = 0;
      if (dim.trim().getAsInteger(10, value) || value < 1)
        return createStringError(inconvertibleErrorCode(),
                                 "--shapes '" + text + "': '" + part +
                                     "' is not a shape D1xD2x... of "
                                     "positive sizes");
      shape.push_back(value);
    }
    shapes.push_back(std::move(shape));
  }
  return shapes;
}

Expected<std::optional<std::array<int64_t, 3>>>
matmulSizesAt(mlir::Operation *op, const GemmWorkload &w,
              ArrayRef<std::vector<int64_t>> shapes) {
  auto fn = op->getParentOfType<mlir::func::FuncOp>();
  if (!fn || op->getNumOperands() != 3 || shapes.size() != fn.getNumArguments())
    return std::nullopt;
  auto shapeOf = [&](mlir::Value v) -> const std::vector<int64_t> * {
    auto arg = dyn_cast<mlir::BlockArgument>(v);
    if (!arg || arg.getOwner() != &fn.getBody().front() ||
        shapes[arg.getArgNumber()].size() != 2)
      return nullptr;
    return &shapes[arg.getArgNumber()];
  };
  const std::vector<int64_t> *a = shapeOf(op->getOperand(0));
  const std::vector<int64_t> *b = shapeOf(op->getOperand(1));
  const std::vector<int64_t> *c = shapeOf(op->getOperand(2));
  if (!a || !c)
    return std::nullopt;
  // The operands must agree (memref.dim reads each size from one of them).
  int64_t m = (*c)[0], n = (*c)[1];
  int64_t k = (*a)[w.transA ? 0 : 1];
  bool agree = (*a)[w.transA ? 1 : 0] == m;
  if (b)
    agree &= (*b)[w.transB ? 1 : 0] == k && (*b)[w.transB ? 0 : 1] == n;
  if (!agree)
    return createStringError(
        inconvertibleErrorCode(),
        formatv("--shapes: the operands of the matmul at {0} do not agree "
                "on M, N and K",
                formatLocation(op->getLoc())));
  return std::array<int64_t, 3>{m, n, k};
}

Error checkSizesFit(mlir::Operation *op, const GemmWorkload &w,
                    const std::array<int64_t, 3> &sizes) {
  auto [m, n, k] = sizes;
  std::string where = formatLocation(op->getLoc());
  for (auto [name, size, own, range] :
       {std::tuple{"M", m, w.m, w.mRange}, std::tuple{"N", n, w.n, w.nRange},
        std::tuple{"K", k, w.k, w.kRange}}) {
    if (!range && size != own)
      return createStringError(
          inconvertibleErrorCode(),
          formatv("--shapes: the matmul at {0} has the static size {1} = "
                  "{2}, not {3}",
                  where, name, own, size));
    if (range && !range->contains(size))
      return createStringError(
          inconvertibleErrorCode(),
          formatv("--shapes: the matmul at {0} gets {1} = {2}, outside its "
                  "declared range {3}:{4}",
                  where, name, size, range->min, range->max));
  }
  return Error::success();
}

Error checkMatmulSizesAt(mlir::ModuleOp module, StringRef entry,
                         ArrayRef<std::vector<int64_t>> shapes) {
  auto fn = module.lookupSymbol<mlir::func::FuncOp>(entry);
  if (!fn || fn.isExternal() || shapes.empty())
    return Error::success();
  std::optional<Error> error;
  fn.walk([&](mlir::Operation *op) {
    if (error || !isConfigurableOp(op))
      return;
    FailureOr<Workload> workload = extractWorkload(op);
    const auto *w =
        succeeded(workload) ? std::get_if<GemmWorkload>(&*workload) : nullptr;
    if (!w || !w->isDynamic())
      return;
    auto sizes = matmulSizesAt(op, *w, shapes);
    if (!sizes) {
      error = sizes.takeError();
      return;
    }
    if (!*sizes)
      return;
    if (Error err = checkSizesFit(op, *w, **sizes))
      error = std::move(err);
  });
  return error ? std::move(*error) : Error::success();
}

unsigned specializeAtShapes(ModuleOp module, llvm::StringRef entry,
                            llvm::ArrayRef<std::vector<int64_t>> shapes) {
  auto fn = module.lookupSymbol<func::FuncOp>(entry);
  if (!fn || fn.isExternal() || shapes.size() != fn.getNumArguments())
    return 0;
  unsigned specialized = 0;
  fn.walk([&](Operation *op) {
    if (!isConfigurableOp(op) ||
        !(isConvOp(op) || isa<linalg::BatchMatmulOp>(op)))
      return;
    bool changed = false;
    for (OpOperand &operand : op->getOpOperands()) {
      auto arg = dyn_cast<BlockArgument>(operand.get());
      auto type = dyn_cast<MemRefType>(operand.get().getType());
      if (!arg || arg.getOwner() != &fn.getBody().front() || !type ||
          type.hasStaticShape() || !type.getLayout().isIdentity())
        continue;
      const std::vector<int64_t> &shape = shapes[arg.getArgNumber()];
      if (int64_t(shape.size()) != type.getRank())
        continue; // the runner reports the mismatch
      OpBuilder b(op);
      auto cast = memref::CastOp::create(
          b, op->getLoc(), MemRefType::get(shape, type.getElementType()),
          operand.get());
      operand.set(cast);
      changed = true;
    }
    specialized += changed;
  });
  return specialized;
}

} // namespace autoconfig::cli
