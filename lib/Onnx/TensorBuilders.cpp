//===- TensorBuilders.cpp - Building linalg/tensor IR for converters ------===//

#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;

namespace autoconfig {

Type elementType(Value tensor) {
  return cast<ShapedType>(tensor.getType()).getElementType();
}

Value floatConstant(OpBuilder &b, Location loc, Type element, double value) {
  return arith::ConstantOp::create(b, loc, FloatAttr::get(element, value));
}

ArrayRef<int64_t> shapeOf(Value tensor) {
  return cast<ShapedType>(tensor.getType()).getShape();
}

SmallVector<OpFoldResult> sizesOf(OpBuilder &b, Location loc, Value tensor) {
  return tensor::getMixedSizes(b, loc, tensor);
}

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type element) {
  return tensor::EmptyOp::create(b, loc, sizes, element);
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Type element, double value) {
  Value init = emptyTensor(b, loc, sizes, element);
  return linalg::FillOp::create(b, loc, floatConstant(b, loc, element, value),
                                init)
      .getResult(0);
}

FailureOr<std::array<Value, 2>> sameTypeOperands(NodeContext &ctx) {
  FailureOr<std::array<Value, 2>> operands = ctx.tensors<2>();
  if (failed(operands))
    return failure();
  if (elementType((*operands)[0]) != elementType((*operands)[1])) {
    (void)ctx.invalid("operands have different element types");
    return failure();
  }
  return operands;
}

FailureOr<SmallVector<int64_t>>
broadcastShapes(NodeContext &ctx, ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> s : shapes)
    rank = std::max(rank, s.size());
  SmallVector<int64_t> result(rank, 1);
  for (size_t k = 0; k < rank; ++k) {
    bool dynamic = false;
    int64_t size = 1;
    for (ArrayRef<int64_t> s : shapes) {
      if (k + s.size() < rank)
        continue;
      int64_t d = s[k + s.size() - rank];
      if (ShapedType::isDynamic(d)) {
        dynamic = true;
        continue;
      }
      if (d == 1)
        continue;
      if (size != 1 && size != d) {
        std::string text;
        for (ArrayRef<int64_t> t : shapes)
          text += (text.empty() ? "" : " and ") + onnxShapeString(t);
        (void)ctx.invalid("shapes " + text + " do not broadcast");
        return failure();
      }
      size = d;
    }
    result[k] = size == 1 && dynamic ? ShapedType::kDynamic : size;
  }
  return result;
}

FailureOr<Value> elementwise(NodeContext &ctx, ValueRange operands,
                             Type resultElement, ScalarBody body) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : operands)
    shapes.push_back(shapeOf(v));
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(ctx, shapes);
  if (failed(shape) || failed(checkResultSize(ctx, *shape)))
    return failure();
  int64_t rank = shape->size();
  SmallVector<OpFoldResult> sizes;
  for (int64_t k = 0; k < rank; ++k) {
    if (!ShapedType::isDynamic((*shape)[k])) {
      sizes.push_back(b.getIndexAttr((*shape)[k]));
      continue;
    }
    for (Value v : operands) {
      int64_t r = shapeOf(v).size();
      if (k + r >= rank && ShapedType::isDynamic(shapeOf(v)[k + r - rank])) {
        sizes.push_back(
            tensor::DimOp::create(b, loc, v, k + r - rank).getResult());
        break;
      }
    }
  }
  // A stretched operand dim (static 1 against a larger result dim) is
  // dropped from the operand, so that every map is a projected permutation
  // (what elementwise fusion and the epilogue fusion of kernels expect).
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (Value v : operands) {
    ArrayRef<int64_t> s = shapeOf(v);
    int64_t r = s.size();
    SmallVector<AffineExpr> exprs;
    SmallVector<int64_t> stretched;
    for (int64_t j = 0; j < r; ++j) {
      int64_t k = j + rank - r;
      if (s[j] == 1 && (*shape)[k] != 1)
        stretched.push_back(j);
      else
        exprs.push_back(b.getAffineDimExpr(k));
    }
    inputs.push_back(dropUnitDims(b, loc, v, stretched));
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  return buildGeneric(b, loc, inputs, maps, sizes, resultElement, body);
}

Value buildGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                   ArrayRef<AffineMap> inputMaps, ArrayRef<OpFoldResult> sizes,
                   Type resultElement, ScalarBody body) {
  int64_t rank = sizes.size();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = emptyTensor(b, loc, sizes, resultElement);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location l, ValueRange args) {
        Value result = body(nested, l, args.drop_back());
        linalg::YieldOp::create(nested, l, result);
      });
  return generic.getResult(0);
}

