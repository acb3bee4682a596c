//===- CollectedErrors.h - Errors kept for a message ------------*- C++ -*-===//
//
// A compilation that reports failure through llvm::Error (not through the
// diagnostic engine) collects the errors MLIR emitted while it ran, to name
// them in its message.
//
//===----------------------------------------------------------------------===//

#ifndef AUTOCONFIG_PIPELINE_COLLECTEDERRORS_H
#define AUTOCONFIG_PIPELINE_COLLECTEDERRORS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <string>

namespace autoconfig {

/// While alive, takes every diagnostic of `context`; keeps the errors, one a
/// line, and drops the rest (warnings and remarks are not a failure's cause).
class CollectedErrors {
public:
  explicit CollectedErrors(mlir::MLIRContext *context)
      : handler(context, [this](mlir::Diagnostic &diag) {
          if (diag.getSeverity() == mlir::DiagnosticSeverity::Error)
            errors += diag.str() + "\n";
          return mlir::success();
        }) {}

  /// The errors so far, without the trailing newline.
  llvm::StringRef text() const { return llvm::StringRef(errors).trim(); }

private:
  std::string errors;
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace autoconfig

#endif // AUTOCONFIG_PIPELINE_COLLECTEDERRORS_H
