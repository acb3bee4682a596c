//===- DotGemm.cpp - Dot-product-form matmul generator --------------------===//
//
// For B given transposed (B^T rows contiguous along K) and for GEMV-like
// shapes (N = 1):
//
//   for i in [0, M) step ui                    (parallel when threads > 1)
//     for j in [0, N) step uj
//       acc[ui][uj] = 0                         vectors along K
//       for k in [0, K - K % vl) step vl        (unrolled by ku)
//         acc[r][c] += A[i+r, k:+vl] * B^T[j+c, k:+vl]
//       K tail: one masked step (mask=1) or scalar products (mask=0)
//       C[i+r, j+c] += reduce_add(acc[r][c])
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/CodeGen/KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"

using namespace mlir;

namespace autoconfig {
namespace {

class DotGemmEmitter {
public:
  DotGemmEmitter(KernelBuilder &kb, const GemmOperands &ops,
                 const GemmWorkload &w, const DotGemmParams &p)
      : kb(kb), ops(ops), w(w), p(p) {}

  void emit() {
    // With N = 1 and B untransposed, B (K x 1) is one contiguous column.
    if (!w.transB) {
      bColumn = memref::CollapseShapeOp::create(
          kb.b(), ops.b, SmallVector<ReassociationIndices>{{0, 1}});
    }
    int64_t ui = std::min(p.ui, w.m);
    int64_t mainRows = w.m - w.m % ui;
    kb.parallelRange(0, mainRows, ui, p.threads > 1,
                     [&](Value i) { emitRowBlock(i, ui); });
    if (w.m % ui)
      emitRowBlock(kb.index(mainRows), w.m % ui);
  }

private:
  void emitRowBlock(Value i, int64_t rows) {
    int64_t uj = std::min(p.uj, w.n);
    int64_t mainCols = w.n - w.n % uj;
    kb.forRange(0, mainCols, uj, [&](Value j) { emitTile(i, rows, j, uj); });
    if (w.n % uj)
      emitTile(i, rows, kb.index(mainCols), w.n % uj);
  }

  Value loadB(Value col, Value k, int64_t lanes, int64_t live) {
    if (bColumn)
      return kb.loadVector(bColumn, {k}, lanes, live);
    return kb.loadVector(ops.b, {col, k}, lanes, live);
  }
  Value loadBScalar(Value col, Value k) {
    if (bColumn)
      return kb.loadScalar(bColumn, {k});
    return kb.loadScalar(ops.b, {col, k});
  }

  void emitTile(Value i, int64_t rows, Value j, int64_t cols) {
    SmallVector<Value> rowIdx, colIdx;
    for (int64_t r = 0; r < rows; ++r)
      rowIdx.push_back(kb.add(i, r));
    for (int64_t c = 0; c < cols; ++c)
      colIdx.push_back(kb.add(j, c));
    int64_t vl = std::min(p.vl, w.k);
    int64_t mainK = w.k - w.k % vl, tail = w.k % vl;

    auto step = [&](Value k, ValueRange carried, int64_t live) {
      SmallVector<Value> a, b;
      for (int64_t r = 0; r < rows; ++r)
        a.push_back(kb.loadVector(ops.a, {rowIdx[r], k}, vl, live));
      for (int64_t c = 0; c < cols; ++c)
        b.push_back(loadB(colIdx[c], k, vl, live));
      SmallVector<Value> next(carried.begin(), carried.end());
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          next[r * cols + c] = kb.fma(a[r], b[c], next[r * cols + c]);
      return next;
    };

    SmallVector<Value> acc(rows * cols, kb.zeroVector(vl));
    scf::ForOp kLoop;
    if (mainK > 0)
      acc = kb.forWithValues(
          kb.index(0), kb.index(mainK), vl, acc,
          [&](Value k, ValueRange carried) { return step(k, carried, vl); },
          &kLoop);
    if (tail && p.mask)
      acc = step(kb.index(mainK), acc, tail);

    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        Value sum = kb.reduceAdd(acc[r * cols + c]);
        if (tail && !p.mask)
          for (int64_t t = 0; t < tail; ++t) {
            Value k = kb.index(mainK + t);
            Value prod = arith::MulFOp::create(
                kb.b(), kb.loadScalar(ops.a, {rowIdx[r], k}),
                loadBScalar(colIdx[c], k));
            sum = kb.addf(sum, prod);
          }
        Value old = kb.loadScalar(ops.c, {rowIdx[r], colIdx[c]});
        if (ops.epilogue)
          ops.epilogue->store(kb, kb.addf(old, sum), {rowIdx[r], colIdx[c]}, 1);
        else
          kb.storeScalar(kb.addf(old, sum), ops.c, {rowIdx[r], colIdx[c]});
      }
    // Unroll last: the unroller rewires the existing uses of the loop's
    // results to its epilogue loop.
    if (kLoop && p.ku > 1 && mainK / vl > p.ku)
      (void)loopUnrollByFactor(kLoop, p.ku);
  }

  KernelBuilder &kb;
  const GemmOperands &ops;
  const GemmWorkload &w;
  const DotGemmParams &p;
  Value bColumn;
};

} // namespace

void emitDotGemm(OpBuilder &builder, Location loc, const GemmOperands &operands,
                 const GemmWorkload &w, const DotGemmParams &params,
                 const TargetDesc &target) {
  Type element = cast<MemRefType>(operands.c.getType()).getElementType();
  KernelBuilder kb(builder, loc, element, target.hasFMA);
  DotGemmEmitter(kb, operands, w, params).emit();
}

} // namespace autoconfig
