//===- MathApproximation.cpp - Vector math without libm calls -------------===//

#include "autoconfig/CodeGen/MathApproximation.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/StringSet.h"

#include <map>
#include <mutex>

using namespace mlir;

namespace autoconfig {

/// Functions whose approximations agree with libm within 2e-6 relative
/// error over their domains (test/e2e/StreamingTest.cpp). Not expm1 and
/// log1p: near 0 they lose digits (5e-6 and 3e-5 measured).
static bool approximated(StringRef name) {
  name.consume_front("math.");
  static const llvm::StringSet<> names = {"exp",  "log", "log2",
                                          "tanh", "erf", "erfc"};
  return names.contains(name);
}

bool isApproximatedMathOp(StringRef mnemonic) { return approximated(mnemonic); }

void populateMathApproximationPatterns(RewritePatternSet &patterns) {
  populateMathF32ExpansionPatterns(patterns, approximated);
  populateMathPolynomialApproximationPatterns(patterns, approximated);
}

double mathOpCost(Operation *op) {
  if (!isa<math::MathDialect>(op->getDialect()) || op->getNumResults() != 1 ||
      !isApproximatedMathOp(op->getName().getStringRef()))
    return 1;
  // Expand a copy of the op on an 8-lane vector in a scratch module and count
  // what comes out (the count does not depend on the lanes).
  static std::mutex mutex;
  static std::map<std::string, double> cache;
  Type element = getElementTypeOrSelf(op->getResult(0).getType());
  std::string key;
  llvm::raw_string_ostream os(key);
  os << op->getName() << " " << element;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(key);
  if (it != cache.end())
    return it->second;
  // The dialects are loaded: the passes that call this depend on them.
  MLIRContext *ctx = op->getContext();
  OpBuilder b(ctx);
  Location loc = op->getLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());
  auto vectorType = VectorType::get({8}, element);
  SmallVector<Type> argTypes(op->getNumOperands(), vectorType);
  auto fn = func::FuncOp::create(b, loc, "cost",
                                 b.getFunctionType(argTypes, {vectorType}));
  Block *body = fn.addEntryBlock();
  b.setInsertionPointToStart(body);
  OperationState state(loc, op->getName());
  state.addOperands(body->getArguments());
  state.addTypes(vectorType);
  state.addAttributes(op->getAttrs());
  Operation *copy = b.create(state);
  func::ReturnOp::create(b, loc, copy->getResults());
  RewritePatternSet patterns(ctx);
  populateMathApproximationPatterns(patterns);
  (void)applyPatternsGreedily(module.get(), std::move(patterns));
  double count = 0;
  fn.walk([&](Operation *inner) {
    if (!isa<func::FuncOp, func::ReturnOp, arith::ConstantOp>(inner))
      ++count;
  });
  cache[key] = std::max(1.0, count);
  return cache[key];
}

} // namespace autoconfig
