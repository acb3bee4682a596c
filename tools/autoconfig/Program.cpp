//===- Program.cpp - Loading a user's MLIR program ------------------------===//

#include "Program.h"
#include "Options.h"

#include "autoconfig/Dialect/AutoConfigDialect.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Model/Config.h"
#include "autoconfig/Onnx/OnnxModel.h"
#include "autoconfig/Workload/ExtractionUtils.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

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

} // namespace autoconfig::cli
