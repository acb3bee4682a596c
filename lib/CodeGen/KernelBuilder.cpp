//===- KernelBuilder.cpp - Small IR-building helpers for generators -------===//

#include "autoconfig/CodeGen/KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace autoconfig {

KernelBuilder::KernelBuilder(OpBuilder &b, Location loc, Type elementType,
                             bool useFma)
    : builder(loc, b), element(elementType), useFma(useFma) {}

KernelBuilder::KernelBuilder(OpBuilder &b, Location loc, Value output,
                             const TargetDesc &target)
    : KernelBuilder(b, loc, cast<MemRefType>(output.getType()).getElementType(),
                    target.hasFMA) {}

Value KernelBuilder::index(int64_t value) {
  // Constants are not cached across regions: a cached value may not dominate.
  return arith::ConstantIndexOp::create(builder, value);
}

Value KernelBuilder::add(Value lhs, Value rhs) {
  return arith::AddIOp::create(builder, lhs, rhs);
}

Value KernelBuilder::add(Value lhs, int64_t rhs) {
  if (rhs == 0)
    return lhs;
  return add(lhs, index(rhs));
}

Value KernelBuilder::mul(Value lhs, int64_t rhs) {
  if (rhs == 1)
    return lhs;
  return arith::MulIOp::create(builder, lhs, index(rhs));
}

Value KernelBuilder::mul(Value lhs, Value rhs) {
  return arith::MulIOp::create(builder, lhs, rhs);
}

Value KernelBuilder::sub(Value lhs, Value rhs) {
  return arith::SubIOp::create(builder, lhs, rhs);
}

Value KernelBuilder::div(Value lhs, int64_t rhs) {
  return arith::DivUIOp::create(builder, lhs, index(rhs));
}

SmallVector<Value> KernelBuilder::stridedIndices(Value base, int64_t count,
                                                 int64_t stride) {
  SmallVector<Value> indices;
  for (int64_t i = 0; i < count; ++i)
    indices.push_back(add(base, i * stride));
  return indices;
}

VectorType KernelBuilder::vectorType(int64_t lanes, Type elementType) {
  return VectorType::get({lanes}, elementType ? elementType : element);
}

Value KernelBuilder::zeroVector(int64_t lanes, Type elementType) {
  VectorType type = vectorType(lanes, elementType);
  return arith::ConstantOp::create(
      builder,
      DenseElementsAttr::get(type, builder.getZeroAttr(type.getElementType())));
}

/// The element type of a memref operand.
static Type elementOf(Value memref) {
  return cast<MemRefType>(memref.getType()).getElementType();
}

Value KernelBuilder::zeroScalar() {
  return arith::ConstantOp::create(builder, builder.getZeroAttr(element));
}

Value KernelBuilder::mask(int64_t lanes, int64_t active) {
  return vector::ConstantMaskOp::create(
      builder, VectorType::get({lanes}, builder.getI1Type()),
      ArrayRef<int64_t>{active});
}

Value KernelBuilder::mask(int64_t lanes, Value active) {
  return vector::CreateMaskOp::create(
      builder, VectorType::get({lanes}, builder.getI1Type()),
      ValueRange{active});
}

Value KernelBuilder::loadVectorMasked(Value memref, ValueRange indices,
                                      int64_t lanes, Value mask) {
  Type type = elementOf(memref);
  return vector::MaskedLoadOp::create(builder, vectorType(lanes, type), memref,
                                      indices, mask, zeroVector(lanes, type));
}

void KernelBuilder::storeVectorMasked(Value value, Value memref,
                                      ValueRange indices, Value mask) {
  vector::MaskedStoreOp::create(builder, memref, indices, mask, value);
}

Value KernelBuilder::loadVector(Value memref, ValueRange indices, int64_t lanes,
                                int64_t active) {
  Type type = elementOf(memref);
  if (active >= lanes)
    return vector::LoadOp::create(builder, vectorType(lanes, type), memref,
                                  indices);
  return vector::MaskedLoadOp::create(builder, vectorType(lanes, type), memref,
                                      indices, mask(lanes, active),
                                      zeroVector(lanes, type));
}

void KernelBuilder::storeVector(Value value, Value memref, ValueRange indices,
                                int64_t active) {
  int64_t lanes = cast<VectorType>(value.getType()).getNumElements();
  if (active >= lanes) {
    vector::StoreOp::create(builder, value, memref, indices);
    return;
  }
  vector::MaskedStoreOp::create(builder, memref, indices, mask(lanes, active),
                                value);
}

Value KernelBuilder::interleave(ArrayRef<Value> rows) {
  assert(llvm::isPowerOf2_64(rows.size()) && "interleave needs 2^k rows");
  if (rows.size() == 1)
    return rows.front();
  // Pairs of rows g/2 apart, then the pairs: (r0, r2), (r1, r3) give
  // r0 r1 r2 r3 per lane for g = 4.
  size_t half = rows.size() / 2;
  SmallVector<Value> pairs;
  for (size_t i = 0; i < half; ++i)
    pairs.push_back(
        vector::InterleaveOp::create(builder, rows[i], rows[i + half]));
  return interleave(pairs);
}

