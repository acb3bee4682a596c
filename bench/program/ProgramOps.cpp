//===- ProgramOps.cpp - Element-wise ops, reductions, softmax -------------===//
//
// Accumulation into an op's init; element-wise ops, reductions and softmax
// that no producer absorbed, each one primitive with the element-wise ops
// after it as post-ops.
//
//===----------------------------------------------------------------------===//

#include "ProgramBuilder.h"
#include "ProgramLayouts.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/Support/FormatVariadic.h"

#include <dnnl_debug.h>

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace llvm;

namespace autoconfig::program {

using onednn::dnnlError;
using onednn::formatOf;
using onednn::rowMajor;

Expected<std::vector<Step>>
ProgramBuilder::initSteps(Value init, dnnl_alg_kind_t combine, double neutral) {
  std::vector<Step> steps;
  if (isEmpty(init))
    return error("it accumulates into an uninitialized tensor");
  std::optional<ConstantTensor> reduced;
  if (const ConstantTensor *c = constantOf(init))
    reduced = c->withoutBroadcast();
  if (const ConstantTensor *c = reduced ? &*reduced : nullptr) {
    // A max from the lowest float (or a min from the highest) is nothing.
    double v = c->at(0);
    bool uniform = c->isSplat() || c->elements() == 1;
    bool isNeutral = uniform && (combine == dnnl_binary_max   ? v <= -FLT_MAX
                                 : combine == dnnl_binary_min ? v >= FLT_MAX
                                                              : v == neutral);
    if (isNeutral)
      return steps;
    if (uniform) {
      switch (combine) {
      case dnnl_binary_max:
        steps.push_back(Step::eltwise(dnnl_eltwise_clip, v, FLT_MAX));
        break;
      case dnnl_binary_min:
        steps.push_back(Step::eltwise(dnnl_eltwise_clip, -FLT_MAX, v));
        break;
      case dnnl_binary_mul:
        steps.push_back(Step::eltwise(dnnl_eltwise_linear, v, 0));
        break;
      default:
        steps.push_back(Step::eltwise(dnnl_eltwise_linear, 1, v));
        break;
      }
      return steps;
    }
  }
  Step s;
  s.kind = Step::Kind::Binary;
  s.alg = combine;
  if (reduced)
    s.constant = *reduced;
  else
    s.tensor = init;
  s.map = AffineMap::getMultiDimIdentityMap(
      cast<ShapedType>(init.getType()).getRank(), init.getContext());
  steps.push_back(std::move(s));
  return steps;
}

//===----------------------------------------------------------------------===//
// Element-wise ops on their own
//===----------------------------------------------------------------------===//

Error ProgramBuilder::buildElementwise(linalg::LinalgOp op) {
  ExprBuilder builder([this](Value v) { return scalarOf(v); });
  SmallVector<Operation *> inlined;
  std::string why;
  FailureOr<const Expr *> expr = expressionOf(op, builder, inlined, {}, why);
  if (failed(expr))
    return error(why);
  SmallVector<int64_t> dims = dimsOf(op->getResult(0));
  auto lookup = [this](Value v) { return constantOf(v); };
  ChainContext context{dims, lookup};
  // The chain is in one of the tensors it reads as they are.
  SmallVector<Value> candidates;
  std::function<void(const Expr *)> collect = [&](const Expr *e) {
    if (e->isLeaf() && readsAsIs(e->map, dims) && !constantOf(e->tensor) &&
        !llvm::is_contained(candidates, e->tensor))
      candidates.push_back(e->tensor);
    for (const Expr *a : e->args)
      collect(a);
  };
  collect(*expr);
  std::optional<std::vector<Step>> steps;
  Value primary;
  std::string reasons;
  for (Value candidate : candidates) {
    auto chain = extractChain(*expr, candidate, context);
    if (chain) {
      steps = std::move(*chain);
      primary = candidate;
      break;
    }
    reasons += (reasons.empty() ? "" : "; ") + toString(chain.takeError());
  }
  if (!steps)
    return error(
        "not a chain of oneDNN eltwise and binary operations in one "
        "of its operands (" +
        (reasons.empty() ? std::string("no operand is read as is") : reasons) +
        ")");
  auto source = tensorOf(primary);
  if (!source)
    return source.takeError();
  for (Operation *x : inlined)
    done.insert(x);
  if (steps->empty()) {
    seq.addNote(describeOp(op) + ": a copy, the same buffer");
    define(op->getResult(0), *source);
    done.insert(op);
    return Error::success();
  }
  DimGroups identity;
  for (size_t d = 0; d < dims.size(); ++d)
    identity.push_back({int(d)});
  Step first = steps->front();
  Producer producer;
  producer.op = op;
  producer.logicalDims = dims;
  producer.value = op->getResult(0);
  producer.valueDims = dims;
  producer.groups = identity;
  producer.ownSteps.assign(steps->begin() + 1, steps->end());
  producer.readBuffers.push_back(source->buffer);
  producer.fixedDst = source->md;
  dnnl_memory_desc_t srcMd = source->md;
  Tensor src1;
  std::vector<dnnl_exec_arg_t> args;
  std::string what;
  if (first.kind == Step::Kind::Binary) {
    if (first.constant) {
      ConstantTensor c = *first.constant;
      dnnl_memory_desc_t md = rowMajorOf(c.shape);
      std::vector<float> data = c.toFloats();
      auto memory = seq.constant(md, data.data(), data.size(), md);
      if (!memory)
        return memory.takeError();
      src1 = Tensor{md, *memory, -1};
    } else {
      auto t = readThrough(first.tensor, first.map, dims, describeOp(op));
      if (!t)
        return t.takeError();
      src1 = *t;
      // Both operands in one format: oneDNN's fast binary kernels need it.
      bool full = std::equal(dims.begin(), dims.end(), src1.md.dims);
      if (full) {
        auto same = inFormat(src1, source->md, describeOp(op));
        if (!same)
          return same.takeError();
        src1 = *same;
      }
      producer.readBuffers.push_back(t->buffer);
    }
    args = {{DNNL_ARG_SRC_0, source->memory}, {DNNL_ARG_SRC_1, src1.memory}};
    what = onednn::describe(PostOp::binary(first.alg, src1.md, nullptr));
  } else {
    args = {{DNNL_ARG_SRC, source->memory}};
    what = "eltwise " + onednn::describe(PostOp::eltwise(first.alg, first.alpha,
                                                         first.beta));
  }
  auto make = [&](const dnnl_memory_desc_t &dst,
                  const_dnnl_primitive_attr_t attr, bool,
                  onednn::PrimitiveDesc &pd) {
    dnnl_status_t s;
    if (first.kind == Step::Kind::Binary) {
      dnnl_binary_desc_t desc;
      s = dnnl_binary_desc_init(&desc, first.alg, &srcMd, &src1.md, &dst);
      if (s == dnnl_success)
        s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                       nullptr);
    } else {
      dnnl_eltwise_desc_t desc;
      s = dnnl_eltwise_forward_desc_init(&desc, dnnl_forward_inference,
                                         first.alg, &srcMd, first.alpha,
                                         first.beta);
      if (s == dnnl_success)
        s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                       nullptr);
    }
    return s;
  };
  producer.make = make;
  auto produced = produce(producer);
  if (!produced)
    return produced.takeError();
  // In place, when nothing reads the source afterwards and no post-op reads
  // a tensor.
  SmallVector<Operation *> fused = {op};
  bool readsTensors = first.tensor != nullptr;
  for (const Step &s : producer.ownSteps)
    readsTensors |= s.tensor != nullptr;
  for (const Part &part : produced->parts) {
    fused.append(part.ops.begin(), part.ops.end());
    for (const Step &s : part.steps)
      readsTensors |= s.tensor != nullptr;
  }
  const dnnl_memory_desc_t &dstMd =
      PrimitiveSequence::queryMd(produced->pd.get(), dnnl_query_dst_md);
  if (!produced->dst.memory && !readsTensors &&
      onednn::sameLayout(dstMd, source->md) &&
      canOverwrite(source->buffer, fused))
    produced->dst = *source;
  return emit(producer, *produced, std::move(args), what,
              "src " + formatOf(source->md) +
                  (src1.memory ? ", src1 " + formatOf(src1.md) : "") +
                  (produced->dst.memory == source->memory ? ", in place" : ""));
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

