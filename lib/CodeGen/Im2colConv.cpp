//===- Im2colConv.cpp - im2col fused into the blocked GEMM's packing ------===//
//
// The convolution is the blocked GEMM (BlockedGemm.cpp) of its filter and
// the im2col matrix of its input (Chellapilla, Puri and Simard, "High
// Performance Convolutional Neural Networks for Document Processing", 2006):
//
//   NCHW/FCHW, per image n:
//     Y[n] (F x OH*OW) += W (F x C*KH*KW) * Xcol (C*KH*KW x OH*OW)
//     Xcol[(c, kh, kw), (oh, ow)] = X[n, c, ih, iw]
//   NHWC/HWCF (FHWC: W stored transposed):
//     Y (N*OH*OW x F) += Xcol (N*OH*OW x KH*KW*C) * W (KH*KW*C x F)
//     Xcol[(n, oh, ow), (kh, kw, c)] = X[n, ih, iw, c]
//   with ih = oh*strideH - padTop + kh*dilationH (iw likewise).
//
// Xcol is never materialized: it is a virtual matrix source that the GEMM's
// packing routines read one kc x nc (B) or mc x kc (A) tile at a time, so the
// only buffers are the GEMM's packing buffers. Input positions in the padding
// read as zero (masked lanes, or a select after a clamped load); the padded
// input buffer of the program is folded away by replaceConvOp.
//
// Packing is vectorized where the source is contiguous:
//  - NCHW: a vector of vl consecutive columns (oh, ow..) falls in at most
//    1 + ceil((vl-1)/OW) output rows; in each row the lanes read input
//    columns s apart (stride 1: one masked load; strides 2-4: a masked load
//    of s vectors compressed by a shuffle; larger: a masked gather).
//    The lane masks depend on the vector and the tap only, so the packer
//    computes them once per (vector, tap) and loops over the channels of the
//    kc block with two loads and a store per vector.
//  - NHWC: a row (n, oh, ow) of a tap is a run of C contiguous channels, and
//    with dilation 1 a row of the window is a run of KW*C: the packer copies
//    runs with full vectors, zeroing what lies in the padding.
// Both need kc blocks made of whole runs (NCHW: kc a multiple of KH*KW;
// NHWC: kc a multiple or a divisor of the run); other kc use the sources'
// generic vector() per packed vector, correct but slower.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/GemmConvGenerators.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/CodeGen/KernelBuilder.h"
#include "autoconfig/Support/Arithmetic.h"

#include "GeneratorEntryPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <functional>
#include <numeric>

using namespace mlir;

namespace autoconfig {
namespace {

//===----------------------------------------------------------------------===//
// Index arithmetic (signed: input positions may be negative in the padding)
//===----------------------------------------------------------------------===//

Value divIndex(KernelBuilder &kb, Value a, int64_t d) {
  return d == 1 ? a : arith::DivUIOp::create(kb.b(), a, kb.index(d));
}
Value remIndex(KernelBuilder &kb, Value a, int64_t d) {
  return d == 1 ? kb.index(0) : arith::RemUIOp::create(kb.b(), a, kb.index(d));
}
Value subIndex(KernelBuilder &kb, Value a, Value b) {
  return arith::SubIOp::create(kb.b(), a, b);
}
Value minIndex(KernelBuilder &kb, Value a, Value b) {
  return arith::MinSIOp::create(kb.b(), a, b);
}
Value maxIndex(KernelBuilder &kb, Value a, Value b) {
  return arith::MaxSIOp::create(kb.b(), a, b);
}
Value clampIndex(KernelBuilder &kb, Value v, int64_t lo, int64_t hi) {
  return minIndex(kb, maxIndex(kb, v, kb.index(lo)), kb.index(hi));
}
/// lo <= v < hi.
Value inRange(KernelBuilder &kb, Value v, int64_t lo, int64_t hi) {
  Value ge =
      arith::CmpIOp::create(kb.b(), arith::CmpIPredicate::sge, v, kb.index(lo));
  Value lt =
      arith::CmpIOp::create(kb.b(), arith::CmpIPredicate::slt, v, kb.index(hi));
  return arith::AndIOp::create(kb.b(), ge, lt);
}
Value andBool(KernelBuilder &kb, Value a, Value b) {
  return arith::AndIOp::create(kb.b(), a, b);
}
Value select(KernelBuilder &kb, Value cond, Value a, Value b) {
  return arith::SelectOp::create(kb.b(), cond, a, b);
}

/// Lanes [lo, hi) of a `lanes`-wide mask (empty when hi <= lo).
Value laneRangeMask(KernelBuilder &kb, int64_t lanes, Value lo, Value hi) {
  Type i32 = kb.b().getI32Type();
  auto type = VectorType::get({lanes}, i32);
  SmallVector<int32_t> steps(lanes);
  std::iota(steps.begin(), steps.end(), 0);
  Value iota = arith::ConstantOp::create(
      kb.b(), DenseElementsAttr::get(type, ArrayRef<int32_t>(steps)));
  auto splat = [&](Value index) -> Value {
    Value narrow = arith::IndexCastOp::create(kb.b(), i32, index);
    return vector::BroadcastOp::create(kb.b(), type, narrow);
  };
  Value ge =
      arith::CmpIOp::create(kb.b(), arith::CmpIPredicate::sge, iota, splat(lo));
  Value lt =
      arith::CmpIOp::create(kb.b(), arith::CmpIPredicate::slt, iota, splat(hi));
  return arith::AndIOp::create(kb.b(), ge, lt);
}

//===----------------------------------------------------------------------===//
// NCHW: B = im2col of one image, rows (c, kh, kw), columns (oh, ow)
//===----------------------------------------------------------------------===//

class NchwIm2colSource final : public GemmMatrixSource {
public:
  NchwIm2colSource(Value input, Value image, const ConvWorkload &w, int64_t kc)
      : input(input), image(image), w(w), oh(w.outH()), ow(w.outW()),
        taps(w.kh * w.kw) {
    int64_t k = w.c * taps;
    tapAligned = std::min(kc, k) % taps == 0;
  }

