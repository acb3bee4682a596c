//===- BlockedGemm.cpp - Register-blocked, cache-blocked, packed matmul ---===//
//
// The BLIS loop structure (Van Zee and van de Geijn, "BLIS: A Framework for
// Rapidly Instantiating BLAS Functionality", TOMS 2015):
//
//   for jc in [0, N) step nc                  parallel when threads > 1
//     for pc in [0, K) step kc                pack B[pc:+kc, jc:+nc] -> Bp
//       for ic in [0, M) step mc              pack A[ic:+mc, pc:+kc] -> Ap
//         for jr in [0, nc) step nr
//           for ir in [0, mc) step mr         micro-kernel: mr x nr tile of C
//             for k in [0, kc)                in vector registers, kc rank-1
//               C_tile += Ap[ir][k][:] x Bp[jr][k][:]   updates
//
// Packed layouts: Bp panel jr/nr holds kc rows of nr contiguous columns
// (zero-padded past N); Ap panel ir/mr holds kc columns of mr contiguous rows.
// A constant B (weights) is packed at compile time instead, every (jc, pc)
// block's panels one after the other in a new constant.
// Every block size is static: a dimension that the block does not divide is
// handled by one peeled remainder block of static size, so edge tiles have
// static row counts and constant lane masks (no out-of-bounds access, no copy
// of the user's buffers beyond the packing buffers).
//
// A and B are read through matrix sources (GemmGenerators.h): a 2-D memref,
// or a virtual matrix computed while packing (im2col). A virtual A is packed
// row-major instead (Ap panel ir/mr holds mr rows of kc contiguous columns):
// its cheap direction is along K, and the micro-kernel's broadcasts read
// either layout at static offsets.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/ConstantData.h"
#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/CodeGen/KernelBuilder.h"
#include "autoconfig/Support/Arithmetic.h"

#include "GeneratorEntryPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cstring>

using namespace mlir;

namespace autoconfig {
namespace {

class BlockedGemmEmitter {
public:
  BlockedGemmEmitter(KernelBuilder &kb, const GemmMatrixSource &a,
                     const GemmMatrixSource &b, Value c, const GemmWorkload &w,
                     const BlockedGemmParams &p, const Epilogue *epilogue,
                     int64_t lineElements)
      : kb(kb), a(a), b(b), epilogue(epilogue), c(c), w(w), p(p),
        aRowMajor(!a.memref()),
        lineElements(std::max<int64_t>(1, lineElements)) {
    nc = std::min(p.nc, roundUp(w.n, p.nr));
    mc = std::min(p.mc, roundUp(w.m, p.mr));
    kc = std::min(p.kc, w.k);
  }

  void emit() {
    prepackConstantB();
    int64_t blocks = ceilDiv(w.n, nc);
    if (p.threads <= 1 || blocks <= 1) {
      allocateBuffers();
      forBlocks(kb.index(0), w.n, nc,
                [&](Value jc, int64_t ncb) { emitColumnBlock(jc, ncb); });
      deallocateBuffers();
      return;
    }
    // One jc block per parallel iteration, each with its own packing buffers.
    int64_t full = w.n / nc, rem = w.n % nc;
    kb.parallelRange(0, blocks, 1, /*parallel=*/true, [&](Value t) {
      allocateBuffers();
      Value jc = kb.mul(t, nc);
      if (rem == 0) {
        emitColumnBlock(jc, nc);
      } else {
        Value isFull = arith::CmpIOp::create(kb.b(), arith::CmpIPredicate::ult,
                                             t, kb.index(full));
        auto ifOp = scf::IfOp::create(kb.b(), isFull, /*withElseRegion=*/true);
        {
          OpBuilder::InsertionGuard guard(kb.b());
          kb.b().setInsertionPointToStart(ifOp.thenBlock());
          emitColumnBlock(jc, nc);
          kb.b().setInsertionPointToStart(ifOp.elseBlock());
          emitColumnBlock(jc, rem);
        }
      }
      deallocateBuffers();
    });
  }

private:
  /// Calls body(start, size) for the full blocks of `block` in [0, total)
  /// (in a loop) and once for the remainder, each with a static size.
  void forBlocks(Value base, int64_t total, int64_t block,
                 llvm::function_ref<void(Value, int64_t)> body) {
    int64_t full = total / block, rem = total % block;
    if (full == 1)
      body(base, block);
    else if (full > 1)
      kb.forRange(kb.index(0), kb.index(full * block), block,
                  [&](Value off) { body(kb.add(base, off), block); });
    if (rem)
      body(kb.add(base, full * block), rem);
  }

