//===- ScalarExpr.h - An element-wise body as a tree ------------*- C++ -*-===//
//
// What an element-wise linalg op (generic or named) computes at one point of
// its iteration space, as an expression over the tensors it reads: leaves
// read a tensor through an indexing map, inner nodes apply one arith or
// math function. Producers that are element-wise too may be inlined (their
// maps composed), so that `x * sigmoid(x)` written as two ops reads as one
// expression. The tree is what the epilogue classifier matches and what the
// constant evaluator interprets.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PROGRAM_SCALAREXPR_H
#define AUTOCONFIG_BENCH_PROGRAM_SCALAREXPR_H

#include "ConstantTensor.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AffineMap.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <deque>
#include <functional>
#include <optional>

namespace autoconfig::program {

/// An error of the program peer (every file of it reports this way).
inline llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The scalar functions an element-wise body may apply.
enum class Fn {
  Add,
  Sub,
  Mul,
  Div,
  Neg,
  Max,
  Min,
  Cmp,
  Select,
  Exp,
  Log,
  Tanh,
  Erf,
  Sqrt,
  Rsqrt,
  Abs,
  Pow,
  /// A conversion between float types (truncf, extf) or from an integer.
  Convert,
};

struct Expr {
  enum class Kind { Leaf, Constant, Apply };
  Kind kind = Kind::Constant;
  /// Constant.
  double value = 0;
  /// Leaf: the tensor read, through `map` (iteration space to tensor
  /// indices).
  mlir::Value tensor;
  mlir::AffineMap map;
  /// Apply.
  Fn fn = Fn::Add;
  mlir::arith::CmpFPredicate predicate =
      mlir::arith::CmpFPredicate::AlwaysFalse;
  /// The result is an f32 (rounded as the program rounds it).
  bool f32 = true;
  llvm::SmallVector<const Expr *, 3> args;

  bool isConstant() const { return kind == Kind::Constant; }
  bool isLeaf() const { return kind == Kind::Leaf; }
  bool is(Fn f) const { return kind == Kind::Apply && fn == f; }
};

/// Whether two trees compute the same thing (same leaves, functions and
/// constants).
bool sameExpr(const Expr *a, const Expr *b);

/// A short text form, for error messages and tests ("max(x0, 0)").
std::string describeExpr(const Expr *e);

/// `fn` applied to `args` in double precision, rounded to f32 if `e.f32`.
double applyFn(const Expr &e, llvm::ArrayRef<double> args);

class ExprBuilder {
public:
  /// The value of a scalar defined outside a body (a constant the program
  /// computes), or of a tensor operand holding one value; nullopt otherwise.
  using ScalarLookup = std::function<std::optional<double>(mlir::Value)>;
  explicit ExprBuilder(ScalarLookup scalarOf) : scalarOf(std::move(scalarOf)) {}

  /// The element-wise op whose result `tensor` is, when it should be inlined
  /// into its reader; null otherwise.
  using InlinePolicy = llvm::function_ref<mlir::linalg::LinalgOp(mlir::Value)>;

  /// The expression `op` (all loops parallel, one result) yields. Ops
  /// inlined are appended to `inlined`. Errors name the body op that has no
  /// scalar meaning here.
  llvm::Expected<const Expr *>
  build(mlir::linalg::LinalgOp op, InlinePolicy inlinePolicy,
        llvm::SmallVectorImpl<mlir::Operation *> &inlined);

  const Expr *constant(double value);

private:
  llvm::Expected<const Expr *>
  buildBody(mlir::linalg::LinalgOp op, mlir::AffineMap outer,
            InlinePolicy inlinePolicy,
            llvm::SmallVectorImpl<mlir::Operation *> &inlined);
  ScalarLookup scalarOf;
  std::deque<Expr> nodes;
};

/// Whether `op` is element-wise: all loops parallel, one init whose map is
/// the identity, every map a projected permutation (broadcasts allowed).
bool isElementwise(mlir::linalg::LinalgOp op);

/// Evaluates `e`, whose leaves are constants (`constantOf`), over the
/// iteration space `shape`. The result keeps the dimensions some leaf reads
/// and has size 1 in the others (a broadcast operand).
llvm::Expected<ConstantTensor>
evaluate(const Expr *e, llvm::ArrayRef<int64_t> shape,
         llvm::function_ref<const ConstantTensor *(mlir::Value)> constantOf);

/// The iteration dimensions the leaves of `e` read.
llvm::SmallVector<bool> dimensionsRead(const Expr *e, unsigned rank);

} // namespace autoconfig::program

#endif
