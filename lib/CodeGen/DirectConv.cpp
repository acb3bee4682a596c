//===- DirectConv.cpp - Blocked direct convolution for NHWC inputs --------===//
//
// Output-channel vectorized direct convolution (Zhang, Franchetti and Low,
// ICML 2018; Georganas et al., SC 2018) for "nhwc_hwcf" and "nhwc_fhwc":
//
//   [nhwc_fhwc: pack w[F][KH][KW][C] into p[KH][KW][C][roundUp(F, vl)]]
//   parallel for (n, row block r0:+rb)           (threads > 1)
//     for c0 in C step cb                         input-channel cache block
//       for f0 in F step fv*vl                    masked last vector at F's end
//         for oh in the row block
//           [khLo, khHi) = kernel rows inside the input (dynamic per row)
//           for tiles of owb pixels along OW     border tiles peeled statically
//             acc[owb][fv] = 0
//             for kh in [khLo, khHi), for kw, for c in [0, cb) (unrolled)
//               fv filter vectors w[kh, kw, c0+c, f0+v*vl:+vl]
//               owb broadcasts x[n, ih, iw(j), c0+c], owb*fv FMAs
//             y[n, oh, ow0:+owb, f0:+fv*vl] += acc
//
// Each kernel column has its own channel loop, so that no broadcast value
// is shared by two taps (LLVM would keep it live across them and spill
// accumulators); with unit dilation and C in one block, the (kw, c) pairs
// of a kernel row are contiguous in the input row and in the filter, and
// one loop over collapsed views covers them.
//
// Padding: a row's kernel-row range is computed once per row (no checks in
// the tile); tiles whose taps leave [0, W) are emitted with a static column,
// so the taps that fall in the padding are simply not emitted. Interior
// tiles run in a loop without checks. No copy of the input is made.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/ConstantData.h"
#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/CodeGen/KernelBuilder.h"
#include "autoconfig/CodeGen/NhwcConvGenerators.h"
#include "autoconfig/Support/Arithmetic.h"

#include "GeneratorEntryPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cstring>

using namespace mlir;

