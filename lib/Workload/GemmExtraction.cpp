//===- GemmExtraction.cpp - Matmul workloads from linalg ops --------------===//

#include "autoconfig/Workload/Extraction.h"
#include "autoconfig/Workload/ExtractionUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace autoconfig {

/// Matches `map` to the 2-D access (d[row], d[col]) or its transpose, after
/// `leading` batch dims. Returns 0 for plain, 1 for transposed, -1 otherwise.
static int matchAccess(AffineMap map, unsigned leading, unsigned row,
                       unsigned col) {
  if (map.getNumResults() != leading + 2)
    return -1;
  for (unsigned i = 0; i < leading; ++i)
    if (map.getResult(i) != getAffineDimExpr(i, map.getContext()))
      return -1;
  AffineExpr r = getAffineDimExpr(leading + row, map.getContext());
  AffineExpr c = getAffineDimExpr(leading + col, map.getContext());
  if (map.getResult(leading) == r && map.getResult(leading + 1) == c)
    return 0;
  if (map.getResult(leading) == c && map.getResult(leading + 1) == r)
    return 1;
  return -1;
}

FailureOr<GemmWorkload> extractGemm(linalg::LinalgOp op) {
  Operation *raw = op.getOperation();
  bool batched = isa<linalg::BatchMatmulOp>(raw);
  unsigned leading = batched ? 1 : 0;
  GemmWorkload w;
  w.opName = raw->getName().getStringRef().str();

  if (raw->getNumOperands() != 3 || op.getNumDpsInputs() != 2)
    return raw->emitError("autoconfig: expected two inputs and one output");
  Value a = op.getDpsInputOperand(0)->get();
  Value b = op.getDpsInputOperand(1)->get();
  Value c = op.getDpsInitOperand(0)->get();

  auto maps = op.getIndexingMapsArray();
  // Loop dims (after batch): d0 = m, d1 = n, d2 = k.
  int aKind = matchAccess(maps[0], leading, 0, 2);
  int bKind = matchAccess(maps[1], leading, 2, 1);
  int cKind = matchAccess(maps[2], leading, 0, 1);
  if (aKind < 0 || bKind < 0 || cKind != 0)
    return raw->emitError(
        "autoconfig: unsupported matmul indexing maps (supported: plain and "
        "transposed A or B, no broadcast)");
  w.transA = aKind == 1;
  w.transB = bKind == 1;

  if (failed(checkOperandTypes(raw, {a, b, c}, {"A", "B", "C"}, w.element)))
    return failure();
  auto aType = cast<ShapedType>(a.getType());
  auto bType = cast<ShapedType>(b.getType());
  auto cType = cast<ShapedType>(c.getType());
  if (aType.getRank() != leading + 2 || bType.getRank() != leading + 2 ||
      cType.getRank() != leading + 2)
    return raw->emitError("autoconfig: matmul operands must have rank ")
           << leading + 2;
  w.batch = batched ? cType.getDimSize(0) : 1;
  w.m = cType.getDimSize(leading);
  w.n = cType.getDimSize(leading + 1);
  w.k = aType.getDimSize(leading + (w.transA ? 0 : 1));
  int64_t am = aType.getDimSize(leading + (w.transA ? 1 : 0));
  int64_t bk = bType.getDimSize(leading + (w.transB ? 1 : 0));
  int64_t bn = bType.getDimSize(leading + (w.transB ? 0 : 1));
  if (am != w.m || bk != w.k || bn != w.n ||
      (batched &&
       (aType.getDimSize(0) != w.batch || bType.getDimSize(0) != w.batch)))
    return raw->emitError(llvm::formatv(
        "autoconfig: mismatched matmul operand shapes: A {0}, B {1}, C {2}",
        shapeText(aType), shapeText(bType), shapeText(cType)));

  w.setDenseStrides();
  auto rowPitch = [&](Value v, int64_t dense, int64_t &out) -> LogicalResult {
    out = dense;
    auto memref = dyn_cast<MemRefType>(v.getType());
    if (!memref)
      return success();
    auto [strides, offset] = memref.getStridesAndOffset();
    if (strides.back() != 1)
      return raw->emitError("autoconfig: operand with non-unit innermost "
                            "stride is not supported (copy it first)");
    if (ShapedType::isDynamic(strides[strides.size() - 2]))
      return raw->emitError("autoconfig: operand with dynamic strides is not "
                            "supported");
    out = strides[strides.size() - 2];
    return success();
  };
  if (failed(rowPitch(a, w.lda, w.lda)) || failed(rowPitch(b, w.ldb, w.ldb)) ||
      failed(rowPitch(c, w.ldc, w.ldc)))
    return failure();
  w.constA = isCompileTimeConstant(a);
  w.constB = isCompileTimeConstant(b);
  if (w.constA || w.constB)
    w.weightsReuseBytes = programConstantBytes(op);
  w.name = defaultWorkloadName(raw, "matmul_" + std::to_string(w.m) + "x" +
                                        std::to_string(w.n) + "x" +
                                        std::to_string(w.k));
  return w;
}

} // namespace autoconfig