Value reduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
             bool keepDims, double init, Combine combine) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> inSizes = sizesOf(b, loc, input);
  SmallVector<OpFoldResult> outSizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(axes, d)) {
      iterators.push_back(utils::IteratorType::reduction);
      continue;
    }
    iterators.push_back(utils::IteratorType::parallel);
    outSizes.push_back(inSizes[d]);
    outExprs.push_back(b.getAffineDimExpr(d));
  }
  Value acc = filledTensor(b, loc, outSizes, type.getElementType(), init);
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, outExprs, b.getContext())};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{acc.getType()}, ValueRange{input}, ValueRange{acc},
      maps, iterators, [&](OpBuilder &nested, Location l, ValueRange args) {
        linalg::YieldOp::create(nested, l,
                                combine(nested, l, args[1], args[0]));
      });
  Value result = generic.getResult(0);
  if (!keepDims)
    return result;
  return insertUnitDims(b, loc, result, axes);
}

/// Groups of the dims of the larger shape, each holding exactly one dim of
/// the smaller shape (the positions not in `units`) and the unit dims next
/// to it.
static SmallVector<ReassociationIndices>
unitDimGroups(int64_t largeRank, ArrayRef<int64_t> units) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices current;
  for (int64_t k = 0; k < largeRank; ++k) {
    current.push_back(k);
    if (!llvm::is_contained(units, k)) {
      groups.push_back(current);
      current.clear();
    }
  }
  if (!current.empty() && !groups.empty())
    groups.back().append(current.begin(), current.end());
  return groups;
}

Value insertUnitDims(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> positions) {
  if (positions.empty())
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank() + positions.size();
  SmallVector<OpFoldResult> inSizes = sizesOf(b, loc, input);
  SmallVector<OpFoldResult> outSizes;
  SmallVector<int64_t> shape;
  unsigned next = 0;
  for (int64_t k = 0; k < rank; ++k) {
    if (llvm::is_contained(positions, k)) {
      outSizes.push_back(b.getIndexAttr(1));
      shape.push_back(1);
      continue;
    }
    outSizes.push_back(inSizes[next]);
    shape.push_back(type.getDimSize(next));
    ++next;
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return tensor::ExpandShapeOp::create(
      b, loc, resultType, input, unitDimGroups(rank, positions), outSizes);
}

Value dropUnitDims(OpBuilder &b, Location loc, Value input,
                   ArrayRef<int64_t> axes) {
  if (axes.empty())
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t k = 0; k < type.getRank(); ++k)
    if (!llvm::is_contained(axes, k))
      shape.push_back(type.getDimSize(k));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return tensor::CollapseShapeOp::create(b, loc, resultType, input,
                                         unitDimGroups(type.getRank(), axes));
}

Value reshapeStatic(OpBuilder &b, Location loc, Value input,
                    ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getShape() == shape)
    return input;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  if (type.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, resultType, input,
                                         ArrayRef<ReassociationIndices>{});
  if (shape.empty())
    return tensor::CollapseShapeOp::create(b, loc, resultType, input,
                                           ArrayRef<ReassociationIndices>{});
  if (std::optional<SmallVector<ReassociationIndices>> groups =
          getReassociationIndicesForReshape(type, resultType)) {
    if (type.getRank() > resultType.getRank())
      return tensor::CollapseShapeOp::create(b, loc, resultType, input,
                                             *groups);
    return tensor::ExpandShapeOp::create(b, loc, resultType, input, *groups);
  }
  Value flat = collapseDims(b, loc, input, 0, type.getRank() - 1);
  ReassociationIndices all;
  for (size_t k = 0; k < shape.size(); ++k)
    all.push_back(k);
  return tensor::ExpandShapeOp::create(b, loc, resultType, flat,
                                       ArrayRef<ReassociationIndices>{all});
}

Value collapseDims(OpBuilder &b, Location loc, Value input, int64_t first,
                   int64_t last) {
  auto type = cast<RankedTensorType>(input.getType());
  if (first == last)
    return input;
  SmallVector<ReassociationIndices> groups;
  SmallVector<int64_t> shape;
  for (int64_t k = 0; k < type.getRank(); ++k) {
    if (k > first && k <= last) {
      groups.back().push_back(k);
      int64_t d = type.getDimSize(k);
      int64_t &merged = shape.back();
      merged = ShapedType::isDynamic(merged) || ShapedType::isDynamic(d)
                   ? ShapedType::kDynamic
                   : merged * d;
      continue;
    }
    groups.push_back({k});
    shape.push_back(type.getDimSize(k));
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return tensor::CollapseShapeOp::create(b, loc, resultType, input, groups);
}

Value transpose(OpBuilder &b, Location loc, Value input,
                ArrayRef<int64_t> permutation) {
  if (llvm::equal(permutation, llvm::seq<int64_t>(0, permutation.size())))
    return input;
  SmallVector<OpFoldResult> in = sizesOf(b, loc, input), out;
  for (int64_t p : permutation)
    out.push_back(in[p]);
  Value init = emptyTensor(b, loc, out, elementType(input));
  return linalg::TransposeOp::create(b, loc, input, init, permutation)
      ->getResult(0);
}

Value padWith(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> low,
              ArrayRef<int64_t> high, Value value) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t k = 0; k < type.getRank(); ++k) {
    int64_t d = type.getDimSize(k);
    shape.push_back(ShapedType::isDynamic(d) ? d : d + low[k] + high[k]);
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<OpFoldResult> lo, hi;
  for (int64_t k = 0; k < type.getRank(); ++k) {
    lo.push_back(b.getIndexAttr(low[k]));
    hi.push_back(b.getIndexAttr(high[k]));
  }
  return tensor::PadOp::create(b, loc, resultType, input, lo, hi, value);
}

