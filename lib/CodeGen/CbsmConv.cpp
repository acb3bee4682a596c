//===- CbsmConv.cpp - Coefficient-broadcasting strip-mined convolution ----===//
//
// For layouts with W innermost (hw, NCHW/FCHW, depthwise NCHW):
//
//   for n, for f0 in F step fb
//     for oh in [0, OH)                       (parallel when threads > 1)
//       for each strip of sv vectors of vl output columns
//         acc[fb][sv] = y[n, f0:+fb, oh, strip]
//         for c in C                          (c = f for depthwise)
//           for kh, kw                        (unrolled, or a loop over kh
//             x[v] = x[n, c, ih, iw(v):+vl]    when fb > 1; taps outside the
//                                              padded border are skipped)
//             acc[i][v] += broadcast(w[f0+i, c, kh, kw]) * x[v]
//         y[n, f0:+fb, oh, strip] = acc
//
// Rows and strips that touch the padding are peeled: their row and column
// ranges are static, so the skipped taps and the lane masks of the input
// loads are constants; interior rows and strips run in loops without checks.
// With a stride s > 1 along W the lanes of x[v] are s elements apart: for
// s = 2 a contiguous load of 2*vl elements is deinterleaved by a shuffle,
// larger strides are gathered (vector.gather, offsets 0, s, 2s, ...).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/ConvGenerators.h"
#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/KernelBuilder.h"
#include "autoconfig/Support/Arithmetic.h"