namespace autoconfig {

namespace nhwc {

std::pair<Value, Value> kernelRowRange(KernelBuilder &kb, const ConvWorkload &w,
                                       Value row) {
  // All rows interior: static full range.
  int64_t lastIh =
      (w.outH() - 1) * w.strideH - w.padTop + (w.kh - 1) * w.dilationH;
  if (w.padTop == 0 && lastIh <= w.h - 1)
    return {kb.index(0), kb.index(w.kh)};
  auto &b = kb.b();
  // ih(kh) = row*s - padTop + kh*d must lie in [0, H):
  //   khLo = max(0, ceil((padTop - row*s) / d)),
  //   khHi = min(KH, floor((H - 1 - row*s + padTop) / d) + 1).
  // Signed division truncates toward zero: for negative numerators both
  // bounds come out <= 0, which the clamps (or an empty range) absorb.
  Value rowS = kb.mul(row, w.strideH);
  Value d = kb.index(w.dilationH);
  Value loNum =
      arith::SubIOp::create(b, kb.index(w.padTop + w.dilationH - 1), rowS);
  Value lo = arith::MaxSIOp::create(b, kb.index(0),
                                    arith::DivSIOp::create(b, loNum, d));
  Value hiNum = arith::SubIOp::create(
      b, kb.index(w.h - 1 + w.padTop + w.dilationH), rowS);
  Value hi = arith::MinSIOp::create(b, kb.index(w.kh),
                                    arith::DivSIOp::create(b, hiNum, d));
  return {lo, hi};
}

bool columnTapValid(const ConvWorkload &w, int64_t col, int64_t kw) {
  int64_t iw = col * w.strideW - w.padLeft + kw * w.dilationW;
  return iw >= 0 && iw < w.w;
}

void forEachRowTile(
    KernelBuilder &kb, const ConvWorkload &w, int64_t owb,
    llvm::function_ref<void(Value col, int64_t staticCol, int64_t pixels)>
        body) {
  int64_t ow = w.outW();
  owb = std::clamp<int64_t>(owb, 1, ow);
  int64_t full = ow / owb, rem = ow % owb;
  auto interior = [&](int64_t t) {
    for (int64_t j : {t * owb, t * owb + owb - 1})
      for (int64_t kw : {int64_t(0), w.kw - 1})
        if (!columnTapValid(w, j, kw))
          return false;
    return true;
  };
  int64_t t = 0;
  for (; t < full && !interior(t); ++t)
    body(kb.index(t * owb), t * owb, owb);
  int64_t first = t;
  while (t < full && interior(t))
    ++t;
  kb.forRange(first * owb, t * owb, owb,
              [&](Value col) { body(col, -1, owb); });
  for (; t < full; ++t)
    body(kb.index(t * owb), t * owb, owb);
  if (rem)
    body(kb.index(full * owb), full * owb, rem);
}

} // namespace nhwc

namespace {

class DirectEmitter
    : public KernelEmitterBase<ConvOperands, ConvWorkload, DirectConvParams> {
public:
  using KernelEmitterBase::KernelEmitterBase;

  void emit() {
    bool packed = w.layout == ConvLayout::NhwcFhwc;
    if (directFilterLayout(w, p) == DirectFilterLayout::Blocked &&
        packBlockedFilter()) {
      packed = false;
      flatFilter = collapse(filter, {{0}, {1}, {2, 3}, {4}});
    } else {
      if (packed)
        packFilter();
      else
        filter = ops.filter;
      flatFilter = collapse(filter, {{0}, {1, 2}, {3}});
    }
    flatInput = collapse(ops.input, {{0}, {1}, {2, 3}});
    MLIRContext *ctx = kb.b().getContext();
    if (ctx->getLoadedDialect<LLVM::LLVMDialect>()) {
      auto disable = LLVM::LoopUnrollAttr::get(
          ctx, /*disable=*/BoolAttr::get(ctx, true), {}, {}, {}, {}, {}, {});
      noUnroll = LLVM::LoopAnnotationAttr::get(
          ctx, {}, {}, {}, disable, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});
    }
    int64_t rowBlocks = ceilDiv(oh, rb);
    kb.parallelRange(0, w.n * rowBlocks, 1, p.threads > 1, [&](Value block) {
      Value n = kb.index(0), r0 = block;
      if (w.n > 1) {
        n = arith::DivUIOp::create(kb.b(), block, kb.index(rowBlocks));
        r0 = arith::RemUIOp::create(kb.b(), block, kb.index(rowBlocks));
      }
      r0 = kb.mul(r0, rb);
      Value rEnd = kb.add(r0, rb);
      if (oh % rb)
        rEnd = arith::MinSIOp::create(kb.b(), rEnd, kb.index(oh));
      emitRowBlock(n, r0, rEnd);
    });
    if (packed && !packedAtCompileTime)
      memref::DeallocOp::create(kb.b(), filter);
  }

private:
  /// A collapsed view of `memref`, or null when its layout does not allow it.
  Value collapse(Value memref, ArrayRef<ReassociationIndices> groups) {
    auto type = cast<MemRefType>(memref.getType());
    if (!memref::CollapseShapeOp::isGuaranteedCollapsible(type, groups))
      return Value();
    return memref::CollapseShapeOp::create(kb.b(), memref, groups);
  }

