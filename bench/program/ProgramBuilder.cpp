//===- ProgramBuilder.cpp - The walk, values, views and constants ---------===//

#include "ProgramBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cfloat>
#include <cstring>

using namespace mlir;
using namespace llvm;

namespace autoconfig::program {

using onednn::formatOf;
using onednn::rowMajor;

/// "file:line:col" of the innermost file location in `loc`.
static std::string locationText(Location loc) {
  if (auto f = dyn_cast<FileLineColLoc>(loc))
    return formatv("{0}:{1}:{2}", f.getFilename().getValue(), f.getLine(),
                   f.getColumn())
        .str();
  if (auto n = dyn_cast<NameLoc>(loc))
    return locationText(n.getChildLoc());
  if (auto c = dyn_cast<CallSiteLoc>(loc))
    return locationText(c.getCallee());
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (std::string text = locationText(l); text != "unknown")
        return text;
  return "unknown";
}

std::string describeOp(Operation *op) {
  return ("'" + op->getName().getStringRef() + "' at " +
          locationText(op->getLoc()))
      .str();
}

/// " (body: arith.cmpf, arith.select)" for a linalg op with a written body.
static std::string bodySummary(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !isa<linalg::GenericOp>(op))
    return "";
  std::string text;
  for (Operation &inner : linalgOp.getBlock()->without_terminator())
    text += (text.empty() ? "" : ", ") + inner.getName().getStringRef().str();
  return " (body: " + (text.empty() ? "a copy" : text) + ")";
}

static SmallVector<int64_t> dimsOf(Value v) {
  auto type = cast<ShapedType>(v.getType());
  return SmallVector<int64_t>(type.getShape());
}

static dnnl_memory_desc_t rowMajorOf(ArrayRef<int64_t> dims) {
  dnnl_dims_t d = {};
  std::copy(dims.begin(), dims.end(), d);
  return rowMajor(int(dims.size()), d);
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

const ConstantTensor *ProgramBuilder::constantOf(Value v) const {
  auto it = constants.find(v);
  return it == constants.end() ? nullptr : &it->second;
}

std::optional<double> ProgramBuilder::scalarOf(Value v) const {
  // A tensor with one value read anywhere is that value.
  if (const ConstantTensor *c = constantOf(v);
      c && (c->isSplat() || c->elements() == 1))
    return c->at(0);
  Attribute attr;
  if (matchPattern(v, m_Constant(&attr)))
    if (auto c = ConstantTensor::fromAttribute(attr); c && c->elements() == 1)
      return c->at(0);
  return std::nullopt;
}

bool ProgramBuilder::isView(Operation *op) const {
  if (op->getNumResults() != 1)
    return false;
  if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp,
          tensor::PadOp, tensor::ExtractSliceOp>(op))
    return true;
  if (auto reshape = dyn_cast<tensor::ReshapeOp>(op))
    return reshape.getResult().getType().hasStaticShape();
  // A copy that transposes (linalg.transpose, linalg.copy, a generic that
  // yields its input).
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !isElementwise(linalgOp) || linalgOp.getNumDpsInputs() != 1)
    return false;
  Operation *yield = linalgOp.getBlock()->getTerminator();
  OpOperand *input = linalgOp.getDpsInputOperand(0);
  if (yield->getOperand(0) != linalgOp.getMatchingBlockArgument(input))
    return false;
  return linalgOp.getMatchingIndexingMap(input).isPermutation();
}

bool ProgramBuilder::available(Value v) const {
  if (values.contains(v) || constants.contains(v))
    return true;
  Operation *def = v.getDefiningOp();
  return def && isView(def) && available(def->getOperand(0));
}

void ProgramBuilder::define(Value v, const Tensor &t) {
  values[v] = t;
  if (bufferValues.size() <= size_t(t.buffer))
    bufferValues.resize(t.buffer + 1);
  bufferValues[t.buffer].push_back(v);
}

