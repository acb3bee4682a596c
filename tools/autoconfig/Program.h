//===- Program.h - Loading a user's MLIR program ----------------*- C++ -*-===//
#ifndef AUTOCONFIG_TOOLS_PROGRAM_H
#define AUTOCONFIG_TOOLS_PROGRAM_H

#include "autoconfig/Import/Import.h"
#include "autoconfig/Model/Config.h"
#include "autoconfig/Workload/Workload.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <array>
#include <memory>
#include <optional>
#include <vector>

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

/// "1x64x58x58,64x64x3x3" (--shapes) as one shape per argument.
llvm::Expected<std::vector<std::vector<int64_t>>>
parseArgumentShapes(llvm::StringRef text);

/// The sizes (M, N, K) the matmul `op` gets when the function it is in is
/// called with `shapes` (one per argument), read from its operands that are
/// that function's arguments; nothing when A or C is not one. An error when
/// the operands disagree on a size.
llvm::Expected<std::optional<std::array<int64_t, 3>>>
matmulSizesAt(mlir::Operation *op, const GemmWorkload &matmul,
              llvm::ArrayRef<std::vector<int64_t>> shapes);

/// Whether `sizes` (M, N, K) fit the matmul `w`: its static sizes, and its
/// dynamic ones' declared ranges. The error names the op and the size.
llvm::Error checkSizesFit(mlir::Operation *op, const GemmWorkload &w,
                          const std::array<int64_t, 3> &sizes);

/// Checks every dynamic matmul of `entry` whose sizes `shapes` decide
/// (matmulSizesAt) against its declared ranges: an error naming the op, the
/// size and the range.
llvm::Error checkMatmulSizesAt(mlir::ModuleOp module, llvm::StringRef entry,
                               llvm::ArrayRef<std::vector<int64_t>> shapes);

/// Gives the convolutions and batch matmuls of `entry` that read memrefs of
/// dynamic sizes straight from its arguments the static types of `shapes`
/// (a memref.cast before the op): their generators take static sizes only,
/// so at --shapes they are specialized, as Buddy's tiered static sizes are.
/// Dynamic matmuls are left dynamic. Returns how many ops it specialized.
unsigned specializeAtShapes(mlir::ModuleOp module, llvm::StringRef entry,
                            llvm::ArrayRef<std::vector<int64_t>> shapes);

/// Prints MLIR diagnostics of `context` to stderr, one line each.
void installDiagnosticPrinter(mlir::MLIRContext &context);

/// Rejects config parameters of 2^31 or more in magnitude, which no
/// algorithm accepts: the models' arithmetic on them would overflow before
/// verify() could say so.
llvm::Error checkConfigValues(const Config &config);

} // namespace autoconfig::cli

#endif
