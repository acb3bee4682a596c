//===- ShapeOps.cpp - Data movement: reshape, transpose, concat, pad... ---===//
//
// Ops that move values without computing new ones. On values known at
// import time they are evaluated on the host (HostEvaluation.h), so shape
// arithmetic stays constant; at run time they become tensor ops
// (collapse/expand_shape, insert/extract_slice, pad) or linalg ops
// (transpose, and a linalg.generic reading its input through
// tensor.extract where an index is computed: Gather, reflect/edge Pad,
// Tile, reversing Slice).
//
//===----------------------------------------------------------------------===//

#include "GraphState.h"
#include "HostEvaluation.h"
#include "NodeContext.h"
#include "TensorBuilders.h"
#include "TensorDecoding.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;

namespace autoconfig {
namespace {

/// The shape of input i, static, or an unsupported error naming the op.
FailureOr<SmallVector<int64_t>> requireStaticShape(NodeContext &ctx,
                                                   unsigned i) {
  std::optional<SmallVector<int64_t>> shape = ctx.staticShape(i);
  if (!shape) {
    (void)ctx.unsupported(ctx.node.op_type() +
                          " of a tensor with symbolic dimensions");
    return failure();
  }
  return *shape;
}

/// The shape of input i (kDynamic for symbolic dims): a known value's, else
/// the runtime tensor's (failing as NodeContext::tensor() does).
FailureOr<SmallVector<int64_t>> inputShape(NodeContext &ctx, unsigned i) {
  if (const OnnxTensor *c = ctx.constant(i))
    return SmallVector<int64_t>(c->shape.begin(), c->shape.end());
  FailureOr<Value> x = ctx.tensor(i);
  if (failed(x))
    return failure();
  return SmallVector<int64_t>(shapeOf(*x));
}

/// Attribute value `axis` normalized against `rank`, the rank of input 0;
/// fails without a report of its own when input 0 is missing or reading the
/// attributes reported an error.
FailureOr<int64_t> axisOfInput(NodeContext &ctx, int64_t axis,
                               std::optional<int64_t> rank) {
  if (!rank || ctx.failed())
    return failure();
  return normalizeAxis(ctx, axis, *rank);
}

/// The shape of input 0 (as inputShape() reads it), which must be static
/// along `axis`: an unsupported `symbolic` error otherwise.
FailureOr<SmallVector<int64_t>>
inputShapeStaticAlong(NodeContext &ctx, int64_t axis, const Twine &symbolic) {
  FailureOr<SmallVector<int64_t>> shape = inputShape(ctx, 0);
  if (failed(shape))
    return failure();
  if (ShapedType::isDynamic((*shape)[axis])) {
    (void)ctx.unsupported(symbolic);
    return failure();
  }
  return shape;
}

/// Index of a linalg.generic's loop `d`.
Value loopIndex(OpBuilder &b, Location loc, int64_t d) {
  return linalg::IndexOp::create(b, loc, d);
}

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// out[i...] = input[source(i...)...]: a linalg.generic over `sizes` whose
/// body computes the source indices from the loop indices.
Value gatherGeneric(
    OpBuilder &b, Location loc, Value input, ArrayRef<OpFoldResult> sizes,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ArrayRef<Value>)>
        source) {
  return buildGeneric(
      b, loc, ValueRange(), ArrayRef<AffineMap>(), sizes, elementType(input),
      [&](OpBuilder &nb, Location l, ValueRange) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < int64_t(sizes.size()); ++d)
          indices.push_back(loopIndex(nb, l, d));
        return tensor::ExtractOp::create(nb, l, input, source(nb, l, indices))
            .getResult();
      });
}

/// The rank of input 0, or an invalid-model error when it is missing.
FailureOr<int64_t> requireInputRank(NodeContext &ctx) {
  std::optional<int64_t> rank = ctx.rank(0);
  if (!rank) {
    (void)ctx.invalid("missing input");
    return failure();
  }
  return *rank;
}

/// The opening of ops with one output that look at the rank of input 0.
FailureOr<int64_t> oneOutputInputRank(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  return requireInputRank(ctx);
}

/// The shape of a vector of `field`'s values (value_floats, value_ints).
template <typename Field> std::vector<int64_t> vectorShape(const Field &field) {
  return {int64_t(field.size())};
}

/// The values of a repeated proto field as a std::vector<T>.
template <typename T, typename Field>
std::vector<T> valuesOf(const Field &field) {
  return std::vector<T>(field.begin(), field.end());
}

LogicalResult convertConstant(NodeContext &ctx) {
  if (ctx.numInputs() != 0)
    return ctx.invalid("Constant takes no inputs");
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  const char *kinds[] = {"value",        "value_float",  "value_floats",
                         "value_int",    "value_ints",   "sparse_value",
                         "value_string", "value_strings"};
  const ::onnx::AttributeProto *found = nullptr;
  for (const char *kind : kinds) {
    if (const ::onnx::AttributeProto *a = ctx.rawAttr(kind)) {
      if (found)
        return ctx.invalid("Constant has more than one value attribute");
      found = a;
    }
  }
  if (!found)
    return ctx.invalid("Constant has no value attribute");
  StringRef kind = found->name();
  if (kind == "value") {
    if (!found->has_t())
      return ctx.invalid("attribute 'value' must be a tensor");
    llvm::Expected<OnnxTensor> t = decodeTensor(found->t(), "Constant value");
    if (!t)
      return ctx.fail(t.takeError());
    return ctx.finishConstant(std::move(*t));
  }
  if (kind == "value_float")
    return ctx.finishConstant(OnnxTensor::ofFloats({}, {found->f()}));
  if (kind == "value_floats")
    return ctx.finishConstant(OnnxTensor::ofFloats(
        vectorShape(found->floats()), valuesOf<double>(found->floats())));
  if (kind == "value_int")
    return ctx.finishConstant(OnnxTensor::ofInts({}, {found->i()}));
  if (kind == "value_ints")
    return ctx.finishConstant(OnnxTensor::ofInts(
        vectorShape(found->ints()), valuesOf<int64_t>(found->ints())));
  return ctx.unsupported("Constant " + kind.str());
}