Expected<Tensor> ProgramBuilder::inFormat(const Tensor &t,
                                          const dnnl_memory_desc_t &want,
                                          const Twine &why) {
  if (onednn::sameLayout(t.md, want))
    return seq.inFormat(t, want, why);
  std::pair<dnnl_memory_t, std::string> key = {
      t.memory,
      std::string(reinterpret_cast<const char *>(&want), sizeof want)};
  if (auto it = copies.find(key); it != copies.end())
    return it->second;
  auto copy = seq.inFormat(t, want, why);
  if (!copy)
    return copy.takeError();
  // Shared: never written in place.
  readOnly.insert(copy->buffer);
  copies[key] = *copy;
  return *copy;
}

Expected<Tensor> ProgramBuilder::tensorOf(Value v) {
  if (auto it = values.find(v); it != values.end())
    return it->second;
  if (const ConstantTensor *c = constantOf(v)) {
    // A constant read as a tensor: stored once, row-major.
    SmallVector<int64_t> dims(c->shape.begin(), c->shape.end());
    if (dims.empty())
      dims.push_back(1);
    dnnl_memory_desc_t md = rowMajorOf(dims);
    std::vector<float> data = c->toFloats();
    auto stored = seq.allocate(md);
    if (!stored)
      return stored.takeError();
    void *handle = nullptr;
    dnnl_memory_get_data_handle(stored->memory, &handle);
    std::memcpy(handle, data.data(), data.size() * sizeof(float));
    readOnly.insert(stored->buffer);
    define(v, *stored);
    return *stored;
  }
  Operation *def = v.getDefiningOp();
  if (def && isView(def))
    return materializeView(def);
  return error("a value is read before it is computed");
}

Expected<Tensor> ProgramBuilder::arranged(const Tensor &t,
                                          const DimGroups &groups,
                                          const Twine &why) {
  auto md = onednn::arrange(t.md, groups);
  if (md) {
    if (dnnl_memory_desc_equal(&*md, &t.md))
      return t;
    return seq.viewOf(t, *md);
  }
  consumeError(md.takeError());
  // oneDNN cannot see this format so: row-major first.
  auto plain = inFormat(t, rowMajor(t.md.ndims, t.md.dims), why);
  if (!plain)
    return plain.takeError();
  auto again = onednn::arrange(plain->md, groups);
  if (!again)
    return again.takeError();
  return seq.viewOf(*plain, *again);
}

Expected<Tensor> ProgramBuilder::readThrough(Value v, AffineMap map,
                                             ArrayRef<int64_t> space,
                                             const Twine &why) {
  auto t = tensorOf(v);
  if (!t)
    return t.takeError();
  DimGroups groups(space.size());
  for (auto [j, expr] : llvm::enumerate(map.getResults())) {
    if (auto d = dyn_cast<AffineDimExpr>(expr))
      groups[d.getPosition()].push_back(int(j));
    else if (!isa<AffineConstantExpr>(expr))
      return error("reads a tensor through a map that is not a projected "
                   "permutation");
  }
  for (const auto &g : groups)
    if (g.size() > 1)
      return error("reads a tensor along a diagonal");
  return arranged(*t, groups, why);
}

void ProgramBuilder::readersOf(Value v, SmallVectorImpl<Operation *> &out) {
  for (Operation *user : v.getUsers()) {
    if (isView(user) && !isa<tensor::PadOp>(user) && user->getOperand(0) == v)
      readersOf(user->getResult(0), out);
    else if (isa<tensor::PadOp>(user) && !values.contains(user->getResult(0)))
      readersOf(user->getResult(0), out); // folded into its readers
    else
      out.push_back(user);
  }
}

