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
// Sizes known only at run time (a dynamic M, N or K, see
// docs/dynamic-shapes.md) keep the same nest: full blocks run in loops of
// run-time trip count and the remainder block has a run-time size below its
// static block (an Extent); the nc and mc blocks are one loop of blocks of
// run-time size min(block, left), so that their nest is emitted once. The
// register tiles stay static: a remainder of rows runs as tiles of 4 rows
// then of 1 row, a remainder of columns as the tile of nr columns with every
// vector masked by the run-time count of columns left; the k loop takes its
// run-time trip count as it is.
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
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"

#include "llvm/Support/FormatVariadic.h"

#include <cstring>

using namespace mlir;

namespace autoconfig {
namespace {

/// The size of a block or of a whole dimension: static, or known at run time
/// (then `size` is its static upper bound).
struct Extent {
  int64_t size = 0;
  Value dynamic;

  static Extent of(int64_t size) { return {size, {}}; }
  bool isStatic() const { return !dynamic; }
  Value value(KernelBuilder &kb) const {
    return dynamic ? dynamic : kb.index(size);
  }
};

class BlockedGemmEmitter {
public:
  BlockedGemmEmitter(KernelBuilder &kb, const GemmMatrixSource &a,
                     const GemmMatrixSource &b, Value c, const GemmWorkload &w,
                     const BlockedGemmParams &p, const Epilogue *epilogue,
                     int64_t lineElements, int64_t kGroup)
      : kb(kb), a(a), b(b), epilogue(epilogue), c(c), w(w), p(p),
        aRowMajor(!a.memref()),
        lineElements(std::max<int64_t>(1, lineElements)), g(kGroup) {
    // The inputs' elements (bf16 under an f32 C) are packed as they are.
    Value stored = b.memref() ? b.memref() : a.memref();
    inType = stored ? cast<MemRefType>(stored.getType()).getElementType()
                    : kb.elementType();
    // Blocks are sized for the largest sizes the kernel may see.
    int64_t mMax = w.mRange ? w.mRange->max : w.m;
    int64_t nMax = w.nRange ? w.nRange->max : w.n;
    int64_t kMax = w.kRange ? w.kRange->max : w.k;
    nc = std::min(p.nc, roundUp(nMax, p.nr));
    mc = std::min(p.mc, roundUp(mMax, p.mr));
    kc = std::min(p.kc, kMax);
    // Every k block but the last holds whole k groups; the last one's
    // panels are zero-padded to a whole group.
    if (g > 1 && kc < kMax)
      kc = std::max(g, kc / g * g);
    auto extent = [&](bool dynamic, int64_t size, int64_t max, Value memref,
                      unsigned dim) {
      if (!dynamic)
        return Extent::of(size);
      return Extent{max, memref::DimOp::create(kb.b(), memref, dim)};
    };
    Value aStored = a.memref();
    mExtent = extent(bool(w.mRange), w.m, mMax, c, 0);
    nExtent = extent(bool(w.nRange), w.n, nMax, c, 1);
    kExtent = extent(bool(w.kRange), w.k, kMax, aStored, w.transA ? 0 : 1);
  }