  Value scalar(KernelBuilder &kb, Value row, Value col) const override {
    Value c = divIndex(kb, row, taps), tap = remIndex(kb, row, taps);
    Value kh = divIndex(kb, tap, w.kw), kw = remIndex(kb, tap, w.kw);
    Value ih = inputRow(kb, divIndex(kb, col, ow), kh);
    Value iw = kb.add(kb.add(kb.mul(remIndex(kb, col, ow), w.strideW),
                             kb.mul(kw, w.dilationW)),
                      -w.padLeft);
    Value valid = andBool(kb, inRange(kb, ih, 0, w.h), inRange(kb, iw, 0, w.w));
    Value x = kb.loadScalar(input, {image, c, clampIndex(kb, ih, 0, w.h - 1),
                                    clampIndex(kb, iw, 0, w.w - 1)});
    return select(kb, valid, x, kb.zeroScalar());
  }

  Value vector(KernelBuilder &kb, Value row, Value col, int64_t lanes,
               int64_t live) const override {
    Value c = divIndex(kb, row, taps), tap = remIndex(kb, row, taps);
    Value kh = divIndex(kb, tap, w.kw), kw = remIndex(kb, tap, w.kw);
    Segments segs = segments(kb, kh, kw, divIndex(kb, col, ow),
                             remIndex(kb, col, ow), lanes, live);
    return load(kb, segs, c, lanes);
  }

  /// Column panels of a kc block of whole taps: per vector of columns and
  /// tap, the lane masks once, then a loop over the block's channels.
  bool pack(KernelBuilder &kb, const GemmPackedBlock &block) const override {
    if (block.layout != GemmPackedBlock::Layout::ColumnPanels || !tapAligned ||
        block.rows % taps)
      return false;
    int64_t channels = block.rows / taps, vl = block.lanes, nr = block.panel;
    Value c0 = divIndex(kb, block.row0, taps);
    kb.forBlocks(block.cols, nr, [&](Value jr, int64_t width) {
      Value panel = kb.mul(jr, block.rows);
      for (int64_t v = 0; v < ceilDiv(width, vl); ++v) {
        int64_t live = std::min(vl, width - v * vl);
        Value j0 = kb.add(kb.add(block.col0, jr), v * vl);
        Value oh0 = divIndex(kb, j0, ow), ow0 = remIndex(kb, j0, ow);
        // The filter rows in a loop (their masks are computed at run time
        // anyway), the columns unrolled: a 7x7 filter would otherwise unroll
        // 49 copies of the mask arithmetic per vector.
        kb.forRange(kb.index(0), kb.index(w.kh), 1, [&](Value kh) {
          for (int64_t kw = 0; kw < w.kw; ++kw) {
            Segments segs = segments(kb, kh, kb.index(kw), oh0, ow0, vl, live);
            Value dst =
                kb.add(kb.add(panel, kb.mul(kh, w.kw * nr)), kw * nr + v * vl);
            kb.forRange(kb.index(0), kb.index(channels), 1, [&](Value cc) {
              Value x = load(kb, segs, kb.add(c0, cc), vl);
              kb.storeVector(x, block.buffer,
                             {kb.add(dst, kb.mul(cc, taps * nr))}, vl);
            });
          }
        });
      }
    });
    return true;
  }

private:
  /// The lanes of a vector of columns, split by the output row they fall in:
  /// per row, the (clamped) input row, the input column of lane 0 (lane t
  /// reads column col + t*strideW) and the lanes that read input.
  struct Segments {
    SmallVector<Value> row, col, mask;
    /// Strides 2..4: the input elements [s*lo, s*(hi-1)] of each row, read
    /// as s contiguous vectors and compressed by a shuffle.
    SmallVector<Value> spanMask;
  };

