//===- MathApproximation.h - Vector math without libm calls -----*- C++ -*-===//
//
// math.exp, math.tanh, math.erf, math.log, ... on vectors would become one
// libm call per lane. The lowering replaces them by MLIR's polynomial
// approximations (mlir/Dialect/Math/Transforms/Passes.h), which stay vector
// code; the streaming model counts their operations from the same patterns.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_CODEGEN_MATHAPPROXIMATION_H
#define AUTOCONFIG_CODEGEN_MATHAPPROXIMATION_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/PatternMatch.h"

namespace autoconfig {

/// The math functions replaced by polynomial approximations.
bool isApproximatedMathOp(llvm::StringRef mnemonic);

/// Adds the approximation patterns (f32, and f16/bf16 through f32).
void populateMathApproximationPatterns(mlir::RewritePatternSet &patterns);

/// Operations of the code that `op` becomes: its approximation's for an
/// approximated math op, else 1 (an instruction).
double mathOpCost(mlir::Operation *op);

} // namespace autoconfig

#endif
