//===- BroadcastGemm.cpp - Broadcast-vectorized matmul generator ----------===//
//
// The Buddy Compiler's matmul vectorization, with a register tile:
//
//   for i in [0, M) step ui                       (parallel when threads > 1)
//     for j in [0, N) step uj*vl
//       acc[ui][uj] = C[i:i+ui, j:j+uj*vl]
//       for k in [0, K)                           (unrolled by ku)
//         b[v]   = B[k, j+v*vl : +vl]
//         acc[r][v] += broadcast(A[i+r, k]) * b[v]
//       C[i:i+ui, j:j+uj*vl] = acc
//
// Edge row blocks get a tile of M % ui rows; edge columns get the remaining
// whole vectors, then one masked vector (mask=1) or scalar lanes (mask=0).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/CodeGen/KernelBuilder.h"

#include "GeneratorEntryPoint.h"

#include "mlir/Dialect/SCF/Utils/Utils.h"

using namespace mlir;

namespace autoconfig {
namespace {

class BroadcastGemmEmitter
    : public KernelEmitterBase<GemmOperands, GemmWorkload,
                               BroadcastGemmParams> {
public:
  using KernelEmitterBase::KernelEmitterBase;

  void emit() {
    kb.forBlocks(
        w.m, std::min(p.ui, w.m),
        [&](Value i, int64_t rows) { emitRowBlock(i, rows); },
        /*parallel=*/p.threads > 1);
  }

private:
  void emitRowBlock(Value i, int64_t rows) {
    int64_t tileCols = p.uj * p.vl;
    int64_t mainCols = w.n - w.n % tileCols;
    kb.forRange(0, mainCols, tileCols,
                [&](Value j) { emitTile(i, rows, j, p.uj, p.vl, p.vl); });
    int64_t rem = w.n % tileCols;
    int64_t remVecs = rem / p.vl, tail = rem % p.vl;
    if (remVecs)
      emitTile(i, rows, kb.index(mainCols), remVecs, p.vl, p.vl);
    if (!tail)
      return;
    Value j = kb.index(mainCols + remVecs * p.vl);
    if (p.mask)
      emitTile(i, rows, j, 1, p.vl, tail);
    else
      emitTile(i, rows, j, tail, 1, 1);
  }

  Value loadA(Value row, Value k) {
    return w.transA ? kb.loadScalar(ops.a, {k, row})
                    : kb.loadScalar(ops.a, {row, k});
  }

  /// A rows x vecs tile of `lanes`-wide vectors starting at (i, j); only the
  /// first `active` lanes of the last vector are live.
  void emitTile(Value i, int64_t rows, Value j, int64_t vecs, int64_t lanes,
                int64_t active) {
    auto liveLanes = [&](int64_t v) { return v == vecs - 1 ? active : lanes; };
    SmallVector<Value> rowIdx = kb.stridedIndices(i, rows);
    SmallVector<Value> colIdx = kb.stridedIndices(j, vecs, lanes);

    SmallVector<Value> init;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vecs; ++v)
        init.push_back(
            kb.loadVector(ops.c, {rowIdx[r], colIdx[v]}, lanes, liveLanes(v)));

    scf::ForOp kLoop;
    SmallVector<Value> acc = kb.forWithValues(
        kb.index(0), kb.index(w.k), 1, init,
        [&](Value k, ValueRange carried) {
          SmallVector<Value> bVec;
          for (int64_t v = 0; v < vecs; ++v)
            bVec.push_back(
                kb.loadVector(ops.b, {k, colIdx[v]}, lanes, liveLanes(v)));
          SmallVector<Value> next(carried.begin(), carried.end());
          for (int64_t r = 0; r < rows; ++r) {
            Value a = kb.broadcast(loadA(rowIdx[r], k), lanes);
            kb.fmaTileRow(a, bVec, next, r);
          }
          return next;
        },
        &kLoop);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vecs; ++v)
        storeFinal(kb, ops.epilogue, acc[r * vecs + v], ops.c,
                   {rowIdx[r], colIdx[v]}, liveLanes(v));
    // Unroll last: the unroller rewires the existing uses of the loop's
    // results to its epilogue loop.
    if (p.ku > 1 && w.k > p.ku)
      (void)loopUnrollByFactor(kLoop, p.ku);
  }
};

LogicalResult checkBroadcastGemm(Operation *op, const GemmWorkload &w,
                                 const BroadcastGemmParams &) {
  if (w.transB)
    return op->emitError("autoconfig: 'broadcast' needs B untransposed");
  return success();
}

} // namespace

constinit const GeneratorFn generateBroadcastGemm =
    generatorEntry<emitWith<BroadcastGemmEmitter>, checkBroadcastGemm>;

} // namespace autoconfig