LogicalResult convertTranspose(NodeContext &ctx) {
  FailureOr<int64_t> rank = oneOutputInputRank(ctx);
  if (failed(rank))
    return failure();
  std::optional<SmallVector<int64_t>> perm = ctx.intsAttr("perm");
  if (ctx.failed())
    return failure();
  SmallVector<int64_t> permutation;
  if (perm) {
    permutation = *perm;
  } else {
    for (int64_t k = *rank - 1; k >= 0; --k)
      permutation.push_back(k);
  }
  SmallVector<int64_t> sorted(permutation);
  llvm::sort(sorted);
  if (int64_t(permutation.size()) != *rank ||
      !llvm::equal(sorted, llvm::seq<int64_t>(0, *rank)))
    return ctx.invalid("perm " + onnxShapeString(permutation) +
                       " is not a permutation of " + Twine(*rank) + " dims");
  if (const OnnxTensor *c = ctx.constant(0))
    if (ctx.graph.hostEvaluable(c->shape))
      return ctx.finishConstant(hostTranspose(*c, permutation));
  FailureOr<Value> x = ctx.tensor(0);
  if (failed(x))
    return failure();
  return ctx.finish(transpose(ctx.b, ctx.loc, *x, permutation));
}

/// The target shape of Reshape: 0 copies the input's dim (unless
/// allowzero), one -1 is inferred. Dynamic input dims must be copied.
FailureOr<SmallVector<int64_t>> reshapeTarget(NodeContext &ctx,
                                              ArrayRef<int64_t> input,
                                              ArrayRef<int64_t> requested,
                                              bool allowZero) {
  if (requested.size() > kMaxOnnxRank) {
    (void)ctx.unsupported("rank above " + Twine(kMaxOnnxRank));
    return failure();
  }
  SmallVector<int64_t> target;
  int64_t inferred = -1, known = 1, total = 1;
  SmallVector<bool> copied(input.size(), false);
  for (auto [k, d] : llvm::enumerate(requested)) {
    if (d == -1) {
      if (inferred >= 0) {
        (void)ctx.invalid("shape " + onnxShapeString(requested) +
                          " has more than one -1");
        return failure();
      }
      inferred = k;
      target.push_back(-1);
      continue;
    }
    if (d == 0 && !allowZero) {
      if (k >= input.size()) {
        (void)ctx.invalid("shape " + onnxShapeString(requested) +
                          " copies a dim the input does not have");
        return failure();
      }
      target.push_back(input[k]);
      copied[k] = true;
      if (!ShapedType::isDynamic(input[k]))
        known *= input[k];
      continue;
    }
    if (d < 0) {
      (void)ctx.invalid("shape " + onnxShapeString(requested) +
                        " has a negative dim");
      return failure();
    }
    if (d == 0) {
      (void)ctx.unsupported("zero-size tensor",
                            "shape " + onnxShapeString(requested) +
                                " has a zero-size dimension");
      return failure();
    }
    if (d > kMaxOnnxTensorElements || known > kMaxOnnxTensorElements / d) {
      (void)ctx.invalid("shape " + onnxShapeString(requested) +
                        " is too large");
      return failure();
    }
    known *= d;
    target.push_back(d);
  }
  for (auto [k, d] : llvm::enumerate(input)) {
    if (ShapedType::isDynamic(d)) {
      if (!copied[k]) {
        (void)ctx.unsupported("Reshape of a symbolic dimension");
        return failure();
      }
      continue;
    }
    if (total > kMaxOnnxTensorElements / std::max<int64_t>(d, 1)) {
      (void)ctx.invalid("input too large");
      return failure();
    }
    total *= d;
  }
  if (inferred >= 0) {
    if (known == 0 || total % known) {
      (void)ctx.invalid("cannot infer the -1 of shape " +
                        onnxShapeString(requested) + " for input " +
                        onnxShapeString(input));
      return failure();
    }
    target[inferred] = total / known;
  } else if (known != total) {
    (void)ctx.invalid("shape " + onnxShapeString(requested) +
                      " does not have the input's " + Twine(total) +
                      " elements (input " + onnxShapeString(input) + ")");
    return failure();
  }
  return target;
}

LogicalResult convertReshape(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  FailureOr<SmallVector<int64_t>> requested =
      ctx.requiredIntsAttrOrInput("shape", 1, 5);
  if (ctx.opset < 5)
    ctx.ignoreAttr("consumed_inputs");
  if (failed(requested))
    return failure();
  bool allowZero = ctx.opset >= 14 && ctx.intAttr("allowzero", 0) != 0;
  if (ctx.failed())
    return failure();
  FailureOr<SmallVector<int64_t>> input = inputShape(ctx, 0);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> target =
      reshapeTarget(ctx, *input, *requested, allowZero);
  if (failed(target))
    return failure();
  if (const OnnxTensor *c = ctx.constant(0)) {
    OnnxTensor t = *c;
    t.shape.assign(target->begin(), target->end());
    return ctx.finishConstant(std::move(t));
  }
  Value x = *ctx.tensor(0);
  auto type = cast<RankedTensorType>(x.getType());
  if (type.hasStaticShape())
    return ctx.finish(reshapeStatic(ctx.b, ctx.loc, x, *target));
  // Symbolic dims are copied: a collapse or an expansion keeps them.
  auto resultType = RankedTensorType::get(*target, type.getElementType());
  std::optional<SmallVector<ReassociationIndices>> groups =
      getReassociationIndicesForReshape(type, resultType);
  if (!groups)
    return ctx.unsupported("Reshape of a symbolic dimension",
                           "Reshape from " + onnxShapeString(*input) + " to " +
                               onnxShapeString(*target) +
                               " is not a collapse or an expansion");
  if (type.getRank() >= resultType.getRank())
    return ctx.finish(
        tensor::CollapseShapeOp::create(ctx.b, ctx.loc, resultType, x, *groups)
            .getResult());
  SmallVector<OpFoldResult> in = sizesOf(ctx.b, ctx.loc, x), out;
  for (auto [k, d] : llvm::enumerate(*target))
    out.push_back(ShapedType::isDynamic(d)
                      ? in[llvm::find_if(*groups,
                                         [&](const ReassociationIndices &g) {
                                           return llvm::is_contained(
                                               g, int64_t(k));
                                         }) -
                           groups->begin()]
                      : OpFoldResult(ctx.b.getIndexAttr(d)));
  return ctx.finish(
      tensor::ExpandShapeOp::create(ctx.b, ctx.loc, resultType, x, *groups, out)
          .getResult());
}

