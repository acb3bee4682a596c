//===- StreamingNest.cpp - A linalg op on memrefs as one loop nest --------===//
//
// The analysis half: loops, operands with linear indices, the body's work,
// which loops fuse and which can carry vectors. The generator is in
// StreamingGenerator.cpp.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/StreamingNest.h"
#include "autoconfig/CodeGen/MathApproximation.h"
#include "autoconfig/CodeGen/StreamingCombiner.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AffineExprVisitor.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace autoconfig {

int LinearIndex::pureLoop() const {
  if (constant != 0)
    return -1;
  int loop = -1;
  for (auto [l, c] : llvm::enumerate(coeffs)) {
    if (c == 0)
      continue;
    if (c != 1 || loop >= 0)
      return -1;
    loop = int(l);
  }
  return loop;
}

/// `expr` as sum c_l * d_l + c, or failure for mod/div/symbols.
static FailureOr<LinearIndex> linearize(AffineExpr expr, unsigned loops) {
  LinearIndex index;
  index.coeffs.assign(loops, 0);
  std::function<bool(AffineExpr, int64_t)> visit = [&](AffineExpr e,
                                                       int64_t scale) {
    if (auto dim = dyn_cast<AffineDimExpr>(e)) {
      index.coeffs[dim.getPosition()] += scale;
      return true;
    }
    if (auto cst = dyn_cast<AffineConstantExpr>(e)) {
      index.constant += scale * cst.getValue();
      return true;
    }
    auto bin = dyn_cast<AffineBinaryOpExpr>(e);
    if (!bin)
      return false;
    if (e.getKind() == AffineExprKind::Add)
      return visit(bin.getLHS(), scale) && visit(bin.getRHS(), scale);
    if (e.getKind() == AffineExprKind::Mul) {
      if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
        return visit(bin.getLHS(), scale * c.getValue());
      if (auto c = dyn_cast<AffineConstantExpr>(bin.getLHS()))
        return visit(bin.getRHS(), scale * c.getValue());
    }
    return false;
  };
  if (!visit(expr, 1))
    return failure();
  return index;
}

/// Whether the body's op can be applied lane by lane.
static bool isVectorizableBodyOp(Operation &op) {
  if (isa<linalg::IndexOp, arith::ConstantOp>(op))
    return true;
  if (!isa<arith::ArithDialect, math::MathDialect>(op.getDialect()) ||
      op.getNumRegions() != 0 || op.getNumResults() != 1)
    return false;
  if (!OpTrait::hasElementwiseMappableTraits(&op))
    return false;
  for (Type t : op.getOperandTypes())
    if (!t.isIntOrIndexOrFloat())
      return false;
  return op.getResult(0).getType().isIntOrIndexOrFloat();
}

int rowDimension(ArrayRef<LinearIndex> indices, ArrayRef<int64_t> shape,
                 ArrayRef<int64_t> strides, unsigned loop) {
  int row = -1;
  for (auto [r, index] : llvm::enumerate(indices)) {
    if (index.coeffs[loop] == 0)
      continue;
    if (row >= 0)
      return -1;
    row = int(r);
  }
  if (row < 0 || strides[row] != 1)
    return -1;
  for (unsigned r = row + 1; r < shape.size(); ++r)
    if (shape[r] != 1)
      return -1;
  return row;
}

