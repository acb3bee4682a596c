//===- GemmExtraction.cpp - Matmul workloads from linalg ops --------------===//

#include "autoconfig/Workload/Extraction.h"
#include "autoconfig/Workload/ExtractionUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <tuple>

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

  if (failed(checkOperandTypes(raw, {a, b}, {"A", "B"}, c, "C", w.element,
                               /*allowDynamic=*/true)))
    return failure();
  // i8 is read as signed (the matmul's default cast, arith.extsi): an
  // unsigned one would take other products.
  if (auto castFn = raw->getAttrOfType<linalg::TypeFnAttr>("cast");
      castFn && castFn.getValue() == linalg::TypeFn::cast_unsigned &&
      w.element == ElementKind::I8)
    return raw->emitError("autoconfig: unsigned i8 (cast_unsigned) is not "
                          "supported; i8 inputs are signed");
  auto aType = cast<ShapedType>(a.getType());
  auto bType = cast<ShapedType>(b.getType());
  auto cType = cast<ShapedType>(c.getType());
  if (aType.getRank() != leading + 2 || bType.getRank() != leading + 2 ||
      cType.getRank() != leading + 2)
    return raw->emitError("autoconfig: matmul operands must have rank ")
           << leading + 2;
  auto mismatch = [&] {
    return raw->emitError(llvm::formatv(
        "autoconfig: mismatched matmul operand shapes: A {0}, B {1}, C {2}",
        shapeText(aType), shapeText(bType), shapeText(cType)));
  };
  // Each size from the operands that have it static (they must agree); a
  // size no operand has static is dynamic.
  auto sizeOf = [&](std::initializer_list<std::pair<ShapedType, unsigned>> at,
                    int64_t &size) -> LogicalResult {
    size = ShapedType::kDynamic;
    for (auto [type, dim] : at) {
      int64_t d = type.getDimSize(dim);
      if (ShapedType::isDynamic(d))
        continue;
      if (!ShapedType::isDynamic(size) && size != d)
        return failure();
      size = d;
    }
    return success();
  };
  unsigned aRow = leading + (w.transA ? 1 : 0),
           aCol = leading + (w.transA ? 0 : 1);
  unsigned bRow = leading + (w.transB ? 1 : 0),
           bCol = leading + (w.transB ? 0 : 1);
  if (failed(sizeOf({{cType, leading}, {aType, aRow}}, w.m)) ||
      failed(sizeOf({{cType, leading + 1}, {bType, bCol}}, w.n)) ||
      failed(sizeOf({{aType, aCol}, {bType, bRow}}, w.k)))
    return mismatch();
  if (batched) {
    for (ShapedType type : {aType, bType, cType})
      if (ShapedType::isDynamic(type.getDimSize(0)))
        return raw->emitError("autoconfig: a dynamic batch size is not "
                              "supported (A ")
               << shapeText(aType) << ", B " << shapeText(bType) << ", C "
               << shapeText(cType) << ")";
    w.batch = cType.getDimSize(0);
    if (aType.getDimSize(0) != w.batch || bType.getDimSize(0) != w.batch)
      return mismatch();
  }

  // Dynamic sizes: their ranges, and the likely sizes the model decides for.
  SmallVector<StringRef> dynamicNames;
  SmallVector<int64_t *> dynamicSizes;
  SmallVector<std::optional<SizeRange> *> dynamicRanges;
  for (auto [name, size, range] : {std::tuple{StringRef("M"), &w.m, &w.mRange},
                                   std::tuple{StringRef("N"), &w.n, &w.nRange},
                                   std::tuple{StringRef("K"), &w.k, &w.kRange}})
    if (ShapedType::isDynamic(*size)) {
      dynamicNames.push_back(name);
      dynamicSizes.push_back(size);
      dynamicRanges.push_back(range);
    }
  if (!dynamicNames.empty() && batched)
    return raw->emitError("autoconfig: dynamic sizes in linalg.batch_matmul "
                          "are not supported (only in linalg.matmul)");
  if (dynamicNames.empty() && raw->hasAttr("autoconfig.sizes"))
    return raw->emitError("autoconfig: 'autoconfig.sizes' on a matmul with "
                          "static sizes");
  SmallVector<SizeRange> ranges;
  SmallVector<int64_t> likely;
  if (failed(readSizeRanges(raw, dynamicNames, ranges, likely)))
    return failure();
  for (size_t i = 0; i < dynamicNames.size(); ++i) {
    *dynamicSizes[i] = likely[i];
    *dynamicRanges[i] = ranges[i];
  }
  if (w.isDynamic()) {
    auto maxOf = [](int64_t size, const std::optional<SizeRange> &range) {
      return range ? range->max : size;
    };
    int64_t m = maxOf(w.m, w.mRange), n = maxOf(w.n, w.nRange),
            k = maxOf(w.k, w.kRange);
    for (auto [name, rows, cols] :
         {std::tuple{"A", m, k}, std::tuple{"B", k, n},
          std::tuple{"C", m, n}}) {
      int64_t elements;
      if (llvm::MulOverflow(rows, cols, elements) ||
          elements > kMaxOperandElements)
        return raw->emitError(llvm::formatv(
            "autoconfig: operand {0} may reach {1}x{2} elements within the "
            "declared size ranges, more than the supported 2^31-1",
            name, rows, cols));
    }
  }

  w.setDenseStrides();
  auto rowPitch = [&](Value v, int64_t dense, int64_t &out) -> LogicalResult {
    out = dense;
    auto memref = dyn_cast<MemRefType>(v.getType());
    if (!memref)
      return success();
    // A dense memref of dynamic sizes has a dynamic row pitch: the likely
    // size's dense pitch is what the model costs.
    if (memref.getLayout().isIdentity())
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

SmallVector<StringRef> dynamicGemmSizes(Operation *op) {
  auto matmul = dyn_cast<linalg::MatmulOp>(op);
  if (!matmul || op->getNumOperands() != 3)
    return {};
  auto maps = matmul.getIndexingMapsArray();
  int aKind = matchAccess(maps[0], 0, 0, 2);
  int bKind = matchAccess(maps[1], 0, 2, 1);
  auto a = dyn_cast<ShapedType>(op->getOperand(0).getType());
  auto b = dyn_cast<ShapedType>(op->getOperand(1).getType());
  auto c = dyn_cast<ShapedType>(op->getOperand(2).getType());
  if (aKind < 0 || bKind < 0 || !a || !b || !c || !a.hasRank() ||
      !b.hasRank() || !c.hasRank() || a.getRank() != 2 || b.getRank() != 2 ||
      c.getRank() != 2)
    return {};
  auto dynamic = [](ShapedType x, unsigned i, ShapedType y, unsigned j) {
    return x.isDynamicDim(i) && y.isDynamicDim(j);
  };
  SmallVector<StringRef> names;
  if (dynamic(c, 0, a, aKind ? 1 : 0))
    names.push_back("M");
  if (dynamic(c, 1, b, bKind ? 0 : 1))
    names.push_back("N");
  if (dynamic(a, aKind ? 0 : 1, b, bKind ? 1 : 0))
    names.push_back("K");
  return names;
}

llvm::Expected<SizeRangeDefaults> parseSizeRanges(StringRef text) {
  SizeRangeDefaults result;
  auto bad = [&](const Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--dim-range '" + text + "': " + why);
  };
  SmallVector<StringRef> items;
  text.split(items, ',', -1, /*KeepEmpty=*/false);
  if (items.empty())
    return bad("expected NAME=MIN:MAX[:LIKELY], e.g. M=1:4096");
  for (StringRef item : items) {
    auto [name, spec] = item.trim().split('=');
    name = name.trim();
    if (name != "M" && name != "N" && name != "K")
      return bad("'" + name + "' is not a matmul size (M, N or K)");
    SmallVector<StringRef> parts;
    spec.split(parts, ':');
    SmallVector<int64_t> values;
    for (StringRef part : parts) {
      int64_t v;
      if (part.trim().getAsInteger(10, v))
        return bad("'" + part + "' is not an integer");
      values.push_back(v);
    }
    if (values.size() < 2 || values.size() > 3)
      return bad("expected MIN:MAX or MIN:MAX:LIKELY for " + name);
    SizeRange range{values[0], values[1]};
    if (range.min < 1 || range.max < range.min ||
        range.max > kMaxOperandElements)
      return bad(llvm::formatv("invalid range {0}:{1} of {2} (need 1 <= min "
                               "<= max <= {3})",
                               range.min, range.max, name, kMaxOperandElements)
                     .str());
    int64_t likely = values.size() == 3 ? values[2] : 0;
    if (values.size() == 3 && !range.contains(likely))
      return bad(llvm::formatv("the likely size {0} of {1} is outside its "
                               "range",
                               likely, name)
                     .str());
    for (auto &[known, r, l] : result)
      if (known == name)
        return bad(name + " is given twice");
    result.emplace_back(name.str(), range, likely);
  }
  return result;
}

void applySizeRangeDefaults(Operation *root,
                            const SizeRangeDefaults &defaults) {
  root->walk([&](linalg::MatmulOp matmul) {
    Operation *op = matmul.getOperation();
    SmallVector<StringRef> dynamic = dynamicGemmSizes(op);
    if (dynamic.empty())
      return;
    auto existing = op->getAttrOfType<DictionaryAttr>("autoconfig.sizes");
    if (!existing && op->hasAttr("autoconfig.sizes"))
      return; // malformed: extraction reports it
    Builder b(op->getContext());
    SmallVector<NamedAttribute> entries;
    if (existing)
      entries.assign(existing.begin(), existing.end());
    for (const auto &[name, range, likely] : defaults) {
      if (!llvm::is_contained(dynamic, name) ||
          (existing && existing.get(name)))
        continue;
      SmallVector<int64_t> values = {range.min, range.max};
      if (likely)
        values.push_back(likely);
      entries.push_back(b.getNamedAttr(name, b.getDenseI64ArrayAttr(values)));
    }
    if (!entries.empty())
      op->setAttr("autoconfig.sizes", b.getDictionaryAttr(entries));
  });
}

} // namespace autoconfig
