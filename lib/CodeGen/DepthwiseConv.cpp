//===- DepthwiseConv.cpp - Depthwise NHWC convolution along channels ------===//
//
// For "nhwc_hwc" (filter KH x KW x C, contiguous along C): channels are the
// vector dimension of input, filter and output alike, so no broadcast is
// needed:
//
//   parallel for (n, oh)                          (threads > 1)
//     [khLo, khHi) = kernel rows inside the input (dynamic per row)
//     for c0 in C step cv*vl                      masked last vector
//       for tiles of owb pixels along OW         border tiles peeled statically
//         acc[owb][cv] = y[n, oh, ow0:+owb, c0:+cv*vl]
//         for kh in [khLo, khHi)
//           KW*cv filter vectors w[kh, kw, c0+v*vl:+vl]
//           for each input column q of the tile (q = j*s + kw*d)
//             cv input vectors x[n, ih, iw0+q, c0+v*vl:+vl], loaded once,
//             one FMA per (pixel j, kernel column kw) pair reading it
//         y[...] = acc
//
// Padding is handled as in DirectConv.cpp: per-row kernel-row range, static
// border tiles without the taps that fall in the padding.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/CodeGen/KernelBuilder.h"
#include "autoconfig/CodeGen/NhwcConvGenerators.h"
#include "autoconfig/Support/Arithmetic.h"

#include "GeneratorEntryPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace autoconfig {
namespace {

class DepthwiseEmitter : public KernelEmitterBase<ConvOperands, ConvWorkload,
                                                  DepthwiseConvParams> {
public:
  using KernelEmitterBase::KernelEmitterBase;

  void emit() {
    kb.parallelRange(0, w.n * oh, 1, p.threads > 1, [&](Value block) {
      Value n = kb.index(0), row = block;
      if (w.n > 1) {
        n = arith::DivUIOp::create(kb.b(), block, kb.index(oh));
        row = arith::RemUIOp::create(kb.b(), block, kb.index(oh));
      }
      emitRow(n, row);
    });
  }

private:
  void emitRow(Value n, Value row) {
    auto [khLo, khHi] = nhwc::kernelRowRange(kb, w, row);
    Value ihBase = kb.add(kb.mul(row, w.strideH), -w.padTop);
    // cv vectors of channels a block; the last vector of a partial block has
    // width % vl live lanes.
    kb.forBlocks(w.c, cv * vl, [&](Value c0, int64_t width) {
      int64_t vecs = ceilDiv(width, vl);
      int64_t lastLive = width % vl ? width % vl : vl;
      nhwc::forEachRowTile(kb, w, owb,
                           [&](Value col, int64_t staticCol, int64_t pixels) {
                             emitTile(n, row, ihBase, khLo, khHi, c0, vecs,
                                      lastLive, col, staticCol, pixels);
                           });
    });
  }

  void emitTile(Value n, Value row, Value ihBase, Value khLo, Value khHi,
                Value c0, int64_t vecs, int64_t lastLive, Value col,
                int64_t staticCol, int64_t pixels) {
    auto live = [&](int64_t v) { return v == vecs - 1 ? lastLive : vl; };
    SmallVector<Value> cIdx = kb.stridedIndices(c0, vecs, vl);
    SmallVector<Value> colIdx = kb.stridedIndices(col, pixels);
    Value iwBase = kb.add(kb.mul(col, w.strideW), -w.padLeft);
    // Input columns of the tile, relative to iwBase: column q feeds the
    // (pixel j, kernel column kw) pairs with j*s + kw*d = q. It is loaded
    // once and used by all of them; columns in the padding are skipped.
    int64_t columns = (pixels - 1) * w.strideW + (w.kw - 1) * w.dilationW + 1;
    SmallVector<SmallVector<std::pair<int64_t, int64_t>>> pairs(columns);
    SmallVector<bool> kwUsed(w.kw, false);
    for (int64_t j = 0; j < pixels; ++j)
      for (int64_t kw = 0; kw < w.kw; ++kw) {
        if (staticCol >= 0 && !nhwc::columnTapValid(w, staticCol + j, kw))
          continue;
        pairs[j * w.strideW + kw * w.dilationW].push_back({j, kw});
        kwUsed[kw] = true;
      }

    // The reduction is only KH x KW taps long: accumulate onto y directly.
    SmallVector<Value> init;
    for (int64_t j = 0; j < pixels; ++j)
      for (int64_t v = 0; v < vecs; ++v)
        init.push_back(kb.loadVector(ops.output, {n, row, colIdx[j], cIdx[v]},
                                     vl, live(v)));
    SmallVector<Value> acc = kb.forWithValues(
        khLo, khHi, 1, init, [&](Value kh, ValueRange carried) {
          SmallVector<Value> next(carried.begin(), carried.end());
          Value ih = kb.add(ihBase, kb.mul(kh, w.dilationH));
          // All KW x cv filter vectors of this kernel row stay in registers.
          SmallVector<Value> fVec(w.kw * vecs);
          for (int64_t kw = 0; kw < w.kw; ++kw)
            if (kwUsed[kw])
              for (int64_t v = 0; v < vecs; ++v)
                fVec[kw * vecs + v] = kb.loadVector(
                    ops.filter, {kh, kb.index(kw), cIdx[v]}, vl, live(v));
          for (int64_t q = 0; q < columns; ++q) {
            if (pairs[q].empty())
              continue;
            Value iw = kb.add(iwBase, q);
            for (int64_t v = 0; v < vecs; ++v) {
              Value x =
                  kb.loadVector(ops.input, {n, ih, iw, cIdx[v]}, vl, live(v));
              for (auto [j, kw] : pairs[q])
                next[j * vecs + v] =
                    kb.fma(x, fVec[kw * vecs + v], next[j * vecs + v]);
            }
          }
          return next;
        });
    for (int64_t j = 0; j < pixels; ++j)
      for (int64_t v = 0; v < vecs; ++v) {
        SmallVector<Value> idx = {n, row, colIdx[j], cIdx[v]};
        storeFinal(kb, ops.epilogue, acc[j * vecs + v], ops.output, idx,
                   live(v));
      }
  }

  int64_t oh = w.outH(), vl = p.vl;
  // The blocking parameters clamped to the workload.
  int64_t owb = std::clamp<int64_t>(p.owb, 1, w.outW());
  int64_t cv = std::clamp<int64_t>(p.cv, 1, ceilDiv(w.c, vl));
};

LogicalResult checkDepthwiseWorkload(Operation *op, const Workload &workload) {
  const auto *w = std::get_if<ConvWorkload>(&workload);
  if (!w || w->layout != ConvLayout::NhwcHwc)
    return op->emitError("autoconfig: the depthwise algorithm needs a "
                         "depthwise NHWC convolution (nhwc_hwc)");
  return success();
}

} // namespace

constinit const GeneratorFn generateDepthwiseConv =
    generatorEntry<emitWith<DepthwiseEmitter>,
                   nhwc::checkVectorLength<DepthwiseConvParams>, nullptr,
                   checkDepthwiseWorkload>;

} // namespace autoconfig