LogicalResult convertFlatten(NodeContext &ctx) {
  FailureOr<int64_t> rank = oneOutputInputRank(ctx);
  if (failed(rank))
    return failure();
  int64_t axis = ctx.intAttr("axis", 1);
  if (ctx.failed())
    return failure();
  if (axis < -*rank || axis > *rank)
    return ctx.invalid("axis " + Twine(axis) + " is out of range for rank " +
                       Twine(*rank));
  if (axis < 0)
    axis += *rank;
  if (const OnnxTensor *c = ctx.constant(0)) {
    OnnxTensor t = *c;
    int64_t outer = 1;
    for (int64_t k = 0; k < axis; ++k)
      outer *= t.shape[k];
    t.shape = {outer, outer ? t.elements() / outer : 0};
    return ctx.finishConstant(std::move(t));
  }
  FailureOr<Value> x = ctx.tensor(0);
  if (failed(x))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value y = *x;
  // [d0..d(axis-1)] and [d(axis)..]: an empty side becomes a unit dim.
  if (axis == 0 || axis == *rank) {
    if (*rank > 0)
      y = collapseDims(b, loc, y, 0, *rank - 1);
    if (*rank == 0)
      y = insertUnitDims(b, loc, y, {0});
    y = insertUnitDims(b, loc, y, {axis == 0 ? 0 : 1});
  } else {
    y = collapseDims(b, loc, y, axis, *rank - 1);
    y = collapseDims(b, loc, y, 0, axis - 1);
  }
  return ctx.finish(y);
}

LogicalResult convertConcat(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  if (ctx.numInputs() == 0)
    return ctx.invalid("Concat needs inputs");
  if (!ctx.hasAttr("axis") && ctx.opset >= 4)
    return ctx.invalid("attribute axis is required");
  int64_t axisAttr = ctx.intAttr("axis", 1);
  if (ctx.failed())
    return failure();
  FailureOr<int64_t> rank = requireInputRank(ctx);
  if (failed(rank))
    return failure();
  FailureOr<int64_t> axis = normalizeAxis(ctx, axisAttr, *rank);
  if (failed(axis))
    return failure();
  // Static shapes where known, to check the parts agree.
  SmallVector<SmallVector<int64_t>> shapes;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    if (!ctx.hasInput(i))
      return ctx.invalid("Concat input " + Twine(i) + " is missing");
    if (ctx.rank(i) != *rank)
      return ctx.invalid("Concat inputs have different ranks");
    if (ctx.inputType(i) != ctx.inputType(0))
      return ctx.invalid("Concat inputs have different element types");
  }
  if (ctx.allConstant()) {
    SmallVector<const OnnxTensor *> parts;
    SmallVector<int64_t> shape(ctx.constant(0)->shape.begin(),
                               ctx.constant(0)->shape.end());
    shape[*axis] = 0;
    for (unsigned i = 0; i < ctx.numInputs(); ++i) {
      const OnnxTensor *c = ctx.constant(i);
      for (int64_t k = 0; k < *rank; ++k)
        if (k != *axis && c->shape[k] != shape[k])
          return ctx.invalid("Concat inputs differ outside the axis");
      shape[*axis] += c->shape[*axis];
      parts.push_back(c);
    }
    if (ctx.graph.hostEvaluable(shape))
      return ctx.finishConstant(hostConcat(parts, *axis));
  }
  SmallVector<Value> parts;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    // Empty parts (a zero along the axis) contribute nothing.
    if (const OnnxTensor *c = ctx.constant(i))
      if (c->elements() == 0)
        continue;
    FailureOr<Value> v = ctx.tensor(i);
    if (failed(v))
      return failure();
    parts.push_back(*v);
  }
  if (parts.empty())
    return ctx.unsupported("zero-size tensor", "every Concat input is empty");
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  SmallVector<OpFoldResult> sizes = sizesOf(b, loc, parts[0]);
  ArrayRef<int64_t> first = shapeOf(parts[0]);
  int64_t staticTotal = 0;
  bool dynamic = false;
  for (Value p : parts) {
    ArrayRef<int64_t> s = shapeOf(p);
    for (int64_t k = 0; k < *rank; ++k)
      if (k != *axis && !ShapedType::isDynamic(s[k]) &&
          !ShapedType::isDynamic(first[k]) && s[k] != first[k])
        return ctx.invalid("Concat inputs " + onnxShapeString(first) + " and " +
                           onnxShapeString(s) + " differ outside the axis");
    if (ShapedType::isDynamic(s[*axis]))
      dynamic = true;
    else
      staticTotal += s[*axis];
  }
  if (!dynamic) {
    sizes[*axis] = b.getIndexAttr(staticTotal);
  } else {
    Value total = indexConstant(b, loc, 0);
    for (Value p : parts)
      total = arith::AddIOp::create(b, loc, total,
                                    tensor::DimOp::create(b, loc, p, *axis));
    sizes[*axis] = total;
  }
  SmallVector<int64_t> resultShape(first);
  resultShape[*axis] = dynamic ? ShapedType::kDynamic : staticTotal;
  if (failed(checkResultSize(ctx, resultShape)))
    return failure();
  Value result = emptyTensor(b, loc, sizes, elementType(parts[0]));
  OpFoldResult offset = b.getIndexAttr(0);
  for (Value p : parts) {
    SmallVector<OpFoldResult> offsets(*rank, b.getIndexAttr(0));
    offsets[*axis] = offset;
    SmallVector<OpFoldResult> strides(*rank, b.getIndexAttr(1));
    SmallVector<OpFoldResult> partSizes = sizesOf(b, loc, p);
    result = tensor::InsertSliceOp::create(b, loc, p, result, offsets,
                                           partSizes, strides);
    std::optional<int64_t> o = getConstantIntValue(offset);
    std::optional<int64_t> n = getConstantIntValue(partSizes[*axis]);
    if (o && n) {
      offset = b.getIndexAttr(*o + *n);
    } else {
      Value ov = o ? indexConstant(b, loc, *o) : cast<Value>(offset);
      Value nv = n ? indexConstant(b, loc, *n) : cast<Value>(partSizes[*axis]);
      offset = arith::AddIOp::create(b, loc, ov, nv).getResult();
    }
  }
  return ctx.finish(result);
}

LogicalResult convertUnsqueeze(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  FailureOr<SmallVector<int64_t>> axes =
      ctx.requiredIntsAttrOrInput("axes", 1, 13);
  if (failed(axes))
    return failure();
  std::optional<int64_t> rank = ctx.rank(0);
  if (!rank || ctx.failed())
    return failure();
  FailureOr<SmallVector<int64_t>> positions =
      normalizeAxes(ctx, *axes, *rank + axes->size());
  if (failed(positions))
    return failure();
  if (*rank + axes->size() > kMaxOnnxRank)
    return ctx.unsupported("rank above " + Twine(kMaxOnnxRank));
  if (const OnnxTensor *c = ctx.constant(0)) {
    OnnxTensor t = *c;
    for (int64_t p : *positions)
      t.shape.insert(t.shape.begin() + p, 1);
    return ctx.finishConstant(std::move(t));
  }
  FailureOr<Value> x = ctx.tensor(0);
  if (failed(x))
    return failure();
  return ctx.finish(insertUnitDims(ctx.b, ctx.loc, *x, *positions));
}