SmallVector<Value> KernelBuilder::transposeSquare(ValueRange rows) {
  // The recursive block transpose as log2(n) rounds of two-input shuffles:
  // the round of block size s swaps, in each pair of rows (i, i + s), the
  // off-diagonal s-lane blocks (Hacker's Delight, 2nd ed., section 7-3, on
  // bit matrices; the same butterfly on vector lanes). Each shuffle is one
  // two-source permute on AVX-512, NEON and RVV.
  int64_t n = rows.size();
  assert(llvm::isPowerOf2_64(n) && "transposeSquare needs 2^k rows");
  SmallVector<Value> r(rows.begin(), rows.end());
  for (int64_t s = n / 2; s >= 1; s /= 2) {
    SmallVector<int64_t> upper, lower;
    for (int64_t l = 0; l < n; ++l) {
      bool low = (l & s) == 0;
      upper.push_back(low ? l : n + l - s);
      lower.push_back(low ? l + s : n + l);
    }
    for (int64_t i = 0; i < n; ++i) {
      if (i & s)
        continue;
      Value a = r[i], b = r[i + s];
      r[i] = vector::ShuffleOp::create(builder, a, b, upper);
      r[i + s] = vector::ShuffleOp::create(builder, a, b, lower);
    }
  }
  return r;
}

Value KernelBuilder::loadScalar(Value memref, ValueRange indices) {
  return memref::LoadOp::create(builder, memref, indices);
}

void KernelBuilder::storeScalar(Value value, Value memref, ValueRange indices) {
  memref::StoreOp::create(builder, value, memref, indices);
}

Value KernelBuilder::broadcast(Value scalar, int64_t lanes) {
  return vector::BroadcastOp::create(
      builder, vectorType(lanes, scalar.getType()), scalar);
}

Value KernelBuilder::fma(Value a, Value b, Value acc) {
  if (useFma)
    return vector::FMAOp::create(builder, a, b, acc);
  Value product = arith::MulFOp::create(builder, a, b);
  return arith::AddFOp::create(builder, product, acc);
}

void KernelBuilder::fmaTileRow(Value a, ValueRange b,
                               MutableArrayRef<Value> tile, int64_t row) {
  int64_t n = b.size();
  for (int64_t v = 0; v < n; ++v)
    tile[row * n + v] = fma(a, b[v], tile[row * n + v]);
}

Value KernelBuilder::addf(Value a, Value b) {
  return arith::AddFOp::create(builder, a, b);
}

Value KernelBuilder::reduceAdd(Value vector) {
  return vector::ReductionOp::create(builder, vector::CombiningKind::ADD,
                                     vector);
}

void KernelBuilder::forRange(int64_t lb, int64_t ub, int64_t step,
                             llvm::function_ref<void(Value)> body) {
  if (lb >= ub)
    return;
  if (lb + step >= ub) {
    body(index(lb));
    return;
  }
  forRange(index(lb), index(ub), step, body);
}

void KernelBuilder::forRange(Value lb, Value ub, int64_t step,
                             llvm::function_ref<void(Value)> body) {
  auto loop = scf::ForOp::create(builder, lb, ub, index(step));
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(loop.getBody());
  body(loop.getInductionVar());
}

void KernelBuilder::parallelRange(int64_t lb, int64_t ub, int64_t step,
                                  bool parallel,
                                  llvm::function_ref<void(Value)> body) {
  if (!parallel || lb + step >= ub) {
    forRange(lb, ub, step, body);
    return;
  }
  auto loop =
      scf::ParallelOp::create(builder, ValueRange{index(lb)},
                              ValueRange{index(ub)}, ValueRange{index(step)});
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(loop.getBody());
  body(loop.getInductionVars().front());
}

void KernelBuilder::forBlocks(int64_t extent, int64_t block,
                              llvm::function_ref<void(Value, int64_t)> body,
                              bool parallel) {
  int64_t full = extent - extent % block;
  parallelRange(0, full, block, parallel,
                [&](Value start) { body(start, block); });
  if (extent % block)
    body(index(full), extent % block);
}

SmallVector<Value> KernelBuilder::forWithValues(
    Value lb, Value ub, int64_t step, ValueRange init,
    llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body,
    scf::ForOp *loopOut) {
  auto loop = scf::ForOp::create(builder, lb, ub, index(step), init);
  {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(loop.getBody());
    SmallVector<Value> yielded =
        body(loop.getInductionVar(), loop.getRegionIterArgs());
    scf::YieldOp::create(builder, yielded);
  }
  if (loopOut)
    *loopOut = loop;
  return SmallVector<Value>(loop.getResults());
}

} // namespace autoconfig
