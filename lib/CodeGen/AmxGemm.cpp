//===- AmxGemm.cpp - bf16 matmul on AMX tiles -----------------------------===//
//
// A and B are packed into tiles of 16 rows x 64 bytes (Intel Architecture
// Instruction Set Extensions Programming Reference, ch. 3, TDPBF16PS):
//
//   Ap[it][kt] row r     = A[16 it + r, 32 kt : 32 kt + 32]
//   Bp[jt][kt] row p     = B[32 kt + 2p, 16 jt + j] and B[32 kt + 2p + 1, ..]
//                          interleaved: element 2j + q is B[32 kt + 2p + q, j]
//
// zero-padded past M, N and K, so that every tile is whole. Then
//
//   for jc in [0, N/16) step nc/16              B's column block, in L2
//    for it in [0, M/16) step tm                (parallel when threads > 1)
//     for jt in [jc, jc + nc/16) step tn
//       tm x tn C tiles = 0
//       for kt in [0, K/32)                     tm A and tn B tile loads,
//         C[i][j] = TDPBF16PS(A[i], B[j], C[i][j])   tm * tn products
//       each C tile -> a 16 x 16 scratch -> added to C row by row, masked
//
// A constant B (weights) is packed at compile time. The tile configuration
// (LDTILECFG) is LLVM's: it configures the shapes of the tiles a function
// uses (X86 fast/pre-AMX-config passes).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/ConstantData.h"
#include "autoconfig/CodeGen/Epilogue.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/CodeGen/KernelBuilder.h"
#include "autoconfig/Support/Arithmetic.h"

#include "GeneratorEntryPoint.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cstring>

using namespace mlir;