LogicalResult convertSqueeze(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  std::optional<SmallVector<int64_t>> axes = ctx.intsAttrOrInput("axes", 1, 13);
  std::optional<int64_t> rank = ctx.rank(0);
  if (!rank || ctx.failed())
    return failure();
  FailureOr<SmallVector<int64_t>> shape = inputShape(ctx, 0);
  if (failed(shape))
    return failure();
  SmallVector<int64_t> dropped;
  if (axes) {
    FailureOr<SmallVector<int64_t>> a = normalizeAxes(ctx, *axes, *rank);
    if (failed(a))
      return failure();
    dropped = *a;
    for (int64_t k : dropped) {
      if (ShapedType::isDynamic((*shape)[k]))
        return ctx.unsupported("Squeeze of a symbolic dimension");
      if ((*shape)[k] != 1)
        return ctx.invalid("cannot squeeze dim " + Twine(k) + " of shape " +
                           onnxShapeString(*shape));
    }
  } else {
    for (int64_t k = 0; k < *rank; ++k) {
      if (ShapedType::isDynamic((*shape)[k]))
        return ctx.unsupported("Squeeze of a symbolic dimension");
      if ((*shape)[k] == 1)
        dropped.push_back(k);
    }
  }
  if (const OnnxTensor *c = ctx.constant(0)) {
    OnnxTensor t = *c;
    t.shape.clear();
    for (int64_t k = 0; k < *rank; ++k)
      if (!llvm::is_contained(dropped, k))
        t.shape.push_back((*shape)[k]);
    return ctx.finishConstant(std::move(t));
  }
  return ctx.finish(dropUnitDims(ctx.b, ctx.loc, *ctx.tensor(0), dropped));
}

LogicalResult convertGather(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  int64_t axisAttr = ctx.intAttr("axis", 0);
  std::optional<int64_t> rank = ctx.rank(0);
  FailureOr<int64_t> axis = axisOfInput(ctx, axisAttr, rank);
  if (failed(axis))
    return failure();
  if (*rank == 0)
    return ctx.invalid("Gather of a scalar");
  const OnnxTensor *indexTensor = ctx.constant(1);
  if (!indexTensor)
    return ctx.unsupported("Gather with indices computed at run time");
  FailureOr<SmallVector<int64_t>> indices = ctx.constantInts(1, "indices");
  if (failed(indices))
    return failure();
  FailureOr<SmallVector<int64_t>> data =
      inputShapeStaticAlong(ctx, *axis, "Gather along a symbolic dimension");
  if (failed(data))
    return failure();
  int64_t extent = (*data)[*axis];
  for (int64_t &i : *indices) {
    if (i < -extent || i >= extent)
      return ctx.invalid("index " + Twine(i) + " is out of range [" +
                         Twine(-extent) + ", " + Twine(extent) + ")");
    if (i < 0)
      i += extent;
  }
  SmallVector<int64_t> shape(data->begin(), data->begin() + *axis);
  shape.append(indexTensor->shape.begin(), indexTensor->shape.end());
  shape.append(data->begin() + *axis + 1, data->end());
  if (const OnnxTensor *c = ctx.constant(0))
    if (ctx.graph.hostEvaluable(shape))
      return ctx.finishConstant(
          hostGather(*c, *indices, indexTensor->shape, *axis));
  if (failed(checkResultSize(ctx, shape)))
    return failure();
  Value x = *ctx.tensor(0);
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  if (indexTensor->shape.empty()) {
    // One index: a slice, the axis dropped.
    SmallVector<OpFoldResult> offsets(*rank, b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes = sizesOf(b, loc, x);
    SmallVector<OpFoldResult> strides(*rank, b.getIndexAttr(1));
    offsets[*axis] = b.getIndexAttr((*indices)[0]);
    sizes[*axis] = b.getIndexAttr(1);
    Value slice =
        tensor::ExtractSliceOp::create(b, loc, x, offsets, sizes, strides);
    return ctx.finish(dropUnitDims(b, loc, slice, {*axis}));
  }
  // out[pre..., idx..., post...] = x[pre..., indices[idx...], post...].
  Value table = ctx.materialize(OnnxTensor::ofInts(
      indexTensor->shape,
      std::vector<int64_t>(indices->begin(), indices->end())));
  SmallVector<OpFoldResult> inSizes = sizesOf(b, loc, x), sizes;
  for (int64_t k = 0; k < *axis; ++k)
    sizes.push_back(inSizes[k]);
  for (int64_t d : indexTensor->shape)
    sizes.push_back(b.getIndexAttr(d));
  for (int64_t k = *axis + 1; k < *rank; ++k)
    sizes.push_back(inSizes[k]);
  int64_t q = indexTensor->shape.size();
  Value y = gatherGeneric(
      b, loc, x, sizes, [&](OpBuilder &nb, Location l, ArrayRef<Value> out) {
        SmallVector<Value> at(out.slice(*axis, q));
        Value i = tensor::ExtractOp::create(nb, l, table, at);
        SmallVector<Value> source(out.take_front(*axis));
        source.push_back(
            arith::IndexCastOp::create(nb, l, nb.getIndexType(), i));
        source.append(out.begin() + *axis + q, out.end());
        return source;
      });
  return ctx.finish(y);
}

LogicalResult convertPad(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  std::string mode = ctx.stringAttr("mode", "constant");
  // Pad-1 named the attribute paddings.
  FailureOr<SmallVector<int64_t>> padsOrFailure = ctx.requiredIntsAttrOrInput(
      "pads", 1, 11, ctx.opset < 2 ? "paddings" : "pads");
  if (failed(padsOrFailure))
    return failure();
  SmallVector<int64_t> pads = std::move(*padsOrFailure);
  std::optional<double> fixedValue;
  if (ctx.opset < 11)
    fixedValue = ctx.floatAttr("value", 0.0f);
  else if (ctx.hasInput(3))
    return ctx.unsupported("Pad axes");
  if (ctx.failed())
    return failure();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return ctx.unsupported("Pad mode '" + mode + "'");
  FailureOr<Value> xv = ctx.tensor(0);
  if (failed(xv))
    return failure();
  Value x = *xv;
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  int64_t rank = shapeOf(x).size();
  if (int64_t(pads.size()) != 2 * rank)
    return ctx.invalid("pads has " + Twine(pads.size()) +
                       " values for a tensor of rank " + Twine(rank));
  Type element = elementType(x);
  // Negative pads crop first.
  SmallVector<OpFoldResult> offsets, sizes, strides;
  SmallVector<int64_t> low, high, outShape;
  bool crop = false;
  for (int64_t k = 0; k < rank; ++k) {
    int64_t d = shapeOf(x)[k];
    int64_t lo = pads[k], hi = pads[k + rank];
    if (ShapedType::isDynamic(d) && (lo || hi))
      return ctx.unsupported("Pad of a symbolic dimension");
    if (std::abs(lo) > kMaxOnnxTensorElements ||
        std::abs(hi) > kMaxOnnxTensorElements)
      return ctx.invalid("pads " + onnxShapeString(pads) + " are too large");
    int64_t cropLo = std::max<int64_t>(0, -lo),
            cropHi = std::max<int64_t>(0, -hi);
    if (!ShapedType::isDynamic(d) && cropLo + cropHi >= d)
      return ctx.unsupported("zero-size tensor", "pads " +
                                                     onnxShapeString(pads) +
                                                     " crop the whole input");
    crop |= cropLo || cropHi;
    offsets.push_back(b.getIndexAttr(cropLo));
    sizes.push_back(ShapedType::isDynamic(d)
                        ? sizesOf(b, loc, x)[k]
                        : OpFoldResult(b.getIndexAttr(d - cropLo - cropHi)));
    strides.push_back(b.getIndexAttr(1));
    low.push_back(std::max<int64_t>(0, lo));
    high.push_back(std::max<int64_t>(0, hi));
    outShape.push_back(ShapedType::isDynamic(d) ? d : d + lo + hi);
  }
  if (failed(checkResultSize(ctx, outShape)))
    return failure();
  if (crop)
    x = tensor::ExtractSliceOp::create(b, loc, x, offsets, sizes, strides);
  if (mode == "constant") {
    Value value;
    if (fixedValue) {
      value = ctx.scalar(element, *fixedValue);
    } else if (!ctx.hasInput(2)) {
      value = ctx.scalar(element, 0);
    } else if (const OnnxTensor *c = ctx.constant(2)) {
      if (c->elements() != 1)
        return ctx.invalid("constant_value must be a scalar");
      value = ctx.scalar(element, c->at(0));
    } else {
      FailureOr<Value> v = ctx.tensor(2);
      if (failed(v))
        return failure();
      if (elementType(*v) != element || shapeOf(*v).size() > 1 ||
          (shapeOf(*v).size() == 1 && shapeOf(*v)[0] != 1))
        return ctx.invalid("constant_value must be a scalar of the input's "
                           "type");
      SmallVector<Value> at(shapeOf(*v).size(), indexConstant(b, loc, 0));
      value = tensor::ExtractOp::create(b, loc, *v, at);
    }
    return ctx.finish(padWith(b, loc, x, low, high, value));
  }
  // reflect / edge: out[i] = x[source(i - low)] per dim, where edge clamps
  // to [0, n) and reflect mirrors about the ends without repeating them
  // (numpy.pad), period 2 (n - 1).
  bool reflect = mode == "reflect";
  ArrayRef<int64_t> xs = shapeOf(x);
  SmallVector<OpFoldResult> outSizes;
  for (int64_t k = 0; k < rank; ++k)
    outSizes.push_back(b.getIndexAttr(xs[k] + low[k] + high[k]));
  Value y = gatherGeneric(
      b, loc, x, outSizes, [&](OpBuilder &nb, Location l, ArrayRef<Value> out) {
        SmallVector<Value> source;
        for (int64_t k = 0; k < rank; ++k) {
          if (!low[k] && !high[k]) {
            source.push_back(out[k]);
            continue;
          }
          int64_t n = xs[k];
          Value j = arith::SubIOp::create(nb, l, out[k],
                                          indexConstant(nb, l, low[k]));
          if (!reflect || n == 1) {
            j = arith::MaxSIOp::create(nb, l, j, indexConstant(nb, l, 0));
            j = arith::MinSIOp::create(nb, l, j, indexConstant(nb, l, n - 1));
            source.push_back(j);
            continue;
          }
          Value period = indexConstant(nb, l, 2 * (n - 1));
          // ((j mod p) + p) mod p, then mirror the upper half.
          Value m = arith::RemSIOp::create(nb, l, j, period);
          m = arith::AddIOp::create(nb, l, m, period);
          m = arith::RemSIOp::create(nb, l, m, period);
          Value mirrored = arith::SubIOp::create(nb, l, period, m);
          Value upper = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge,
                                              m, indexConstant(nb, l, n));
          source.push_back(arith::SelectOp::create(nb, l, upper, mirrored, m));
        }
        return source;
      });
  return ctx.finish(y);
}

