//===- StreamingCombiner.cpp - The combining op of a reduction body -------===//

#include "autoconfig/CodeGen/StreamingCombiner.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;

namespace autoconfig {

std::optional<vector::CombiningKind> combiningKind(Operation *op) {
  using K = vector::CombiningKind;
  return llvm::TypeSwitch<Operation *, std::optional<K>>(op)
      .Case<arith::AddFOp, arith::AddIOp>([](auto) { return K::ADD; })
      .Case<arith::MulFOp, arith::MulIOp>([](auto) { return K::MUL; })
      .Case<arith::MaximumFOp>([](auto) { return K::MAXIMUMF; })
      .Case<arith::MinimumFOp>([](auto) { return K::MINIMUMF; })
      .Case<arith::MaxNumFOp>([](auto) { return K::MAXNUMF; })
      .Case<arith::MinNumFOp>([](auto) { return K::MINNUMF; })
      .Case<arith::MaxSIOp>([](auto) { return K::MAXSI; })
      .Case<arith::MinSIOp>([](auto) { return K::MINSI; })
      .Case<arith::MaxUIOp>([](auto) { return K::MAXUI; })
      .Case<arith::MinUIOp>([](auto) { return K::MINUI; })
      .Case<arith::AndIOp>([](auto) { return K::AND; })
      .Case<arith::OrIOp>([](auto) { return K::OR; })
      .Case<arith::XOrIOp>([](auto) { return K::XOR; })
      .Default([](Operation *) { return std::nullopt; });
}

TypedAttr neutralElement(Operation *op, Type type) {
  using K = vector::CombiningKind;
  std::optional<K> kind = combiningKind(op);
  if (!kind)
    return {};
  if (auto floatType = dyn_cast<FloatType>(type)) {
    const llvm::fltSemantics &sem = floatType.getFloatSemantics();
    switch (*kind) {
    case K::ADD:
      // -0 is the exact identity of addition (x + -0 = x for every x).
      return FloatAttr::get(type, -0.0);
    case K::MUL:
      return FloatAttr::get(type, 1.0);
    case K::MAXIMUMF:
    case K::MAXNUMF:
      return FloatAttr::get(type,
                            llvm::APFloat::getInf(sem, /*Negative=*/true));
    case K::MINIMUMF:
    case K::MINNUMF:
      return FloatAttr::get(type, llvm::APFloat::getInf(sem));
    default:
      return {};
    }
  }
  auto intType = dyn_cast<IntegerType>(type);
  if (!intType)
    return {};
  unsigned bits = intType.getWidth();
  switch (*kind) {
  case K::ADD:
  case K::OR:
  case K::XOR:
  case K::MAXUI:
    return IntegerAttr::get(type, llvm::APInt::getZero(bits));
  case K::MUL:
    return IntegerAttr::get(type, llvm::APInt(bits, 1));
  case K::AND:
  case K::MINUI:
    return IntegerAttr::get(type, llvm::APInt::getAllOnes(bits));
  case K::MAXSI:
    return IntegerAttr::get(type, llvm::APInt::getSignedMinValue(bits));
  case K::MINSI:
    return IntegerAttr::get(type, llvm::APInt::getSignedMaxValue(bits));
  default:
    return {};
  }
}

Operation *findCombiner(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1)
    return nullptr;
  BlockArgument out = op.getRegionOutputArgs().front();
  if (!out.hasOneUse())
    return nullptr;
  Operation *user = *out.getUsers().begin();
  if (user->getBlock() != op.getBlock() || user->getNumOperands() != 2 ||
      !combiningKind(user) || !neutralElement(user, out.getType()))
    return nullptr;
  Operation *yield = op.getBlock()->getTerminator();
  if (yield->getOperand(0) != user->getResult(0))
    return nullptr;
  // The other operand must not be the output itself (out + out).
  if (user->getOperand(0) == out && user->getOperand(1) == out)
    return nullptr;
  return user;
}

} // namespace autoconfig