namespace autoconfig {
namespace {

/// Rows of a tile (of 64 bytes each: 32 bf16 or 64 i8 of A, 16 columns of
/// B's k groups); a C tile is kTileRows x kCTileCols
/// f32.
constexpr int64_t kTileRows = 16, kCTileCols = 16, kTileRowBytes = 64;

class AmxGemmEmitter
    : public KernelEmitterBase<GemmOperands, GemmWorkload, AmxGemmParams> {
public:
  AmxGemmEmitter(KernelBuilder &kb, const GemmOperands &ops,
                 const GemmWorkload &w, const AmxGemmParams &p)
      : KernelEmitterBase(kb, ops, w, p), a(ops.a, w.transA),
        b(ops.b, w.transB) {
    inType = cast<MemRefType>(ops.a.getType()).getElementType();
    ebytes = inType.getIntOrFloatBitWidth() / 8;
    // A tile row is 64 bytes of k; a B tile row 16 columns of g k each.
    tileK = kTileRowBytes / ebytes;
    g = 4 / ebytes;
    tileElements = kTileRows * tileK;
    mt = ceilDiv(w.m, kTileRows);
    nt = ceilDiv(w.n, kCTileCols);
    kt = ceilDiv(w.k, tileK);
  }

  void emit() {
    // B's tiles in column blocks of nc (kept in L2 while every row block
    // passes over them), each packed just before its row blocks run, into a
    // buffer of one block that stays in L2 (a constant B is packed whole at
    // compile time).
    int64_t columnTiles =
        std::max<int64_t>(p.tn, p.nc / kCTileCols / p.tn * p.tn);
    Value bp = prepackedB();
    bool packedHere = !bp;
    if (packedHere)
      bp = alloc(std::min(columnTiles, nt) * kt * tileElements, inType);
    // A's tiles are read in place (rows lda apart) with packA=0, which the
    // check allows only where every tile is whole.
    Value ap = p.packA ? alloc(mt * kt * tileElements, inType) : ops.a;
    if (p.packA)
      packA(ap);
    kb.forRange(0, nt, columnTiles, [&](Value jc0) {
      Value jcEnd = arith::MinUIOp::create(kb.b(), kb.add(jc0, columnTiles),
                                           kb.index(nt));
      if (packedHere)
        packB(bp, jc0, jcEnd);
      // Where tile column jt of B is in bp.
      bFirst = packedHere ? jc0 : kb.index(0);
      int64_t blocks = ceilDiv(mt, p.tm);
      kb.parallelRange(0, blocks, 1, p.threads > 1, [&](Value block) {
        Value it0 = kb.mul(block, p.tm);
        Value scratch = alloc(kTileRows * kCTileCols, kb.elementType());
        forTileBlocks(mt, p.tm, it0, [&](int64_t tm) {
          kb.forRange(jc0, jcEnd, p.tn, [&](Value jt0) {
            forTileBlocks(nt, p.tn, jt0, [&](int64_t tn) {
              emitBlock(ap, bp, scratch, it0, tm, jt0, tn);
            });
          });
        });
        memref::DeallocOp::create(kb.b(), scratch);
      });
    });
    if (p.packA)
      memref::DeallocOp::create(kb.b(), ap);
    if (packedHere)
      memref::DeallocOp::create(kb.b(), bp);
  }

private:
  Value alloc(int64_t elements, Type type) {
    return memref::AllocOp::create(kb.b(), MemRefType::get({elements}, type),
                                   kb.b().getI64IntegerAttr(64));
  }

  /// body(tiles) for a block of `block` tiles starting at tile `first` of
  /// `total`: when the last block is shorter, the block count is tested at
  /// run time and the shorter variant emitted under scf.if.
  void forTileBlocks(int64_t total, int64_t block, Value first,
                     llvm::function_ref<void(int64_t)> body) {
    int64_t rem = total % block;
    if (rem == 0 || total < block) {
      body(std::min(block, total));
      return;
    }
    Value full = arith::CmpIOp::create(kb.b(), arith::CmpIPredicate::ult, first,
                                       kb.index(total - rem));
    auto ifOp = scf::IfOp::create(kb.b(), full, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(kb.b());
    kb.b().setInsertionPointToStart(ifOp.thenBlock());
    body(block);
    kb.b().setInsertionPointToStart(ifOp.elseBlock());
    body(rem);
  }

  /// A constant B packed into its tiles here, at compile time; null when B
  /// is not a constant.
  Value prepackedB() {
    std::optional<ConstantBytes> bytes = constantBytes(ops.b);
    if (!bytes || bytes->splat ||
        bytes->data.size() != size_t(w.k * w.n) * ebytes)
      return {};
    std::vector<char> packed(size_t(nt * kt * tileElements) * ebytes, 0);
    for (int64_t k = 0; k < w.k; ++k)
      for (int64_t n = 0; n < w.n; ++n) {
        int64_t tile = (n / kCTileCols) * kt + k / tileK;
        int64_t to = tile * tileElements + (k % tileK) / g * tileK +
                     (n % kCTileCols) * g + k % g;
        int64_t from = w.transB ? n * w.k + k : k * w.n + n;
        std::memcpy(&packed[size_t(to) * ebytes],
                    &bytes->data[size_t(from) * ebytes], ebytes);
      }
    return createConstantBufferFromBytes(
        kb.b(), kb.b().getLoc(), "__autoconfig_amx_b", {nt * kt * tileElements},
        inType, packed);
  }

  /// Calls body(index, live) for [0, total) in steps of `step`: the whole
  /// steps in a loop (live = step), the last partial one after it.
  void forSteps(int64_t total, int64_t step,
                llvm::function_ref<void(Value, int64_t)> body) {
    int64_t whole = total / step;
    kb.forRange(0, whole, 1, [&](Value i) { body(i, step); });
    if (total % step)
      body(kb.index(whole), total % step);
  }

  /// Bp[jt - jc0][kt] for the tile columns [jc0, jcEnd): row p holds the k
  /// group (g p .. g p + g - 1) of 16 columns, interleaved; rows of B are
  /// read as vectors along N. Only the last tile column of B can be partial.
  void packB(Value bp, Value jc0, Value jcEnd) {
    int64_t fullTiles = w.n / kCTileCols, lastLive = w.n % kCTileCols;
    forSteps(w.k, tileK, [&](Value ktile, int64_t kLive) {
      Value k0 = kb.mul(ktile, tileK);
      Value fullEnd =
          arith::MinUIOp::create(kb.b(), jcEnd, kb.index(fullTiles));
      kb.forRange(jc0, fullEnd, 1, [&](Value jtile) {
        packBTile(bp, jc0, jtile, ktile, k0, kLive, kCTileCols);
      });
      if (!lastLive)
        return;
      Value hasLast = arith::CmpIOp::create(kb.b(), arith::CmpIPredicate::eq,
                                            jcEnd, kb.index(nt));
      auto ifOp = scf::IfOp::create(kb.b(), hasLast, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(kb.b());
      kb.b().setInsertionPointToStart(ifOp.thenBlock());
      packBTile(bp, jc0, kb.index(fullTiles), ktile, k0, kLive, lastLive);
    });
  }

  void packBTile(Value bp, Value jc0, Value jtile, Value ktile, Value k0,
                 int64_t kLive, int64_t nLive) {
    Value col = kb.mul(jtile, kCTileCols);
    Value tile =
        kb.mul(kb.add(kb.mul(kb.sub(jtile, jc0), kt), ktile), tileElements);
    for (int64_t group = 0; group < kTileRows; ++group) {
      SmallVector<Value, 4> rows;
      for (int64_t q = 0; q < g; ++q) {
        int64_t k = g * group + q;
        rows.push_back(k < kLive
                           ? b.vector(kb, kb.add(k0, k), col, kCTileCols, nLive)
                           : kb.zeroVector(kCTileCols, inType));
      }
      kb.storeVector(kb.interleave(rows), bp, {kb.add(tile, group * tileK)},
                     tileK);
    }
  }

  /// Ap[it][kt]: row r holds A's row 16 it + r, 64 bytes of k; rows past M
  /// are zero.
  void packA(Value ap) {
    forSteps(w.m, kTileRows, [&](Value itile, int64_t mLive) {
      Value row0 = kb.mul(itile, kTileRows);
      forSteps(w.k, tileK, [&](Value ktile, int64_t kLive) {
        Value k0 = kb.mul(ktile, tileK);
        Value tile = kb.mul(kb.add(kb.mul(itile, kt), ktile), tileElements);
        for (int64_t r = 0; r < kTileRows; ++r) {
          Value x = r < mLive ? a.vector(kb, kb.add(row0, r), k0, tileK, kLive)
                              : kb.zeroVector(tileK, inType);
          kb.storeVector(x, ap, {kb.add(tile, r * tileK)}, tileK);
        }
      });
    });
  }

  void emitBlock(Value ap, Value bp, Value scratch, Value it0, int64_t tm,
                 Value jt0, int64_t tn) {
    auto inTile = amx::TileType::get({kTileRows, tileK}, inType);
    auto accTile =
        amx::TileType::get({kTileRows, kCTileCols}, kb.elementType());
    SmallVector<Value> init;
    for (int64_t i = 0; i < tm * tn; ++i)
      init.push_back(amx::TileZeroOp::create(kb.b(), accTile));
    Value stride = kb.index(tileK);
    SmallVector<Value> acc = kb.forWithValues(
        kb.index(0), kb.index(kt), 1, init,
        [&](Value ktile, ValueRange carried) {
          SmallVector<Value> aTiles, bTiles;
          for (int64_t i = 0; i < tm; ++i) {
            Value tile = kb.add(kb.mul(kb.add(it0, i), kt), ktile);
            if (!p.packA) {
              aTiles.push_back(amx::TileLoadOp::create(
                  kb.b(), inTile, ap,
                  ValueRange{kb.mul(kb.add(it0, i), kTileRows),
                             kb.mul(ktile, tileK)}));
              continue;
            }
            aTiles.push_back(amx::TileLoadOp::create(
                kb.b(), inTile, ap, ValueRange{kb.mul(tile, tileElements)},
                stride));
          }
          for (int64_t j = 0; j < tn; ++j) {
            Value tile =
                kb.add(kb.mul(kb.sub(kb.add(jt0, j), bFirst), kt), ktile);
            bTiles.push_back(amx::TileLoadOp::create(
                kb.b(), inTile, bp, ValueRange{kb.mul(tile, tileElements)},
                stride));
          }
          // The tiles `prefetch` k steps ahead, line by line into L1: a tile
          // load waits for its lines, and a tile register is not reloaded
          // before the products reading it are done.
          if (p.prefetch > 0) {
            Value ahead = kb.add(ktile, p.prefetch);
            auto prefetchTile = [&](Value buffer, Value tile) {
              Value at = kb.mul(tile, tileElements);
              for (int64_t line = 0; line < tileElements;
                   line += kTileRowBytes / ebytes)
                memref::PrefetchOp::create(kb.b(), buffer,
                                           ValueRange{kb.add(at, line)},
                                           /*isWrite=*/false,
                                           /*localityHint=*/3,
                                           /*isDataCache=*/true);
            };
            for (int64_t i = 0; i < tm; ++i)
              prefetchTile(ap, kb.add(kb.mul(kb.add(it0, i), kt), ahead));
            for (int64_t j = 0; j < tn; ++j)
              prefetchTile(
                  bp,
                  kb.add(kb.mul(kb.sub(kb.add(jt0, j), bFirst), kt), ahead));
          }
          SmallVector<Value> next;
          for (int64_t i = 0; i < tm; ++i)
            for (int64_t j = 0; j < tn; ++j)
              next.push_back(isa<IntegerType>(inType)
                                 ? Value(amx::TileMulIOp::create(
                                       kb.b(), accTile, aTiles[i], bTiles[j],
                                       carried[i * tn + j]))
                                 : Value(amx::TileMulFOp::create(
                                       kb.b(), accTile, aTiles[i], bTiles[j],
                                       carried[i * tn + j])));
          return next;
        });
    for (int64_t i = 0; i < tm; ++i)
      for (int64_t j = 0; j < tn; ++j) {
        amx::TileStoreOp::create(kb.b(), scratch, ValueRange{kb.index(0)},
                                 acc[i * tn + j], kb.index(kCTileCols));
        addScratch(scratch, kb.mul(kb.add(it0, i), kTileRows),
                   kb.mul(kb.add(jt0, j), kCTileCols));
      }
  }

  /// C[row0 + r, col0 : col0 + 16] += scratch row r, for the rows and
  /// columns within C (the epilogue applied on the way).
  void addScratch(Value scratch, Value row0, Value col0) {
    Value colsLeft = kb.sub(kb.index(w.n), col0);
    Value mask = kb.mask(kCTileCols, colsLeft);
    Value rowsLeft = kb.sub(kb.index(w.m), row0);
    Value rows = arith::MinUIOp::create(kb.b(), rowsLeft, kb.index(kTileRows));
    kb.forRange(kb.index(0), rows, 1, [&](Value r) {
      Value sum = kb.loadVector(scratch, {kb.mul(r, kCTileCols)}, kCTileCols,
                                kCTileCols);
      SmallVector<Value> at = {kb.add(row0, r), col0};
      Value old = kb.loadVectorMasked(ops.c, at, kCTileCols, mask);
      Value total = isa<IntegerType>(getElementTypeOrSelf(old.getType()))
                        ? Value(arith::AddIOp::create(kb.b(), old, sum))
                        : kb.addf(old, sum);
      if (ops.epilogue)
        ops.epilogue->storeMasked(kb, total, at, mask);
      else
        kb.storeVectorMasked(total, ops.c, at, mask);
    });
  }

  MemRefMatrixSource a, b;
  int64_t mt, nt, kt;
  Type inType;
  /// Bytes of an input element, k per A tile row, k per B group, elements
  /// of a tile.
  int64_t ebytes, tileK, g, tileElements;
  /// The first tile column of B in the B buffer (the current column block's
  /// when B is packed at run time, 0 for a constant B packed whole).
  Value bFirst;
};

LogicalResult checkAmxGemm(Operation *op, const GemmWorkload &w,
                           const AmxGemmParams &p) {
  if (w.element != ElementKind::BF16 && w.element != ElementKind::I8)
    return op->emitError("autoconfig: 'amx' takes bf16 or i8 inputs only");
  if (w.isDynamic())
    return op->emitError("autoconfig: 'amx' takes static sizes only");
  if (!p.packA && !amxReadsAInPlace(w))
    return op->emitError("autoconfig: 'amx' with packA=0 needs A untransposed "
                         "with M a multiple of 16 and K of 32 (whole tiles)");
  if (p.tm * p.tn + p.tm + p.tn > 8)
    return op->emitError("autoconfig: 'amx' with tm=")
           << p.tm << " tn=" << p.tn << " needs " << p.tm * p.tn + p.tm + p.tn
           << " tile registers (tm*tn+tm+tn), more than the 8 of AMX";
  return success();
}

} // namespace

/// The fused epilogues compute in f32: an i32 C keeps its own op.
bool fusesAmxEpilogue(const GemmWorkload &w, const AmxGemmParams &) {
  return w.element != ElementKind::I8;
}

constinit const GeneratorFn generateAmxGemm =
    generatorEntry<emitWith<AmxGemmEmitter>, checkAmxGemm, fusesAmxEpilogue>;

} // namespace autoconfig