LogicalResult convertShape(NodeContext &ctx) {
  FailureOr<int64_t> rank = oneOutputInputRank(ctx);
  if (failed(rank))
    return failure();
  int64_t start = ctx.intAttr("start", 0);
  int64_t end = ctx.intAttr("end", *rank);
  if (ctx.failed())
    return failure();
  FailureOr<SmallVector<int64_t>> shape = requireStaticShape(ctx, 0);
  if (failed(shape))
    return failure();
  auto clampIndex = [&](int64_t v) {
    if (v < 0)
      v += *rank;
    return std::clamp<int64_t>(v, 0, *rank);
  };
  start = clampIndex(start);
  end = clampIndex(end);
  std::vector<int64_t> dims;
  for (int64_t k = start; k < end; ++k)
    dims.push_back((*shape)[k]);
  int64_t n = dims.size();
  return ctx.finishConstant(OnnxTensor::ofInts({n}, std::move(dims)));
}

LogicalResult convertSize(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = requireStaticShape(ctx, 0);
  if (failed(shape))
    return failure();
  int64_t n = 1;
  for (int64_t d : *shape)
    n *= d;
  return ctx.finishConstant(OnnxTensor::ofInts({}, {n}));
}

LogicalResult convertCast(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  if (!ctx.hasAttr("to"))
    return ctx.invalid("attribute 'to' is required");
  int64_t to = ctx.intAttr("to", 1);
  ctx.ignoreAttr("saturate");
  if (ctx.failed())
    return failure();
  bool known = isOnnxComputeType(to) || isOnnxIntegerType(to);
  if (!known)
    return ctx.unsupported("Cast to " + onnxTypeName(to));
  if (const OnnxTensor *c = ctx.constant(0)) {
    if (!ctx.graph.hostEvaluable(c->shape))
      return ctx.unsupported("Cast of a large constant");
    return ctx.finishConstant(hostCast(*c, to));
  }
  if (!isOnnxComputeType(to))
    return ctx.unsupported("type " + onnxTypeName(to),
                           "Cast to " + onnxTypeName(to) +
                               " at run time (only float and double are "
                               "computed)");
  FailureOr<Value> x = ctx.tensor(0);
  if (failed(x))
    return failure();
  Type target = to == int64_t(OnnxDataType::Double) ? Type(ctx.b.getF64Type())
                                                    : Type(ctx.b.getF32Type());
  if (elementType(*x) == target)
    return ctx.finish(x);
  return ctx.finish(
      elementwise(ctx, {*x}, target,
                  [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                    if (target.isF64())
                      return arith::ExtFOp::create(b, l, target, args[0]);
                    return arith::TruncFOp::create(b, l, target, args[0]);
                  }));
}