  /// The constant filter as [F / fb][KH][KW][C][fb] (fb = fv*vl), zero
  /// past F, at compile time (see directFilterLayout); false when its values
  /// are not available here.
  bool packBlockedFilter() {
    std::optional<ConstantBytes> bytes = constantBytes(ops.filter);
    int64_t q = w.kh * w.kw * w.c;
    size_t elementBytes = kb.elementType().getIntOrFloatBitWidth() / 8;
    size_t elements = bytes && bytes->splat ? 1 : size_t(w.f * q);
    if (!bytes || bytes->data.size() != elements * elementBytes)
      return false;
    int64_t fb = fv * vl, blocks = ceilDiv(w.f, fb);
    // A splat without padding stays a splat: same values, no copy made.
    if (bytes->splat && w.f % fb == 0) {
      filter = createConstantBufferFromBytes(
          kb.b(), kb.b().getLoc(), "__autoconfig_direct_filter",
          {blocks, w.kh, w.kw, w.c, fb}, kb.elementType(), bytes->data);
      filterPadded = packedAtCompileTime = blockedFilter = true;
      return true;
    }
    bool fhwc = w.layout == ConvLayout::NhwcFhwc;
    // Moved element by element as bytes: weights run to megabytes.
    std::vector<char> blocked(size_t(blocks * q * fb) * elementBytes, 0);
    for (int64_t r = 0; r < q; ++r)
      for (int64_t f = 0; f < w.f; ++f)
        std::memcpy(
            &blocked[size_t(((f / fb) * q + r) * fb + f % fb) * elementBytes],
            &bytes->data[bytes->splat ? 0
                                      : size_t(fhwc ? f * q + r : r * w.f + f) *
                                            elementBytes],
            elementBytes);
    filter = createConstantBufferFromBytes(
        kb.b(), kb.b().getLoc(), "__autoconfig_direct_filter",
        {blocks, w.kh, w.kw, w.c, fb}, kb.elementType(), blocked);
    filterPadded = true;
    packedAtCompileTime = true;
    blockedFilter = true;
    return true;
  }

  /// p[kh][kw][c][f] = w[f][kh][kw][c], zero for f in [F, roundUp(F, vl)):
  /// the filter vectors of the tiles are then contiguous and never masked.
  void packFilter() {
    int64_t fp = ceilDiv(w.f, vl) * vl;
    // Constant weights are packed here, at compile time.
    if (auto values = constantValues(ops.filter);
        values && int64_t(values->size()) == w.f * w.kh * w.kw * w.c) {
      std::vector<double> packedValues(size_t(w.kh * w.kw * w.c * fp), 0.0);
      for (int64_t f = 0; f < w.f; ++f)
        for (int64_t q = 0; q < w.kh * w.kw * w.c; ++q)
          packedValues[size_t(q * fp + f)] =
              (*values)[size_t(f * w.kh * w.kw * w.c + q)];
      filter = createConstantBuffer(
          kb.b(), kb.b().getLoc(), "__autoconfig_direct_filter",
          {w.kh, w.kw, w.c, fp}, kb.elementType(), packedValues);
      filterPadded = true;
      packedAtCompileTime = true;
      return;
    }
    auto type = MemRefType::get({w.kh, w.kw, w.c, fp}, kb.elementType());
    filter =
        memref::AllocOp::create(kb.b(), type, kb.b().getI64IntegerAttr(64));
    filterPadded = true;
    // On the [F][Q] and [Q][Fp] views (Q = KH*KW*C), vl x vl tiles are
    // transposed in registers: vl vector loads along Q (whole lines, so the
    // vl rows, KH*KW*C apart and often aliasing in L1, need not stay
    // cached) and vl vector stores along F. Rows past F are zero: they fill
    // the padding.
    int64_t q = w.kh * w.kw * w.c;
    Value src = collapse(ops.filter, {{0}, {1, 2, 3}});
    Value dst = collapse(filter, {{0, 1, 2}, {3}});
    if (!src) {
      // A strided filter view: element by element, after zeroing the
      // padding vector of every row.
      if (fp > w.f)
        kb.forRange(0, q, 1, [&](Value row) {
          kb.storeVector(kb.zeroVector(vl), dst, {row, kb.index(fp - vl)}, vl);
        });
      kb.forRange(0, w.f, 1, [&](Value f) {
        kb.forRange(0, w.kh, 1, [&](Value kh) {
          kb.forRange(0, w.kw, 1, [&](Value kw) {
            kb.forRange(0, w.c, 1, [&](Value c) {
              kb.storeScalar(kb.loadScalar(ops.filter, {f, kh, kw, c}), filter,
                             {kh, kw, c, f});
            });
          });
        });
      });
      return;
    }
    auto tile = [&](Value f0, int64_t rows, Value q0, int64_t cols) {
      SmallVector<Value> x;
      for (int64_t i = 0; i < vl; ++i)
        x.push_back(i < rows ? kb.loadVector(src, {kb.add(f0, i), q0}, vl, cols)
                             : kb.zeroVector(vl));
      for (int64_t k = 0; k < cols; ++k) {
        SmallVector<Value> column;
        for (int64_t i = 0; i < vl; ++i)
          column.push_back(vector::ExtractOp::create(kb.b(), x[i], k));
        Value row =
            vector::FromElementsOp::create(kb.b(), kb.vectorType(vl), column);
        kb.storeVector(row, dst, {kb.add(q0, k), f0}, vl);
      }
    };
    kb.forBlocks(w.f, vl, [&](Value f0, int64_t rows) {
      kb.forBlocks(q, vl,
                   [&](Value q0, int64_t cols) { tile(f0, rows, q0, cols); });
    });
  }