Error ProgramBuilder::buildReduction(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1)
    return error("a reduction of other than one tensor");
  // The body combines the element with the accumulator: which oneDNN
  // algorithm, and its neutral element.
  Block *body = op.getBlock();
  Value in = op.getMatchingBlockArgument(op.getDpsInputOperand(0));
  Value acc = op.getMatchingBlockArgument(op.getDpsInitOperand(0));
  Operation *yield = body->getTerminator();
  Operation *combine = yield->getOperand(0).getDefiningOp();
  if (!combine || combine->getBlock() != body ||
      std::distance(body->begin(), body->end()) != 2 ||
      combine->getNumOperands() != 2 ||
      !((combine->getOperand(0) == in && combine->getOperand(1) == acc) ||
        (combine->getOperand(0) == acc && combine->getOperand(1) == in)))
    return error("a reduction whose body is not one combining op");
  dnnl_alg_kind_t alg, combineAlg;
  double neutral;
  if (isa<arith::AddFOp>(combine)) {
    alg = dnnl_reduction_sum, combineAlg = dnnl_binary_add, neutral = 0;
  } else if (isa<arith::MulFOp>(combine)) {
    alg = dnnl_reduction_mul, combineAlg = dnnl_binary_mul, neutral = 1;
  } else if (isa<arith::MaximumFOp, arith::MaxNumFOp>(combine)) {
    alg = dnnl_reduction_max, combineAlg = dnnl_binary_max, neutral = -INFINITY;
  } else if (isa<arith::MinimumFOp, arith::MinNumFOp>(combine)) {
    alg = dnnl_reduction_min, combineAlg = dnnl_binary_min, neutral = INFINITY;
  } else {
    return error("a reduction by '" + combine->getName().getStringRef() +
                 "', which oneDNN does not have");
  }
  AffineMap inMap = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!inMap.isPermutation() || !outMap.isProjectedPermutation())
    return error("a reduction that does not read its input element by "
                 "element");
  // Logical dimensions: the loops; the destination has size 1 where they
  // reduce.
  SmallVector<int64_t> loops = op.getStaticLoopRanges();
  DimGroups srcGroups(loops.size()), dstGroups(loops.size());
  for (auto [j, e] : llvm::enumerate(inMap.getResults()))
    srcGroups[cast<AffineDimExpr>(e).getPosition()].push_back(int(j));
  for (auto [j, e] : llvm::enumerate(outMap.getResults()))
    dstGroups[cast<AffineDimExpr>(e).getPosition()].push_back(int(j));
  SmallVector<int64_t> dstDims = loops;
  for (size_t d = 0; d < loops.size(); ++d)
    if (dstGroups[d].empty())
      dstDims[d] = 1;
  // The init combined with the result (a max from -inf is nothing).
  auto own = initSteps(op.getDpsInits()[0], combineAlg, neutral);
  if (!own)
    return own.takeError();
  auto srcTensor = tensorOf(op.getDpsInputs()[0]);
  if (!srcTensor)
    return srcTensor.takeError();
  auto src = arranged(*srcTensor, srcGroups, describeOp(op));
  if (!src)
    return src.takeError();
  Producer producer;
  producer.op = op;
  producer.logicalDims = dstDims;
  producer.value = op->getResult(0);
  producer.valueDims = dimsOf(op->getResult(0));
  producer.groups = dstGroups;
  producer.ownSteps = std::move(*own);
  producer.readBuffers.push_back(src->buffer);
  dnnl_memory_desc_t srcMd = src->md;
  auto make = [&](const dnnl_memory_desc_t &dst,
                  const_dnnl_primitive_attr_t attr, bool,
                  onednn::PrimitiveDesc &pd) {
    dnnl_reduction_desc_t desc;
    dnnl_status_t s = dnnl_reduction_desc_init(&desc, alg, &srcMd, &dst, 0, 0);
    if (s == dnnl_success)
      s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                     nullptr);
    return s;
  };
  producer.make = make;
  auto produced = produce(producer);
  if (!produced)
    return produced.takeError();
  StringRef name = dnnl_alg_kind2str(alg);
  return emit(producer, *produced, {{DNNL_ARG_SRC, src->memory}}, name,
              "src " + formatOf(src->md));
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

