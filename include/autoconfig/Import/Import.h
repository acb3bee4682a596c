//===- Import.h - Context set-up, parsing and normalization -----*- C++ -*-===//
#ifndef AUTOCONFIG_IMPORT_IMPORT_H
#define AUTOCONFIG_IMPORT_IMPORT_H

#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Target/TargetDesc.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace autoconfig {

/// Registers every dialect, interface and LLVM IR translation AutoConfig uses.
void registerAutoConfigDialects(mlir::DialectRegistry &registry);

/// A context with those dialects loaded lazily and multithreading off (the
/// compiler runs beside the benchmarks it times).
std::unique_ptr<mlir::MLIRContext> createAutoConfigContext();

/// Parses an MLIR file ("-" reads stdin). Errors (unreadable, empty, not
/// MLIR, invalid IR) are reported with locations through the context's
/// diagnostic handler; returns null then.
mlir::OwningOpRef<mlir::ModuleOp> parseInputFile(llvm::StringRef path,
                                                 mlir::MLIRContext &context);
/// Parses MLIR text held in memory (tests, built-in workloads).
mlir::OwningOpRef<mlir::ModuleOp> parseInputString(llvm::StringRef text,
                                                   mlir::MLIRContext &context);

/// What the layout propagation asks the models with.
struct LayoutPropagationOptions {
  TargetDesc target;
  Profile profile;
  unsigned threads = 1;
  /// Convert every NCHW convolution whatever the models predict (tests,
  /// experiments).
  bool always = false;
};

/// Brings a program to linalg on memrefs: TOSA to linalg, then one-shot
/// bufferization across function boundaries (identity layouts).
mlir::LogicalResult
normalizeModule(mlir::ModuleOp module,
                const LayoutPropagationOptions *layout = nullptr);

/// NCHW convolutions (and the elementwise ops between them) run in NHWC
/// where the models predict it faster, reorders included
/// (PropagateLayout.cpp). On tensors, before bufferization.
std::unique_ptr<mlir::Pass>
createPropagateLayoutPass(LayoutPropagationOptions options);

/// createFuseElementwisePass() (Passes.h) fuses elementwise linalg chains
/// and folds reshapes into elementwise ops only: named contractions
/// (batch_matmul between reshapes, as attention has) stay named so that
/// they are configured (FuseElementwise.cpp).

} // namespace autoconfig

#endif
