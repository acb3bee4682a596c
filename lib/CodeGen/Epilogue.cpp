//===- Epilogue.cpp - Elementwise epilogues fused into a kernel's stores --===//

#include "autoconfig/CodeGen/Epilogue.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace autoconfig {

/// Ops an epilogue body may contain: any side-effect-free elementwise op of
/// the arith or math dialects on scalars (bias, ReLU and clamps, but also
/// SiLU, GELU with erf or tanh, sigmoid, exp...), which the epilogue widens
/// to the kernel's vectors op by op.
static bool isElementwiseArith(Operation *op) {
  if (isa<arith::ConstantOp>(op))
    return true;
  if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) ||
      !op->hasTrait<OpTrait::Elementwise>() || !isMemoryEffectFree(op))
    return false;
  auto scalar = [](Type t) { return t.isIntOrIndexOrFloat(); };
  return llvm::all_of(op->getOperandTypes(), scalar) &&
         llvm::all_of(op->getResultTypes(), scalar);
}

bool Epilogue::isFusable(linalg::GenericOp generic, Value output,
                         std::string &why) {
  if (generic.getNumDpsInits() != 1 || !generic.hasPureBufferSemantics()) {
    why = "not a single-output op on memrefs";
    return false;
  }
  if (generic.getNumParallelLoops() != generic.getNumLoops()) {
    why = "not elementwise (has reductions)";
    return false;
  }
  OpOperand *init = generic.getDpsInitOperand(0);
  if (!generic.getMatchingIndexingMap(init).isIdentity() ||
      init->get().getType() != output.getType()) {
    why = "output is not the same shape as the producer's";
    return false;
  }
  unsigned rank = generic.getNumLoops();
  unsigned uses = 0;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(input);
    if (input->get() == output) {
      if (!map.isIdentity()) {
        why = "reads the producer's output through a non-identity map";
        return false;
      }
      ++uses;
      continue;
    }
    if (!isa<MemRefType>(input->get().getType()) ||
        !map.isProjectedPermutation()) {
      why = "an operand is not a memref read elementwise";
      return false;
    }
    // Vectors run along the last loop dimension: an operand must read it as
    // its own last dimension (contiguous) or not at all (broadcast).
    for (unsigned r = 0; r + 1 < map.getNumResults(); ++r)
      if (map.getDimPosition(r) == rank - 1) {
        why = "an operand is transposed along the vector dimension";
        return false;
      }
  }
  if (uses != 1) {
    why = "does not read the producer's output exactly once";
    return false;
  }
  Block &body = generic.getRegion().front();
  if (!body.getArguments().back().use_empty()) {
    why = "reads its own output";
    return false;
  }
  for (Operation &op : body.without_terminator())
    if (!isElementwiseArith(&op) || op.getNumRegions()) {
      why = "body op '" + op.getName().getStringRef().str() +
            "' is not an elementwise arith or math op";
      return false;
    }
  for (Operation &op : body)
    for (Value operand : op.getOperands())
      if (operand.getParentBlock() != &body &&
          !operand.getDefiningOp<arith::ConstantOp>()) {
        why = "body uses a non-constant value from outside";
        return false;
      }
  return true;
}

std::optional<Epilogue> Epilogue::following(Operation *op) {
  auto producer = dyn_cast<linalg::LinalgOp>(op);
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op->getNextNode());
  if (!producer || !generic || !generic->hasAttr(kEpilogueAttrName) ||
      producer.getNumDpsInits() != 1)
    return std::nullopt;
  Value output = producer.getDpsInitOperand(0)->get();
  std::string why;
  if (!isFusable(generic, output, why))
    return std::nullopt;
  return Epilogue(generic, output);
}

Value Epilogue::destination() const {
  return generic.getDpsInitOperand(0)->get();
}