bool ProgramBuilder::canOverwrite(int buffer, ArrayRef<Operation *> fused) {
  // A buffer no value lives in is a copy of unknown use: never.
  if (readOnly.contains(buffer) || size_t(buffer) >= bufferValues.size() ||
      bufferValues[buffer].empty())
    return false;
  for (Value v : bufferValues[buffer]) {
    SmallVector<Operation *> readers;
    readersOf(v, readers);
    for (Operation *r : readers)
      if (isa<func::ReturnOp>(r) ||
          (!done.contains(r) && !llvm::is_contained(fused, r)))
        return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Views
//===----------------------------------------------------------------------===//

Expected<Tensor> ProgramBuilder::materializeView(Operation *op) {
  Value result = op->getResult(0);
  SmallVector<int64_t> dims = dimsOf(result);
  std::string why = describeOp(op);
  auto source = tensorOf(op->getOperand(0));
  if (!source)
    return source.takeError();
  auto finish = [&](Expected<Tensor> t) -> Expected<Tensor> {
    if (t)
      define(result, *t);
    return t;
  };

  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    // A copy into a buffer whose border holds the padding value, written
    // once; the interior is copied in every run.
    std::optional<double> value;
    if (Value v = pad.getConstantPaddingValue())
      value = scalarOf(v);
    if (!value)
      return error("pads with a value that is not a constant");
    auto padded = seq.allocate(rowMajorOf(dims));
    if (!padded)
      return padded.takeError();
    readOnly.insert(padded->buffer);
    void *handle = nullptr;
    dnnl_memory_get_data_handle(padded->memory, &handle);
    size_t count = dnnl_memory_desc_get_size(&padded->md) / sizeof(float);
    std::fill_n(static_cast<float *>(handle), count, float(*value));
    dnnl_dims_t sizes = {}, offsets = {};
    SmallVector<int64_t> sourceDims = dimsOf(pad.getSource());
    for (auto [i, low] : llvm::enumerate(pad.getStaticLow())) {
      if (ShapedType::isDynamic(low))
        return error("pads by a dynamic amount");
      offsets[i] = low;
      sizes[i] = sourceDims[i];
    }
    dnnl_memory_desc_t interiorMd;
    if (dnnl_status_t s = dnnl_memory_desc_init_submemory(
            &interiorMd, &padded->md, sizes, offsets))
      return onednn::dnnlError("padding interior", s);
    auto interior = seq.viewOf(*padded, interiorMd);
    if (!interior)
      return interior.takeError();
    if (Error e = seq.reorder(source->md, source->memory, interiorMd,
                              interior->memory, true, why + " (padding)"))
      return std::move(e);
    return finish(*padded);
  }

  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    if (llvm::any_of(slice.getStaticStrides(),
                     [](int64_t s) { return s != 1; }) ||
        llvm::any_of(slice.getStaticOffsets(), ShapedType::isDynamic) ||
        llvm::any_of(slice.getStaticSizes(), ShapedType::isDynamic))
      return error("slices with dynamic offsets or sizes, or strides");
    dnnl_dims_t sizes = {}, offsets = {};
    for (auto [i, o] : llvm::enumerate(slice.getStaticOffsets()))
      offsets[i] = o;
    for (auto [i, s] : llvm::enumerate(slice.getStaticSizes()))
      sizes[i] = s;
    Tensor from = *source;
    dnnl_memory_desc_t sub;
    if (dnnl_memory_desc_init_submemory(&sub, &from.md, sizes, offsets) !=
        dnnl_success) {
      auto plain = inFormat(from, rowMajor(from.md.ndims, from.md.dims), why);
      if (!plain)
        return plain.takeError();
      from = *plain;
      if (dnnl_status_t s =
              dnnl_memory_desc_init_submemory(&sub, &from.md, sizes, offsets))
        return onednn::dnnlError("slice", s);
    }
    auto md = onednn::reshape(sub, dims);
    if (!md)
      return md.takeError();
    return finish(seq.viewOf(from, *md));
  }

  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    // result[i...] = source[map(i...)] with map a permutation: result
    // dimension i is the source dimension map reads with loop i, after the
    // result's own map is inverted.
    AffineMap map =
        linalgOp.getMatchingIndexingMap(linalgOp.getDpsInputOperand(0))
            .compose(inversePermutation(linalgOp.getMatchingIndexingMap(
                linalgOp.getDpsInitOperand(0))));
    std::vector<int> order(dims.size());
    for (auto [j, expr] : llvm::enumerate(map.getResults()))
      order[cast<AffineDimExpr>(expr).getPosition()] = int(j);
    return finish(arranged(*source, onednn::permutationGroups(order), why));
  }

  // Reshapes and casts: the same elements in row-major order.
  auto md = onednn::reshape(source->md, dims);
  if (md)
    return finish(seq.viewOf(*source, *md));
  consumeError(md.takeError());
  auto plain =
      inFormat(*source, rowMajor(source->md.ndims, source->md.dims), why);
  if (!plain)
    return plain.takeError();
  auto again = onednn::reshape(plain->md, dims);
  if (!again)
    return again.takeError();
  return finish(seq.viewOf(*plain, *again));
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

