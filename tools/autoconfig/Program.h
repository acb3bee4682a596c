//===- Program.h - Loading a user's MLIR program ----------------*- C++ -*-===//
#ifndef AUTOCONFIG_TOOLS_PROGRAM_H
#define AUTOCONFIG_TOOLS_PROGRAM_H

#include "autoconfig/Import/Import.h"
#include "autoconfig/Model/Config.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <optional>

namespace autoconfig::cli {

struct Program {
  std::unique_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
};

/// Parses (or, for FILE.onnx, imports: --input-shape applies) and
/// normalizes (TOSA to linalg, bufferization) `path`. MLIR
/// diagnostics print as one line each, "file:line:col: error: message".
/// With `layout`, NCHW convolutions the models prefer in NHWC are converted
/// on the way (see Pipeline/PropagateLayout.cpp).
std::optional<Program>
loadProgram(llvm::StringRef path,
            const LayoutPropagationOptions *layout = nullptr);

/// Prints MLIR diagnostics of `context` to stderr, one line each.
void installDiagnosticPrinter(mlir::MLIRContext &context);

/// Rejects config parameters of 2^31 or more in magnitude, which no
/// algorithm accepts: the models' arithmetic on them would overflow before
/// verify() could say so.
llvm::Error checkConfigValues(const Config &config);

} // namespace autoconfig::cli

#endif