  /// Strides read as contiguous spans and shuffled (a gather otherwise).
  bool spanStride() const { return w.strideW >= 2 && w.strideW <= 4; }

  Value inputRow(KernelBuilder &kb, Value outRow, Value kh) const {
    return kb.add(kb.add(kb.mul(outRow, w.strideH), kb.mul(kh, w.dilationH)),
                  -w.padTop);
  }

  Segments segments(KernelBuilder &kb, Value kh, Value kw, Value oh0, Value ow0,
                    int64_t lanes, int64_t live) const {
    // Output columns of tap kw that read inside the row: [owLo, owHi).
    Value shift = kb.add(kb.mul(kw, w.dilationW), -w.padLeft); // iw - ow*sw
    Value owLo, owHi;
    Value lastCol = subIndex(kb, kb.index(w.w - 1), shift);
    if (w.strideW == 1) {
      owLo = kb.mul(shift, -1);
      owHi = kb.add(lastCol, 1);
    } else {
      owLo = arith::CeilDivSIOp::create(kb.b(), kb.mul(shift, -1),
                                        kb.index(w.strideW));
      owHi = kb.add(
          arith::FloorDivSIOp::create(kb.b(), lastCol, kb.index(w.strideW)), 1);
    }
    owLo = maxIndex(kb, owLo, kb.index(0));
    owHi = minIndex(kb, owHi, kb.index(ow));
    Segments segs;
    int64_t rows = live <= 1 ? 1 : 1 + ceilDiv(live - 1, ow);
    for (int64_t r = 0; r < rows; ++r) {
      // Lane t of this row is output column t - base.
      Value base = subIndex(kb, kb.index(r * ow), ow0);
      Value ih = inputRow(kb, kb.add(oh0, r), kh);
      Value lo = maxIndex(kb, kb.add(owLo, base), kb.index(0));
      Value hi = minIndex(kb, kb.add(owHi, base), kb.index(live));
      hi = select(kb, inRange(kb, ih, 0, w.h), hi, kb.index(0));
      segs.mask.push_back(laneRangeMask(kb, lanes, lo, hi));
      if (spanStride()) {
        int64_t sw = w.strideW;
        segs.spanMask.push_back(laneRangeMask(kb, sw * lanes, kb.mul(lo, sw),
                                              kb.add(kb.mul(hi, sw), 1 - sw)));
      }
      segs.row.push_back(clampIndex(kb, ih, 0, w.h - 1));
      segs.col.push_back(subIndex(kb, shift, kb.mul(base, w.strideW)));
    }
    return segs;
  }