/// Start, step and count per dim of an ONNX Slice (clamped as the
/// specification says: starts to [0, n] or [0, n - 1] for negative steps,
/// ends to [-1, n]).
struct SliceSpec {
  SmallVector<int64_t> starts, steps, shape;
};

FailureOr<SliceSpec> readSlice(NodeContext &ctx, ArrayRef<int64_t> input) {
  SmallVector<int64_t> starts, ends, axes, steps;
  int64_t rank = input.size();
  if (ctx.opset < 10) {
    std::optional<SmallVector<int64_t>> s = ctx.intsAttr("starts");
    std::optional<SmallVector<int64_t>> e = ctx.intsAttr("ends");
    std::optional<SmallVector<int64_t>> a = ctx.intsAttr("axes");
    if (!s || !e) {
      (void)ctx.invalid("attributes starts and ends are required");
      return failure();
    }
    starts = *s;
    ends = *e;
    if (a)
      axes = *a;
  } else {
    FailureOr<SmallVector<int64_t>> s = ctx.constantInts(1, "starts");
    if (failed(s))
      return failure();
    FailureOr<SmallVector<int64_t>> e = ctx.constantInts(2, "ends");
    if (failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (ctx.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> a = ctx.constantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (ctx.hasInput(4)) {
      FailureOr<SmallVector<int64_t>> st = ctx.constantInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (ctx.failed())
    return failure();
  if (axes.empty())
    for (int64_t k = 0; k < int64_t(starts.size()); ++k)
      axes.push_back(k);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    (void)ctx.invalid("starts, ends, axes and steps differ in length");
    return failure();
  }
  SliceSpec spec;
  spec.starts.assign(rank, 0);
  spec.steps.assign(rank, 1);
  spec.shape.assign(input.begin(), input.end());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> a = normalizeAxis(ctx, axes[i], rank);
    if (failed(a))
      return failure();
    if (seen[*a]) {
      (void)ctx.invalid("axis repeated in Slice");
      return failure();
    }
    seen[*a] = true;
    int64_t n = input[*a];
    if (ShapedType::isDynamic(n)) {
      (void)ctx.unsupported("Slice of a symbolic dimension");
      return failure();
    }
    int64_t step = steps[i];
    if (step == 0) {
      (void)ctx.invalid("Slice step is 0");
      return failure();
    }
    // Clamp in wide arithmetic: starts/ends may be INT64_MAX.
    auto clamp = [&](int64_t v, int64_t lo, int64_t hi) {
      __int128 w = v;
      if (w < 0)
        w += n;
      return int64_t(std::clamp<__int128>(w, lo, hi));
    };
    int64_t start, end, count;
    if (step > 0) {
      start = clamp(starts[i], 0, n);
      end = clamp(ends[i], 0, n);
      count = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = clamp(starts[i], 0, n - 1);
      end = clamp(ends[i], -1, n - 1);
      count = start > end ? (start - end - step - 1) / -step : 0;
    }
    if (count == 0) {
      (void)ctx.unsupported("zero-size tensor", "Slice selects no elements");
      return failure();
    }
    spec.starts[*a] = start;
    spec.steps[*a] = step;
    spec.shape[*a] = count;
  }
  return spec;
}

LogicalResult convertSlice(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  FailureOr<SmallVector<int64_t>> input = inputShape(ctx, 0);
  if (failed(input))
    return failure();
  FailureOr<SliceSpec> spec = readSlice(ctx, *input);
  if (failed(spec))
    return failure();
  if (const OnnxTensor *c = ctx.constant(0))
    if (ctx.graph.hostEvaluable(spec->shape))
      return ctx.finishConstant(
          hostSlice(*c, spec->starts, spec->steps, spec->shape));
  Value x = *ctx.tensor(0);
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  int64_t rank = input->size();
  bool reversed = llvm::any_of(spec->steps, [](int64_t s) { return s < 0; });
  SmallVector<OpFoldResult> sizes = sizesOf(b, loc, x);
  for (int64_t k = 0; k < rank; ++k)
    if (!ShapedType::isDynamic(spec->shape[k]))
      sizes[k] = b.getIndexAttr(spec->shape[k]);
  if (!reversed) {
    SmallVector<OpFoldResult> offsets, strides;
    for (int64_t k = 0; k < rank; ++k) {
      offsets.push_back(b.getIndexAttr(spec->starts[k]));
      strides.push_back(b.getIndexAttr(spec->steps[k]));
    }
    return ctx.finish(
        tensor::ExtractSliceOp::create(b, loc, x, offsets, sizes, strides)
            .getResult());
  }
  return ctx.finish(gatherGeneric(
      b, loc, x, sizes, [&](OpBuilder &nb, Location l, ArrayRef<Value> out) {
        SmallVector<Value> source;
        for (int64_t k = 0; k < rank; ++k) {
          Value scaled = arith::MulIOp::create(
              nb, l, out[k], indexConstant(nb, l, spec->steps[k]));
          source.push_back(arith::AddIOp::create(
              nb, l, scaled, indexConstant(nb, l, spec->starts[k])));
        }
        return source;
      }));
}

LogicalResult convertSplit(NodeContext &ctx) {
  int64_t axisAttr = ctx.intAttr("axis", 0);
  std::optional<SmallVector<int64_t>> split =
      ctx.intsAttrOrInput("split", 1, 13);
  // Before opset 13 the sizes may also come as input 1 (Split-1), which wins.
  if (ctx.opset < 13 && ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> s = ctx.constantInts(1, "split");
    if (failed(s))
      return failure();
    split = *s;
  }
  std::optional<int64_t> rank = ctx.rank(0);
  FailureOr<int64_t> axis = axisOfInput(ctx, axisAttr, rank);
  if (failed(axis))
    return failure();
  FailureOr<SmallVector<int64_t>> shape =
      inputShapeStaticAlong(ctx, *axis, "Split of a symbolic dimension");
  if (failed(shape))
    return failure();
  int64_t n = (*shape)[*axis];
  int64_t outputs = ctx.numOutputs();
  SmallVector<int64_t> parts;
  if (split) {
    parts = *split;
    if (int64_t(parts.size()) != outputs)
      return ctx.invalid("split has " + Twine(parts.size()) + " values for " +
                         Twine(outputs) + " outputs");
  } else {
    if (outputs < 1 || n % outputs)
      return ctx.invalid("cannot split " + Twine(n) + " into " +
                         Twine(outputs) + " equal parts");
    parts.assign(outputs, n / outputs);
  }
  int64_t total = 0;
  for (int64_t p : parts) {
    if (p <= 0)
      return p == 0 ? ctx.unsupported("zero-size tensor",
                                      "Split into an empty part")
                    : ctx.invalid("negative split size");
    if (p > n)
      return ctx.invalid("split sizes exceed the dimension");
    total += p;
  }
  if (total != n)
    return ctx.invalid("split sizes " + onnxShapeString(parts) +
                       " do not add up to " + Twine(n));
  int64_t offset = 0;
  for (int64_t i = 0; i < outputs; ++i) {
    SmallVector<int64_t> starts(*rank, 0), steps(*rank, 1), out(*shape);
    starts[*axis] = offset;
    out[*axis] = parts[i];
    offset += parts[i];
    if (!ctx.wantsOutput(i))
      continue;
    if (const OnnxTensor *c = ctx.constant(0)) {
      if (ctx.graph.hostEvaluable(out)) {
        ctx.setConstantOutput(i, hostSlice(*c, starts, steps, out));
        continue;
      }
    }
    Value x = *ctx.tensor(0);
    SmallVector<OpFoldResult> offsets, sizes = sizesOf(ctx.b, ctx.loc, x),
                                       strides;
    for (int64_t k = 0; k < *rank; ++k) {
      offsets.push_back(ctx.b.getIndexAttr(starts[k]));
      strides.push_back(ctx.b.getIndexAttr(1));
    }
    sizes[*axis] = ctx.b.getIndexAttr(parts[i]);
    ctx.setOutput(i, tensor::ExtractSliceOp::create(ctx.b, ctx.loc, x, offsets,
                                                    sizes, strides));
  }
  return success();
}

/// What Expand and Tile both start from: the integers of input 1 (the
/// target shape, the repeats) and the shape of input 0.
struct IntsAndInputShape {
  SmallVector<int64_t> ints;
  SmallVector<int64_t> input;
};

/// Checks the node has one output, then reads the constant integers of
/// input 1 (named `what` in errors) and the shape of input 0, in that order.
FailureOr<IntsAndInputShape> readIntsAndInputShape(NodeContext &ctx,
                                                   StringRef what) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  FailureOr<SmallVector<int64_t>> ints = ctx.constantInts(1, what);
  if (failed(ints))
    return failure();
  FailureOr<SmallVector<int64_t>> input = inputShape(ctx, 0);
  if (failed(input))
    return failure();
  return IntsAndInputShape{std::move(*ints), std::move(*input)};
}

LogicalResult convertExpand(NodeContext &ctx) {
  FailureOr<IntsAndInputShape> operands = readIntsAndInputShape(ctx, "shape");
  if (failed(operands))
    return failure();
  const auto &[requested, input] = *operands;
  for (int64_t d : requested)
    if (d < 0)
      return ctx.invalid("Expand shape " + onnxShapeString(requested) +
                         " has a negative dim");
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(ctx, {input, requested});
  if (failed(shape) || failed(checkResultSize(ctx, *shape)))
    return failure();
  if (const OnnxTensor *c = ctx.constant(0))
    if (ctx.graph.hostEvaluable(*shape))
      return ctx.finishConstant(hostBroadcast(*c, *shape));
  // Materialized: the stretched dims of the input are read repeatedly.
  Value x = *ctx.tensor(0);
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : *shape) {
    if (ShapedType::isDynamic(d))
      return ctx.unsupported("Expand of a symbolic dimension");
    sizes.push_back(ctx.b.getIndexAttr(d));
  }
  int64_t lead = shape->size() - input.size();
  Value ranked = x;
  if (lead > 0) {
    SmallVector<int64_t> positions;
    for (int64_t k = 0; k < lead; ++k)
      positions.push_back(k);
    ranked = insertUnitDims(ctx.b, ctx.loc, x, positions);
  }
  return ctx.finish(broadcastTo(ctx.b, ctx.loc, ranked, sizes));
}

