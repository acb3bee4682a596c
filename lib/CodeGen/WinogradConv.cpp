//===- WinogradConv.cpp - Winograd F(m x m, 3 x 3) convolution ------------===//
//
// Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks" (CVPR
// 2016): Y = A^T [ (G g G^T) . (B^T d B) ] A per m x m output tile, the
// elementwise products summed over channels as alpha^2 (alpha = m + 2)
// independent matrix products. Every stage is vectorized across channels or
// filters, so that one formulation serves both layouts:
//
//   U[xi][F/nr][C][nr]   filter transform, nr-wide panels of filters (the
//                        micro-kernel's B operand). Constant weights: a new
//                        constant global computed here in double precision;
//                        otherwise computed at the start of every call.
//   for each block of tbh x tbw tiles (tiles past the edge compute on zeros
//   and store nothing):
//     V[xi][tile][c]     input transform, vectors of vl channels. NHWC reads
//                        pixels directly (padding = masked-off loads); NCHW
//                        first transposes the block's input region, vl
//                        channels x vl columns at a time, into a small
//                        pixel-major buffer with the zero border written in.
//     for each block of nc filters:
//       M[xi][tile][f]   alpha^2 GEMMs, mr tiles x nr filters in registers,
//                        kc channels per pass (broadcast V, vector U)
//       y += A^T M A     output transform, vectors of vl filters; NCHW goes
//                        through a pixel-major buffer transposed back.
//
// Padding is never materialized: out-of-range pixels read as zero. The
// transforms are evaluated by the shared TransformPlan (pairs of points +-p
// share their even and odd parts). All scratch memory (U, and V, M and the
// NCHW buffers of every worker thread) is one allocation per call, with the
// per-xi and row strides padded off multiples of 1 KiB / 512 B so that the
// alpha^2 streams of the transforms do not alias in the caches.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/ConstantData.h"
#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/CodeGen/KernelBuilder.h"
#include "autoconfig/CodeGen/WinogradConvGenerators.h"
#include "autoconfig/Support/Arithmetic.h"

#include "GeneratorEntryPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/Support/FormatVariadic.h"

#include <optional>

using namespace mlir;