  void emit() {
    if (w.isDynamic()) {
      // Sizes outside the declared ranges would overrun the buffers sized
      // for the ranges' ends: the kernel stops with a message naming the
      // ranges (CompiledKernel::runAt refuses them before the call).
      Value inRange;
      std::string ranges;
      for (auto [e, range, name] : {std::tuple{mExtent, w.mRange, "M"},
                                    std::tuple{nExtent, w.nRange, "N"},
                                    std::tuple{kExtent, w.kRange, "K"}}) {
        if (e.isStatic() || !range)
          continue;
        Value atLeast = arith::CmpIOp::create(kb.b(), arith::CmpIPredicate::sge,
                                              e.dynamic, kb.index(range->min));
        Value atMost = arith::CmpIOp::create(kb.b(), arith::CmpIPredicate::sle,
                                             e.dynamic, kb.index(range->max));
        Value both = arith::AndIOp::create(kb.b(), atLeast, atMost);
        inRange = inRange ? arith::AndIOp::create(kb.b(), inRange, both) : both;
        ranges += llvm::formatv("{0}{1}={2}:{3}", ranges.empty() ? "" : ",",
                                name, range->min, range->max)
                      .str();
      }
      if (inRange) {
        std::string where;
        llvm::raw_string_ostream os(where);
        kb.b().getLoc().print(os);
        cf::AssertOp::create(kb.b(), inRange,
                             "autoconfig: a size of the matmul at " + where +
                                 " is outside its declared ranges " + ranges);
      }
      // An empty size reads and writes nothing.
      Value nonEmpty;
      for (const Extent &e : {mExtent, nExtent, kExtent}) {
        if (e.isStatic())
          continue;
        Value positive = arith::CmpIOp::create(
            kb.b(), arith::CmpIPredicate::sgt, e.dynamic, kb.index(0));
        nonEmpty = nonEmpty ? arith::AndIOp::create(kb.b(), nonEmpty, positive)
                            : positive;
      }
      auto ifOp = scf::IfOp::create(kb.b(), nonEmpty, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(kb.b());
      kb.b().setInsertionPointToStart(ifOp.thenBlock());
      emitNest();
      return;
    }
    emitNest();
  }

  void emitNest() {
    prepackConstantB();
    int64_t blocks = ceilDiv(w.n, nc);
    if (!nExtent.isStatic() && p.threads > 1) {
      // One jc block of run-time width per parallel iteration.
      Value count = kb.div(kb.add(nExtent.dynamic, kb.index(nc - 1)), nc);
      auto loop =
          scf::ParallelOp::create(kb.b(), ValueRange{kb.index(0)},
                                  ValueRange{count}, ValueRange{kb.index(1)});
      OpBuilder::InsertionGuard guard(kb.b());
      kb.b().setInsertionPointToStart(loop.getBody());
      Value jc = kb.mul(loop.getInductionVars().front(), nc);
      Value width = arith::MinUIOp::create(kb.b(), kb.sub(nExtent.dynamic, jc),
                                           kb.index(nc));
      allocateBuffers();
      emitColumnBlock(jc, Extent{nc, width});
      deallocateBuffers();
      return;
    }
    if (p.threads <= 1 || blocks <= 1) {
      allocateBuffers();
      forCacheBlocks(kb.index(0), nExtent, nc,
                     [&](Value jc, Extent ncb) { emitColumnBlock(jc, ncb); });
      deallocateBuffers();
      return;
    }
    // One jc block per parallel iteration, each with its own packing buffers.
    int64_t full = w.n / nc, rem = w.n % nc;
    kb.parallelRange(0, blocks, 1, /*parallel=*/true, [&](Value t) {
      allocateBuffers();
      Value jc = kb.mul(t, nc);
      if (rem == 0) {
        emitColumnBlock(jc, Extent::of(nc));
      } else {
        Value isFull = arith::CmpIOp::create(kb.b(), arith::CmpIPredicate::ult,
                                             t, kb.index(full));
        auto ifOp = scf::IfOp::create(kb.b(), isFull, /*withElseRegion=*/true);
        {
          OpBuilder::InsertionGuard guard(kb.b());
          kb.b().setInsertionPointToStart(ifOp.thenBlock());
          emitColumnBlock(jc, Extent::of(nc));
          kb.b().setInsertionPointToStart(ifOp.elseBlock());
          emitColumnBlock(jc, Extent::of(rem));
        }
      }
      deallocateBuffers();
    });
  }

private:
  /// Calls body(start, size) for the blocks of a cache level (nc, kc, mc):
  /// as forBlocks for a static total; for a run-time one, in one loop whose
  /// blocks have the run-time size min(block, total - start), so that the
  /// nest inside is emitted once (the register tiles split their remainders
  /// further in).
  void forCacheBlocks(Value base, Extent total, int64_t block,
                      llvm::function_ref<void(Value, Extent)> body) {
    if (total.isStatic() || total.size <= block) {
      forBlocks(base, total, block, body);
      return;
    }
    kb.forRange(kb.index(0), total.dynamic, block, [&](Value off) {
      Value left = kb.sub(total.dynamic, off);
      Value size = arith::MinUIOp::create(kb.b(), left, kb.index(block));
      body(kb.add(base, off), Extent{block, size});
    });
  }

  /// Calls body(start, size) for the full blocks of `block` in [0, total)
  /// (in a loop) and once for the remainder: each with a static size when
  /// `total` is static, the remainder with its run-time size otherwise.
  void forBlocks(Value base, Extent total, int64_t block,
                 llvm::function_ref<void(Value, Extent)> body) {
    if (total.isStatic()) {
      int64_t full = total.size / block, rem = total.size % block;
      if (full == 1)
        body(base, Extent::of(block));
      else if (full > 1)
        kb.forRange(kb.index(0), kb.index(full * block), block, [&](Value off) {
          body(kb.add(base, off), Extent::of(block));
        });
      if (rem)
        body(kb.add(base, full * block), Extent::of(rem));
      return;
    }
    if (total.size < block) {
      body(base, total);
      return;
    }
    Value fullEnd = kb.mul(kb.div(total.dynamic, block), block);
    kb.forRange(kb.index(0), fullEnd, block,
                [&](Value off) { body(kb.add(base, off), Extent::of(block)); });
    Value rem = kb.sub(total.dynamic, fullEnd);
    Value any = arith::CmpIOp::create(kb.b(), arith::CmpIPredicate::ne, rem,
                                      kb.index(0));
    auto ifOp = scf::IfOp::create(kb.b(), any, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(kb.b());
    kb.b().setInsertionPointToStart(ifOp.thenBlock());
    body(kb.add(base, fullEnd), Extent{std::min(block - 1, total.size), rem});
  }

  /// Where panel `index` (a row or column offset, a multiple of the tile)
  /// starts in a packing buffer for a k block of `kcb`: panels of a
  /// run-time depth keep the full block's static stride kc, so that their
  /// addresses stay affine in static strides.
  Value panelStart(Value index, Extent kcb) {
    return kb.mul(index, kcb.isStatic() ? roundUp(kcb.size, g) : kc);
  }

  /// Like forBlocks, telling the body whether its block is the last one (the
  /// last full block is peeled when there is no remainder).
  void forBlocksLast(Extent total, int64_t block,
                     llvm::function_ref<void(Value, Extent, bool)> body) {
    if (total.isStatic()) {
      int64_t full = total.size / block, rem = total.size % block;
      int64_t looped = rem ? full : full - 1;
      if (looped == 1)
        body(kb.index(0), Extent::of(block), false);
      else if (looped > 1)
        kb.forRange(kb.index(0), kb.index(looped * block), block,
                    [&](Value off) { body(off, Extent::of(block), false); });
      body(kb.index(looped * block), Extent::of(rem ? rem : block), true);
      return;
    }
    if (total.size <= block) {
      body(kb.index(0), total, true);
      return;
    }
    // All blocks but the last in the loop; the last has 1..block elements
    // (the total is at least 1).
    Value loopEnd =
        kb.mul(kb.div(kb.sub(total.dynamic, kb.index(1)), block), block);
    kb.forRange(kb.index(0), loopEnd, block,
                [&](Value off) { body(off, Extent::of(block), false); });
    body(loopEnd, Extent{block, kb.sub(total.dynamic, loopEnd)}, true);
  }

  /// Like forBlocks but offsets are relative (no base).
  void forLocalBlocks(Extent total, int64_t block,
                      llvm::function_ref<void(Value, Extent)> body) {
    forBlocks(kb.index(0), total, block, body);
  }

  /// Calls body(offset, rows) for tiles of static row counts that cover the
  /// `total` rows of a remainder (offset null when `total` is static: one
  /// tile of that many rows). A run-time remainder runs as tiles of 4 rows,
  /// then of 1 row, each in a loop of run-time trip count: two tile variants
  /// whatever mr, so that the kernel's code stays near the static one's.
  void forRemainderRows(Extent total,
                        llvm::function_ref<void(Value, int64_t)> body) {
    if (total.isStatic()) {
      body(Value(), total.size);
      return;
    }
    Value fourEnd = kb.index(0);
    if (total.size >= 4) {
      fourEnd = kb.mul(kb.div(total.dynamic, 4), 4);
      kb.forRange(kb.index(0), fourEnd, 4, [&](Value at) { body(at, 4); });
    }
    kb.forRange(fourEnd, total.dynamic, 1, [&](Value at) { body(at, 1); });
  }

  /// The columns of a register tile: `count` static columns, or, when
  /// `dynamic` is set, that many at most (whole vectors) of which the
  /// run-time `dynamic` are live.
  struct TileColumns {
    int64_t count;
    Value dynamic;
  };

  /// Elements of one jc block of a B packed at compile time: K rows of the
  /// block's panels, kc block after kc block.
  int64_t packedBlockElements() const {
    return roundUp(w.k, g) * roundUp(nc, p.nr);
  }

  /// A constant B (weights) is packed here, at compile time, into every
  /// (jc, pc) block's panel layout one after the other (see bBlockOffset);
  /// the kernel then reads the panels and packs nothing. A splat stays a
  /// splat: the padding lanes only reach accumulator lanes never stored.
  void prepackConstantB() {
    Value stored = b.memref();
    if (!p.packB || !stored)
      return;
    std::optional<ConstantBytes> bytes = constantBytes(stored);
    size_t elementBytes = inType.getIntOrFloatBitWidth() / 8;
    size_t elements = bytes && bytes->splat ? 1 : size_t(w.k * w.n);
    if (!bytes || bytes->data.size() != elements * elementBytes)
      return;
    int64_t blocks = ceilDiv(w.n, nc);
    int64_t total = blocks * packedBlockElements();
    if (bytes->splat) {
      packedB = createConstantBufferFromBytes(kb.b(), kb.b().getLoc(),
                                              "__autoconfig_packed_b", {total},
                                              inType, bytes->data);
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
        // Panels of whole k groups: group k/g holds nr columns of g
        // consecutive k (the padding stays zero).
        for (int64_t k = 0; k < kcb; ++k)
          for (int64_t j = 0; j < ncb; ++j) {
            int64_t n = jc + j, kk = pc + k;
            int64_t to = base + (j / p.nr) * p.nr * roundUp(kcb, g) +
                         (k / g) * p.nr * g + (j % p.nr) * g + k % g;
            int64_t from = transposed ? n * w.k + kk : kk * w.n + n;
            std::memcpy(&packed[size_t(to) * elementBytes],
                        &bytes->data[size_t(from) * elementBytes],
                        elementBytes);
          }
      }
    }
    packedB = createConstantBufferFromBytes(kb.b(), kb.b().getLoc(),
                                            "__autoconfig_packed_b", {total},
                                            inType, packed);
  }

  /// Where the (jc, pc) block starts in the compile-time packed B.
  Value bBlockOffset(Value jc, int64_t ncb, Value pc) {
    Value block = arith::DivUIOp::create(kb.b(), jc, kb.index(nc));
    return kb.add(kb.mul(block, packedBlockElements()),
                  kb.mul(pc, roundUp(ncb, p.nr)));
  }

  void allocateBuffers() {
    auto alloc = [&](int64_t elements) -> Value {
      auto type = MemRefType::get({elements}, inType);
      return memref::AllocOp::create(kb.b(), type,
                                     kb.b().getI64IntegerAttr(64));
    };
    int64_t depth = roundUp(kc, g);
    bp = !p.packB  ? Value()
         : packedB ? packedB
                   : alloc(depth * roundUp(nc, p.nr));
    ap = p.packA ? alloc(depth * roundUp(mc, p.mr)) : Value();
  }

  void deallocateBuffers() {
    for (Value buffer : {ap, packedB ? Value() : bp})
      if (buffer)
        memref::DeallocOp::create(kb.b(), buffer);
  }

  void emitColumnBlock(Value jc, Extent ncb) {
    // With a fused epilogue, the last kc block's stores are the final ones.
    auto kBlocks = [&](llvm::function_ref<void(Value, Extent, bool)> body) {
      if (epilogue)
        forBlocksLast(kExtent, kc, body);
      else
        forBlocks(kb.index(0), kExtent, kc,
                  [&](Value pc, Extent kcb) { body(pc, kcb, false); });
    };
    kBlocks([&](Value pc, Extent kcb, bool lastK) {
      if (packedB)
        bBase = bBlockOffset(jc, ncb.size, pc);
      else if (p.packB)
        emitPackB(jc, ncb, pc, kcb);
      forCacheBlocks(kb.index(0), mExtent, mc, [&](Value ic, Extent mcb) {
        if (p.packA)
          emitPackA(ic, mcb, pc, kcb);
        forLocalBlocks(ncb, p.nr, [&](Value jr, Extent nrb) {
          forLocalBlocks(mcb, p.mr, [&](Value ir, Extent mrb) {
            // A run-time column remainder: the tile of all nr columns, each
            // vector masked by the columns left.
            TileColumns cols{nrb.isStatic() ? nrb.size
                                            : roundUp(nrb.size, p.vl),
                             nrb.dynamic};
            forRemainderRows(mrb, [&](Value rowInPanel, int64_t rows) {
              emitMicroTile(ic, ir, rowInPanel, rows, jc, jr, cols, pc, kcb,
                            lastK);
            });
          });
        });
      });
    });
  }

  /// Bp[jr*kcb + k*nr + j] = B[pc+k, jc+jr+j], zero past the block's columns.
  void emitPackB(Value jc, Extent ncbExtent, Value pc, Extent kcbExtent) {
    if (!ncbExtent.isStatic() || !kcbExtent.isStatic()) {
      emitPackBDynamic(jc, ncbExtent, pc, kcbExtent);
      return;
    }
    int64_t ncb = ncbExtent.size, kcb = kcbExtent.size;
    if (g > 1) {
      emitPackBGroups(jc, ncb, pc, kcb);
      return;
    }
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
        forLocalBlocks(Extent::of(ncb), p.nr, [&](Value jr, Extent nrbExtent) {
          int64_t nrb = nrbExtent.size;
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
    forLocalBlocks(Extent::of(ncb), p.nr, [&](Value jr, Extent nrbExtent) {
      int64_t nrb = nrbExtent.size;
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
                    : kb.zeroVector(p.vl, inType));
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

  /// Calls body(group, rows) for the k groups of a static k block: the whole
  /// groups in a loop, then the last, of `kcb % g` live rows, if any.
  void forKGroups(int64_t kcb, llvm::function_ref<void(Value, int64_t)> body) {
    kb.forRange(0, kcb / g, 1, [&](Value group) { body(group, g); });
    if (kcb % g)
      body(kb.index(kcb / g), kcb % g);
  }

  /// Bp[jr*kcbG + (k/g)*nr*g + j*g + k%g] = B[pc+k, jc+jr+j] (kcbG: kcb
  /// rounded up to whole groups), zero past the block's columns and depth:
  /// g rows of B at a time, their vectors interleaved in registers.
  void emitPackBGroups(Value jc, int64_t ncb, Value pc, int64_t kcb) {
    int64_t depth = roundUp(kcb, g);
    forKGroups(kcb, [&](Value group, int64_t rows) {
      Value row0 = kb.add(pc, kb.mul(group, g));
      Value groupOffset = kb.mul(group, p.nr * g);
      forLocalBlocks(Extent::of(ncb), p.nr, [&](Value jr, Extent nrb) {
        Value dst = kb.add(kb.mul(jr, depth), groupOffset);
        Value col = kb.add(jc, jr);
        for (int64_t v = 0; v < ceilDiv(nrb.size, p.vl); ++v) {
          int64_t live = std::min(p.vl, nrb.size - v * p.vl);
          SmallVector<Value> vectors;
          for (int64_t i = 0; i < g; ++i)
            vectors.push_back(i < rows
                                  ? b.vector(kb, kb.add(row0, i),
                                             kb.add(col, v * p.vl), p.vl, live)
                                  : kb.zeroVector(p.vl, inType));
          kb.storeVector(kb.interleave(vectors), bp,
                         {kb.add(dst, v * p.vl * g)}, p.vl * g);
        }
      });
    });
  }

  /// Ap[ir*kcbG + (k/g)*mr*g + r*g + k%g] = A[ic+ir+r, pc+k], zero past the
  /// block's depth: each row's g consecutive k as one small vector.
  void emitPackAGroups(Value ic, int64_t mcb, Value pc, int64_t kcb) {
    int64_t depth = roundUp(kcb, g);
    forLocalBlocks(Extent::of(mcb), p.mr, [&](Value ir, Extent mrb) {
      Value panel = kb.mul(ir, depth);
      Value row = kb.add(ic, ir);
      forKGroups(kcb, [&](Value group, int64_t live) {
        Value dst = kb.add(panel, kb.mul(group, p.mr * g));
        Value k0 = kb.add(pc, kb.mul(group, g));
        for (int64_t r = 0; r < mrb.size; ++r) {
          Value at = kb.add(row, r), x;
          if (live == g && !a.transposed()) {
            x = kb.loadVector(a.memref(), {at, k0}, g, g);
          } else {
            x = kb.zeroVector(g, inType);
            for (int64_t i = 0; i < live; ++i)
              x = vector::InsertOp::create(kb.b(), loadA(at, kb.add(k0, i)), x,
                                           i);
          }
          kb.storeVector(x, ap, {kb.add(dst, r * g)}, g);
        }
      });
    });
  }

  /// The packing of B for a block of run-time columns or depth (B stored
  /// K x N in a memref): row by row of B as in the static case, each row's
  /// vectors masked by the columns left, so that a remainder panel is
  /// zero-padded.
  void emitPackBDynamic(Value jc, Extent ncb, Value pc, Extent kcb) {
    Value stored = b.memref();
    kb.forRange(kb.index(0), kcb.value(kb), 1, [&](Value k) {
      Value row = kb.add(pc, k);
      Value rowOffset = kb.mul(k, p.nr);
      forLocalBlocks(ncb, p.nr, [&](Value jr, Extent nrb) {
        Value dst = kb.add(panelStart(jr, kcb), rowOffset);
        Value col = kb.add(jc, jr);
        for (int64_t v = 0; v < ceilDiv(nrb.size, p.vl); ++v) {
          Value at = kb.add(col, v * p.vl);
          Value x;
          if (nrb.isStatic()) {
            x = b.vector(kb, row, at, p.vl,
                         std::min(p.vl, nrb.size - v * p.vl));
          } else {
            Value left = kb.sub(nrb.dynamic, kb.index(v * p.vl));
            x = kb.loadVectorMasked(stored, {row, at}, p.vl,
                                    kb.mask(p.vl, left));
          }
          kb.storeVector(x, bp, {kb.add(dst, v * p.vl)}, p.vl);
        }
      });
    });
  }

  /// Ap[ir*kcb + k*mr + r] = A[ic+ir+r, pc+k] for the block's rows; for a
  /// virtual A, row-major: Ap[(ir+r)*kcb + k].
  void emitPackA(Value ic, Extent mcbExtent, Value pc, Extent kcbExtent) {
    if (g > 1) {
      emitPackAGroups(ic, mcbExtent.size, pc, kcbExtent.size);
      return;
    }
    if (aRowMajor) {
      int64_t mcb = mcbExtent.size, kcb = kcbExtent.size;
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
    forLocalBlocks(mcbExtent, p.mr, [&](Value ir, Extent mrb) {
      Value panel = panelStart(ir, kcbExtent);
      Value row = kb.add(ic, ir);
      kb.forRange(kb.index(0), kcbExtent.value(kb), 1, [&](Value k) {
        Value dst = kb.add(panel, kb.mul(k, p.mr));
        Value kk = kb.add(pc, k);
        if (mrb.isStatic()) {
          for (int64_t r = 0; r < mrb.size; ++r)
            kb.storeScalar(loadA(kb.add(row, r), kk), ap, {kb.add(dst, r)});
          return;
        }
        kb.forRange(kb.index(0), mrb.dynamic, 1, [&](Value r) {
          kb.storeScalar(loadA(kb.add(row, r), kk), ap, {kb.add(dst, r)});
        });
      });
    });
  }

  Value loadA(Value row, Value k) { return a.scalar(kb, row, k); }

  /// One rows x cols register tile of C at (ic+ir+rowInPanel, jc+jr), kcb
  /// updates (rowInPanel: the rows of a remainder panel that a piece starts
  /// at, or null).
  void emitMicroTile(Value ic, Value ir, Value rowInPanel, int64_t rows,
                     Value jc, Value jr, TileColumns tileCols, Value pc,
                     Extent kcb, bool lastK) {
    int64_t cols = tileCols.count;
    int64_t vecs = ceilDiv(cols, p.vl);
    auto live = [&](int64_t v) { return std::min(p.vl, cols - v * p.vl); };
    Value row0 = kb.add(ic, ir), col0 = kb.add(jc, jr);
    if (rowInPanel)
      row0 = kb.add(row0, rowInPanel);
    SmallVector<Value> rowIdx = kb.stridedIndices(row0, rows);
    SmallVector<Value> colIdx = kb.stridedIndices(col0, vecs, p.vl);
    // A run-time column count: every vector masked by the columns left.
    SmallVector<Value> masks;
    if (tileCols.dynamic)
      for (int64_t v = 0; v < vecs; ++v)
        masks.push_back(
            kb.mask(p.vl, kb.sub(tileCols.dynamic, kb.index(v * p.vl))));
    bool masked = !masks.empty();

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

    Value aPanel = p.packA ? panelStart(ir, kcb) : Value();
    if (aPanel && rowInPanel)
      aPanel = kb.add(aPanel, rowInPanel);
    Value bPanel = p.packB ? panelStart(jr, kcb) : Value();
    if (packedB)
      bPanel = kb.add(bBase, bPanel);
    scf::ForOp kLoop;
    if (g > 1) {
      // One multiply-add per k group: the dot-product micro-kernel.
      SmallVector<Value> acc = kb.forWithValues(
          kb.index(0), kb.index(ceilDiv(kcb.size, g)), 1, init,
          [&](Value group, ValueRange carried) {
            return groupStep(group, aPanel, bPanel, rows, vecs, carried);
          },
          &kLoop);
      storeTile(acc, rowIdx, colIdx, rows, vecs, live, masks, lastK);
      if (p.ku > 1 && ceilDiv(kcb.size, g) > p.ku)
        (void)loopUnrollByFactor(kLoop, p.ku);
      return;
    }
    SmallVector<Value> acc = kb.forWithValues(
        kb.index(0), kcb.value(kb), 1, init,
        [&](Value k, ValueRange carried) {
          SmallVector<Value> bVec;
          Value bOff = p.packB ? kb.add(bPanel, kb.mul(k, p.nr)) : Value();
          for (int64_t v = 0; v < vecs; ++v) {
            if (p.packB)
              bVec.push_back(
                  kb.loadVector(bp, {kb.add(bOff, v * p.vl)}, p.vl, p.vl));
            else if (masked)
              bVec.push_back(kb.loadVectorMasked(
                  b.memref(), {kb.add(pc, k), colIdx[v]}, p.vl, masks[v]));
            else
              bVec.push_back(
                  b.vector(kb, kb.add(pc, k), colIdx[v], p.vl, live(v)));
            bVec.back() = widen(bVec.back());
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
                p.packA ? kb.loadScalar(
                              ap, {kb.add(aOff, aRowMajor ? r * kcb.size : r)})
                        : loadA(rowIdx[r], kb.add(pc, k));
            kb.fmaTileRow(kb.broadcast(widen(aElem), p.vl), bVec, next, r);
          }
          return next;
        },
        &kLoop);
    storeTile(acc, rowIdx, colIdx, rows, vecs, live, masks, lastK);
    // Unroll last: the unroller rewires the existing uses of the loop's
    // results to its epilogue loop. A k block of run-time depth (the K
    // remainder) stays rolled: unrolled, its A broadcasts of in-place rows
    // were hoisted across the copies and spilled (Zen 5, 256^3 with M, N, K
    // dynamic and A unpacked: 0.46 of the static kernel's speed when every
    // k block had a run-time depth), and it would need an epilogue loop: a
    // second copy of every tile.
    if (p.ku > 1 && kcb.isStatic() && kcb.size > p.ku)
      (void)loopUnrollByFactor(kLoop, p.ku);
  }

  /// An input element or vector in the accumulators' type (bf16 widened to
  /// f32 where no dot product takes it as it is).
  Value widen(Value x) {
    Type acc = kb.elementType();
    if (getElementTypeOrSelf(x.getType()) == acc)
      return x;
    Type to = acc;
    if (auto vec = dyn_cast<VectorType>(x.getType()))
      to = VectorType::get(vec.getShape(), acc);
    return arith::ExtFOp::create(kb.b(), to, x);
  }

  /// One k group of a register tile from packed panels: each row's g
  /// consecutive A elements broadcast as one g-element lane (a 32-bit
  /// vpbroadcastd for bf16 pairs), then the dot product with each B vector
  /// of g-interleaved columns.
  SmallVector<Value> groupStep(Value group, Value aPanel, Value bPanel,
                               int64_t rows, int64_t vecs, ValueRange carried) {
    int64_t lanes = p.vl * g;
    Value bOff = kb.add(bPanel, kb.mul(group, p.nr * g));
    SmallVector<Value> bVec;
    for (int64_t v = 0; v < vecs; ++v)
      bVec.push_back(
          kb.loadVector(bp, {kb.add(bOff, v * lanes)}, lanes, lanes));
    Value aOff = kb.add(aPanel, kb.mul(group, p.mr * g));
    if (p.prefetch > 0)
      memref::PrefetchOp::create(
          kb.b(), ap, ValueRange{kb.add(aOff, p.prefetch * p.mr * g)},
          /*isWrite=*/false, /*localityHint=*/3, /*isDataCache=*/true);
    auto laneType =
        kb.b().getIntegerType(unsigned(g * inType.getIntOrFloatBitWidth()));
    SmallVector<Value> next(carried.begin(), carried.end());
    for (int64_t r = 0; r < rows; ++r) {
      Value aGroup = kb.loadVector(ap, {kb.add(aOff, r * g)}, g, g);
      Value asLane = vector::BitCastOp::create(
          kb.b(), VectorType::get({1}, laneType), aGroup);
      Value lane = vector::ExtractOp::create(kb.b(), asLane, 0);
      Value splat = vector::BroadcastOp::create(
          kb.b(), VectorType::get({p.vl}, laneType), lane);
      Value aVec = vector::BitCastOp::create(
          kb.b(), VectorType::get({lanes}, inType), splat);
      for (int64_t v = 0; v < vecs; ++v)
        next[r * vecs + v] = x86vector::DotBF16Op::create(
            kb.b(), next[r * vecs + v], aVec, bVec[v]);
    }
    return next;
  }

  /// Adds a finished register tile to C (through the epilogue after the
  /// last k block).
  void storeTile(ArrayRef<Value> acc, ArrayRef<Value> rowIdx,
                 ArrayRef<Value> colIdx, int64_t rows, int64_t vecs,
                 llvm::function_ref<int64_t(int64_t)> live,
                 ArrayRef<Value> masks, bool lastK) {
    bool masked = !masks.empty();
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t v = 0; v < vecs; ++v) {
        SmallVector<Value> at = {rowIdx[r], colIdx[v]};
        if (!masked) {
          Value old = kb.loadVector(c, at, p.vl, live(v));
          Value sum = kb.addf(old, acc[r * vecs + v]);
          storeFinal(kb, lastK ? epilogue : nullptr, sum, c, at, live(v));
          continue;
        }
        Value old = kb.loadVectorMasked(c, at, p.vl, masks[v]);
        Value sum = kb.addf(old, acc[r * vecs + v]);
        if (lastK && epilogue)
          epilogue->storeMasked(kb, sum, at, masks[v]);
        else
          kb.storeVectorMasked(sum, c, at, masks[v]);
      }
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
  /// Consecutive k per lane of the micro-kernel's multiply-add
  /// (blockedKGroup), and the inputs' element type.
  int64_t g;
  Type inType;
  int64_t nc, mc, kc;
  /// The whole M, N and K (run-time sizes for a dynamic workload).
  Extent mExtent, nExtent, kExtent;
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
  Value result =
      kb.zeroVector(lanes, cast<MemRefType>(stored.getType()).getElementType());
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
                     lineBytes / std::max<int64_t>(1, elementBytes),
                     blockedKGroup(w.element, params.vl, target))
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
  if (w.transB && (w.nRange || w.kRange))
    return op->emitError("autoconfig: 'blocked' takes a dynamic N or K with B "
                         "stored K x N only (B is transposed here)");
  // bf16 runs from packed panels (of k pairs for vdpbf16ps) at static sizes.
  if (w.element == ElementKind::BF16 && (!params.packA || !params.packB))
    return op->emitError("autoconfig: 'blocked' on bf16 inputs needs packA=1 "
                         "and packB=1");
  if (w.element == ElementKind::BF16 && w.isDynamic())
    return op->emitError("autoconfig: 'blocked' on bf16 inputs takes static "
                         "sizes only");
  return success();
}
} // namespace

// (The overload of emitBlockedGemm on GemmOperands.)
constinit const GeneratorFn generateBlockedGemm =
    generatorEntry<KernelEmitterFn<GemmOperands, GemmWorkload,
                                   BlockedGemmParams>(emitBlockedGemm),
                   checkBlockedGemm>;

} // namespace autoconfig