LogicalResult convertTile(NodeContext &ctx) {
  FailureOr<IntsAndInputShape> operands = readIntsAndInputShape(ctx, "repeats");
  if (failed(operands))
    return failure();
  const auto &[repeats, input] = *operands;
  int64_t rank = input.size();
  if (int64_t(repeats.size()) != rank)
    return ctx.invalid("repeats has " + Twine(repeats.size()) +
                       " values for rank " + Twine(rank));
  SmallVector<int64_t> shape;
  for (int64_t k = 0; k < rank; ++k) {
    if (ShapedType::isDynamic(input[k]))
      return ctx.unsupported("Tile of a symbolic dimension");
    if (repeats[k] < 0 || repeats[k] > kMaxOnnxTensorElements)
      return ctx.invalid("repeats must be non-negative");
    shape.push_back(input[k] * repeats[k]);
  }
  if (failed(checkResultSize(ctx, shape)))
    return failure();
  if (const OnnxTensor *c = ctx.constant(0))
    if (ctx.graph.hostEvaluable(shape)) {
      SmallVector<int64_t> strides = rowMajorStrides(c->shape);
      return ctx.finishConstant(hostRemap(*c, shape, [&](ArrayRef<int64_t> i) {
        int64_t offset = 0;
        for (int64_t k = 0; k < rank; ++k)
          offset += (i[k] % input[k]) * strides[k];
        return offset;
      }));
    }
  Value x = *ctx.tensor(0);
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : shape)
    sizes.push_back(ctx.b.getIndexAttr(d));
  return ctx.finish(
      gatherGeneric(ctx.b, ctx.loc, x, sizes,
                    [&](OpBuilder &nb, Location l, ArrayRef<Value> out) {
                      SmallVector<Value> source;
                      for (int64_t k = 0; k < rank; ++k)
                        source.push_back(arith::RemSIOp::create(
                            nb, l, out[k], indexConstant(nb, l, input[k])));
                      return source;
                    }));
}