Value Epilogue::apply(KernelBuilder &kb, Value value, ValueRange viewIndices,
                      int64_t live, Value mask) const {
  SmallVector<Value> indices = outputIndices(kb, viewIndices);
  auto vectorType = dyn_cast<VectorType>(value.getType());
  int64_t lanes = vectorType ? vectorType.getNumElements() : 0;
  unsigned rank = generic.getNumLoops();
  auto widen = [&](Type scalar) -> Type {
    return lanes ? Type(VectorType::get({lanes}, scalar)) : scalar;
  };
  IRMapping mapping;
  Block &body = generic.getRegion().front();
  for (OpOperand *input : generic.getDpsInputOperands()) {
    BlockArgument arg = body.getArgument(input->getOperandNumber());
    if (input->get() == output) {
      mapping.map(arg, value);
      continue;
    }
    AffineMap map = generic.getMatchingIndexingMap(input);
    SmallVector<Value> at;
    bool alongVector = false;
    for (unsigned r = 0; r < map.getNumResults(); ++r) {
      unsigned dim = map.getDimPosition(r);
      at.push_back(indices[dim]);
      alongVector |= dim == rank - 1;
    }
    Value loaded;
    if (!lanes)
      loaded = kb.loadScalar(input->get(), at);
    else if (alongVector && mask)
      loaded = vector::MaskedLoadOp::create(kb.b(), kb.vectorType(lanes),
                                            input->get(), at, mask,
                                            kb.zeroVector(lanes));
    else if (alongVector)
      loaded = kb.loadVector(input->get(), at, lanes, live);
    else
      loaded = kb.broadcast(kb.loadScalar(input->get(), at), lanes);
    mapping.map(arg, loaded);
  }
  // Constants from outside the body, splatted for vectors.
  auto lookup = [&](Value v) -> Value {
    if (Value mapped = mapping.lookupOrNull(v))
      return mapped;
    Operation *constant = kb.b().clone(*v.getDefiningOp());
    Value scalar = constant->getResult(0);
    Value widened = lanes ? kb.broadcast(scalar, lanes) : scalar;
    mapping.map(v, widened);
    return widened;
  };
  for (Operation &op : body.without_terminator()) {
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      lookup(constant.getResult());
      continue;
    }
    SmallVector<Value> operands;
    for (Value operand : op.getOperands())
      operands.push_back(lookup(operand));
    SmallVector<Type> types;
    for (Type t : op.getResultTypes())
      types.push_back(widen(t));
    OperationState state(kb.b().getLoc(), op.getName(), operands, types,
                         op.getAttrs());
    Operation *widened = kb.b().create(state);
    for (auto [from, to] : llvm::zip(op.getResults(), widened->getResults()))
      mapping.map(from, to);
  }
  return lookup(body.getTerminator()->getOperand(0));
}

/// Stores a vector with `live` valid lanes, or a scalar, at `indices`.
static void storeValue(KernelBuilder &kb, Value value, Value memref,
                       ValueRange indices, int64_t live) {
  if (isa<VectorType>(value.getType()))
    kb.storeVector(value, memref, indices, live);
  else
    kb.storeScalar(value, memref, indices);
}

void Epilogue::store(KernelBuilder &kb, Value value, ValueRange viewIndices,
                     int64_t live) const {
  Value result = apply(kb, value, viewIndices, live);
  SmallVector<Value> indices = outputIndices(kb, viewIndices);
  storeValue(kb, result, destination(), indices, live);
}

void storeFinal(KernelBuilder &kb, const Epilogue *epilogue, Value value,
                Value output, ValueRange indices, int64_t live) {
  if (epilogue)
    epilogue->store(kb, value, indices, live);
  else
    storeValue(kb, value, output, indices, live);
}

void Epilogue::storeMasked(KernelBuilder &kb, Value value,
                           ValueRange viewIndices, Value mask) const {
  int64_t lanes = cast<VectorType>(value.getType()).getNumElements();
  Value result = apply(kb, value, viewIndices, lanes, mask);
  SmallVector<Value> indices = outputIndices(kb, viewIndices);
  vector::MaskedStoreOp::create(kb.b(), destination(), indices, mask, result);
}

Epilogue Epilogue::withPrefix(ValueRange prefix) const {
  SmallVector<Value> fixed(prefix.begin(), prefix.end());
  return withIndexMap([fixed](KernelBuilder &, ValueRange view) {
    SmallVector<Value> all(fixed);
    all.append(view.begin(), view.end());
    return all;
  });
}

SmallVector<Value> Epilogue::outputIndices(KernelBuilder &kb,
                                           ValueRange view) const {
  if (indexMap)
    return indexMap(kb, view);
  return SmallVector<Value>(view.begin(), view.end());
}

void Epilogue::erase(RewriterBase &rewriter) const {
  rewriter.eraseOp(generic);
}

} // namespace autoconfig