  /// Like forBlocks, telling the body whether its block is the last one (the
  /// last full block is peeled when there is no remainder).
  void forBlocksLast(int64_t total, int64_t block,
                     llvm::function_ref<void(Value, int64_t, bool)> body) {
    int64_t full = total / block, rem = total % block;
    int64_t looped = rem ? full : full - 1;
    if (looped == 1)
      body(kb.index(0), block, false);
    else if (looped > 1)
      kb.forRange(kb.index(0), kb.index(looped * block), block,
                  [&](Value off) { body(off, block, false); });
    body(kb.index(looped * block), rem ? rem : block, true);
  }

  /// Like forBlocks but offsets are relative (no base).
  void forLocalBlocks(int64_t total, int64_t block,
                      llvm::function_ref<void(Value, int64_t)> body) {
    forBlocks(kb.index(0), total, block, body);
  }

  /// Elements of one jc block of a B packed at compile time: K rows of the
  /// block's panels, kc block after kc block.
  int64_t packedBlockElements() const { return w.k * roundUp(nc, p.nr); }

  /// A constant B (weights) is packed here, at compile time, into every
  /// (jc, pc) block's panel layout one after the other (see bBlockOffset);
  /// the kernel then reads the panels and packs nothing. A splat stays a
  /// splat: the padding lanes only reach accumulator lanes never stored.
  void prepackConstantB() {
    Value stored = b.memref();
    if (!p.packB || !stored)
      return;
    std::optional<ConstantBytes> bytes = constantBytes(stored);
    size_t elementBytes = kb.elementType().getIntOrFloatBitWidth() / 8;
    size_t elements = bytes && bytes->splat ? 1 : size_t(w.k * w.n);
    if (!bytes || bytes->data.size() != elements * elementBytes)
      return;
    int64_t blocks = ceilDiv(w.n, nc);
    int64_t total = blocks * packedBlockElements();
    if (bytes->splat) {
      packedB = createConstantBufferFromBytes(kb.b(), kb.b().getLoc(),
                                              "__autoconfig_packed_b", {total},
                                              kb.elementType(), bytes->data);
      return;
    }
    bool transposed = b.transposed();
    // Moved element by element as bytes: weights run to megabytes.
    std::vector<char> packed(size_t(total) * elementBytes, 0);
    for (int64_t jc = 0; jc < w.n; jc += nc) {
      int64_t ncb = std::min(nc, w.n - jc);
      for (int64_t pc = 0; pc < w.k; pc += kc) {
        int64_t kcb = std::min(kc, w.k - pc);
        int64_t base =
            jc / nc * packedBlockElements() + pc * roundUp(ncb, p.nr);
        for (int64_t k = 0; k < kcb; ++k)
          for (int64_t j = 0; j < ncb; ++j) {
            int64_t n = jc + j, kk = pc + k;
            int64_t to = base + (j / p.nr) * p.nr * kcb + k * p.nr + j % p.nr;
            int64_t from = transposed ? n * w.k + kk : kk * w.n + n;
            std::memcpy(&packed[size_t(to) * elementBytes],
                        &bytes->data[size_t(from) * elementBytes],
                        elementBytes);
          }
      }
    }
    packedB = createConstantBufferFromBytes(kb.b(), kb.b().getLoc(),
                                            "__autoconfig_packed_b", {total},
                                            kb.elementType(), packed);
  }

  /// Where the (jc, pc) block starts in the compile-time packed B.
  Value bBlockOffset(Value jc, int64_t ncb, Value pc) {
    Value block = arith::DivUIOp::create(kb.b(), jc, kb.index(nc));
    return kb.add(kb.mul(block, packedBlockElements()),
                  kb.mul(pc, roundUp(ncb, p.nr)));
  }

  void allocateBuffers() {
    auto alloc = [&](int64_t elements) -> Value {
      auto type = MemRefType::get({elements}, kb.elementType());
      return memref::AllocOp::create(kb.b(), type,
                                     kb.b().getI64IntegerAttr(64));
    };
    bp = !p.packB ? Value() : packedB ? packedB : alloc(kc * roundUp(nc, p.nr));
    ap = p.packA ? alloc(kc * roundUp(mc, p.mr)) : Value();
  }

  void deallocateBuffers() {
    for (Value buffer : {ap, packedB ? Value() : bp})
      if (buffer)
        memref::DeallocOp::create(kb.b(), buffer);
  }