LogicalResult convertConstantOfShape(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = ctx.constantInts(0, "shape");
  if (failed(shape))
    return failure();
  OnnxTensor fill = OnnxTensor::ofFloats({1}, {0.0});
  if (const ::onnx::AttributeProto *a = ctx.rawAttr("value")) {
    if (!a->has_t())
      return ctx.invalid("attribute 'value' must be a tensor");
    llvm::Expected<OnnxTensor> t =
        decodeTensor(a->t(), "ConstantOfShape value");
    if (!t)
      return ctx.fail(t.takeError());
    if (t->elements() != 1)
      return ctx.invalid("value must have one element");
    fill = *t;
  }
  for (int64_t d : *shape)
    if (d < 0)
      return ctx.invalid("shape " + onnxShapeString(*shape) +
                         " has a negative dim");
  if (!ctx.graph.hostEvaluable(*shape)) {
    if (!fill.isFloat())
      return ctx.unsupported("large integer ConstantOfShape");
    if (failed(checkResultSize(ctx, *shape)))
      return failure();
    SmallVector<OpFoldResult> sizes;
    for (int64_t d : *shape)
      sizes.push_back(ctx.b.getIndexAttr(d));
    Type element = fill.type == int32_t(OnnxDataType::Double)
                       ? Type(ctx.b.getF64Type())
                       : Type(ctx.b.getF32Type());
    return ctx.finish(filledTensor(ctx.b, ctx.loc, sizes, element, fill.at(0)));
  }
  OnnxTensor t;
  t.type = fill.type;
  t.shape.assign(shape->begin(), shape->end());
  int64_t n = t.elements();
  if (fill.isFloat())
    t.floats.assign(n, fill.floats[0]);
  else
    t.ints.assign(n, fill.ints[0]);
  return ctx.finishConstant(std::move(t));
}

/// The static shape of input 0 of DepthToSpace or SpaceToDepth, once their
/// attributes are read: rank 4, a blocksize in [1, 2^16] that `fits` it, or
/// the node is invalid.
FailureOr<SmallVector<int64_t>>
blockRearrangedShape(NodeContext &ctx, int64_t block,
                     function_ref<bool(ArrayRef<int64_t>)> fits) {
  if (ctx.failed())
    return failure();
  FailureOr<SmallVector<int64_t>> shape = requireStaticShape(ctx, 0);
  if (failed(shape))
    return failure();
  if (shape->size() != 4 || block < 1 || block > (int64_t(1) << 16) ||
      !fits(*shape)) {
    (void)ctx.invalid(ctx.node.op_type() + " of " + onnxShapeString(*shape) +
                      " with blocksize " + Twine(block));
    return failure();
  }
  return shape;
}

/// DepthToSpace and SpaceToDepth: a reshape, a transpose and a reshape
/// (the ONNX specification's definition).
LogicalResult convertDepthToSpace(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  int64_t block = ctx.intAttr("blocksize", 0);
  std::string mode = ctx.stringAttr("mode", "DCR");
  FailureOr<SmallVector<int64_t>> shape =
      blockRearrangedShape(ctx, block, [&](ArrayRef<int64_t> s) {
        return s[1] % (block * block) == 0;
      });
  if (failed(shape))
    return failure();
  if (mode != "DCR" && mode != "CRD")
    return ctx.invalid("mode '" + mode + "' is not DCR or CRD");
  FailureOr<Value> x = ctx.tensor(0);
  if (failed(x))
    return failure();
  int64_t n = (*shape)[0], c = (*shape)[1], h = (*shape)[2], w = (*shape)[3];
  int64_t d = c / (block * block);
  Value y;
  if (mode == "DCR") {
    y = reshapeStatic(ctx.b, ctx.loc, *x, {n, block, block, d, h, w});
    y = transpose(ctx.b, ctx.loc, y, {0, 3, 4, 1, 5, 2});
  } else {
    y = reshapeStatic(ctx.b, ctx.loc, *x, {n, d, block, block, h, w});
    y = transpose(ctx.b, ctx.loc, y, {0, 1, 4, 2, 5, 3});
  }
  return ctx.finish(
      reshapeStatic(ctx.b, ctx.loc, y, {n, d, h * block, w * block}));
}

LogicalResult convertSpaceToDepth(NodeContext &ctx) {
  if (failed(ctx.onlyFirstOutput()))
    return failure();
  int64_t block = ctx.intAttr("blocksize", 0);
  FailureOr<SmallVector<int64_t>> shape =
      blockRearrangedShape(ctx, block, [&](ArrayRef<int64_t> s) {
        return s[2] % block == 0 && s[3] % block == 0;
      });
  if (failed(shape))
    return failure();
  FailureOr<Value> x = ctx.tensor(0);
  if (failed(x))
    return failure();
  int64_t n = (*shape)[0], c = (*shape)[1], h = (*shape)[2], w = (*shape)[3];
  Value y = reshapeStatic(ctx.b, ctx.loc, *x,
                          {n, c, h / block, block, w / block, block});
  y = transpose(ctx.b, ctx.loc, y, {0, 3, 5, 1, 2, 4});
  return ctx.finish(reshapeStatic(
      ctx.b, ctx.loc, y, {n, c * block * block, h / block, w / block}));
}

LogicalResult convertDropout(NodeContext &ctx) {
  // Inference: the identity (the ratio only matters in training).
  ctx.ignoreAttr("is_test");
  ctx.ignoreAttr("ratio");
  ctx.ignoreAttr("seed");
  ctx.ignoreAttr("consumed_inputs");
  if (ctx.hasInput(2)) {
    const OnnxTensor *training = ctx.constant(2);
    if (!training || training->elements() != 1 || training->at(0) != 0)
      return ctx.unsupported("Dropout in training mode");
  }
  if (ctx.wantsOutput(1))
    return ctx.unsupported("Dropout output mask");
  return ctx.passThrough(0);
}

const ConverterEntry kConverters[] = {
    {"Cast", convertCast},
    {"Concat", convertConcat},
    {"Constant", convertConstant},
    {"ConstantOfShape", convertConstantOfShape, 9},
    {"DepthToSpace", convertDepthToSpace},
    {"Dropout", convertDropout},
    {"Expand", convertExpand, 8},
    {"Flatten", convertFlatten},
    {"Gather", convertGather},
    {"Pad", convertPad},
    {"Reshape", convertReshape},
    {"Shape", convertShape},
    {"Size", convertSize},
    {"Slice", convertSlice},
    {"SpaceToDepth", convertSpaceToDepth},
    {"Split", convertSplit},
    {"Squeeze", convertSqueeze},
    {"Tile", convertTile, 6},
    {"Transpose", convertTranspose},
    {"Unsqueeze", convertUnsqueeze},
};

} // namespace

ArrayRef<ConverterEntry> shapeConverters() { return kConverters; }

} // namespace autoconfig