  Value load(KernelBuilder &kb, const Segments &segs, Value c,
             int64_t lanes) const {
    Value acc = kb.zeroVector(lanes);
    for (size_t r = 0; r < segs.row.size(); ++r) {
      if (w.strideW == 1) {
        // Masked-off lanes are not accessed: the base may lie outside the row.
        acc = vector::MaskedLoadOp::create(kb.b(), kb.vectorType(lanes), input,
                                           {image, c, segs.row[r], segs.col[r]},
                                           segs.mask[r], acc);
        continue;
      }
      if (spanStride()) {
        // Lane t is element s*t of the span: vpermt2ps-like shuffles instead
        // of a gather (several times slower here).
        int64_t sw = w.strideW;
        auto spanType = VectorType::get({sw * lanes}, kb.elementType());
        Value zero = arith::ConstantOp::create(
            kb.b(), DenseElementsAttr::get(
                        spanType, kb.b().getZeroAttr(kb.elementType())));
        Value span = vector::MaskedLoadOp::create(
            kb.b(), spanType, input, {image, c, segs.row[r], segs.col[r]},
            segs.spanMask[r], zero);
        SmallVector<int64_t> picks(lanes);
        for (int64_t t = 0; t < lanes; ++t)
          picks[t] = t * sw;
        Value picked = vector::ShuffleOp::create(kb.b(), span, span, picks);
        acc = select(kb, segs.mask[r], picked, acc);
        continue;
      }
      Type i32 = kb.b().getI32Type();
      auto type = VectorType::get({lanes}, i32);
      SmallVector<int32_t> steps(lanes);
      for (int64_t t = 0; t < lanes; ++t)
        steps[t] = int32_t(t * w.strideW);
      Value offsets = arith::ConstantOp::create(
          kb.b(), DenseElementsAttr::get(type, ArrayRef<int32_t>(steps)));
      Value first = vector::BroadcastOp::create(
          kb.b(), type, arith::IndexCastOp::create(kb.b(), i32, segs.col[r]));
      Value indices = arith::AddIOp::create(kb.b(), offsets, first);
      acc = vector::GatherOp::create(
          kb.b(), kb.vectorType(lanes), input,
          ValueRange{image, c, segs.row[r], kb.index(0)}, indices, segs.mask[r],
          acc);
    }
    return acc;
  }

  Value input, image;
  const ConvWorkload &w;
  int64_t oh, ow, taps;
  bool tapAligned;
};

//===----------------------------------------------------------------------===//
// NHWC: A = im2col, rows (n, oh, ow), columns (kh, kw, c)
//===----------------------------------------------------------------------===//

class NhwcIm2colSource final : public GemmMatrixSource {
public:
  NhwcIm2colSource(Value input, const ConvWorkload &w, int64_t kc)
      : input(input), w(w), oh(w.outH()), ow(w.outW()) {
    int64_t k = w.kh * w.kw * w.c;
    int64_t kcb = std::min(kc, k);
    // Every kc block must be whole runs, or lie inside one run. Window rows
    // (KW*C elements) need the (kw, c) elements of a pixel row contiguous.
    int64_t preferred = im2colNhwcRunLength(w);
    if (preferred != w.c && !windowRowsContiguous())
      preferred = w.c;
    for (int64_t run : {preferred, w.c})
      if (kcb % run == 0 || run % kcb == 0) {
        runLength = run;
        break;
      }
  }

  Value scalar(KernelBuilder &kb, Value row, Value col) const override {
    Pixel px = pixel(kb, row);
    Value tap = divIndex(kb, col, w.c);
    Position pos = position(kb, px, tap);
    Value x =
        kb.loadScalar(input, {px.n, pos.ih, pos.iw, remIndex(kb, col, w.c)});
    return select(kb, pos.valid, x, kb.zeroScalar());
  }

  /// Lanes span 1 + ceil((live-1)/C) taps; each tap's run is one masked load
  /// (lane t of run r reads channel t - r*C + c0).
  Value vector(KernelBuilder &kb, Value row, Value col, int64_t lanes,
               int64_t live) const override {
    Pixel px = pixel(kb, row);
    Value tap0 = divIndex(kb, col, w.c), c0 = remIndex(kb, col, w.c);
    Value acc = kb.zeroVector(lanes);
    int64_t runs = live <= 1 ? 1 : 1 + ceilDiv(live - 1, w.c);
    for (int64_t r = 0; r < runs; ++r) {
      Position pos = position(kb, px, kb.add(tap0, r));
      Value base = subIndex(kb, kb.index(r * w.c), c0); // lane of channel 0
      Value lo = maxIndex(kb, base, kb.index(0));
      Value hi = minIndex(kb, kb.add(base, w.c), kb.index(live));
      hi = select(kb, pos.valid, hi, kb.index(0));
      acc =
          vector::MaskedLoadOp::create(kb.b(), kb.vectorType(lanes), input,
                                       {px.n, pos.ih, pos.iw, kb.mul(base, -1)},
                                       laneRangeMask(kb, lanes, lo, hi), acc);
    }
    return acc;
  }