  void emitColumnBlock(Value jc, int64_t ncb) {
    // With a fused epilogue, the last kc block's stores are the final ones.
    auto kBlocks = [&](llvm::function_ref<void(Value, int64_t, bool)> body) {
      if (epilogue)
        forBlocksLast(w.k, kc, body);
      else
        forBlocks(kb.index(0), w.k, kc,
                  [&](Value pc, int64_t kcb) { body(pc, kcb, false); });
    };
    kBlocks([&](Value pc, int64_t kcb, bool lastK) {
      if (packedB)
        bBase = bBlockOffset(jc, ncb, pc);
      else if (p.packB)
        emitPackB(jc, ncb, pc, kcb);
      forBlocks(kb.index(0), w.m, mc, [&](Value ic, int64_t mcb) {
        if (p.packA)
          emitPackA(ic, mcb, pc, kcb);
        forLocalBlocks(ncb, p.nr, [&](Value jr, int64_t nrb) {
          forLocalBlocks(mcb, p.mr, [&](Value ir, int64_t mrb) {
            emitMicroTile(ic, ir, mrb, jc, jr, nrb, pc, kcb, lastK);
          });
        });
      });
    });
  }

  /// Bp[jr*kcb + k*nr + j] = B[pc+k, jc+jr+j], zero past the block's columns.
  void emitPackB(Value jc, int64_t ncb, Value pc, int64_t kcb) {
    GemmPackedBlock block{GemmPackedBlock::Layout::ColumnPanels,
                          bp,
                          pc,
                          jc,
                          kcb,
                          ncb,
                          p.nr,
                          p.vl};
    if (b.pack(kb, block))
      return;
    if (!b.transposed()) {
      // Row by row of B, so that the reads stream through memory; each row
      // scatters into the panels (the stores retire through the buffer).
      kb.forRange(kb.index(0), kb.index(kcb), 1, [&](Value k) {
        Value row = kb.add(pc, k);
        Value rowOffset = kb.mul(k, p.nr);
        forLocalBlocks(ncb, p.nr, [&](Value jr, int64_t nrb) {
          Value dst = kb.add(kb.mul(jr, kcb), rowOffset);
          Value col = kb.add(jc, jr);
          for (int64_t v = 0; v < ceilDiv(nrb, p.vl); ++v) {
            int64_t live = std::min(p.vl, nrb - v * p.vl);
            Value x = b.vector(kb, row, kb.add(col, v * p.vl), p.vl, live);
            kb.storeVector(x, bp, {kb.add(dst, v * p.vl)}, p.vl);
          }
        });
      });
      return;
    }
    // B is stored N x K: panel by panel, vl columns by vl k at a time, so
    // that the panel's rows of B^T are read in vectors along k, turned in
    // registers, and stored as vl packed rows.
    Value stored = b.memref();
    bool squares = stored && llvm::isPowerOf2_64(p.vl);
    forLocalBlocks(ncb, p.nr, [&](Value jr, int64_t nrb) {
      Value panel = kb.mul(jr, kcb);
      Value col = kb.add(jc, jr);
      auto packRows = [&](Value k0, int64_t rows) {
        Value dst = kb.add(panel, kb.mul(k0, p.nr));
        for (int64_t v = 0; v < ceilDiv(nrb, p.vl); ++v) {
          int64_t live = std::min(p.vl, nrb - v * p.vl);
          SmallVector<Value> columns;
          for (int64_t j = 0; j < p.vl; ++j)
            columns.push_back(
                j < live
                    ? kb.loadVector(stored,
                                    {kb.add(col, v * p.vl + j), kb.add(pc, k0)},
                                    p.vl, rows)
                    : kb.zeroVector(p.vl));
          SmallVector<Value> packed = kb.transposeSquare(columns);
          for (int64_t k = 0; k < rows; ++k)
            kb.storeVector(packed[k], bp, {kb.add(dst, k * p.nr + v * p.vl)},
                           p.vl);
        }
      };
      if (squares) {
        int64_t whole = kcb - kcb % p.vl;
        kb.forRange(0, whole, p.vl, [&](Value k0) { packRows(k0, p.vl); });
        if (whole < kcb)
          packRows(kb.index(whole), kcb - whole);
        return;
      }
      // A virtual transposed source (or lanes not a power of two): gather
      // each packed row, one loop per panel.
      kb.forRange(kb.index(0), kb.index(kcb), 1, [&](Value k) {
        Value dst = kb.add(panel, kb.mul(k, p.nr));
        Value row = kb.add(pc, k);
        for (int64_t v = 0; v < ceilDiv(nrb, p.vl); ++v) {
          int64_t live = std::min(p.vl, nrb - v * p.vl);
          Value x = b.vector(kb, row, kb.add(col, v * p.vl), p.vl, live);
          kb.storeVector(x, bp, {kb.add(dst, v * p.vl)}, p.vl);
        }
      });
    });
  }