Error ProgramBuilder::buildSoftmax(linalg::SoftmaxOp op) {
  auto source = tensorOf(op.getInput());
  if (!source)
    return source.takeError();
  SmallVector<int64_t> dims = dimsOf(op.getResult()[0]);
  DimGroups identity;
  for (size_t d = 0; d < dims.size(); ++d)
    identity.push_back({int(d)});
  Producer producer;
  producer.op = op;
  producer.logicalDims = dims;
  producer.value = op.getResult()[0];
  producer.valueDims = dims;
  producer.groups = identity;
  producer.readBuffers.push_back(source->buffer);
  dnnl_memory_desc_t srcMd = source->md;
  int axis = int(op.getDimension());
  auto make = [&](const dnnl_memory_desc_t &dst,
                  const_dnnl_primitive_attr_t attr, bool,
                  onednn::PrimitiveDesc &pd) {
    dnnl_softmax_v2_desc_t desc;
    dnnl_status_t s = dnnl_softmax_v2_forward_desc_init(
        &desc, dnnl_forward_inference, dnnl_softmax_accurate, &srcMd, &dst,
        axis);
    if (s == dnnl_success)
      s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                     nullptr);
    return s;
  };
  producer.make = make;
  auto produced = produce(producer);
  if (!produced)
    return produced.takeError();
  return emit(producer, *produced, {{DNNL_ARG_SRC, source->memory}},
              formatv("softmax (axis {0})", axis).str(),
              "src " + formatOf(source->md));
}

} // namespace autoconfig::program
