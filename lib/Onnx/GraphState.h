//===- GraphState.h - The state of one graph's import -----------*- C++ -*-===//
#ifndef AUTOCONFIG_LIB_ONNX_GRAPHSTATE_H
#define AUTOCONFIG_LIB_ONNX_GRAPHSTATE_H

#include "NodeContext.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/StringMap.h"

namespace autoconfig {

class GraphState {
public:
  GraphState(mlir::ModuleOp module, const OnnxImportOptions &options)
      : module(module), options(options) {}

  mlir::ModuleOp module;
  const OnnxImportOptions &options;
  /// Every ONNX value defined so far, by name.
  llvm::StringMap<ImportedValue> values;

  /// The first error of the import.
  struct Problem {
    OnnxErrorKind kind;
    std::string message;
    std::string missing;
  };
  std::optional<Problem> problem;
  void report(OnnxErrorKind kind, const llvm::Twine &message,
              const llvm::Twine &missing = "") {
    if (!problem)
      problem = Problem{kind, message.str(), missing.str()};
  }

  /// Whether a result of `shape` may be evaluated on the host: within the
  /// per-tensor limit (HostEvaluation.h) and the graph's remaining budget,
  /// which it then consumes (a model cannot make the importer hold more
  /// than kHostBudgetElements values).
  bool hostEvaluable(llvm::ArrayRef<int64_t> shape);

  /// A tensor constant holding `value`: dense literal, or a dense_resource
  /// blob from options.resourceThresholdBytes on.
  mlir::Value materialize(mlir::OpBuilder &b, mlir::Location loc,
                          const OnnxTensor &value);

private:
  unsigned blobs = 0;
  int64_t hostBudget = int64_t(1) << 24;
};

} // namespace autoconfig

#endif