  void emitRowBlock(Value n, Value r0, Value rEnd) {
    kb.forBlocks(w.c, cb, [&](Value c0, int64_t cbb) {
      // fv vectors of filters a block; the last vector of a partial block
      // has width % vl live lanes.
      kb.forBlocks(w.f, fv * vl, [&](Value f0, int64_t width) {
        int64_t vecs = ceilDiv(width, vl);
        int64_t lastLive = width % vl ? width % vl : vl;
        if (rb == 1)
          emitRow(n, r0, c0, cbb, f0, vecs, lastLive);
        else
          kb.forRange(r0, rEnd, 1, [&](Value row) {
            emitRow(n, row, c0, cbb, f0, vecs, lastLive);
          });
      });
    });
  }

  void emitRow(Value n, Value row, Value c0, int64_t cbb, Value f0,
               int64_t vecs, int64_t lastLive) {
    auto [khLo, khHi] = nhwc::kernelRowRange(kb, w, row);
    Value ihBase = kb.add(kb.mul(row, w.strideH), -w.padTop);
    nhwc::forEachRowTile(kb, w, owb,
                         [&](Value col, int64_t staticCol, int64_t pixels) {
                           emitTile(n, row, ihBase, khLo, khHi, c0, cbb, f0,
                                    vecs, lastLive, col, staticCol, pixels);
                         });
  }

  /// A run of kernel columns [kwLo, kwHi) that the same pixels of a tile
  /// read (all of them for interior tiles).
  struct TapSegment {
    int64_t kwLo, kwHi;
    SmallVector<int64_t> pixels;
  };