  /// Ap[ir*kcb + k*mr + r] = A[ic+ir+r, pc+k] for the block's rows; for a
  /// virtual A, row-major: Ap[(ir+r)*kcb + k].
  void emitPackA(Value ic, int64_t mcb, Value pc, int64_t kcb) {
    if (aRowMajor) {
      GemmPackedBlock block{
          GemmPackedBlock::Layout::RowMajor, ap, ic, pc, mcb, kcb, p.mr, p.vl};
      if (a.pack(kb, block))
        return;
      // Generic: each row in vectors along K.
      kb.forRange(kb.index(0), kb.index(mcb), 1, [&](Value r) {
        Value row = kb.add(ic, r);
        Value dst = kb.mul(r, kcb);
        for (int64_t k0 = 0; k0 < kcb; k0 += p.vl) {
          int64_t live = std::min(p.vl, kcb - k0);
          Value x = a.vector(kb, row, kb.add(pc, k0), p.vl, live);
          kb.storeVector(x, ap, {kb.add(dst, k0)}, live);
        }
      });
      return;
    }
    forLocalBlocks(mcb, p.mr, [&](Value ir, int64_t mrb) {
      Value panel = kb.mul(ir, kcb);
      Value row = kb.add(ic, ir);
      kb.forRange(kb.index(0), kb.index(kcb), 1, [&](Value k) {
        Value dst = kb.add(panel, kb.mul(k, p.mr));
        Value kk = kb.add(pc, k);
        for (int64_t r = 0; r < mrb; ++r)
          kb.storeScalar(loadA(kb.add(row, r), kk), ap, {kb.add(dst, r)});
      });
    });
  }

  Value loadA(Value row, Value k) { return a.scalar(kb, row, k); }

  /// One rows x cols register tile of C at (ic+ir, jc+jr), kcb updates.
  void emitMicroTile(Value ic, Value ir, int64_t rows, Value jc, Value jr,
                     int64_t cols, Value pc, int64_t kcb, bool lastK) {
    int64_t vecs = ceilDiv(cols, p.vl);
    auto live = [&](int64_t v) { return std::min(p.vl, cols - v * p.vl); };
    Value row0 = kb.add(ic, ir), col0 = kb.add(jc, jr);
    SmallVector<Value> rowIdx = kb.stridedIndices(row0, rows);
    SmallVector<Value> colIdx = kb.stridedIndices(col0, vecs, p.vl);

    // Accumulate from zero and add C after the k loop: the C tile (often
    // out of L2) is then read off the critical path, overlapping the next
    // tile's FMAs, instead of stalling this tile's first ones.
    SmallVector<Value> init(rows * vecs, kb.zeroVector(p.vl));
    // Prefetch the C tile for writing as its k loop starts (one prefetch per
    // cache line of each row): with a short K the C tile's in/out is a large
    // share of the tile's traffic, and a tile's worth of misses at the end of
    // the k loop would otherwise stall the next tile (BLIS micro-kernels
    // prefetch C the same way; Van Zee and van de Geijn, TOMS 2015).
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t col = 0; col < cols; col += lineElements)
        memref::PrefetchOp::create(kb.b(), c,
                                   ValueRange{rowIdx[r], kb.add(col0, col)},
                                   /*isWrite=*/true, /*localityHint=*/3,
                                   /*isDataCache=*/true);