#include "GeneratorEntryPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace autoconfig {
namespace {

int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

class CbsmEmitter
    : public KernelEmitterBase<ConvOperands, ConvWorkload, CbsmConvParams> {
public:
  CbsmEmitter(KernelBuilder &kb, const ConvOperands &ops, const ConvWorkload &w,
              const CbsmConvParams &p)
      : KernelEmitterBase(kb, ops, w, p), hw(w.layout == ConvLayout::Hw),
        depthwise(w.layout == ConvLayout::NchwChw), oh(w.outH()), ow(w.outW()) {
  }

  void emit() {
    int64_t fb = depthwise || hw ? 1 : std::min(p.fb, w.f);
    for (int64_t n = 0; n < (hw ? 1 : w.n); ++n) {
      Value nIdx = kb.index(n);
      kb.forBlocks(w.f, fb,
                   [&](Value f0, int64_t fbc) { emitImage(nIdx, f0, fbc); });
    }
  }

private:
  /// All output rows of fbc channels from f0.
  void emitImage(Value n, Value f0, int64_t fbc) {
    // Rows whose taps all fall inside the input: [rowLo, rowHi).
    int64_t rowLo = std::min(oh, ceilDiv(w.padTop, w.strideH));
    int64_t rowHi = std::clamp(
        floorDiv(w.h - 1 + w.padTop - (w.kh - 1) * w.dilationH, w.strideH) + 1,
        rowLo, oh);
    for (int64_t r = 0; r < rowLo; ++r)
      emitRow(n, f0, fbc, kb.index(r), r);
    kb.parallelRange(rowLo, rowHi, 1, p.threads > 1,
                     [&](Value r) { emitRow(n, f0, fbc, r, -1); });
    for (int64_t r = rowHi; r < oh; ++r)
      emitRow(n, f0, fbc, kb.index(r), r);
  }

  /// One output row; `staticRow` >= 0 for a peeled border row.
  void emitRow(Value n, Value f0, int64_t fbc, Value row, int64_t staticRow) {
    int64_t sw = p.sv * p.vl;
    int64_t strips = ceilDiv(ow, sw);
    // Strip s covers [s*sw, s*sw + sw); interior when its taps stay in [0, W).
    auto interior = [&](int64_t s) {
      int64_t first = s * sw * w.strideW - w.padLeft;
      int64_t last = (std::min(s * sw + sw, ow) - 1) * w.strideW - w.padLeft +
                     (w.kw - 1) * w.dilationW;
      return first >= 0 && last <= w.w - 1 && s * sw + sw <= ow;
    };
    int64_t s = 0;
    for (; s < strips && !interior(s); ++s)
      emitStrip(n, f0, fbc, row, staticRow, kb.index(s * sw), s * sw);
    int64_t firstInterior = s;
    while (s < strips && interior(s))
      ++s;
    kb.forRange(firstInterior * sw, s * sw, sw, [&](Value col) {
      emitStrip(n, f0, fbc, row, staticRow, col, -1);
    });
    for (; s < strips; ++s)
      emitStrip(n, f0, fbc, row, staticRow, kb.index(s * sw), s * sw);
  }

  Value inputAt(Value n, Value c, Value ih, Value iw, int64_t lanes, int64_t lo,
                int64_t hi) {
    SmallVector<Value> idx;
    if (!hw)
      idx = {n, c};
    idx.push_back(ih);
    idx.push_back(iw);
    if (w.strideW > 1)
      return gatherInput(idx, lanes, lo, hi);
    if (lo == 0 && hi == lanes)
      return kb.loadVector(ops.input, idx, lanes, lanes);
    if (lo == 0)
      return kb.loadVector(ops.input, idx, lanes, hi);
    // Lanes [lo, hi) only: the base index may point before the row; masked
    // lanes are never accessed.
    SmallVector<bool> bits(lanes, false);
    for (int64_t j = lo; j < hi; ++j)
      bits[j] = true;
    auto maskType = VectorType::get({lanes}, kb.b().getI1Type());
    Value mask = arith::ConstantOp::create(
        kb.b(), DenseElementsAttr::get(maskType, ArrayRef<bool>(bits)));
    return vector::MaskedLoadOp::create(kb.b(), kb.vectorType(lanes), ops.input,
                                        idx, mask, kb.zeroVector(lanes));
  }

  /// Lanes [lo, hi) of input[idx + j * strideW]; masked lanes are never
  /// accessed (the base index may lie before the row).
  Value gatherInput(ArrayRef<Value> idx, int64_t lanes, int64_t lo,
                    int64_t hi) {
    auto &b = kb.b();
    if (w.strideW == 2) {
      // Stride 2: one masked load of 2*lanes - 1 contiguous elements (the
      // last odd one is never needed, and may lie past the row), then the
      // even elements (a two-source permute, vpermt2ps on AVX-512).
      int64_t wide = 2 * lanes;
      SmallVector<bool> bits(wide, false);
      for (int64_t e = 2 * lo; e <= 2 * (hi - 1); ++e)
        bits[e] = true;
      auto maskType = VectorType::get({wide}, b.getI1Type());
      Value mask = arith::ConstantOp::create(
          b, DenseElementsAttr::get(maskType, ArrayRef<bool>(bits)));
      Value row = vector::MaskedLoadOp::create(
          b, kb.vectorType(wide), ops.input, idx, mask, kb.zeroVector(wide));
      SmallVector<int64_t> even;
      for (int64_t j = 0; j < lanes; ++j)
        even.push_back(2 * j);
      return vector::ShuffleOp::create(b, row, row, even);
    }
    SmallVector<int32_t> offsets;
    for (int64_t j = 0; j < lanes; ++j)
      offsets.push_back(int32_t(j * w.strideW));
    auto offsetType = VectorType::get({lanes}, b.getI32Type());
    Value offsetVector = arith::ConstantOp::create(
        b, DenseElementsAttr::get(offsetType, ArrayRef<int32_t>(offsets)));
    SmallVector<bool> bits(lanes, false);
    for (int64_t j = lo; j < hi; ++j)
      bits[j] = true;
    auto maskType = VectorType::get({lanes}, b.getI1Type());
    Value mask = arith::ConstantOp::create(
        b, DenseElementsAttr::get(maskType, ArrayRef<bool>(bits)));
    return vector::GatherOp::create(b, kb.vectorType(lanes), ops.input, idx,
                                    offsetVector, mask, kb.zeroVector(lanes));
  }

  Value filterAt(Value f, Value c, Value kh, int64_t kw) {
    if (hw)
      return kb.loadScalar(ops.filter, {kh, kb.index(kw)});
    if (depthwise)
      return kb.loadScalar(ops.filter, {f, kh, kb.index(kw)});
    return kb.loadScalar(ops.filter, {f, c, kh, kb.index(kw)});
  }

  SmallVector<Value> outputIndex(Value n, Value f, Value row, Value col) {
    if (hw)
      return {row, col};
    return {n, f, row, col};
  }

  /// One strip at column `col` (static `staticCol` >= 0 at borders).
  void emitStrip(Value n, Value f0, int64_t fbc, Value row, int64_t staticRow,
                 Value col, int64_t staticCol) {
    int64_t vl = p.vl;
    int64_t width =
        staticCol >= 0 ? std::min(p.sv * vl, ow - staticCol) : p.sv * vl;
    int64_t vecs = ceilDiv(width, vl);
    auto live = [&](int64_t v) { return std::min(vl, width - v * vl); };
    SmallVector<Value> fIdx = kb.stridedIndices(f0, fbc);
    SmallVector<Value> colIdx = kb.stridedIndices(col, vecs, vl);

    SmallVector<Value> init;
    for (int64_t i = 0; i < fbc; ++i)
      for (int64_t v = 0; v < vecs; ++v)
        init.push_back(kb.loadVector(
            ops.output, outputIndex(n, fIdx[i], row, colIdx[v]), vl, live(v)));

    // Valid taps of a static border row.
    auto rowValid = [&](int64_t kh) {
      if (staticRow < 0)
        return true;
      int64_t ih = staticRow * w.strideH - w.padTop + kh * w.dilationH;
      return ih >= 0 && ih < w.h;
    };
    Value rowBase = kb.add(kb.mul(row, w.strideH), -w.padTop); // ih of kh = 0

    // The taps of one filter row (kw unrolled), at input row `ih`.
    auto rowTaps = [&](Value c, Value kh, Value ih, ValueRange carried) {
      SmallVector<Value> acc(carried.begin(), carried.end());
      for (int64_t kw = 0; kw < w.kw; ++kw) {
        int64_t shift = kw * w.dilationW - w.padLeft;
        SmallVector<Value> x(vecs);
        for (int64_t v = 0; v < vecs; ++v) {
          int64_t lo = 0, hi = live(v);
          if (staticCol >= 0) {
            // Lane j reads column iw0 + j * strideW.
            int64_t iw0 = (staticCol + v * vl) * w.strideW + shift;
            lo = std::clamp<int64_t>(
                ceilDiv(std::max<int64_t>(-iw0, 0), w.strideW), 0, vl);
            hi = std::clamp<int64_t>(floorDiv(w.w - 1 - iw0, w.strideW) + 1, 0,
                                     hi);
          }
          if (lo >= hi)
            continue;
          Value iw = kb.add(
              w.strideW == 1 ? colIdx[v] : kb.mul(colIdx[v], w.strideW), shift);
          x[v] = inputAt(n, c, ih, iw, vl, lo, hi);
        }
        for (int64_t i = 0; i < fbc; ++i) {
          Value coeff = kb.broadcast(filterAt(fIdx[i], c, kh, kw), vl);
          for (int64_t v = 0; v < vecs; ++v)
            if (x[v])
              acc[i * vecs + v] = kb.fma(coeff, x[v], acc[i * vecs + v]);
        }
      }
      return acc;
    };
    // With several output channels a tap needs fb broadcasts besides the
    // fb x sv accumulators: fully unrolled over KH x KW, LLVM's scheduler
    // hoists them and spills (measured: ~1300 stack accesses for 7x7, fb=8).
    // Filter rows then run in a loop, KW unrolled in its body.
    bool rowLoop = fbc > 1 && w.kh > 1;
    auto taps = [&](Value c, ValueRange carried) {
      SmallVector<Value> acc(carried.begin(), carried.end());
      if (rowLoop) {
        // The valid filter rows of a static border row are contiguous.
        int64_t khLo = 0, khHi = w.kh;
        while (khLo < khHi && !rowValid(khLo))
          ++khLo;
        while (khHi > khLo && !rowValid(khHi - 1))
          --khHi;
        if (khLo == khHi)
          return acc;
        return kb.forWithValues(kb.index(khLo), kb.index(khHi), 1, acc,
                                [&](Value kh, ValueRange rowCarried) {
                                  Value ih =
                                      kb.add(rowBase, kb.mul(kh, w.dilationH));
                                  return rowTaps(c, kh, ih, rowCarried);
                                });
      }
      for (int64_t kh = 0; kh < w.kh; ++kh)
        if (rowValid(kh))
          acc =
              rowTaps(c, kb.index(kh), kb.add(rowBase, kh * w.dilationH), acc);
      return acc;
    };

    SmallVector<Value> acc;
    if (hw)
      acc = taps(Value(), init);
    else if (depthwise)
      acc = taps(f0, init);
    else
      acc = kb.forWithValues(kb.index(0), kb.index(w.c), 1, init, taps);

    for (int64_t i = 0; i < fbc; ++i)
      for (int64_t v = 0; v < vecs; ++v) {
        SmallVector<Value> at = outputIndex(n, fIdx[i], row, colIdx[v]);
        storeFinal(kb, ops.epilogue, acc[i * vecs + v], ops.output, at,
                   live(v));
      }
  }

  bool hw, depthwise;
  int64_t oh, ow;
};

} // namespace

constinit const GeneratorFn generateCbsmConv =
    generatorEntry<emitWith<CbsmEmitter>>;

} // namespace autoconfig