/// The values `op` reads, its operands and those its regions capture.
static void usedValues(Operation *op, SmallVectorImpl<Value> &out) {
  op->walk([&](Operation *inner) {
    for (Value v : inner->getOperands())
      if (!op->isAncestor(v.getParentBlock()->getParentOp()))
        out.push_back(v);
  });
}

/// `c` broadcast to `shape` (dimensions of size 1 repeated).
static ConstantTensor broadcastTo(const ConstantTensor &c,
                                  ArrayRef<int64_t> shape) {
  if (ArrayRef<int64_t>(c.shape) == shape)
    return c;
  if (c.isSplat())
    return ConstantTensor::splat(shape, c.splatValue);
  SmallVector<int64_t> strides = c.strides();
  int64_t count = 1;
  for (int64_t s : shape)
    count *= s;
  std::vector<double> out(count);
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t offset = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      offset += c.shape[d] == 1 ? 0 : index[d] * strides[d];
    out[n] = c.at(offset);
    for (int d = int(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return ConstantTensor::dense(shape, std::move(out));
}

bool ProgramBuilder::isConstantInput(Operation *op) const {
  SmallVector<Value> used;
  usedValues(op, used);
  return llvm::all_of(used, [&](Value v) {
    return constants.contains(v) || empties.contains(v) ||
           matchPattern(v, m_Constant());
  });
}

Expected<bool> ProgramBuilder::evaluateConstant(Operation *op) {
  if (isa<tensor::EmptyOp>(op)) {
    empties.insert(op->getResult(0));
    return true;
  }
  if (op->getNumResults() != 1)
    return false;
  Value result = op->getResult(0);
  auto type = dyn_cast<RankedTensorType>(result.getType());
  if (isa<arith::ConstantOp>(op)) {
    Attribute attr = cast<arith::ConstantOp>(op).getValue();
    std::optional<ConstantTensor> c = ConstantTensor::fromAttribute(attr);
    if (!c)
      return error("a constant of an unsupported kind");
    constants[result] = std::move(*c);
    return true;
  }
  if (!type) {
    // A scalar computed from constants: MLIR's own folders.
    SmallVector<Attribute> operands;
    for (Value v : op->getOperands()) {
      Attribute attr;
      if (!matchPattern(v, m_Constant(&attr)))
        return false;
      operands.push_back(attr);
    }
    SmallVector<OpFoldResult> folded;
    if (failed(op->fold(operands, folded)) || folded.size() != 1)
      return false;
    auto attr = dyn_cast_if_present<Attribute>(folded[0]);
    std::optional<ConstantTensor> c =
        attr ? ConstantTensor::fromAttribute(attr) : std::nullopt;
    if (!c)
      return false;
    constants[result] = std::move(*c);
    return true;
  }
  if (!type.hasStaticShape())
    return false;
  ArrayRef<int64_t> shape = type.getShape();
  if (auto fill = dyn_cast<linalg::FillOp>(op)) {
    std::optional<double> value = scalarOf(fill.getInputs()[0]);
    if (!value)
      return false;
    constants[result] = ConstantTensor::splat(shape, *value);
    return true;
  }
  if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp,
          tensor::ReshapeOp>(op)) {
    ConstantTensor c = constants.lookup(op->getOperand(0));
    c.shape.assign(shape.begin(), shape.end());
    constants[result] = std::move(c);
    return true;
  }
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    std::optional<double> value;
    if (Value v = pad.getConstantPaddingValue())
      value = scalarOf(v);
    if (!value || llvm::any_of(pad.getStaticLow(), ShapedType::isDynamic))
      return false;
    const ConstantTensor &c = constants.find(pad.getSource())->second;
    ConstantTensor out = ConstantTensor::splat(shape, *value);
    std::vector<double> data(out.elements(), *value);
    SmallVector<int64_t> outStrides = out.strides();
    SmallVector<int64_t> index(c.shape.size(), 0);
    for (int64_t n = 0; n < c.elements(); ++n) {
      int64_t offset = 0;
      for (size_t d = 0; d < index.size(); ++d)
        offset += (index[d] + pad.getStaticLow()[d]) * outStrides[d];
      data[offset] = c.at(n);
      for (int d = int(index.size()) - 1; d >= 0; --d) {
        if (++index[d] < c.shape[d])
          break;
        index[d] = 0;
      }
    }
    constants[result] = ConstantTensor::dense(shape, std::move(data));
    return true;
  }
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !isElementwise(linalgOp))
    return false;
  ExprBuilder builder([this](Value v) { return scalarOf(v); });
  SmallVector<Operation *> inlined;
  auto expr = builder.build(
      linalgOp, [](Value) { return linalg::LinalgOp(); }, inlined);
  if (!expr)
    return expr.takeError();
  auto value =
      evaluate(*expr, shape, [this](Value v) { return constantOf(v); });
  if (!value)
    return value.takeError();
  constants[result] = broadcastTo(*value, shape);
  seq.addNote(describeOp(op) + ": evaluated at build time (constant)");
  return true;
}