    Value aPanel = p.packA ? kb.mul(ir, kcb) : Value();
    Value bPanel = p.packB ? kb.mul(jr, kcb) : Value();
    if (packedB)
      bPanel = kb.add(bBase, bPanel);
    scf::ForOp kLoop;
    SmallVector<Value> acc = kb.forWithValues(
        kb.index(0), kb.index(kcb), 1, init,
        [&](Value k, ValueRange carried) {
          SmallVector<Value> bVec;
          Value bOff = p.packB ? kb.add(bPanel, kb.mul(k, p.nr)) : Value();
          for (int64_t v = 0; v < vecs; ++v) {
            if (p.packB)
              bVec.push_back(
                  kb.loadVector(bp, {kb.add(bOff, v * p.vl)}, p.vl, p.vl));
            else
              bVec.push_back(
                  b.vector(kb, kb.add(pc, k), colIdx[v], p.vl, live(v)));
          }
          // Row-major panels (virtual A): row r at aPanel + r*kcb + k.
          Value aOff = !p.packA    ? Value()
                       : aRowMajor ? kb.add(aPanel, k)
                                   : kb.add(aPanel, kb.mul(k, p.mr));
          if (p.packA && !aRowMajor && p.prefetch > 0)
            memref::PrefetchOp::create(
                kb.b(), ap, ValueRange{kb.add(aOff, p.prefetch * p.mr)},
                kb.b().getBoolAttr(false), kb.b().getI32IntegerAttr(3),
                kb.b().getBoolAttr(true));
          SmallVector<Value> next(carried.begin(), carried.end());
          for (int64_t r = 0; r < rows; ++r) {
            Value aElem =
                p.packA
                    ? kb.loadScalar(ap, {kb.add(aOff, aRowMajor ? r * kcb : r)})
                    : loadA(rowIdx[r], kb.add(pc, k));
            kb.fmaTileRow(kb.broadcast(aElem, p.vl), bVec, next, r);
          }
          return next;
        },
        &kLoop);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vecs; ++v) {
        Value old = kb.loadVector(c, {rowIdx[r], colIdx[v]}, p.vl, live(v));
        Value sum = kb.addf(old, acc[r * vecs + v]);
        storeFinal(kb, lastK ? epilogue : nullptr, sum, c,
                   {rowIdx[r], colIdx[v]}, live(v));
      }
    // Unroll last: the unroller rewires the existing uses of the loop's
    // results to its epilogue loop.
    if (p.ku > 1 && kcb > p.ku)
      (void)loopUnrollByFactor(kLoop, p.ku);
  }

  KernelBuilder &kb;
  const GemmMatrixSource &a, &b;
  const Epilogue *epilogue = nullptr;
  Value c;
  const GemmWorkload &w;
  const BlockedGemmParams &p;
  /// A is virtual: packed row-major (see the file comment).
  bool aRowMajor;
  /// Elements of C per L1 line (one prefetch each).
  int64_t lineElements;
  int64_t nc, mc, kc;
  Value ap, bp;
  /// B packed at compile time (constant weights), and the current (jc, pc)
  /// block's offset in it.
  Value packedB, bBase;
};

} // namespace

GemmMatrixSource::~GemmMatrixSource() = default;

Value MemRefMatrixSource::vector(KernelBuilder &kb, Value row, Value col,
                                 int64_t lanes, int64_t live) const {
  if (!isTransposed)
    return kb.loadVector(stored, {row, col}, lanes, live);
  // Columns of a transposed matrix are strided: gather them one by one.
  Value result = kb.zeroVector(lanes);
  for (int64_t j = 0; j < live; ++j)
    result = vector::InsertOp::create(kb.b(), scalar(kb, row, kb.add(col, j)),
                                      result, j);
  return result;
}

Value MemRefMatrixSource::scalar(KernelBuilder &kb, Value row,
                                 Value col) const {
  return isTransposed ? kb.loadScalar(stored, {col, row})
                      : kb.loadScalar(stored, {row, col});
}

void emitBlockedGemm(OpBuilder &builder, Location loc,
                     const GemmMatrixSource &a, const GemmMatrixSource &b,
                     Value c, const GemmWorkload &w,
                     const BlockedGemmParams &params, const TargetDesc &target,
                     const Epilogue *epilogue) {
  KernelBuilder kb(builder, loc, c, target);
  const CacheLevel *l1 = target.cache(1);
  int64_t lineBytes = l1 ? l1->lineBytes : 64;
  int64_t elementBytes = kb.elementType().getIntOrFloatBitWidth() / 8;
  BlockedGemmEmitter(kb, a, b, c, w, params, epilogue,
                     lineBytes / std::max<int64_t>(1, elementBytes))
      .emit();
}

void emitBlockedGemm(OpBuilder &builder, Location loc,
                     const GemmOperands &operands, const GemmWorkload &w,
                     const BlockedGemmParams &params,
                     const TargetDesc &target) {
  MemRefMatrixSource a(operands.a, w.transA), b(operands.b, w.transB);
  emitBlockedGemm(builder, loc, a, b, operands.c, w, params, target,
                  operands.epilogue);
}

namespace {
LogicalResult checkBlockedGemm(Operation *op, const GemmWorkload &w,
                               const BlockedGemmParams &params) {
  if (!params.packB && w.transB)
    return op->emitError("autoconfig: 'blocked' with packB=0 needs B "
                         "untransposed");
  return success();
}
} // namespace

// (The overload of emitBlockedGemm on GemmOperands.)
constinit const GeneratorFn generateBlockedGemm =
    generatorEntry<KernelEmitterFn<GemmOperands, GemmWorkload,
                                   BlockedGemmParams>(emitBlockedGemm),
                   checkBlockedGemm>;

} // namespace autoconfig