Value broadcastTo(OpBuilder &b, Location loc, Value input,
                  ArrayRef<OpFoldResult> sizes) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = sizes.size();
  // A symbolic dim the broadcast makes static (numpy's rules say it must
  // be that size): the type says so too.
  SmallVector<int64_t> refined(type.getShape());
  for (int64_t k = 0; k < rank; ++k)
    if (std::optional<int64_t> target = getConstantIntValue(sizes[k]);
        target && ShapedType::isDynamic(refined[k]))
      refined[k] = *target;
  if (ArrayRef<int64_t>(refined) != type.getShape()) {
    type = RankedTensorType::get(refined, type.getElementType());
    input = tensor::CastOp::create(b, loc, type, input);
  }
  bool same = true;
  SmallVector<AffineExpr> exprs;
  for (int64_t k = 0; k < rank; ++k) {
    std::optional<int64_t> target = getConstantIntValue(sizes[k]);
    bool stretch = type.getDimSize(k) == 1 && target != 1;
    same &= !stretch;
    exprs.push_back(stretch ? b.getAffineConstantExpr(0)
                            : b.getAffineDimExpr(k));
  }
  if (same)
    return input;
  Value init = emptyTensor(b, loc, sizes, type.getElementType());
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, exprs, b.getContext()),
                                 b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{input},
             ValueRange{init}, maps, iterators,
             [](OpBuilder &nested, Location l, ValueRange args) {
               linalg::YieldOp::create(nested, l, args[0]);
             })
      .getResult(0);
}

FailureOr<int64_t> normalizeAxis(NodeContext &ctx, int64_t axis, int64_t rank,
                                 StringRef what) {
  if (axis < -rank || axis >= rank) {
    (void)ctx.invalid(what + " " + Twine(axis) + " is out of range for rank " +
                      Twine(rank));
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeContext &ctx, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) {
      (void)ctx.invalid("axis " + Twine(a) + " is out of range for rank " +
                        Twine(rank));
      return failure();
    }
    int64_t n = a < 0 ? a + rank : a;
    if (llvm::is_contained(result, n)) {
      (void)ctx.invalid("axis " + Twine(a) + " is repeated");
      return failure();
    }
    result.push_back(n);
  }
  llvm::sort(result);
  return result;
}

FailureOr<int64_t> countOver(NodeContext &ctx, Value tensor,
                             ArrayRef<int64_t> axes) {
  int64_t count = 1;
  for (int64_t a : axes) {
    int64_t d = shapeOf(tensor)[a];
    if (ShapedType::isDynamic(d)) {
      (void)ctx.unsupported(ctx.node.op_type() + " over a symbolic dimension");
      return failure();
    }
    count *= d;
  }
  return count;
}

LogicalResult checkSpatialInput(NodeContext &ctx, ArrayRef<int64_t> shape) {
  if (shape.size() >= 3)
    return success();
  return ctx.invalid("input must be [N, C, spatial...], got " +
                     onnxShapeString(shape));
}

LogicalResult checkResultSize(NodeContext &ctx, ArrayRef<int64_t> shape) {
  if (shape.size() > kMaxOnnxRank)
    return ctx.unsupported("rank above " + Twine(kMaxOnnxRank),
                           "result of rank " + Twine(shape.size()));
  int64_t n = 1;
  for (int64_t d : shape) {
    if (ShapedType::isDynamic(d))
      continue;
    if (d == 0)
      return ctx.unsupported("zero-size tensor",
                             "result shape " + onnxShapeString(shape) +
                                 " has a zero-size dimension");
    if (d < 0 || n > kMaxOnnxTensorElements / d)
      return ctx.unsupported("tensor larger than 2^31-1 elements",
                             "result shape " + onnxShapeString(shape) +
                                 " is too large");
    n *= d;
  }
  return success();
}

} // namespace autoconfig