//===----------------------------------------------------------------------===//
// The walk
//===----------------------------------------------------------------------===//

Error ProgramBuilder::build(func::FuncOp entry) {
  Block &body = entry.getBody().front();
  for (BlockArgument arg : body.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
        type.getRank() < 1)
      return error(formatv("oneDNN peer: argument {0} of @{1} is not a "
                           "statically shaped f32 tensor",
                           arg.getArgNumber(), entry.getSymName()));
    auto t = seq.external(rowMajorOf(type.getShape()), nullptr);
    if (!t)
      return t.takeError();
    readOnly.insert(t->buffer);
    define(arg, *t);
    inputs.push_back(t->buffer);
  }
  // What the results depend on.
  auto ret = dyn_cast<func::ReturnOp>(body.getTerminator());
  if (!ret)
    return error("oneDNN peer: @" + entry.getSymName() +
                 " does not end with func.return");
  if (ret.getNumOperands() == 0)
    return error("oneDNN peer: @" + entry.getSymName() +
                 " returns nothing, so there is nothing to compute (give the "
                 "function that computes the tensors with --entry)");
  SmallVector<Value> worklist(ret.getOperands());
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    Operation *def = v.getDefiningOp();
    if (!def || def->getBlock() != &body || !needed.insert(def).second)
      continue;
    usedValues(def, worklist);
  }

  // Constants first, wherever the program computes them: an epilogue that
  // reads one (a clamp bound) is then absorbed by a primitive that comes
  // before it.
  for (Operation &operation : body) {
    Operation *op = &operation;
    if (!needed.contains(op) || !isConstantInput(op))
      continue;
    auto evaluated = evaluateConstant(op);
    if (!evaluated)
      return error("oneDNN peer: cannot evaluate " + describeOp(op) + ": " +
                   toString(evaluated.takeError()));
    if (*evaluated)
      done.insert(op);
  }
  for (Operation &operation : body) {
    Operation *op = &operation;
    if (done.contains(op))
      continue;
    if (op == ret.getOperation())
      break;
    if (!needed.contains(op)) {
      if (auto assertOp = dyn_cast<cf::AssertOp>(op)) {
        // The program's own check: false is an error, not a skipped op.
        std::function<std::optional<double>(Value)> fold =
            [&](Value v) -> std::optional<double> {
          if (std::optional<double> s = scalarOf(v))
            return s;
          Operation *def = v.getDefiningOp();
          if (!def || def->getNumResults() != 1)
            return std::nullopt;
          SmallVector<Attribute> operands;
          for (Value o : def->getOperands()) {
            std::optional<double> x = fold(o);
            if (!x)
              return std::nullopt;
            operands.push_back(
                isa<FloatType>(o.getType())
                    ? Attribute(FloatAttr::get(o.getType(), *x))
                    : Attribute(IntegerAttr::get(o.getType(), int64_t(*x))));
          }
          SmallVector<OpFoldResult> folded;
          if (failed(def->fold(operands, folded)) || folded.size() != 1)
            return std::nullopt;
          auto attr = dyn_cast_if_present<Attribute>(folded[0]);
          auto c = attr ? ConstantTensor::fromAttribute(attr) : std::nullopt;
          return c ? std::optional<double>(c->at(0)) : std::nullopt;
        };
        std::optional<double> holds = fold(assertOp.getArg());
        if (holds && *holds == 0)
          return error("oneDNN peer: the assertion " + describeOp(op) +
                       " fails: \"" + assertOp.getMsg() + "\"");
        if (holds)
          continue; // true: nothing to check at run time
      }
      if (!isa<arith::ConstantOp>(op))
        seq.addNote(describeOp(op) + ": skipped (no result depends on it)");
      continue;
    }
    if (Error e = visit(op))
      return error("oneDNN peer: cannot map " + describeOp(op) +
                   bodySummary(op) + ": " + toString(std::move(e)));
  }
  return bindOutputs(ret);
}

