//===- ContractionIdioms.cpp - Contractions as named ops, transposes folded ==//
//
// torch-mlir and TorchDynamo transpose a linear layer's weight with a
// `linalg.generic` before `linalg.matmul`; other frontends write the matmul
// itself as a generic. Both patterns here bring such programs to a named
// matmul or batch matmul whose indexing maps carry the operands' layouts,
// which the GEMM extraction reads as the transposed-A/B variants (the `dot`
// algorithm, or packing from the transposed layout, at compile time for
// constant weights): no transpose runs.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Import/Idioms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;

namespace autoconfig {
namespace {

/// The map from a pure transpose's output indices to its input's: `op` has
/// one input and one output, parallel loops only, and a body that yields the
/// input element unchanged.
std::optional<AffineMap> pureTransposeMap(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      linalgOp.getNumDpsInputs() != 1 || linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getNumParallelLoops() != linalgOp.getNumLoops())
    return std::nullopt;
  Block *body = linalgOp.getBlock();
  if (!body || body->getOperations().size() != 1 ||
      body->getTerminator()->getNumOperands() != 1 ||
      body->getTerminator()->getOperand(0) != body->getArgument(0))
    return std::nullopt;
  AffineMap in =
      linalgOp.getMatchingIndexingMap(linalgOp.getDpsInputOperand(0));
  AffineMap out =
      linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0));
  if (!in.isPermutation() || !out.isPermutation())
    return std::nullopt;
  return in.compose(inversePermutation(out));
}

/// Whether `map` (loops: [batch], m, n, k) reads a 2-D operand at (row, col)
/// or (col, row) after the batch dimension, as the GEMM extraction accepts.
bool isMatrixAccess(AffineMap map, unsigned leading, unsigned row,
                    unsigned col) {
  if (map.getNumResults() != leading + 2)
    return false;
  for (AffineExpr result : map.getResults())
    if (!isa<AffineDimExpr>(result))
      return false;
  for (unsigned i = 0; i < leading; ++i)
    if (map.getDimPosition(i) != i)
      return false;
  unsigned a = map.getDimPosition(leading), b = map.getDimPosition(leading + 1);
  return (a == leading + row && b == leading + col) ||
         (a == leading + col && b == leading + row);
}

/// Replaces `op` by the same named contraction on `inputs` with `maps`.
template <typename NamedOp>
void replaceWithNamed(PatternRewriter &rewriter, Operation *op,
                      ValueRange inputs, ValueRange outputs,
                      ArrayRef<AffineMap> maps) {
  SmallVector<NamedAttribute> attrs;
  for (NamedAttribute attr : op->getDiscardableAttrs())
    attrs.push_back(attr);
  SmallVector<Attribute> mapAttrs;
  for (AffineMap map : maps)
    mapAttrs.push_back(AffineMapAttr::get(map));
  attrs.push_back(
      rewriter.getNamedAttr("indexing_maps", rewriter.getArrayAttr(mapAttrs)));
  auto named =
      NamedOp::create(rewriter, op->getLoc(), TypeRange(outputs.getTypes()),
                      inputs, outputs, attrs);
  rewriter.replaceOp(op, named->getResults());
}

/// A transpose feeding an operand of a matmul or batch matmul becomes the
/// operand's indexing map.
template <typename NamedOp>
struct FoldTransposeIntoContraction : public OpRewritePattern<NamedOp> {
  using OpRewritePattern<NamedOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(NamedOp op,
                                PatternRewriter &rewriter) const override {
    auto linalgOp = cast<linalg::LinalgOp>(op.getOperation());
    if (!linalgOp.hasPureTensorSemantics() || linalgOp.getNumDpsInputs() != 2)
      return failure();
    unsigned leading = std::is_same_v<NamedOp, linalg::BatchMatmulOp> ? 1 : 0;
    SmallVector<AffineMap> maps = linalgOp.getIndexingMapsArray();
    SmallVector<Value> inputs = linalgOp.getDpsInputs();
    bool changed = false;
    for (unsigned i = 0; i < 2; ++i) {
      std::optional<AffineMap> transpose =
          pureTransposeMap(inputs[i].getDefiningOp());
      if (!transpose)
        continue;
      AffineMap folded = transpose->compose(maps[i]);
      // A reads (m, k), B reads (k, n): loop dims m=0, n=1, k=2 after batch.
      bool supported = i == 0 ? isMatrixAccess(folded, leading, 0, 2)
                              : isMatrixAccess(folded, leading, 2, 1);
      if (!supported)
        continue;
      maps[i] = folded;
      inputs[i] = cast<linalg::LinalgOp>(inputs[i].getDefiningOp())
                      .getDpsInputOperand(0)
                      ->get();
      changed = true;
    }
    if (!changed)
      return rewriter.notifyMatchFailure(op, "no transposed operand");
    replaceWithNamed<NamedOp>(rewriter, op, inputs, linalgOp.getDpsInits(),
                              maps);
    return success();
  }
};