  /// One register tile: `pixels` output pixels from `col` (static column
  /// `staticCol` >= 0 at the borders) x `vecs` vectors of channels from f0.
  void emitTile(Value n, Value row, Value ihBase, Value khLo, Value khHi,
                Value c0, int64_t cbb, Value f0, int64_t vecs, int64_t lastLive,
                Value col, int64_t staticCol, int64_t pixels) {
    auto live = [&](int64_t v) { return v == vecs - 1 ? lastLive : vl; };
    SmallVector<Value> fIdx = kb.stridedIndices(f0, vecs, vl);
    // Filter indices: (kh, kw, c, f), or (block, kh, kw, c, f in block).
    SmallVector<Value> filterF = fIdx;
    SmallVector<Value, 1> filterBlockIdx;
    if (blockedFilter) {
      filterBlockIdx.push_back(
          arith::DivUIOp::create(kb.b(), f0, kb.index(fv * vl)));
      for (int64_t v = 0; v < vecs; ++v)
        filterF[v] = kb.index(v * vl);
    }
    SmallVector<Value> colIdx = kb.stridedIndices(col, pixels);
    // Input column of pixel j at kw = 0: (col + j) * s - padLeft.
    Value iwBase = kb.add(kb.mul(col, w.strideW), -w.padLeft);
    SmallVector<TapSegment> segments;
    for (int64_t kw = 0; kw < w.kw; ++kw) {
      SmallVector<int64_t> valid;
      for (int64_t j = 0; j < pixels; ++j)
        if (staticCol < 0 || nhwc::columnTapValid(w, staticCol + j, kw))
          valid.push_back(j);
      if (valid.empty())
        continue;
      if (!segments.empty() && segments.back().kwHi == kw &&
          segments.back().pixels == valid)
        segments.back().kwHi = kw + 1;
      else
        segments.push_back({kw, kw + 1, valid});
    }
    // With unit dilation and the whole of C in one block, the (kw, c) pairs
    // of a segment are contiguous in both the input row and the filter: one
    // channel loop covers them all.
    bool merged = flatInput && flatFilter && w.dilationW == 1 && cbb == w.c;

    SmallVector<Value> zero(pixels * vecs, kb.zeroVector(vl));
    SmallVector<scf::ForOp> cLoops;
    // The channel loop of one kernel column (or of a merged segment): fv
    // filter vectors, one broadcast per valid pixel, FMAs. Every broadcast
    // in an iteration is a distinct input value, so none stays live across
    // taps (the register tile is owb*fv + fv + 1 vectors).
    auto channelLoop =
        [&](SmallVector<Value> acc, int64_t trips, ArrayRef<int64_t> tapPixels,
            Value filterMemref,
            function_ref<SmallVector<Value>(Value)> filterRow,
            function_ref<Value(int64_t, Value)> inputAt) -> SmallVector<Value> {
      scf::ForOp loop;
      SmallVector<Value> result = kb.forWithValues(
          kb.index(0), kb.index(trips), 1, acc,
          [&](Value q, ValueRange carried) {
            SmallVector<Value> next(carried.begin(), carried.end());
            SmallVector<Value> fRow = filterRow(q);
            SmallVector<Value> fVec;
            for (int64_t v = 0; v < vecs; ++v) {
              SmallVector<Value> idx(filterBlockIdx.begin(),
                                     filterBlockIdx.end());
              idx.append(fRow.begin(), fRow.end());
              idx.push_back(filterF[v]);
              // The packed filter is zero-padded to whole vectors.
              fVec.push_back(kb.loadVector(filterMemref, idx, vl,
                                           filterPadded ? vl : live(v)));
            }
            for (int64_t j : tapPixels) {
              Value x = kb.broadcast(inputAt(j, q), vl);
              kb.fmaTileRow(x, fVec, next, j);
            }
            return next;
          },
          &loop);
      cLoops.push_back(loop);
      return result;
    };

    SmallVector<Value> acc =
        kb.forWithValues(khLo, khHi, 1, zero, [&](Value kh, ValueRange outer) {
          Value ih = kb.add(ihBase, kb.mul(kh, w.dilationH));
          SmallVector<Value> acc(outer.begin(), outer.end());
          for (const TapSegment &seg : segments) {
            if (merged) {
              // q runs over (kw - kwLo) * C + c.
              Value filterBase = kb.index(seg.kwLo * w.c);
              SmallVector<Value> rowBase(pixels);
              for (int64_t j : seg.pixels)
                rowBase[j] =
                    kb.mul(kb.add(iwBase, j * w.strideW + seg.kwLo), w.c);
              acc = channelLoop(
                  acc, (seg.kwHi - seg.kwLo) * w.c, seg.pixels, flatFilter,
                  [&](Value q) -> SmallVector<Value> {
                    return {kh, kb.add(filterBase, q)};
                  },
                  [&](int64_t j, Value q) {
                    return kb.loadScalar(flatInput,
                                         {n, ih, kb.add(rowBase[j], q)});
                  });
              continue;
            }
            for (int64_t kw = seg.kwLo; kw < seg.kwHi; ++kw) {
              Value kwIdx = kb.index(kw);
              SmallVector<Value> iw(pixels);
              for (int64_t j : seg.pixels)
                iw[j] = kb.add(iwBase, j * w.strideW + kw * w.dilationW);
              acc = channelLoop(
                  acc, cbb, seg.pixels, filter,
                  [&](Value q) -> SmallVector<Value> {
                    return {kh, kwIdx, kb.add(c0, q)};
                  },
                  [&](int64_t j, Value q) {
                    return kb.loadScalar(ops.input,
                                         {n, ih, iw[j], kb.add(c0, q)});
                  });
            }
          }
          return acc;
        });
    for (int64_t j = 0; j < pixels; ++j)
      for (int64_t v = 0; v < vecs; ++v) {
        SmallVector<Value> idx = {n, row, colIdx[j], fIdx[v]};
        Value old = kb.loadVector(ops.output, idx, vl, live(v));
        Value sum = kb.addf(old, acc[j * vecs + v]);
        // The epilogue is fused only with a single channel block, whose
        // store is the final one.
        storeFinal(kb, cbb == w.c ? ops.epilogue : nullptr, sum, ops.output,
                   idx, live(v));
      }
    // Unroll last (the unroller rewires existing uses of the loop results).
    for (scf::ForOp loop : cLoops)
      unrollChannelLoop(loop, pixels * vecs);
  }