Error ProgramBuilder::visit(Operation *op) {
  for (Type t : op->getResultTypes())
    if (auto shaped = dyn_cast<ShapedType>(t))
      if (!shaped.hasStaticShape())
        return error("its result has a dynamic shape");
  for (Type t : op->getResultTypes())
    if (auto shaped = dyn_cast<ShapedType>(t);
        !shaped || !shaped.getElementType().isF32())
      return error("oneDNN primitives here compute f32 tensors only");
  if (isView(op)) {
    // Materialized when something reads it.
    done.insert(op);
    return Error::success();
  }
  if (auto softmax = dyn_cast<linalg::SoftmaxOp>(op))
    return buildSoftmax(softmax);
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return error("no oneDNN primitive computes it");
  if (linalg::isaConvolutionOpInterface(linalgOp)) {
    // The body tells a convolution (multiply-accumulate) from a pooling.
    Block *block = linalgOp.getBlock();
    bool multiplies = false, max = false, add = false, other = false;
    for (Operation &inner : block->without_terminator()) {
      if (isa<arith::MulFOp>(inner))
        multiplies = true;
      else if (isa<arith::AddFOp>(inner))
        add = true;
      else if (isa<arith::MaximumFOp, arith::MaxNumFOp>(inner))
        max = true;
      else if (!isa<arith::ExtFOp, arith::TruncFOp>(inner))
        other = true;
    }
    if (!other && multiplies && add)
      return buildConvolution(linalgOp);
    if (!other && !multiplies && (add != max))
      return buildPooling(linalgOp, max);
    return error("a convolution-like op whose body is neither a "
                 "multiply-accumulate nor a max or sum pooling");
  }
  if (linalg::isaContractionOpInterface(linalgOp))
    return buildContraction(linalgOp);
  if (isElementwise(linalgOp))
    return buildElementwise(linalgOp);
  if (linalgOp.getNumReductionLoops() > 0) {
    auto normalization = tryNormalization(linalgOp);
    if (!normalization)
      return normalization.takeError();
    if (*normalization)
      return Error::success();
    return buildReduction(linalgOp);
  }
  return error("not a convolution, pooling, contraction, reduction, softmax "
               "or element-wise op");
}

Error ProgramBuilder::bindOutputs(func::ReturnOp ret) {
  llvm::DenseSet<int> bound;
  for (Value v : ret.getOperands()) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
      return error("oneDNN peer: a result is not a statically shaped f32 "
                   "tensor");
    auto t = tensorOf(v);
    if (!t)
      return error("oneDNN peer: result: " + toString(t.takeError()));
    SmallVector<int64_t> dims(type.getShape());
    if (dims.empty())
      dims.push_back(1);
    dnnl_memory_desc_t want = rowMajorOf(dims);
    size_t elements = dnnl_memory_desc_get_size(&want) / sizeof(float);
    // The last primitive writes the caller's buffer itself when its
    // destination is row-major and a buffer of its own, written whole in
    // every run (not an input, a constant or a padded copy).
    if (onednn::sameLayout(t->md, want) && !readOnly.contains(t->buffer) &&
        seq.bufferBytes(t->buffer) == elements * sizeof(float) &&
        bound.insert(t->buffer).second) {
      outputs.push_back({t->buffer, elements});
      continue;
    }
    auto out = seq.external(want, nullptr);
    if (!out)
      return out.takeError();
    if (Error e = seq.reorder(t->md, t->memory, want, out->memory, true,
                              "result into the caller's buffer"))
      return e;
    outputs.push_back({out->buffer, elements});
  }
  return Error::success();
}

} // namespace autoconfig::program
