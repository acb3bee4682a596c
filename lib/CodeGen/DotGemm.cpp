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

#include "GeneratorEntryPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"

using namespace mlir;

namespace autoconfig {
namespace {

class DotGemmEmitter
    : public KernelEmitterBase<GemmOperands, GemmWorkload, DotGemmParams> {
public:
  using KernelEmitterBase::KernelEmitterBase;

  void emit() {
    // With N = 1 and B untransposed, B (K x 1) is one contiguous column.
    if (!w.transB) {
      bColumn = memref::CollapseShapeOp::create(
          kb.b(), ops.b, SmallVector<ReassociationIndices>{{0, 1}});
    }
    kb.forBlocks(
        w.m, std::min(p.ui, w.m),
        [&](Value i, int64_t rows) { emitRowBlock(i, rows); },
        /*parallel=*/p.threads > 1);
  }

private:
  void emitRowBlock(Value i, int64_t rows) {
    kb.forBlocks(w.n, std::min(p.uj, w.n),
                 [&](Value j, int64_t cols) { emitTile(i, rows, j, cols); });
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
    SmallVector<Value> rowIdx = kb.stridedIndices(i, rows);
    SmallVector<Value> colIdx = kb.stridedIndices(j, cols);
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
        storeFinal(kb, ops.epilogue, kb.addf(old, sum), ops.c,
                   {rowIdx[r], colIdx[c]}, 1);
      }
    // Unroll last: the unroller rewires the existing uses of the loop's
    // results to its epilogue loop.
    if (kLoop && p.ku > 1 && mainK / vl > p.ku)
      (void)loopUnrollByFactor(kLoop, p.ku);
  }

  Value bColumn;
};

LogicalResult checkDotGemm(Operation *op, const GemmWorkload &w,
                           const DotGemmParams &) {
  if (w.transA || (!w.transB && w.n != 1))
    return op->emitError("autoconfig: 'dot' needs rows of A and columns of "
                         "B contiguous along K (A untransposed; B transposed "
                         "or N = 1)");
  return success();
}

} // namespace

constinit const GeneratorFn generateDotGemm =
    generatorEntry<emitWith<DotGemmEmitter>, checkDotGemm>;

} // namespace autoconfig