namespace autoconfig {
namespace {

//===----------------------------------------------------------------------===//
// Constant filters
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// The emitter
//===----------------------------------------------------------------------===//

/// The emitter works on the geometry the model predicts with.
class WinogradEmitter
    : WinogradGeometry,
      public KernelEmitterBase<ConvOperands, ConvWorkload, WinogradConvParams> {
public:
  WinogradEmitter(KernelBuilder &kb, const ConvOperands &ops,
                  const ConvWorkload &w, const WinogradConvParams &p)
      : WinogradGeometry(w, p), KernelEmitterBase(kb, ops, w, p),
        tr(winogradTransforms(p.m)) {
    gPlan = planTransform(tr.g, p.alpha(), 3);
    btPlan = planTransform(tr.bt, p.alpha(), p.alpha());
    atPlan = planTransform(tr.at, p.m, p.alpha());
    nchw = w.layout == ConvLayout::NchwFchw;
    m = p.m;
    vl = p.vl;
    regionH = m * tbh + 2;
    regionW = m * tbw + 2;
  }

  /// All scratch memory is one allocation per call: U (when computed at run
  /// time), then one slot per worker thread holding V, M and the NCHW
  /// staging buffers. A single block keeps malloc from returning it to the
  /// system between calls (the freed block stays below glibc's trim
  /// threshold), so its pages are not faulted in again on every call.
  void emit() {
    ebytes = kb.elementType().getIntOrFloatBitWidth() / 8;
    computeLayouts();
    u = constantTransformedFilter();
    bool runtimeFilter = !u;
    int64_t blocks = w.n * blocksH * blocksW;
    int64_t filterTasks = runtimeFilter ? panels : 0;
    int64_t workers =
        p.threads > 1 ? std::min(p.threads, std::max(blocks, filterTasks)) : 1;
    bool staging = runtimeFilter && w.layout != ConvLayout::NhwcHwcf;
    int64_t uBytes = runtimeFilter ? uLayout.bytes(ebytes) : 0;
    vOffset = 0;
    mOffset = vOffset + vLayout.bytes(ebytes);
    xtOffset = mOffset + mLayout.bytes(ebytes);
    ytOffset = xtOffset + (nchw ? denseBytes(xtShape) : 0);
    stagedOffset = ytOffset + (nchw ? denseBytes(ytShape) : 0);
    slotBytes = stagedOffset + (staging ? denseBytes(stagedShape) : 0);
    slotBase = uBytes;
    auto bufferType =
        MemRefType::get({uBytes + workers * slotBytes}, kb.b().getI8Type());
    scratch = memref::AllocOp::create(kb.b(), bufferType,
                                      kb.b().getI64IntegerAttr(64));
    if (runtimeFilter) {
      u = stridedView(scratch, kb.index(0), uLayout);
      forWorkers(std::min(workers, panels), panels,
                 [&](Value panel) { emitFilterTransform(panel); });
    }
    forWorkers(std::min(workers, blocks), blocks,
               [&](Value block) { emitBlock(block); });
    memref::DeallocOp::create(kb.b(), scratch);
  }

private:
  /// A static shape with element strides (the transformed tensors).
  struct Layout {
    SmallVector<int64_t> shape, strides;
    int64_t elements() const { return shape[0] * strides[0]; }
    int64_t bytes(unsigned ebytes) const {
      return roundUp(elements() * ebytes, 64);
    }
  };

  int64_t denseBytes(ArrayRef<int64_t> shape) const {
    int64_t count = 1;
    for (int64_t d : shape)
      count *= d;
    return roundUp(count * ebytes, 64);
  }

  /// Strides of the transformed tensors: the per-xi stride, and rows a
  /// multiple of 512 bytes apart, get a cache line more, so that the
  /// transforms' alpha^2 store and load streams and the micro-kernel's mr
  /// broadcast streams spread over the cache sets instead of aliasing.
  void computeLayouts() {
    int64_t line = 64 / ebytes;
    auto rowLength = [&](int64_t elements) {
      return (elements * ebytes) % 512 == 0 ? elements + line : elements;
    };
    auto xiStride = [&](int64_t elements) {
      elements = roundUp(elements, line);
      return (elements * ebytes) % 1024 == 0 ? elements + line : elements;
    };
    int64_t vRow = rowLength(cPad), mRow = rowLength(nc);
    vLayout = {{a2, tb, cPad}, {xiStride(tb * vRow), vRow, 1}};
    mLayout = {{a2, tb, nc}, {xiStride(tb * mRow), mRow, 1}};
    uLayout = {{a2, panels, w.c, p.nr},
               {xiStride(panels * w.c * p.nr), w.c * p.nr, p.nr, 1}};
    xtShape = {regionH, regionW + roundUp(regionW, vl), vl};
    ytShape = {m * tbh, roundUp(m * tbw, vl), vl};
    stagedShape = {9, vl, vl};
  }

  //===--------------------------------------------------------------------===//
  // Small builders
  //===--------------------------------------------------------------------===//

  /// A typed, dense view of the scratch buffer at a byte offset.
  Value view(Value byteOffset, ArrayRef<int64_t> shape) {
    auto type = MemRefType::get(shape, kb.elementType());
    return memref::ViewOp::create(kb.b(), type, scratch, byteOffset,
                                  ValueRange{});
  }

  /// A strided view of `layout` over a 1-D buffer: bytes (i8) at a byte
  /// offset, or elements at offset 0.
  Value stridedView(Value buffer, Value byteOffset, const Layout &layout) {
    Value flat = buffer;
    if (cast<MemRefType>(buffer.getType()).getElementType().isInteger(8))
      flat = view(byteOffset, {layout.elements()});
    auto type = MemRefType::get(
        layout.shape, kb.elementType(),
        StridedLayoutAttr::get(kb.b().getContext(), 0, layout.strides));
    return memref::ReinterpretCastOp::create(kb.b(), type, flat, 0,
                                             layout.shape, layout.strides);
  }

  /// Points v, mBuf, xt, yt and staged at worker slot `worker`.
  void useSlot(Value worker) {
    Value base = kb.add(kb.mul(worker, slotBytes), slotBase);
    v = stridedView(scratch, kb.add(base, vOffset), vLayout);
    mBuf = stridedView(scratch, kb.add(base, mOffset), mLayout);
    if (nchw) {
      xt = view(kb.add(base, xtOffset), xtShape);
      yt = view(kb.add(base, ytOffset), ytShape);
    }
    if (slotBytes > stagedOffset)
      staged = view(kb.add(base, stagedOffset), stagedShape);
  }

  /// body(task) for task in [0, tasks), dealt round-robin to `workers`
  /// threads (an OpenMP loop when there are several), each with its slot.
  void forWorkers(int64_t workers, int64_t tasks,
                  llvm::function_ref<void(Value)> body) {
    if (workers <= 1) {
      useSlot(kb.index(0));
      kb.forRange(0, tasks, 1, body);
      return;
    }
    kb.parallelRange(0, workers, 1, /*parallel=*/true, [&](Value worker) {
      useSlot(worker);
      kb.forRange(worker, kb.index(tasks), workers, body);
    });
  }

  Value cmp(arith::CmpIPredicate pred, Value a, Value b) {
    return arith::CmpIOp::create(kb.b(), pred, a, b);
  }
  Value andI(Value a, Value b) { return arith::AndIOp::create(kb.b(), a, b); }
  Value select(Value c, Value a, Value b) {
    return arith::SelectOp::create(kb.b(), c, a, b);
  }
  Value minI(Value a, Value b) { return arith::MinSIOp::create(kb.b(), a, b); }
  Value maxI(Value a, Value b) { return arith::MaxSIOp::create(kb.b(), a, b); }
  Value sub(Value a, Value b) { return arith::SubIOp::create(kb.b(), a, b); }
  Value divU(Value a, int64_t b) {
    return arith::DivUIOp::create(kb.b(), a, kb.index(b));
  }
  Value remU(Value a, int64_t b) {
    return arith::RemUIOp::create(kb.b(), a, kb.index(b));
  }
  /// 0 <= value < bound.
  Value inRange(Value value, int64_t bound) {
    return andI(cmp(arith::CmpIPredicate::sge, value, kb.index(0)),
                cmp(arith::CmpIPredicate::slt, value, kb.index(bound)));
  }
  /// The indices base + i for i in [0, count), each with whether it is below
  /// `bound` (and, with `mayBeNegative`, at least 0); an index outside is
  /// replaced by 0, a safe address for the masked-off access it feeds.
  std::pair<SmallVector<Value>, SmallVector<Value>>
  clampedIndices(Value base, int64_t count, int64_t bound,
                 bool mayBeNegative = false) {
    SmallVector<Value> indices, inside;
    for (int64_t i = 0; i < count; ++i) {
      Value index = kb.add(base, i);
      Value ok = mayBeNegative
                     ? inRange(index, bound)
                     : cmp(arith::CmpIPredicate::slt, index, kb.index(bound));
      inside.push_back(ok);
      indices.push_back(select(ok, index, kb.index(0)));
    }
    return {indices, inside};
  }
  /// The first `active` lanes (clamped to [0, vl]) set.
  Value prefixMask(Value active) {
    auto type = VectorType::get({vl}, kb.b().getI1Type());
    return vector::CreateMaskOp::create(kb.b(), type, ValueRange{active});
  }
  Value splat(double value) {
    auto type = kb.vectorType(vl);
    return arith::ConstantOp::create(
        kb.b(), DenseElementsAttr::get(
                    type, kb.b().getFloatAttr(kb.elementType(), value)));
  }
  Value maskedLoad(Value memref, ValueRange indices, Value mask) {
    return vector::MaskedLoadOp::create(kb.b(), kb.vectorType(vl), memref,
                                        indices, mask, kb.zeroVector(vl));
  }
  void maskedStore(Value value, Value memref, ValueRange indices, Value mask) {
    vector::MaskedStoreOp::create(kb.b(), memref, indices, mask, value);
  }
  /// The output's final value: through the fused epilogue when there is one.
  void finalStore(Value value, ValueRange indices, Value mask) {
    if (ops.epilogue)
      ops.epilogue->storeMasked(kb, value, indices, mask);
    else
      maskedStore(value, ops.output, indices, mask);
  }
  void ifThen(Value cond, llvm::function_ref<void()> then) {
    auto ifOp = scf::IfOp::create(kb.b(), cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(kb.b());
    kb.b().setInsertionPoint(ifOp.thenBlock()->getTerminator());
    then();
  }
  void ifThenElse(Value cond, llvm::function_ref<void()> then,
                  llvm::function_ref<void()> otherwise) {
    auto ifOp = scf::IfOp::create(kb.b(), cond, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(kb.b());
    kb.b().setInsertionPoint(ifOp.thenBlock()->getTerminator());
    then();
    kb.b().setInsertionPoint(ifOp.elseBlock()->getTerminator());
    otherwise();
  }

  /// sum_k c_k x_k in the planned order: the first term is free when its
  /// coefficient is 1, +-1 are adds and subtractions, the rest FMAs.
  Value evaluate(const TransformPlan::Partial &partial, ArrayRef<Value> x) {
    Value acc;
    for (auto [c, k] : partial.terms) {
      if (!acc) {
        acc = c == 1 ? x[k]
              : c == -1
                  ? arith::NegFOp::create(kb.b(), x[k]).getResult()
                  : arith::MulFOp::create(kb.b(), splat(c), x[k]).getResult();
        continue;
      }
      if (c == 1)
        acc = kb.addf(acc, x[k]);
      else if (c == -1)
        acc = arith::SubFOp::create(kb.b(), acc, x[k]);
      else
        acc = kb.fma(splat(c), x[k], acc);
    }
    return acc ? acc : kb.zeroVector(vl);
  }

  /// y = T x for a planned constant matrix T (see TransformPlan).
  SmallVector<Value> apply(const TransformPlan &plan, ArrayRef<Value> x) {
    SmallVector<Value> inputs(x.begin(), x.end());
    for (const auto &pre : plan.preCombined)
      inputs.push_back(
          pre.sign > 0
              ? kb.addf(x[pre.a], x[pre.b])
              : arith::SubFOp::create(kb.b(), x[pre.a], x[pre.b]).getResult());
    SmallVector<Value> partials;
    for (const auto &partial : plan.partials)
      partials.push_back(evaluate(partial, inputs));
    SmallVector<Value> outputs;
    for (const auto &out : plan.outputs) {
      Value a = partials[out.a];
      if (out.b < 0) {
        outputs.push_back(out.signA > 0 ? a : arith::NegFOp::create(kb.b(), a));
        continue;
      }
      Value b = partials[out.b];
      if (out.signA > 0 && out.signB > 0)
        outputs.push_back(kb.addf(a, b));
      else if (out.signA > 0)
        outputs.push_back(arith::SubFOp::create(kb.b(), a, b));
      else if (out.signB > 0)
        outputs.push_back(arith::SubFOp::create(kb.b(), b, a));
      else
        outputs.push_back(arith::NegFOp::create(kb.b(), kb.addf(a, b)));
    }
    return outputs;
  }

  /// out = L in R^T for matrices of vectors (in: rows x cols, row-major;
  /// L: outRows x rows; R: outCols x cols), as two passes of 1-D transforms.
  SmallVector<Value> sandwich(ArrayRef<Value> in, int64_t rows, int64_t cols,
                              const TransformPlan &left, int64_t outRows,
                              const TransformPlan &right, int64_t outCols) {
    SmallVector<Value> tmp(outRows * cols);
    for (int64_t j = 0; j < cols; ++j) {
      SmallVector<Value> column;
      for (int64_t k = 0; k < rows; ++k)
        column.push_back(in[k * cols + j]);
      SmallVector<Value> result = apply(left, column);
      for (int64_t i = 0; i < outRows; ++i)
        tmp[i * cols + j] = result[i];
    }
    SmallVector<Value> out;
    for (int64_t i = 0; i < outRows; ++i)
      llvm::append_range(
          out, apply(right, ArrayRef<Value>(tmp).slice(i * cols, cols)));
    assert(int64_t(out.size()) == outRows * outCols && "plan shape mismatch");
    (void)outCols;
    return out;
  }

  //===--------------------------------------------------------------------===//
  // Filter transform
  //===--------------------------------------------------------------------===//

  /// U = G g G^T in the panel layout, as a new constant global, when the
  /// filter is known at compile time (computed in double, rounded once).
  Value constantTransformedFilter() {
    auto values = constantValues(ops.filter);
    if (!values || int64_t(values->size()) != w.f * w.c * 9)
      return Value();
    auto filterAt = [&](int64_t f, int64_t c, int64_t kh, int64_t kw) {
      if (w.layout == ConvLayout::NchwFchw)
        return (*values)[((f * w.c + c) * 3 + kh) * 3 + kw];
      if (w.layout == ConvLayout::NhwcHwcf)
        return (*values)[((kh * 3 + kw) * w.c + c) * w.f + f];
      return (*values)[((f * 3 + kh) * 3 + kw) * w.c + c]; // nhwc_fhwc
    };
    int64_t nr = p.nr;
    // In uLayout's strides (the padding between xi slices stays zero).
    std::vector<double> transformed(size_t(uLayout.elements()), 0.0);
    for (int64_t f = 0; f < w.f; ++f)
      for (int64_t c = 0; c < w.c; ++c) {
        double gg[3][3], t[8][3];
        for (int64_t kh = 0; kh < 3; ++kh)
          for (int64_t kw = 0; kw < 3; ++kw)
            gg[kh][kw] = filterAt(f, c, kh, kw);
        for (int64_t i = 0; i < alpha; ++i)
          for (int64_t l = 0; l < 3; ++l) {
            t[i][l] = 0;
            for (int64_t k = 0; k < 3; ++k)
              t[i][l] += tr.gAt(i, k) * gg[k][l];
          }
        for (int64_t i = 0; i < alpha; ++i)
          for (int64_t j = 0; j < alpha; ++j) {
            double sum = 0;
            for (int64_t l = 0; l < 3; ++l)
              sum += t[i][l] * tr.gAt(j, l);
            int64_t xi = i * alpha + j;
            transformed[size_t(xi * uLayout.strides[0] +
                               (f / nr * w.c + c) * nr + f % nr)] = sum;
          }
      }
    SmallVector<int64_t> shape = {uLayout.elements()};
    Value flat = createConstantBuffer(
        kb.b(), kb.b().getLoc(),
        llvm::formatv("__autoconfig_winograd_f{0}_u", m).str(), shape,
        kb.elementType(), transformed);
    return stridedView(flat, Value(), uLayout);
  }

  /// Stores G g G^T for the filter vector `taps` (9 vectors over vl filters,
  /// tap kh*3+kw) at U[xi][panel][c][lane : +vl].
  void storeFilterTransform(ArrayRef<Value> taps, Value panel, Value c,
                            int64_t lane) {
    SmallVector<Value> transformed =
        sandwich(taps, 3, 3, gPlan, alpha, gPlan, alpha);
    for (int64_t xi = 0; xi < a2; ++xi)
      kb.storeVector(transformed[xi], u,
                     {kb.index(xi), panel, c, kb.index(lane)}, vl);
  }

  /// U at run time for one panel of nr filters, vectorized over vl filters.
  /// HWCF filters are contiguous along F; FCHW and FHWC ones are transposed
  /// vl filters x vl positions at a time into a small tap-major buffer.
  void emitFilterTransform(Value panel) {
    bool hwcf = w.layout == ConvLayout::NhwcHwcf;
    Value flat; // the filter as [F][C*9]
    if (!hwcf)
      flat = memref::CollapseShapeOp::create(
          kb.b(), ops.filter, ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
    for (int64_t q = 0; q < p.nr / vl; ++q) {
      Value f0 = kb.add(kb.mul(panel, p.nr), q * vl);
      if (hwcf) {
        Value mask = prefixMask(sub(kb.index(w.f), f0));
        Value fIdx = select(cmp(arith::CmpIPredicate::slt, f0, kb.index(w.f)),
                            f0, kb.index(0));
        kb.forRange(0, w.c, 1, [&](Value c) {
          SmallVector<Value> taps;
          for (int64_t k = 0; k < 9; ++k)
            taps.push_back(maskedLoad(
                ops.filter, {kb.index(k / 3), kb.index(k % 3), c, fIdx}, mask));
          storeFilterTransform(taps, panel, c, q * vl);
        });
        continue;
      }
      kb.forRange(0, ceilDiv(w.c, vl), 1, [&](Value chunk) {
        Value c0 = kb.mul(chunk, vl);
        stageFilterChunk(flat, f0, c0);
        Value cCount = minI(kb.index(vl), sub(kb.index(w.c), c0));
        kb.forRange(kb.index(0), cCount, 1, [&](Value cl) {
          SmallVector<Value> taps;
          for (int64_t k = 0; k < 9; ++k)
            taps.push_back(
                kb.loadVector(staged, {kb.index(k), cl, kb.index(0)}, vl, vl));
          storeFilterTransform(taps, panel, kb.add(c0, cl), q * vl);
        });
      });
    }
  }

  /// staged[tap][cl][l] = g[f0 + l][c0 + cl][tap] for vl filters from f0 and
  /// vl channels from c0 (zero past F and C).
  void stageFilterChunk(Value flat, Value f0, Value c0) {
    bool fchw = w.layout == ConvLayout::NchwFchw;
    int64_t flatSize = w.c * 9;
    SmallVector<Value> filterValid;
    SmallVector<Value> filterIdx;
    for (int64_t l = 0; l < vl; ++l) {
      Value f = kb.add(f0, l);
      Value valid = cmp(arith::CmpIPredicate::slt, f, kb.index(w.f));
      filterValid.push_back(valid);
      filterIdx.push_back(select(valid, f, kb.index(0)));
    }
    Value noLanes = prefixMask(kb.index(0));
    auto transposeBlock = [&](Value base, Value active,
                              llvm::function_ref<void(int64_t, Value)> store) {
      Value mask = prefixMask(active);
      Value anyLane = cmp(arith::CmpIPredicate::sgt, active, kb.index(0));
      Value safeBase = select(anyLane, base, kb.index(0));
      SmallVector<Value> rows;
      for (int64_t l = 0; l < vl; ++l)
        rows.push_back(maskedLoad(flat, {filterIdx[l], safeBase},
                                  select(filterValid[l], mask, noLanes)));
      SmallVector<Value> cols = kb.transposeSquare(rows);
      for (int64_t q = 0; q < vl; ++q)
        store(q, cols[q]);
    };
    if (fchw) {
      // Positions c*9 + tap: the chunk's 9*vl positions are contiguous.
      Value chunkBase = kb.mul(c0, 9);
      for (int64_t b = 0; b < 9; ++b) {
        Value base = kb.add(chunkBase, b * vl);
        Value active = sub(kb.index(flatSize), base);
        transposeBlock(base, active, [&](int64_t q, Value col) {
          int64_t pos = b * vl + q;
          kb.storeVector(col, staged,
                         {kb.index(pos % 9), kb.index(pos / 9), kb.index(0)},
                         vl);
        });
      }
      return;
    }
    // FHWC: positions tap*C + c, one block of vl channels per tap.
    for (int64_t tap = 0; tap < 9; ++tap) {
      Value base = kb.add(c0, tap * w.c);
      Value active = sub(kb.index(w.c), c0);
      transposeBlock(base, active, [&](int64_t q, Value col) {
        kb.storeVector(col, staged, {kb.index(tap), kb.index(q), kb.index(0)},
                       vl);
      });
    }
  }

  //===--------------------------------------------------------------------===//
  // One block of tiles
  //===--------------------------------------------------------------------===//

  void emitBlock(Value block) {
    int64_t perImage = blocksH * blocksW;
    Value n = divU(block, perImage);
    Value rest = remU(block, perImage);
    Value ty0 = kb.mul(divU(rest, blocksW), tbh);
    Value tx0 = kb.mul(remU(rest, blocksW), tbw);
    emitInputTransform(n, ty0, tx0);
    // Filter blocks of nc (the last one shorter, a whole number of panels).
    kb.forRange(0, fPad, nc, [&](Value f0) {
      Value width = minI(kb.index(nc), sub(kb.index(fPad), f0));
      emitGemms(f0, width);
      emitOutputTransform(n, ty0, tx0, f0, width);
    });
  }

  void emitInputTransform(Value n, Value ty0, Value tx0) {
    kb.forRange(0, ceilDiv(w.c, vl), 1, [&](Value cg) {
      Value c0 = kb.mul(cg, vl);
      if (nchw)
        stageInputRegion(n, ty0, tx0, c0);
      Value cMask = prefixMask(sub(kb.index(w.c), c0));
      Value noLanes = prefixMask(kb.index(0));
      kb.forRange(0, tbh, 1, [&](Value r) {
        // Input rows of this tile row and whether they exist.
        SmallVector<Value> rowIdx, rowOk;
        Value h0 = kb.add(kb.mul(kb.add(ty0, r), m), -w.padTop);
        if (!nchw)
          std::tie(rowIdx, rowOk) =
              clampedIndices(h0, alpha, w.h, /*mayBeNegative=*/true);
        kb.forRange(0, tbw, 1, [&](Value s) {
          Value tile = kb.add(kb.mul(r, tbw), s);
          SmallVector<Value> d(a2);
          if (nchw) {
            Value row0 = kb.mul(r, m), col0 = kb.mul(s, m);
            for (int64_t i = 0; i < alpha; ++i)
              for (int64_t j = 0; j < alpha; ++j)
                d[i * alpha + j] = kb.loadVector(
                    xt, {kb.add(row0, i), kb.add(col0, j), kb.index(0)}, vl,
                    vl);
          } else {
            Value w0 = kb.add(kb.mul(kb.add(tx0, s), m), -w.padLeft);
            for (int64_t j = 0; j < alpha; ++j) {
              Value wc = kb.add(w0, j);
              Value colOk = inRange(wc, w.w);
              Value wIdx = select(colOk, wc, kb.index(0));
              for (int64_t i = 0; i < alpha; ++i) {
                Value ok = andI(rowOk[i], colOk);
                d[i * alpha + j] =
                    maskedLoad(ops.input, {n, rowIdx[i], wIdx, c0},
                               select(ok, cMask, noLanes));
              }
            }
          }
          SmallVector<Value> transformed =
              sandwich(d, alpha, alpha, btPlan, alpha, btPlan, alpha);
          for (int64_t xi = 0; xi < a2; ++xi)
            kb.storeVector(transformed[xi], v, {kb.index(xi), tile, c0}, vl);
        });
      });
    });
  }

  /// xt[row][col][lane] = x[n][c0 + lane][h0 + row][w0 + col] over the
  /// block's input region (regionH x regionW), zero outside the input.
  void stageInputRegion(Value n, Value ty0, Value tx0, Value c0) {
    Value h0 = kb.add(kb.mul(ty0, m), -w.padTop);
    Value w0 = kb.add(kb.mul(tx0, m), -w.padLeft);
    // Columns before the input (left padding) are zero; data columns are
    // read from max(w0, 0) on and stored from `shift` on.
    Value shift =
        minI(maxI(sub(kb.index(0), w0), kb.index(0)), kb.index(regionW));
    Value wFirst = kb.add(w0, shift);
    Value colEnd = minI(kb.index(w.w), kb.add(w0, regionW));
    Value zero = kb.zeroVector(vl);
    Value noLanes = prefixMask(kb.index(0));
    auto [channelIdx, channelOk] = clampedIndices(c0, vl, w.c);
    kb.forRange(0, regionH, 1, [&](Value row) {
      Value h = kb.add(h0, row);
      auto zeroColumns = [&](Value from, Value to) {
        kb.forRange(from, to, 1, [&](Value col) {
          kb.storeVector(zero, xt, {row, col, kb.index(0)}, vl);
        });
      };
      ifThenElse(
          inRange(h, w.h),
          [&] {
            zeroColumns(kb.index(0), shift);
            for (int64_t chunk = 0; chunk < ceilDiv(regionW, vl); ++chunk) {
              Value col = kb.add(wFirst, chunk * vl);
              Value active = sub(colEnd, col);
              Value any = cmp(arith::CmpIPredicate::sgt, active, kb.index(0));
              Value safeCol = select(any, col, kb.index(0));
              Value mask = prefixMask(active);
              SmallVector<Value> rows;
              for (int64_t l = 0; l < vl; ++l)
                rows.push_back(maskedLoad(
                    ops.input, {n, channelIdx[l], h, safeCol},
                    w.c % vl == 0 ? mask
                                  : select(channelOk[l], mask, noLanes)));
              SmallVector<Value> cols = kb.transposeSquare(rows);
              Value dst = kb.add(shift, chunk * vl);
              for (int64_t q = 0; q < vl; ++q)
                kb.storeVector(cols[q], xt, {row, kb.add(dst, q), kb.index(0)},
                               vl);
            }
          },
          [&] { zeroColumns(kb.index(0), kb.index(regionW)); });
    });
  }

  /// M[xi][tile][f - f0] = sum_c V[xi][tile][c] U[xi][c][f] for the filter
  /// block [f0, f0 + width), width a multiple of nr.
  void emitGemms(Value f0, Value width) {
    Value panel0 = divU(f0, p.nr);
    Value panelCount = divU(width, p.nr);
    kb.forRange(0, a2, 1, [&](Value xi) {
      auto pass = [&](Value c0, Value kLen, bool first) {
        kb.forRange(kb.index(0), panelCount, 1, [&](Value pl) {
          Value panel = kb.add(panel0, pl);
          Value fLocal = kb.mul(pl, p.nr);
          int64_t full = tb / p.mr * p.mr;
          if (full)
            kb.forRange(0, full, p.mr, [&](Value t0) {
              emitMicroKernel(xi, c0, kLen, first, panel, fLocal, t0, p.mr);
            });
          if (tb % p.mr)
            emitMicroKernel(xi, c0, kLen, first, panel, fLocal, kb.index(full),
                            tb % p.mr);
        });
      };
      if (kc >= w.c) {
        pass(kb.index(0), kb.index(w.c), /*first=*/true);
        return;
      }
      pass(kb.index(0), kb.index(kc), /*first=*/true);
      kb.forRange(kc, w.c, kc, [&](Value c0) {
        Value kLen = w.c % kc == 0 ? kb.index(kc)
                                   : minI(kb.index(kc), sub(kb.index(w.c), c0));
        pass(c0, kLen, /*first=*/false);
      });
    });
  }

  /// rows x nr register tile: tiles [t0, t0 + rows) x filters of `panel`.
  void emitMicroKernel(Value xi, Value c0, Value kLen, bool first, Value panel,
                       Value fLocal, Value t0, int64_t rows) {
    int64_t vecs = p.nr / vl;
    SmallVector<Value> tileIdx = kb.stridedIndices(t0, rows);
    SmallVector<Value> colIdx = kb.stridedIndices(fLocal, vecs, vl);
    SmallVector<Value> init(rows * vecs, kb.zeroVector(vl));
    scf::ForOp kLoop;
    SmallVector<Value> acc = kb.forWithValues(
        kb.index(0), kLen, 1, init,
        [&](Value k, ValueRange carried) {
          Value c = kb.add(c0, k);
          SmallVector<Value> uVec;
          for (int64_t q = 0; q < vecs; ++q)
            uVec.push_back(
                kb.loadVector(u, {xi, panel, c, kb.index(q * vl)}, vl, vl));
          SmallVector<Value> next(carried.begin(), carried.end());
          for (int64_t i = 0; i < rows; ++i) {
            Value a = kb.broadcast(kb.loadScalar(v, {xi, tileIdx[i], c}), vl);
            kb.fmaTileRow(a, uVec, next, i);
          }
          return next;
        },
        &kLoop);
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t q = 0; q < vecs; ++q) {
        Value result = acc[i * vecs + q];
        if (!first)
          result = kb.addf(
              kb.loadVector(mBuf, {xi, tileIdx[i], colIdx[q]}, vl, vl), result);
        kb.storeVector(result, mBuf, {xi, tileIdx[i], colIdx[q]}, vl);
      }
    // Unroll last: the unroller rewires the uses of the loop's results.
    if (p.ku > 1)
      (void)loopUnrollByFactor(kLoop, p.ku);
  }

  /// y += A^T M A for the block's tiles and the filters [f0, f0 + width).
  void emitOutputTransform(Value n, Value ty0, Value tx0, Value f0,
                           Value width) {
    // Vectors of filters that exist: ceil(min(width, F - f0) / vl).
    Value live = minI(width, sub(kb.index(w.f), f0));
    Value vectors = divU(kb.add(live, vl - 1), vl);
    auto tileResult = [&](Value tile, Value fv) {
      SmallVector<Value> mVals(a2);
      for (int64_t xi = 0; xi < a2; ++xi)
        mVals[xi] =
            kb.loadVector(mBuf, {kb.index(xi), tile, kb.mul(fv, vl)}, vl, vl);
      return sandwich(mVals, alpha, alpha, atPlan, m, atPlan, m);
    };
    if (nchw) {
      kb.forRange(kb.index(0), vectors, 1, [&](Value fv) {
        kb.forRange(0, tbh, 1, [&](Value r) {
          kb.forRange(0, tbw, 1, [&](Value s) {
            SmallVector<Value> y = tileResult(kb.add(kb.mul(r, tbw), s), fv);
            Value row0 = kb.mul(r, m), col0 = kb.mul(s, m);
            for (int64_t i = 0; i < m; ++i)
              for (int64_t j = 0; j < m; ++j)
                kb.storeVector(y[i * m + j], yt,
                               {kb.add(row0, i), kb.add(col0, j), kb.index(0)},
                               vl);
          });
        });
        flushOutputRegion(n, ty0, tx0, kb.add(f0, kb.mul(fv, vl)));
      });
      return;
    }
    Value noLanes = prefixMask(kb.index(0));
    kb.forRange(0, tbh, 1, [&](Value r) {
      Value oh0 = kb.mul(kb.add(ty0, r), m);
      auto [rowIdx, rowOk] = clampedIndices(oh0, m, oh);
      kb.forRange(0, tbw, 1, [&](Value s) {
        Value tile = kb.add(kb.mul(r, tbw), s);
        Value ow0 = kb.mul(kb.add(tx0, s), m);
        auto [colIdx, colOk] = clampedIndices(ow0, m, ow);
        kb.forRange(kb.index(0), vectors, 1, [&](Value fv) {
          Value f = kb.add(f0, kb.mul(fv, vl));
          Value fMask = prefixMask(sub(kb.index(w.f), f));
          SmallVector<Value> y = tileResult(tile, fv);
          for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < m; ++j) {
              Value mask = select(andI(rowOk[i], colOk[j]), fMask, noLanes);
              SmallVector<Value> idx = {n, rowIdx[i], colIdx[j], f};
              Value old = maskedLoad(ops.output, idx, mask);
              finalStore(kb.addf(old, y[i * m + j]), idx, mask);
            }
        });
      });
    });
  }

  /// y[n][f0 + lane][...] += yt over the block's output region, transposed
  /// back vl pixels x vl filters at a time.
  void flushOutputRegion(Value n, Value ty0, Value tx0, Value f0) {
    Value oh0 = kb.mul(ty0, m), ow0 = kb.mul(tx0, m);
    Value noLanes = prefixMask(kb.index(0));
    auto [filterIdx, filterOk] = clampedIndices(f0, vl, w.f);
    int64_t regionCols = m * tbw;
    kb.forRange(0, m * tbh, 1, [&](Value row) {
      Value h = kb.add(oh0, row);
      ifThen(cmp(arith::CmpIPredicate::slt, h, kb.index(oh)), [&] {
        for (int64_t chunk = 0; chunk < ceilDiv(regionCols, vl); ++chunk) {
          Value col = kb.add(ow0, chunk * vl);
          Value active = minI(kb.index(std::min(vl, regionCols - chunk * vl)),
                              sub(kb.index(ow), col));
          Value any = cmp(arith::CmpIPredicate::sgt, active, kb.index(0));
          ifThen(any, [&] {
            Value mask = prefixMask(active);
            SmallVector<Value> pixels;
            for (int64_t q = 0; q < vl; ++q)
              pixels.push_back(kb.loadVector(
                  yt, {row, kb.index(chunk * vl + q), kb.index(0)}, vl, vl));
            SmallVector<Value> filters = kb.transposeSquare(pixels);
            for (int64_t l = 0; l < vl; ++l) {
              Value fm =
                  w.f % vl == 0 ? mask : select(filterOk[l], mask, noLanes);
              SmallVector<Value> idx = {n, filterIdx[l], h, col};
              Value old = maskedLoad(ops.output, idx, fm);
              finalStore(kb.addf(old, filters[l]), idx, fm);
            }
          });
        }
      });
    });
  }

  WinogradTransforms tr;
  TransformPlan gPlan, btPlan, atPlan;
  bool nchw;
  int64_t m, vl, regionH, regionW;
  Layout uLayout, vLayout, mLayout;
  SmallVector<int64_t> xtShape, ytShape, stagedShape;
  unsigned ebytes = 4;
  int64_t slotBase = 0, slotBytes = 0, vOffset = 0, mOffset = 0, xtOffset = 0,
          ytOffset = 0, stagedOffset = 0;
  Value scratch, u, v, mBuf, xt, yt, staged;
};

LogicalResult checkWinogradConv(Operation *op, const ConvWorkload &w,
                                const WinogradConvParams &) {
  if (w.layout != ConvLayout::NchwFchw && w.layout != ConvLayout::NhwcHwcf &&
      w.layout != ConvLayout::NhwcFhwc)
    return op->emitError("autoconfig: winograd does not support layout '")
           << convLayoutName(w.layout) << "'";
  if (w.kh != 3 || w.kw != 3 || w.strideH != 1 || w.strideW != 1 ||
      w.dilationH != 1 || w.dilationW != 1 || w.groups != 1)
    return op->emitError("autoconfig: winograd needs a 3x3, stride 1, "
                         "dilation 1, ungrouped convolution");
  // FCHW and FHWC filters are read as [F][C*9] rows.
  auto linalgOp = cast<linalg::LinalgOp>(op);
  auto filterType =
      dyn_cast<MemRefType>(linalgOp.getDpsInputOperand(1)->get().getType());
  if (w.layout != ConvLayout::NhwcHwcf &&
      (!filterType || !memref::CollapseShapeOp::isGuaranteedCollapsible(
                          filterType, {{0}, {1, 2, 3}})))
    return op->emitError("autoconfig: winograd needs a contiguous filter");
  return success();
}

} // namespace

constinit const GeneratorFn generateWinogradConv =
    generatorEntry<emitWith<WinogradEmitter>, checkWinogradConv>;

} // namespace autoconfig
