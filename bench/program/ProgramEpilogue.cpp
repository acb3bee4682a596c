//===- ProgramEpilogue.cpp - Element-wise ops fused into a primitive ------===//
//
// After a primitive, the element-wise ops that alone read its result are
// absorbed as long as they form a chain in it (EpilogueChain.h) whose other
// operands are already computed: a per-channel affine prefix (batch
// normalization on constants, a bias) folds into constant weights and bias
// as frameworks do at build time; the rest become post-ops, a residual
// addition a sum into the other operand's buffer when nothing reads it
// afterwards. If oneDNN refuses the whole epilogue (or only has a reference
// implementation for it), fewer ops are absorbed; they then run as
// primitives of their own.
//
//===----------------------------------------------------------------------===//

#include "ProgramBuilder.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace llvm;

namespace autoconfig::program {

using onednn::formatOf;
using onednn::rowMajor;

static SmallVector<int64_t> dimsOf(Value v) {
  return SmallVector<int64_t>(cast<ShapedType>(v.getType()).getShape());
}

static SmallVector<int> nonUnit(ArrayRef<int64_t> dims) {
  SmallVector<int> out;
  for (auto [i, d] : llvm::enumerate(dims))
    if (d != 1)
      out.push_back(int(i));
  return out;
}

FailureOr<const Expr *>
ProgramBuilder::expressionOf(linalg::LinalgOp op, ExprBuilder &builder,
                             SmallVectorImpl<Operation *> &inlined,
                             ArrayRef<Operation *> exclude, std::string &why) {
  // An element-wise producer read only here is part of the expression
  // (x * sigmoid(x) written as two ops).
  auto policy = [&](Value t) -> linalg::LinalgOp {
    auto s = t.getDefiningOp<linalg::LinalgOp>();
    if (!s || s == op || done.contains(s) || !needed.contains(s) ||
        llvm::is_contained(exclude, s.getOperation()) || !isElementwise(s) ||
        isView(s) || !t.hasOneUse())
      return {};
    return s;
  };
  auto e = builder.build(op, policy, inlined);
  if (!e) {
    why = toString(e.takeError());
    return failure();
  }
  return *e;
}

std::vector<ProgramBuilder::Part>
ProgramBuilder::collectEpilogue(const Producer &producer) {
  std::vector<Part> parts;
  Value cur = producer.value;
  DimGroups groups = producer.groups;
  SmallVector<int64_t> dims = producer.valueDims;
  SmallVector<Operation *> pending, fused = {producer.op};
  while (true) {
    SmallVector<Operation *> users;
    for (Operation *u : cur.getUsers())
      if (!llvm::is_contained(users, u))
        users.push_back(u);
    if (users.empty())
      break;
    // A reshape that only adds or removes unit dimensions keeps the chain.
    Operation *only = users.size() == 1 ? users[0] : nullptr;
    if (only && !done.contains(only) &&
        isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::ReshapeOp>(
            only) &&
        only->getOperand(0) == cur &&
        cast<ShapedType>(only->getResult(0).getType()).hasStaticShape()) {
      SmallVector<int64_t> next = dimsOf(only->getResult(0));
      SmallVector<int> from = nonUnit(dims), to = nonUnit(next);
      bool same = from.size() == to.size();
      for (size_t i = 0; same && i < from.size(); ++i)
        same = dims[from[i]] == next[to[i]];
      if (same) {
        DimGroups regrouped;
        for (const auto &g : groups) {
          SmallVector<int, 2> r;
          for (int d : g)
            if (dims[d] != 1)
              r.push_back(to[llvm::find(from, d) - from.begin()]);
          regrouped.push_back(r);
        }
        groups = std::move(regrouped);
        dims = std::move(next);
        pending.push_back(only);
        cur = only->getResult(0);
        continue;
      }
    }
    bool extended = false;
    for (Operation *u : users) {
      auto g = dyn_cast<linalg::LinalgOp>(u);
      if (!g || done.contains(u) || !needed.contains(u) || !isElementwise(g) ||
          isView(u) || !isa<RankedTensorType>(g->getResult(0).getType()))
        continue;
      ExprBuilder builder([this](Value v) { return scalarOf(v); });
      SmallVector<Operation *> inlined;
      std::string why;
      FailureOr<const Expr *> e = expressionOf(g, builder, inlined, fused, why);
      if (failed(e))
        continue;
      if (!llvm::all_of(users, [&](Operation *x) {
            return x == u || llvm::is_contained(inlined, x);
          }))
        continue;
      SmallVector<int64_t> resultDims = dimsOf(g->getResult(0));
      if (resultDims != dims)
        continue;
      auto steps = extractChain(
          *e, cur,
          ChainContext{resultDims, [this](Value v) { return constantOf(v); }});
      if (!steps) {
        consumeError(steps.takeError());
        continue;
      }
      // Its other operands must exist when the primitive runs.
      if (llvm::any_of(*steps, [&](const Step &s) {
            return s.tensor && !available(s.tensor);
          }))
        continue;
      Part part;
      part.ops.append(pending.begin(), pending.end());
      part.ops.push_back(u);
      part.ops.append(inlined.begin(), inlined.end());
      part.steps = std::move(*steps);
      part.result = g->getResult(0);
      part.dims = resultDims;
      part.groups = groups;
      fused.append(part.ops.begin(), part.ops.end());
      pending.clear();
      cur = part.result;
      parts.push_back(std::move(part));
      extended = true;
      break;
    }
    if (!extended)
      break;
  }
  return parts;
}

Expected<Tensor> ProgramBuilder::operandTensor(const Step &step,
                                               const Spaces &spaces) {
  auto t = readThrough(step.tensor, step.map, spaces.dims[step.space],
                       "epilogue operand");
  if (!t)
    return t.takeError();
  return arranged(*t, *spaces.groups[step.space], "epilogue operand");
}

Expected<std::vector<PostOp>> ProgramBuilder::lowerSteps(ArrayRef<Step> steps,
                                                         const Spaces &spaces,
                                                         int sumStep) {
  std::vector<PostOp> ops;
  for (auto [i, s] : llvm::enumerate(steps)) {
    if (s.kind == Step::Kind::Eltwise) {
      ops.push_back(PostOp::eltwise(s.alg, s.alpha, s.beta));
      continue;
    }
    if (int(i) == sumStep) {
      ops.push_back(PostOp::sum());
      continue;
    }
    if (s.constant) {
      ConstantTensor c =
          arrangeConstant(*s.constant, *spaces.groups[s.space],
                          spaces.dims[s.space], spaces.logicalDims);
      dnnl_dims_t dims = {};
      std::copy(c.shape.begin(), c.shape.end(), dims);
      dnnl_memory_desc_t md = rowMajor(int(c.shape.size()), dims);
      std::vector<float> data = c.toFloats();
      auto memory = seq.constant(md, data.data(), data.size(), md);
      if (!memory)
        return memory.takeError();
      ops.push_back(PostOp::binary(s.alg, md, *memory));
      continue;
    }
    auto t = operandTensor(s, spaces);
    if (!t)
      return t.takeError();
    ops.push_back(PostOp::binary(s.alg, t->md, t->memory));
  }
  return ops;
}

Expected<ProgramBuilder::Produced>
ProgramBuilder::produce(const Producer &producer) {
  std::vector<Part> parts = collectEpilogue(producer);
  std::string lastFailure = "oneDNN has no primitive for it";
  // Fewer absorbed ops at each round; a reference implementation only in
  // the last (round -1: nothing absorbed).
  for (int round = int(parts.size()); round >= -1; --round) {
    int k = std::max(round, 0);
    bool acceptReference = round < 0;
    Spaces spaces;
    spaces.logicalDims = producer.logicalDims;
    spaces.groups.push_back(&producer.groups);
    spaces.dims.push_back(producer.valueDims);
    std::vector<Step> steps = producer.ownSteps;
    for (Step &s : steps)
      s.space = 0;
    SmallVector<Operation *> fused = {producer.op};
    for (int j = 0; j < k; ++j) {
      spaces.groups.push_back(&parts[j].groups);
      spaces.dims.push_back(parts[j].dims);
      for (Step s : parts[j].steps) {
        s.space = j + 1;
        steps.push_back(std::move(s));
      }
      fused.append(parts[j].ops.begin(), parts[j].ops.end());
    }
    simplifyChain(steps);

    Produced out;
    // A per-channel affine prefix folds into the weights and bias.
    size_t first = 0;
    if (producer.channelDim >= 0) {
      int64_t channels = producer.logicalDims[producer.channelDim];
      out.scale.assign(channels, 1);
      out.shift.assign(channels, 0);
      for (; first < steps.size(); ++first) {
        const Step &s = steps[first];
        if (s.kind == Step::Kind::Eltwise) {
          if (s.alg != dnnl_eltwise_linear)
            break;
          for (int64_t c = 0; c < channels; ++c) {
            out.scale[c] *= s.alpha;
            out.shift[c] = s.alpha * out.shift[c] + s.beta;
          }
          continue;
        }
        if (!s.constant ||
            (s.alg != dnnl_binary_add && s.alg != dnnl_binary_sub &&
             s.alg != dnnl_binary_mul && s.alg != dnnl_binary_div))
          break;
        ConstantTensor c =
            arrangeConstant(*s.constant, *spaces.groups[s.space],
                            spaces.dims[s.space], spaces.logicalDims);
        bool perChannel = true;
        for (auto [d, size] : llvm::enumerate(c.shape))
          perChannel &= int(d) == producer.channelDim || size == 1;
        if (!perChannel)
          break;
        for (int64_t ch = 0; ch < channels; ++ch) {
          double v = c.at(c.elements() == 1 ? 0 : ch);
          if (s.alg == dnnl_binary_add)
            out.shift[ch] += v;
          else if (s.alg == dnnl_binary_sub)
            out.shift[ch] -= v;
          else if (s.alg == dnnl_binary_mul)
            out.scale[ch] *= v, out.shift[ch] *= v;
          else
            out.scale[ch] /= v, out.shift[ch] /= v;
        }
      }
      out.folded = first > 0;
      out.withBias = llvm::any_of(out.shift, [](double v) { return v != 0; }) ||
                     (producer.appliesScale &&
                      llvm::any_of(out.scale, [](double v) { return v != 1; }));
    }
    std::vector<Step> remaining(steps.begin() + first, steps.end());

    // A residual addition (its operand the destination's whole shape) may
    // be a sum: into the operand's buffer when nothing reads it afterwards,
    // else into a copy of it.
    int sumStep = -1;
    Tensor sumOperand;
    bool overwritable = false;
    for (auto [i, s] : llvm::enumerate(remaining)) {
      if (s.kind != Step::Kind::Binary || s.alg != dnnl_binary_add || !s.tensor)
        continue;
      auto t = operandTensor(s, spaces);
      if (!t) {
        consumeError(t.takeError());
        break;
      }
      bool full = t->md.ndims == int(spaces.logicalDims.size()) &&
                  std::equal(spaces.logicalDims.begin(),
                             spaces.logicalDims.end(), t->md.dims);
      if (!full)
        continue;
      bool readElsewhere =
          llvm::is_contained(producer.readBuffers, t->buffer) ||
          llvm::any_of(remaining, [&](const Step &o) {
            return &o != &s && o.tensor && o.tensor == s.tensor;
          });
      sumStep = int(i);
      sumOperand = *t;
      overwritable = !readElsewhere && canOverwrite(t->buffer, fused);
      break;
    }

    enum class Mode { InPlace, Binary, CopySum };
    auto attempt = [&](Mode mode) -> std::optional<Produced> {
      auto postOps =
          lowerSteps(remaining, spaces, mode == Mode::Binary ? -1 : sumStep);
      if (!postOps) {
        lastFailure = toString(postOps.takeError());
        return std::nullopt;
      }
      auto attr = onednn::makeAttr(*postOps);
      if (!attr) {
        lastFailure = toString(attr.takeError());
        return std::nullopt;
      }
      dnnl_memory_desc_t dstMd;
      if (mode == Mode::InPlace) {
        dstMd = sumOperand.md;
      } else if (producer.fixedDst) {
        dstMd = *producer.fixedDst;
      } else {
        dnnl_dims_t dims = {};
        std::copy(producer.logicalDims.begin(), producer.logicalDims.end(),
                  dims);
        dnnl_memory_desc_init_by_tag(&dstMd, int(producer.logicalDims.size()),
                                     dims, dnnl_f32, dnnl_format_tag_any);
      }
      Produced p;
      p.scale = out.scale;
      p.shift = out.shift;
      p.withBias = out.withBias;
      p.folded = out.folded;
      if (dnnl_status_t s =
              producer.make(dstMd, attr->get(), p.withBias, p.pd)) {
        lastFailure = toString(onednn::dnnlError(
            "primitive with post-ops " + onednn::describe(*postOps), s));
        return std::nullopt;
      }
      // oneDNN's reference implementations are a last resort.
      if (!acceptReference &&
          StringRef(PrimitiveSequence::implName(p.pd.get())).starts_with("ref"))
        return std::nullopt;
      p.postOps = std::move(*postOps);
      if (mode == Mode::InPlace)
        p.dst = sumOperand;
      if (mode == Mode::CopySum)
        p.sumCopyOf = sumOperand;
      p.parts.assign(parts.begin(), parts.begin() + k);
      return p;
    };
    if (sumStep >= 0 && overwritable)
      if (auto p = attempt(Mode::InPlace))
        return std::move(*p);
    std::optional<Produced> binary = attempt(Mode::Binary);
    std::optional<Produced> copySum =
        sumStep >= 0 ? attempt(Mode::CopySum) : std::nullopt;
    // A binary post-op reads the operand as it writes (one pass), but may
    // cost the primitive its best kernel: then a copy and a sum are better.
    if (binary && copySum &&
        PrimitiveSequence::implName(binary->pd.get()) !=
            PrimitiveSequence::implName(copySum->pd.get()))
      return std::move(*copySum);
    if (binary)
      return std::move(*binary);
    if (copySum)
      return std::move(*copySum);
  }
  return error(lastFailure);
}

Error ProgramBuilder::emit(const Producer &producer, Produced &produced,
                           std::vector<dnnl_exec_arg_t> args, const Twine &what,
                           const Twine &formats) {
  if (!produced.dst.memory) {
    auto dst = seq.allocate(
        PrimitiveSequence::queryMd(produced.pd.get(), dnnl_query_dst_md));
    if (!dst)
      return dst.takeError();
    produced.dst = *dst;
  }
  const Tensor &dst = produced.dst;
  if (produced.sumCopyOf.memory)
    if (Error e = seq.reorder(produced.sumCopyOf.md, produced.sumCopyOf.memory,
                              dst.md, dst.memory, true,
                              describeOp(producer.op) +
                                  " (the residual operand it sums into)"))
      return e;
  onednn::addPostOpArgs(produced.postOps, args);
  args.push_back({DNNL_ARG_DST, dst.memory});
  std::string absorbs;
  for (const Part &part : produced.parts)
    for (Operation *op : part.ops)
      absorbs += "; absorbs " + describeOp(op);
  std::string line =
      (describeOp(producer.op) + ": " + what + " " +
       PrimitiveSequence::implName(produced.pd.get()) + " (" + formats +
       ", dst " + formatOf(dst.md) + "; post-ops " +
       onednn::describe(produced.postOps) +
       (!produced.folded        ? ""
        : producer.appliesScale ? "; per-feature scale/shift folded into its "
                                  "scale and shift"
                                : "; per-channel scale/shift folded into "
                                  "weights/bias") +
       absorbs + ")")
          .str();
  if (Error e = seq.addStep(produced.pd, std::move(args), line))
    return e;
  done.insert(producer.op);
  for (const Part &part : produced.parts)
    for (Operation *op : part.ops)
      done.insert(op);
  Value result = producer.value;
  ArrayRef<int64_t> dims = producer.valueDims;
  const DimGroups *groups = &producer.groups;
  if (!produced.parts.empty()) {
    const Part &last = produced.parts.back();
    result = last.result;
    dims = last.dims;
    groups = &last.groups;
  }
  Tensor from = dst;
  auto md = onednn::unarrange(from.md, *groups, dims);
  if (!md) {
    consumeError(md.takeError());
    auto plain = inFormat(from, rowMajor(from.md.ndims, from.md.dims),
                          describeOp(producer.op));
    if (!plain)
      return plain.takeError();
    from = *plain;
    md = onednn::unarrange(from.md, *groups, dims);
    if (!md)
      return md.takeError();
  }
  if (dnnl_memory_desc_equal(&*md, &from.md)) {
    define(result, from);
    return Error::success();
  }
  auto view = seq.viewOf(from, *md);
  if (!view)
    return view.takeError();
  define(result, *view);
  return Error::success();
}

} // namespace autoconfig::program