/// `value` reshaped to `resultShape`, which only adds unit dimensions (a
/// vector operand of a matrix-vector product becomes a matrix).
Value expandWithUnitDims(PatternRewriter &rewriter, Location loc, Value value,
                         ArrayRef<int64_t> resultShape) {
  auto type = cast<RankedTensorType>(value.getType());
  auto resultType = RankedTensorType::get(resultShape, type.getElementType());
  std::optional<SmallVector<ReassociationIndices>> reassociation =
      getReassociationIndicesForReshape(type, resultType);
  if (!reassociation)
    return {};
  return tensor::ExpandShapeOp::create(rewriter, loc, resultType, value,
                                       *reassociation);
}

/// A linalg.generic that multiplies and accumulates over one reduction
/// dimension, with at most one batch, one row and one column dimension,
/// becomes a named matmul or batch matmul.
struct GenericToNamedContraction : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
      return rewriter.notifyMatchFailure(op, "not a contraction");
    for (Value v : op->getOperands())
      if (!getElementTypeOrSelf(v.getType()).isF32() ||
          !cast<RankedTensorType>(v.getType()).hasStaticShape())
        return rewriter.notifyMatchFailure(op, "not static f32");
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims) || dims->k.size() != 1 || dims->batch.size() > 1 ||
        dims->m.size() > 1 || dims->n.size() > 1 ||
        (dims->m.empty() && dims->n.empty()))
      return rewriter.notifyMatchFailure(op, "not a (batch) matmul or matvec");
    std::optional<unsigned> batch =
        dims->batch.empty() ? std::nullopt
                            : std::optional<unsigned>(dims->batch[0]);
    std::optional<unsigned> m =
        dims->m.empty() ? std::nullopt : std::optional<unsigned>(dims->m[0]);
    std::optional<unsigned> n =
        dims->n.empty() ? std::nullopt : std::optional<unsigned>(dims->n[0]);
    unsigned k = dims->k[0];
    // inferContractionDims names the dims by operand order (m: the first
    // input's); the output's order is what decides which is the row.
    AffineMap outputMap = op.getIndexingMapsArray()[2];
    if (m && n && outputMap.getNumResults() >= 2) {
      unsigned first = outputMap.getNumResults() - 2;
      if (auto dim = dyn_cast<AffineDimExpr>(outputMap.getResult(first));
          dim && dim.getPosition() == *n)
        std::swap(m, n);
    }

    // Which input plays A (reads m or no n) and which B.
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    auto uses = [](AffineMap map, std::optional<unsigned> d) {
      return d && map.isFunctionOfDim(*d);
    };
    unsigned aIndex = uses(maps[0], n) || uses(maps[1], m) ? 1 : 0;
    unsigned bIndex = 1 - aIndex;
    if (uses(maps[aIndex], n) || uses(maps[bIndex], m))
      return rewriter.notifyMatchFailure(op, "operands mix rows and columns");

    // Each operand as a matrix: the position of each loop dim among the
    // results of the operand's map (a missing m or n is a unit dimension).
    Location loc = op.getLoc();
    unsigned leading = batch ? 1 : 0;
    MLIRContext *ctx = op.getContext();
    AffineExpr dBatch = getAffineDimExpr(0, ctx);
    AffineExpr dm = getAffineDimExpr(leading, ctx);
    AffineExpr dn = getAffineDimExpr(leading + 1, ctx);
    AffineExpr dk = getAffineDimExpr(leading + 2, ctx);
    unsigned loops = leading + 3;
    // Translates an operand's map to the named op's loops, inserting the
    // unit dimension of a vector operand; returns the expanded shape too.
    auto translate =
        [&](Value operand, AffineMap map, std::optional<unsigned> unitDim,
            AffineExpr unitExpr, bool unitFirst,
            SmallVector<int64_t> &shape) -> std::optional<AffineMap> {
      auto type = cast<RankedTensorType>(operand.getType());
      SmallVector<AffineExpr> results;
      shape.clear();
      bool sawUnitSlot = false;
      for (unsigned r = 0; r < map.getNumResults(); ++r) {
        auto dimExpr = dyn_cast<AffineDimExpr>(map.getResult(r));
        if (!dimExpr)
          return std::nullopt;
        unsigned d = dimExpr.getPosition();
        AffineExpr e;
        if (batch && d == *batch)
          e = dBatch;
        else if (m && d == *m)
          e = dm;
        else if (n && d == *n)
          e = dn;
        else if (d == k)
          e = dk;
        else
          return std::nullopt;
        // A vector operand (no m or n): the unit dimension goes before or
        // after k, so that the matrix is (1, k) for A or (k, 1) for B.
        if (!unitDim && !sawUnitSlot && e == dk && unitFirst) {
          results.push_back(unitExpr);
          shape.push_back(1);
          sawUnitSlot = true;
        }
        results.push_back(e);
        shape.push_back(type.getDimSize(r));
        if (!unitDim && !sawUnitSlot && e == dk && !unitFirst) {
          results.push_back(unitExpr);
          shape.push_back(1);
          sawUnitSlot = true;
        }
      }
      return AffineMap::get(loops, 0, results, ctx);
    };
    SmallVector<int64_t> aShape, bShape, cShape;
    std::optional<AffineMap> aMap =
        translate(op.getDpsInputs()[aIndex], maps[aIndex], m, dm,
                  /*unitFirst=*/true, aShape);
    std::optional<AffineMap> bMap =
        translate(op.getDpsInputs()[bIndex], maps[bIndex], n, dn,
                  /*unitFirst=*/false, bShape);
    if (!aMap || !bMap)
      return rewriter.notifyMatchFailure(op, "unsupported operand map");
    // The output must be (batch, m, n) in that order.
    AffineMap outMap = maps[2];
    SmallVector<unsigned> expected;
    if (batch)
      expected.push_back(*batch);
    if (m)
      expected.push_back(*m);
    if (n)
      expected.push_back(*n);
    if (outMap.getNumResults() != expected.size())
      return rewriter.notifyMatchFailure(op, "output is not (batch, m, n)");
    for (auto [r, d] : llvm::enumerate(expected))
      if (!isa<AffineDimExpr>(outMap.getResult(r)) ||
          outMap.getDimPosition(r) != d)
        return rewriter.notifyMatchFailure(op, "output is not (batch, m, n)");
    // The output as a matrix: a unit m or n inserted.
    auto outType = cast<RankedTensorType>(op.getDpsInits()[0].getType());
    unsigned r = 0;
    if (batch)
      cShape.push_back(outType.getDimSize(r++));
    cShape.push_back(m ? outType.getDimSize(r++) : 1);
    cShape.push_back(n ? outType.getDimSize(r++) : 1);
    AffineMap cMap = AffineMap::get(loops, 0,
                                    batch ? ArrayRef<AffineExpr>{dBatch, dm, dn}
                                          : ArrayRef<AffineExpr>{dm, dn},
                                    ctx);
    if (!isMatrixAccess(*aMap, leading, 0, 2) ||
        !isMatrixAccess(*bMap, leading, 2, 1))
      return rewriter.notifyMatchFailure(op, "operand layout not supported");

    Value a = op.getDpsInputs()[aIndex], b = op.getDpsInputs()[bIndex];
    Value c = op.getDpsInits()[0];
    if (!m) {
      a = expandWithUnitDims(rewriter, loc, a, aShape);
      c = expandWithUnitDims(rewriter, loc, c, cShape);
    }
    if (!n) {
      b = expandWithUnitDims(rewriter, loc, b, bShape);
      c = expandWithUnitDims(rewriter, loc, c, cShape);
    }
    if (!a || !b || !c)
      return rewriter.notifyMatchFailure(op, "cannot reshape a vector");
    SmallVector<AffineMap> namedMaps = {*aMap, *bMap, cMap};
    SmallVector<NamedAttribute> attrs;
    SmallVector<Attribute> mapAttrs;
    for (AffineMap map : namedMaps)
      mapAttrs.push_back(AffineMapAttr::get(map));
    attrs.push_back(rewriter.getNamedAttr("indexing_maps",
                                          rewriter.getArrayAttr(mapAttrs)));
    Operation *named;
    if (batch)
      named =
          linalg::BatchMatmulOp::create(rewriter, loc, TypeRange{c.getType()},
                                        ValueRange{a, b}, ValueRange{c}, attrs);
    else
      named = linalg::MatmulOp::create(rewriter, loc, TypeRange{c.getType()},
                                       ValueRange{a, b}, ValueRange{c}, attrs);
    Value result = named->getResult(0);
    if (result.getType() != outType) {
      std::optional<SmallVector<ReassociationIndices>> reassociation =
          getReassociationIndicesForReshape(
              cast<RankedTensorType>(result.getType()), outType);
      if (!reassociation)
        return failure();
      result = tensor::CollapseShapeOp::create(rewriter, loc, outType, result,
                                               *reassociation);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateContractionGenericPatterns(RewritePatternSet &patterns) {
  patterns.add<GenericToNamedContraction>(patterns.getContext());
}

void populateTransposeFoldingPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldTransposeIntoContraction<linalg::MatmulOp>,
               FoldTransposeIntoContraction<linalg::BatchMatmulOp>>(
      patterns.getContext());
}

} // namespace autoconfig