  /// Unrolls a channel loop to at least 48 FMAs per iteration while keeping
  /// two or more iterations, and keeps LLVM from unrolling it completely:
  /// straight-line taps would let it merge equal input loads of different
  /// kernel columns and keep them live across taps, spilling accumulators.
  void unrollChannelLoop(scf::ForOp loop, int64_t fmasPerIteration) {
    auto lb = getConstantIntValue(loop.getLowerBound());
    auto ub = getConstantIntValue(loop.getUpperBound());
    int64_t trips = lb && ub ? *ub - *lb : 0;
    int64_t unroll = 1;
    while (unroll < 8 && unroll * fmasPerIteration < 48 &&
           trips / (unroll * 2) >= 2)
      unroll *= 2;
    SmallVector<scf::ForOp, 2> loops = {loop};
    if (unroll > 1) {
      auto unrolled = loopUnrollByFactor(loop, unroll);
      if (succeeded(unrolled)) {
        loops.clear();
        if (unrolled->mainLoopOp)
          loops.push_back(*unrolled->mainLoopOp);
        if (unrolled->epilogueLoopOp)
          loops.push_back(*unrolled->epilogueLoopOp);
      }
    }
    if (noUnroll)
      for (scf::ForOp l : loops)
        l->setAttr("llvm.loop_annotation", noUnroll);
  }

  int64_t oh = w.outH(), ow = w.outW(), vl = p.vl;
  // The blocking parameters clamped to the workload.
  int64_t owb = std::clamp<int64_t>(p.owb, 1, ow);
  int64_t fv = std::clamp<int64_t>(p.fv, 1, ceilDiv(w.f, vl));
  int64_t cb = std::clamp<int64_t>(p.cb, 1, w.c);
  int64_t rb = std::clamp<int64_t>(p.rb, 1, oh);
  Value filter;
  bool filterPadded = false;
  bool packedAtCompileTime = false;
  /// The filter is [F / fb][KH][KW][C][fb] (packBlockedFilter).
  bool blockedFilter = false;
  /// Views with (W, C) and (KW, C) collapsed, when the layouts allow them.
  Value flatInput, flatFilter;
  /// "Do not unroll" loop annotation, when the LLVM dialect is loaded.
  Attribute noUnroll;
};

LogicalResult checkDirectWorkload(Operation *op, const Workload &workload) {
  const auto *w = std::get_if<ConvWorkload>(&workload);
  if (!w ||
      (w->layout != ConvLayout::NhwcHwcf &&
       w->layout != ConvLayout::NhwcFhwc) ||
      w->groups != 1)
    return op->emitError("autoconfig: the direct algorithm needs an NHWC "
                         "convolution (nhwc_hwcf or nhwc_fhwc) without groups");
  return success();
}

/// The epilogue needs the final sums: only when one channel block covers C.
bool fusesDirectEpilogue(const ConvWorkload &w,
                         const DirectConvParams &params) {
  return params.cb >= w.c;
}

} // namespace

constinit const GeneratorFn generateDirectConv =
    generatorEntry<emitWith<DirectEmitter>,
                   nhwc::checkVectorLength<DirectConvParams>,
                   fusesDirectEpilogue, checkDirectWorkload>;

} // namespace autoconfig