  /// Row-major A block: per row (pixel) and run, a vector copy of the run.
  /// A run of C channels (one tap) is read from a clamped position and
  /// zeroed when the tap lies in the padding; a run of KW*C elements (a
  /// window row) masks the lanes of the columns outside the input.
  bool pack(KernelBuilder &kb, const GemmPackedBlock &block) const override {
    if (block.layout != GemmPackedBlock::Layout::RowMajor || !runLength)
      return false;
    int64_t length = std::min(runLength, block.cols);
    if (block.cols % length || runLength % length)
      return false;
    int64_t runs = block.cols / length, vl = block.lanes;
    bool windowRows = runLength != w.c;
    // Blocks start at multiples of kc: the first run and the offset in it.
    Value run0 = divIndex(kb, block.col0, runLength);
    Value offset0 = remIndex(kb, block.col0, runLength);
    kb.forRange(kb.index(0), kb.index(block.rows), 1, [&](Value i) {
      Pixel px = pixel(kb, kb.add(block.row0, i));
      Value rowDst = kb.mul(i, block.cols);
      kb.forRange(0, runs, 1, [&](Value q) {
        Value run = kb.add(run0, q);
        Value dst = kb.add(rowDst, kb.mul(q, length));
        std::function<Value(Value, int64_t)> loadAt;
        // Read by loadAt after this scope: declared here.
        Position pos;
        Value rowBase, iw0, lo, hi;
        if (!windowRows) {
          pos = position(kb, px, run);
          loadAt = [&](Value offset, int64_t live) {
            Value x = kb.loadVector(
                input, {px.n, pos.ih, pos.iw, kb.add(offset0, offset)}, vl,
                live);
            return select(kb, pos.valid, x, kb.zeroVector(vl));
          };
        } else {
          // Window row kh = run: columns kw in [kwLo, kwHi) are inside.
          Value ih =
              kb.add(kb.add(kb.mul(px.oh, w.strideH), kb.mul(run, w.dilationH)),
                     -w.padTop);
          iw0 = kb.add(kb.mul(px.ow, w.strideW), -w.padLeft);
          Value kwLo = clampIndex(kb, kb.mul(iw0, -1), 0, w.kw);
          Value kwHi =
              clampIndex(kb, subIndex(kb, kb.index(w.w), iw0), 0, w.kw);
          lo = kb.mul(kwLo, w.c);
          hi = select(kb, inRange(kb, ih, 0, w.h), kb.mul(kwHi, w.c),
                      kb.index(0));
          rowBase = clampIndex(kb, ih, 0, w.h - 1);
          loadAt = [&](Value offset, int64_t live) -> Value {
            // Lanes are run elements offset0 + offset + t, from column iw0.
            Value first = kb.add(offset0, offset);
            Value mask = laneRangeMask(
                kb, vl, subIndex(kb, lo, first),
                minIndex(kb, subIndex(kb, hi, first), kb.index(live)));
            return vector::MaskedLoadOp::create(
                kb.b(), kb.vectorType(vl), input, {px.n, rowBase, iw0, first},
                mask, kb.zeroVector(vl));
          };
        }
        auto copyVector = [&](Value offset, int64_t live) {
          kb.storeVector(loadAt(offset, live), block.buffer,
                         {kb.add(dst, offset)}, live);
        };
        int64_t full = length / vl, rest = length % vl;
        if (full <= 4) {
          for (int64_t v = 0; v < full; ++v)
            copyVector(kb.index(v * vl), vl);
        } else {
          kb.forRange(kb.index(0), kb.index(full * vl), vl,
                      [&](Value offset) { copyVector(offset, vl); });
        }
        if (rest)
          copyVector(kb.index(full * vl), rest);
      });
    });
    return true;
  }

private:
  struct Pixel {
    Value n, oh, ow;
  };
  /// The input position of a tap for a pixel, clamped into the input, and
  /// whether it is inside (not in the padding).
  struct Position {
    Value ih, iw, valid;
  };

  /// Whether the input's (w, c) dimensions are one contiguous run (the
  /// linearized index of [n, h, iw, c + k*C] is that of [n, h, iw + k, c]).
  bool windowRowsContiguous() const {
    auto type = cast<MemRefType>(input.getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(type.getStridesAndOffset(strides, offset)))
      return false;
    return strides[3] == 1 && strides[2] == w.c;
  }