FailureOr<StreamingNest> StreamingNest::analyze(linalg::LinalgOp op,
                                                std::string &whyNot) {
  if (!op.hasPureBufferSemantics()) {
    whyNot = "not on memrefs";
    return failure();
  }
  StreamingNest nest;
  nest.op = op;
  unsigned loops = op.getNumLoops();
  if (loops == 0) {
    whyNot = "no loops";
    return failure();
  }
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (int64_t r : ranges)
    if (ShapedType::isDynamic(r)) {
      whyNot = "dynamic loop range";
      return failure();
    }
  nest.extents.assign(ranges.begin(), ranges.end());
  for (utils::IteratorType t : op.getIteratorTypesArray())
    nest.reduction.push_back(t == utils::IteratorType::reduction);
  if (op.getNumDpsInits() == 0) {
    whyNot = "no output";
    return failure();
  }

  Block *body = op.getBlock();
  for (Operation &inner : body->without_terminator())
    if (!isVectorizableBodyOp(inner)) {
      whyNot = "body op '" + inner.getName().getStringRef().str() +
               "' has no vector form here";
      return failure();
    }

  for (OpOperand &operand : op->getOpOperands()) {
    NestOperand nestOperand;
    nestOperand.value = operand.get();
    nestOperand.arg = op.getMatchingBlockArgument(&operand);
    nestOperand.output = op.isDpsInit(&operand);
    if (!nestOperand.arg.getType().isIntOrIndexOrFloat()) {
      whyNot = "operand element type is not a scalar";
      return failure();
    }
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type) {
      if (nestOperand.output ||
          !operand.get().getType().isIntOrIndexOrFloat()) {
        whyNot = "non-memref operand";
        return failure();
      }
      nestOperand.scalar = true;
      nest.operands.push_back(nestOperand);
      continue;
    }
    SmallVector<int64_t> strides;
    int64_t offset;
    if (!type.hasStaticShape() ||
        failed(type.getStridesAndOffset(strides, offset))) {
      whyNot = "operand with a dynamic shape or non-strided layout";
      return failure();
    }
    for (int64_t s : strides)
      if (ShapedType::isDynamic(s)) {
        whyNot = "operand with dynamic strides";
        return failure();
      }
    nestOperand.shape.assign(type.getShape().begin(), type.getShape().end());
    nestOperand.strides = strides;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (map.getNumSymbols() != 0) {
      whyNot = "indexing map with symbols";
      return failure();
    }
    for (AffineExpr expr : map.getResults()) {
      FailureOr<LinearIndex> index = linearize(expr, loops);
      if (failed(index)) {
        whyNot = "non-linear indexing map";
        return failure();
      }
      // A loop of one iteration indexes nothing (a global pool's output
      // position): without it the window's indices become plain loops.
      for (unsigned l = 0; l < loops; ++l)
        if (nest.extents[l] == 1)
          index->coeffs[l] = 0;
      nestOperand.indices.push_back(*index);
    }
    nest.operands.push_back(nestOperand);
  }

  // An output indexed by a reduction loop is not a reduction we can keep in
  // registers.
  for (const NestOperand &o : nest.operands)
    if (o.output)
      for (const LinearIndex &index : o.indices)
        for (auto [l, c] : llvm::enumerate(index.coeffs))
          if (c != 0 && nest.reduction[l]) {
            whyNot = "output indexed by a reduction loop";
            return failure();
          }

  // Loops the body reads with linalg.index cannot fuse (the fused index
  // would have to be split again).
  SmallVector<bool> indexed(loops, false);
  body->walk([&](linalg::IndexOp index) { indexed[index.getDim()] = true; });

  // The model's view.
  StreamingWorkload &w = nest.model;
  w.opName = op->getName().getStringRef().str();
  for (unsigned l = 0; l < loops; ++l)
    w.loops.push_back({nest.extents[l], bool(nest.reduction[l])});
  unsigned widest = 8;
  for (const NestOperand &o : nest.operands) {
    unsigned bits = o.arg.getType().getIntOrFloatBitWidth();
    if (o.arg.getType().isIndex())
      bits = 64;
    widest = std::max(widest, bits);
    // Unused inputs (a pooling window's shape operand) move nothing.
    if (o.isScalar() || (!o.output && o.arg.use_empty()))
      continue;
    StreamingOperand m;
    m.elementBytes = std::max(1u, bits / 8);
    m.output = o.output;
    m.readsOutput = o.output && !o.arg.use_empty();
    m.footprintElements = 1;
    for (unsigned l = 0; l < loops; ++l) {
      int64_t stride = 0;
      for (auto [r, index] : llvm::enumerate(o.indices))
        stride += index.coeffs[l] * o.strides[r];
      m.strides.push_back(stride);
      m.rowLocal.push_back(stride == 0 ||
                           rowDimension(o.indices, o.shape, o.strides, l) >= 0);
    }
    for (auto [r, index] : llvm::enumerate(o.indices)) {
      int64_t span = 1;
      for (auto [l, c] : llvm::enumerate(index.coeffs))
        span += std::abs(c) * (nest.extents[l] - 1);
      m.footprintElements *= std::min(span, o.shape[r]);
    }
    w.operands.push_back(m);
  }
  w.elementBits = widest;

  // The body's work per vector: every op on values that vary per element.
  llvm::DenseSet<Value> varying(body->getArguments().begin(),
                                body->getArguments().end());
  llvm::StringMap<double> perKind;
  for (Operation &inner : body->without_terminator()) {
    bool varies = isa<linalg::IndexOp>(inner);
    for (Value v : inner.getOperands())
      varies |= varying.contains(v);
    if (!varies)
      continue;
    for (Value r : inner.getResults())
      varying.insert(r);
    double cost = mathOpCost(&inner);
    w.bodyOps += cost;
    perKind[inner.getName().getStringRef()] += cost;
  }
  for (const auto &entry : perKind)
    w.bodyDetail +=
        llvm::formatv("{0}{1} {2}", w.bodyDetail.empty() ? "" : ", ",
                      entry.getKey().split('.').second, entry.getValue())
            .str();

  // Which loops can carry vectors: any parallel loop; a reduction loop when
  // the op has one output whose only use is a combiner the generator knows.
  nest.combiner = findCombiner(op);
  for (unsigned l = 0; l < loops; ++l)
    w.vectorizable.push_back(!nest.reduction[l] || nest.combiner);

  // Fusable neighbours: same iteration kind, no linalg.index on either, and
  // every operand indexes both (as consecutive pure dimensions whose memory
  // is contiguous across them) or neither.
  for (unsigned l = 0; l + 1 < loops; ++l) {
    bool fuses = nest.reduction[l] == nest.reduction[l + 1] && !indexed[l] &&
                 !indexed[l + 1];
    for (const NestOperand &o : nest.operands) {
      if (!fuses || o.isScalar())
        continue;
      int outerPos = -1, innerPos = -1;
      bool other = false;
      for (auto [r, index] : llvm::enumerate(o.indices)) {
        int pure = index.pureLoop();
        if (pure == int(l))
          outerPos = int(r);
        else if (pure == int(l + 1))
          innerPos = int(r);
        else if (index.coeffs[l] != 0 || index.coeffs[l + 1] != 0)
          other = true;
      }
      if (other) {
        fuses = false;
        continue;
      }
      if (outerPos < 0 && innerPos < 0)
        continue;
      fuses = outerPos >= 0 && innerPos == outerPos + 1 &&
              o.shape[outerPos] == nest.extents[l] &&
              o.shape[innerPos] == nest.extents[l + 1] &&
              o.strides[outerPos] == o.strides[innerPos] * o.shape[innerPos];
    }
    w.fusesWithNext.push_back(fuses);
  }
  w.fusesWithNext.push_back(false);
  return nest;
}

} // namespace autoconfig
