//===- Program.cpp - Loading a user's MLIR program ------------------------===//

#include "Program.h"
#include "Options.h"

#include "autoconfig/Pipeline/Import.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace autoconfig::cli {

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

std::optional<Program> loadProgram(llvm::StringRef path) {
  Program program;
  program.context = createAutoConfigContext();
  installDiagnosticPrinter(*program.context);
  if (path.empty()) {
    fail("no input file given");
    return std::nullopt;
  }
  program.module = parseInputFile(path, *program.context);
  if (!program.module)
    return std::nullopt;
  if (failed(normalizeModule(*program.module))) {
    fail("'" + path +
         "' could not be normalized (TOSA lowering or "
         "bufferization failed; see the errors above)");
    return std::nullopt;
  }
  return program;
}

} // namespace autoconfig::cli