  Pixel pixel(KernelBuilder &kb, Value row) const {
    Value n = divIndex(kb, row, oh * ow), rest = remIndex(kb, row, oh * ow);
    return {n, divIndex(kb, rest, ow), remIndex(kb, rest, ow)};
  }

  Position position(KernelBuilder &kb, const Pixel &px, Value tap) const {
    Value kh = divIndex(kb, tap, w.kw), kw = remIndex(kb, tap, w.kw);
    Value ih = kb.add(kb.add(kb.mul(px.oh, w.strideH), kb.mul(kh, w.dilationH)),
                      -w.padTop);
    Value iw = kb.add(kb.add(kb.mul(px.ow, w.strideW), kb.mul(kw, w.dilationW)),
                      -w.padLeft);
    Value valid = andBool(kb, inRange(kb, ih, 0, w.h), inRange(kb, iw, 0, w.w));
    return {clampIndex(kb, ih, 0, w.h - 1), clampIndex(kb, iw, 0, w.w - 1),
            valid};
  }

  Value input;
  const ConvWorkload &w;
  int64_t oh, ow;
  /// Elements per run of the fast packer: C (a tap) or KW*C (a window row,
  /// see im2colNhwcRunLength); 0: the generic packer.
  int64_t runLength = 0;
};

bool isNchw(const ConvWorkload &w) { return w.layout == ConvLayout::NchwFchw; }

LogicalResult checkIm2colConv(Operation *op, const ConvWorkload &w,
                              const Im2colConvParams &params) {
  if (failed(gemmconv::checkGemmLayout(op, "im2col", w)))
    return failure();
  // The input is read through the im2col source, never viewed.
  return gemmconv::checkGemmViews(op, "im2col", w, params.gemm,
                                  /*withInput=*/false);
}

} // namespace

void emitIm2colConv(OpBuilder &builder, Location loc,
                    const ConvOperands &operands, const ConvWorkload &w,
                    const Im2colConvParams &params, const TargetDesc &target) {
  std::optional<GemmWorkload> gemm = equivalentGemm(w);
  assert(gemm && "layout checked by the caller");
  const BlockedGemmParams &p = params.gemm;
  if (isNchw(w)) {
    // W (F x C*KH*KW); Y (N x F x OH*OW), one matrix per image.
    Value filter =
        gemmconv::collapse(builder, loc, operands.filter, {{0}, {1, 2, 3}});
    Value y =
        gemmconv::collapse(builder, loc, operands.output, {{0}, {1}, {2, 3}});
    MemRefMatrixSource a(filter, /*transposed=*/false);
    KernelBuilder kb(builder, loc, operands.output, target);
    kb.forRange(0, w.n, 1, [&](Value image) {
      NchwIm2colSource b(operands.input, image, w, p.kc);
      emitBlockedGemm(kb.b(), loc, a, b, matrixOfBatch(kb.b(), loc, y, image),
                      *gemm, p, target);
    });
    return;
  }
  // W (KH*KW*C x F), or F x KH*KW*C for FHWC; Y (N*OH*OW x F).
  bool fhwc = w.layout == ConvLayout::NhwcFhwc;
  Value filter = gemmconv::collapse(
      builder, loc, operands.filter,
      fhwc ? SmallVector<ReassociationIndices>{{0}, {1, 2, 3}}
           : SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  Value y = gemmconv::collapse(builder, loc, operands.output, {{0, 1, 2}, {3}});
  NhwcIm2colSource a(operands.input, w, p.kc);
  std::optional<Epilogue> epilogue = nhwcMatrixEpilogue(operands, w);
  if (fhwc) {
    MemRefMatrixSource b(filter, /*transposed=*/true);
    emitBlockedGemm(builder, loc, a, b, y, *gemm, p, target,
                    epilogue ? &*epilogue : nullptr);
    return;
  }
  MemRefMatrixSource b(filter, /*transposed=*/false);
  emitBlockedGemm(builder, loc, a, b, y, *gemm, p, target,
                  epilogue ? &*epilogue : nullptr);
}

constinit const GeneratorFn generateIm2colConv =
    generatorEntry<emitIm2colConv, checkIm2colConv,
                   gemmconv::fusesEpilogue<Im2colConvParams>>;

} // namespace autoconfig
