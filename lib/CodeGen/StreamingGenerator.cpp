//===- StreamingGenerator.cpp - A streaming op as a vector loop nest ------===//
//
// The generator half of StreamingNest (see the header for the shape of the
// code). Loops that fuse with the vectorized one are fused by viewing every
// operand that indexes them through memref.collapse_shape.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/KernelBuilder.h"
#include "autoconfig/CodeGen/StreamingCombiner.h"
#include "autoconfig/CodeGen/StreamingNest.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace autoconfig {
namespace {

/// An operand as the generated code sees it: over the fused loops, through a
/// collapsed view when it indexes the fused ones.
struct ViewOperand {
  const NestOperand *source = nullptr;
  Value memref;
  SmallVector<LinearIndex> indices;
  SmallVector<int64_t> strides;
  bool scalar = false;
};

class Generator {
public:
  Generator(const StreamingNest &nest, const StreamingConfig &config,
            OpBuilder &builder, const TargetDesc &target)
      : nest(nest), config(config), linalgOp(nest.op),
        kb(builder, nest.op->getLoc(), builder.getF32Type(), target.hasFMA) {}

  LogicalResult run();

private:
  void buildViews();
  void emitOuter(unsigned position);
  void sweepParallel();
  void parallelChunk(Value base, int64_t vectors, int64_t active);
  SmallVector<Value> carryReductions(unsigned position, SmallVector<Value> accs,
                                     Value base, int64_t vectors,
                                     int64_t active);
  void sweepReduction();
  SmallVector<Value> reduceSweep(SmallVector<Value> accs);

  SmallVector<Value> indicesOf(const ViewOperand &operand);
  SmallVector<Value> indicesOf(const ViewOperand &operand, int64_t lane);
  int64_t laneStride(const ViewOperand &operand) const;
  bool rowLocal(const ViewOperand &operand) const;
  Value load(const ViewOperand &operand, int64_t active);
  void store(const ViewOperand &operand, Value value, int64_t active);
  Value toVector(Value value);
  /// The body at the current indices for `active` lanes; the outputs' old
  /// values are `outputs` (null when unused). Returns the mapping of the
  /// body's values (`skip` is not emitted).
  IRMapping bodyAt(int64_t active, ArrayRef<Value> outputs,
                   Operation *skip = nullptr);
  /// The values the body yields.
  SmallVector<Value> body(int64_t active, ArrayRef<Value> outputs);
  Value combine(Operation *combiner, Value acc, Value value);

  const StreamingNest &nest;
  const StreamingConfig &config;
  linalg::LinalgOp linalgOp;
  KernelBuilder kb;
  ImplicitLocOpBuilder &b() { return kb.b(); }

  // The fused nest.
  SmallVector<int64_t> extents;
  SmallVector<bool> reduction;
  SmallVector<unsigned> fusedLoop; // original loop -> fused loop
  unsigned vdim = 0;
  int parLoop = -1;
  SmallVector<unsigned> parallelLoops, reductionLoops;
  SmallVector<ViewOperand> views;
  SmallVector<Value> ivs;
  unsigned vl = 1;
};

LogicalResult Generator::run() {
  vl = config.vl;
  unsigned first = config.dim + 1 - config.collapse;
  for (unsigned l = 0; l < nest.extents.size(); ++l) {
    if (l > first && l <= config.dim) {
      extents.back() *= nest.extents[l];
      fusedLoop.push_back(first);
      continue;
    }
    fusedLoop.push_back(extents.size());
    extents.push_back(nest.extents[l]);
    reduction.push_back(nest.reduction[l]);
  }
  vdim = first;
  FusedNest fused = fuseLoops(nest.workload(), config.dim, config.collapse);
  parLoop = config.threads > 1 ? parallelLoop(fused) : -1;
  for (unsigned l = 0; l < extents.size(); ++l) {
    if (l == vdim)
      continue;
    (reduction[l] ? reductionLoops : parallelLoops).push_back(l);
  }
  ivs.assign(extents.size(), Value());
  buildViews();
  emitOuter(0);
  return success();
}

void Generator::buildViews() {
  unsigned first = vdim, count = config.collapse;
  unsigned fusedCount = extents.size();
  for (const NestOperand &o : nest.operands) {
    ViewOperand view;
    view.source = &o;
    view.memref = o.value;
    if (o.isScalar()) {
      view.scalar = true;
      views.push_back(view);
      continue;
    }
    // The memref dimensions of the fused loops, if it indexes them, become
    // one dimension.
    int groupStart = -1;
    if (count > 1)
      for (auto [r, index] : llvm::enumerate(o.indices))
        if (index.pureLoop() == int(first))
          groupStart = int(r);
    SmallVector<ReassociationIndices> reassociation;
    SmallVector<int64_t> shape;
    for (unsigned r = 0; r < o.indices.size(); ++r) {
      bool grouped = groupStart >= 0 && r >= unsigned(groupStart) &&
                     r < unsigned(groupStart) + count;
      if (grouped && r != unsigned(groupStart)) {
        reassociation.back().push_back(r);
        view.strides.back() = o.strides[r];
        shape.back() *= o.shape[r];
        continue;
      }
      reassociation.push_back({int64_t(r)});
      view.strides.push_back(o.strides[r]);
      shape.push_back(o.shape[r]);
      LinearIndex index;
      index.coeffs.assign(fusedCount, 0);
      index.constant = o.indices[r].constant;
      for (auto [l, c] : llvm::enumerate(o.indices[r].coeffs))
        if (c != 0)
          index.coeffs[fusedLoop[l]] += c;
      view.indices.push_back(index);
    }
    // Unit dimensions after the vector's own (NCHW with H = W = 1) join it,
    // so that the vector runs along the view's last dimension.
    int row = rowDimension(view.indices, shape, view.strides, vdim);
    if (row >= 0 && unsigned(row) + 1 < view.indices.size()) {
      for (unsigned r = row + 1; r < view.indices.size(); ++r)
        llvm::append_range(reassociation[row], reassociation[r]);
      reassociation.resize(row + 1);
      view.indices.resize(row + 1);
      view.strides.resize(row + 1);
    }
    if (reassociation.size() != o.indices.size())
      view.memref =
          memref::CollapseShapeOp::create(b(), o.value, reassociation);
    views.push_back(view);
  }
}

void Generator::emitOuter(unsigned position) {
  if (position == parallelLoops.size()) {
    if (reduction[vdim])
      sweepReduction();
    else
      sweepParallel();
    return;
  }
  unsigned loop = parallelLoops[position];
  kb.parallelRange(0, extents[loop], 1, int(loop) == parLoop, [&](Value iv) {
    ivs[loop] = iv;
    emitOuter(position + 1);
  });
}

//===----------------------------------------------------------------------===//
// Operand access
//===----------------------------------------------------------------------===//

SmallVector<Value> Generator::indicesOf(const ViewOperand &operand) {
  return indicesOf(operand, 0);
}

SmallVector<Value> Generator::indicesOf(const ViewOperand &operand,
                                        int64_t lane) {
  SmallVector<Value> result;
  for (const LinearIndex &index : operand.indices) {
    int64_t constant = index.constant + lane * index.coeffs[vdim];
    Value sum;
    for (auto [l, c] : llvm::enumerate(index.coeffs)) {
      if (c == 0)
        continue;
      Value term = kb.mul(ivs[l], c);
      sum = sum ? kb.add(sum, term) : term;
    }
    if (!sum)
      sum = kb.index(constant);
    else
      sum = kb.add(sum, constant);
    result.push_back(sum);
  }
  return result;
}

int64_t Generator::laneStride(const ViewOperand &operand) const {
  int64_t stride = 0;
  for (auto [r, index] : llvm::enumerate(operand.indices))
    stride += index.coeffs[vdim] * operand.strides[r];
  return stride;
}

bool Generator::rowLocal(const ViewOperand &operand) const {
  if (operand.strides.empty() || operand.strides.back() != 1)
    return false;
  for (auto [r, index] : llvm::enumerate(operand.indices))
    if (index.coeffs[vdim] != 0 && r + 1 != operand.indices.size())
      return false;
  return true;
}

Value Generator::toVector(Value value) {
  if (isa<VectorType>(value.getType()))
    return value;
  return vector::BroadcastOp::create(
      b(), VectorType::get({vl}, value.getType()), value);
}

Value Generator::load(const ViewOperand &operand, int64_t active) {
  if (operand.scalar)
    return operand.memref;
  Type element = operand.source->arg.getType();
  int64_t stride = laneStride(operand);
  LaneAccess access = laneAccess(stride, rowLocal(operand));
  if (access == LaneAccess::Contiguous || access == LaneAccess::Strided) {
    int64_t step = access == LaneAccess::Contiguous ? 1 : stride;
    int64_t span = (active - 1) * step + 1;
    int64_t lanes = int64_t(vl) * step;
    auto type = VectorType::get({lanes}, element);
    SmallVector<Value> indices = indicesOf(operand);
    Value wide;
    if (span >= lanes) {
      wide = vector::LoadOp::create(b(), type, operand.memref, indices);
    } else {
      Value mask = vector::ConstantMaskOp::create(
          b(), VectorType::get({lanes}, b().getI1Type()),
          ArrayRef<int64_t>{span});
      Value zero = arith::ConstantOp::create(
          b(), DenseElementsAttr::get(type, b().getZeroAttr(element)));
      wide = vector::MaskedLoadOp::create(b(), type, operand.memref, indices,
                                          mask, zero);
    }
    if (step == 1)
      return wide;
    // Every step-th element: the window's lanes.
    SmallVector<int64_t> picks;
    for (int64_t j = 0; j < int64_t(vl); ++j)
      picks.push_back(j * step);
    return vector::ShuffleOp::create(b(), wide, wide, picks);
  }
  if (access == LaneAccess::Uniform)
    return memref::LoadOp::create(b(), operand.memref, indicesOf(operand));
  // Element by element.
  SmallVector<Value> elements;
  Value zero = arith::ConstantOp::create(b(), b().getZeroAttr(element));
  for (int64_t j = 0; j < int64_t(vl); ++j)
    elements.push_back(
        j < active
            ? memref::LoadOp::create(b(), operand.memref, indicesOf(operand, j))
                  .getResult()
            : zero);
  return vector::FromElementsOp::create(
      b(), VectorType::get({int64_t(vl)}, element), elements);
}

void Generator::store(const ViewOperand &operand, Value value, int64_t active) {
  int64_t stride = laneStride(operand);
  if (stride == 1 && rowLocal(operand)) {
    kb.storeVector(toVector(value), operand.memref, indicesOf(operand), active);
    return;
  }
  for (int64_t j = 0; j < active; ++j) {
    Value lane = isa<VectorType>(value.getType())
                     ? vector::ExtractOp::create(b(), value, j).getResult()
                     : value;
    memref::StoreOp::create(b(), lane, operand.memref, indicesOf(operand, j));
  }
}

//===----------------------------------------------------------------------===//
// The body, lane-wise
//===----------------------------------------------------------------------===//

SmallVector<Value> Generator::body(int64_t active, ArrayRef<Value> outputs) {
  IRMapping mapped = bodyAt(active, outputs);
  SmallVector<Value> yielded;
  for (Value v : linalgOp.getBlock()->getTerminator()->getOperands())
    yielded.push_back(mapped.lookupOrDefault(v));
  return yielded;
}

IRMapping Generator::bodyAt(int64_t active, ArrayRef<Value> outputs,
                            Operation *skip) {
  IRMapping mapped;
  unsigned outputIndex = 0;
  for (const ViewOperand &view : views) {
    BlockArgument arg = view.source->arg;
    if (view.source->output) {
      if (outputs[outputIndex])
        mapped.map(arg, outputs[outputIndex]);
      ++outputIndex;
      continue;
    }
    if (!arg.use_empty())
      mapped.map(arg, load(view, active));
  }
  Block *block = linalgOp.getBlock();
  for (Operation &op : block->without_terminator()) {
    if (&op == skip)
      continue;
    if (auto index = dyn_cast<linalg::IndexOp>(op)) {
      unsigned loop = fusedLoop[index.getDim()];
      Value iv = ivs[loop];
      if (loop == vdim) {
        auto type = VectorType::get({int64_t(vl)}, b().getIndexType());
        iv = arith::AddIOp::create(b(), toVector(iv),
                                   vector::StepOp::create(b(), type));
      }
      mapped.map(index.getResult(), iv);
      continue;
    }
    SmallVector<Value> operands;
    bool anyVector = false;
    for (Value v : op.getOperands()) {
      Value m = mapped.lookupOrDefault(v);
      anyVector |= isa<VectorType>(m.getType());
      operands.push_back(m);
    }
    if (!anyVector) {
      Operation *copy = b().clone(op, mapped);
      (void)copy;
      continue;
    }
    for (Value &v : operands)
      v = toVector(v);
    OperationState state(op.getLoc(), op.getName());
    state.addOperands(operands);
    state.addTypes(VectorType::get({int64_t(vl)}, op.getResult(0).getType()));
    state.addAttributes(op.getAttrs());
    Operation *vectorOp = b().create(state);
    mapped.map(op.getResult(0), vectorOp->getResult(0));
  }
  return mapped;
}

//===----------------------------------------------------------------------===//
// The vectorized loop is parallel
//===----------------------------------------------------------------------===//

void Generator::sweepParallel() {
  int64_t extent = extents[vdim];
  int64_t unroll = config.unroll;
  int64_t full = extent / vl, tail = extent % vl;
  int64_t mainIterations = full / unroll;
  int64_t chunk = unroll * vl;
  if (mainIterations > 0)
    kb.parallelRange(0, mainIterations * chunk, chunk, int(vdim) == parLoop,
                     [&](Value base) { parallelChunk(base, unroll, vl); });
  int64_t rest = full - mainIterations * unroll;
  if (rest > 0)
    parallelChunk(kb.index(mainIterations * chunk), rest, vl);
  if (tail > 0)
    parallelChunk(kb.index(full * vl), 1, tail);
}

void Generator::parallelChunk(Value base, int64_t vectors, int64_t active) {
  // The outputs' old values, when the body reads them.
  SmallVector<Value> accs;
  for (int64_t k = 0; k < vectors; ++k) {
    ivs[vdim] = kb.add(base, k * vl);
    for (const ViewOperand &view : views) {
      if (!view.source->output)
        continue;
      if (view.source->arg.use_empty() && reductionLoops.empty()) {
        accs.push_back(Value());
        continue;
      }
      Value old =
          view.source->arg.use_empty()
              ? arith::ConstantOp::create(
                    b(), DenseElementsAttr::get(
                             VectorType::get({int64_t(vl)},
                                             view.source->arg.getType()),
                             b().getZeroAttr(view.source->arg.getType())))
                    .getResult()
              : toVector(load(view, active));
      accs.push_back(old);
    }
  }
  SmallVector<Value> results =
      reductionLoops.empty() ? SmallVector<Value>()
                             : carryReductions(0, accs, base, vectors, active);
  unsigned outputs = linalgOp.getNumDpsInits();
  for (int64_t k = 0; k < vectors; ++k) {
    ivs[vdim] = kb.add(base, k * vl);
    SmallVector<Value> values;
    if (reductionLoops.empty())
      values = body(active, ArrayRef<Value>(accs).slice(k * outputs, outputs));
    else
      values.assign(results.begin() + k * outputs,
                    results.begin() + (k + 1) * outputs);
    unsigned o = 0;
    for (const ViewOperand &view : views)
      if (view.source->output)
        store(view, values[o++], active);
  }
}

SmallVector<Value> Generator::carryReductions(unsigned position,
                                              SmallVector<Value> accs,
                                              Value base, int64_t vectors,
                                              int64_t active) {
  unsigned outputs = linalgOp.getNumDpsInits();
  if (position == reductionLoops.size()) {
    SmallVector<Value> next;
    for (int64_t k = 0; k < vectors; ++k) {
      ivs[vdim] = kb.add(base, k * vl);
      SmallVector<Value> values =
          body(active, ArrayRef<Value>(accs).slice(k * outputs, outputs));
      for (Value v : values)
        next.push_back(toVector(v));
    }
    return next;
  }
  unsigned loop = reductionLoops[position];
  if (extents[loop] == 1) {
    ivs[loop] = kb.index(0);
    return carryReductions(position + 1, accs, base, vectors, active);
  }
  return kb.forWithValues(kb.index(0), kb.index(extents[loop]), 1, accs,
                          [&](Value iv, ValueRange carried) {
                            ivs[loop] = iv;
                            return carryReductions(position + 1,
                                                   SmallVector<Value>(carried),
                                                   base, vectors, active);
                          });
}

//===----------------------------------------------------------------------===//
// The vectorized loop is a reduction
//===----------------------------------------------------------------------===//

Value Generator::combine(Operation *combiner, Value acc, Value value) {
  BlockArgument out = linalgOp.getRegionOutputArgs().front();
  bool accFirst = combiner->getOperand(0) == out;
  OperationState state(combiner->getLoc(), combiner->getName());
  state.addOperands(accFirst ? ValueRange{acc, value} : ValueRange{value, acc});
  state.addTypes(acc.getType());
  state.addAttributes(combiner->getAttrs());
  return b().create(state)->getResult(0);
}

void Generator::sweepReduction() {
  Operation *combiner = nest.combiner;
  Type element = linalgOp.getRegionOutputArgs().front().getType();
  auto type = VectorType::get({int64_t(vl)}, element);
  Value neutral = arith::ConstantOp::create(
      b(), DenseElementsAttr::get(type, neutralElement(combiner, element)));
  SmallVector<Value> accs(config.unroll, neutral);
  accs = reduceSweep(accs);
  Value total = accs.front();
  for (unsigned k = 1; k < accs.size(); ++k)
    total = combine(combiner, total, accs[k]);
  Value scalar =
      vector::ReductionOp::create(b(), *combiningKind(combiner), total);
  const ViewOperand *out = nullptr;
  for (const ViewOperand &view : views)
    if (view.source->output)
      out = &view;
  Value old = memref::LoadOp::create(b(), out->memref, indicesOf(*out));
  memref::StoreOp::create(b(), combine(combiner, old, scalar), out->memref,
                          indicesOf(*out));
}

/// The other reduction loops, then the vector loop, carrying the
/// accumulators.
SmallVector<Value> Generator::reduceSweep(SmallVector<Value> accs) {
  std::function<SmallVector<Value>(unsigned, SmallVector<Value>)> level =
      [&](unsigned position, SmallVector<Value> carried) -> SmallVector<Value> {
    if (position < reductionLoops.size()) {
      unsigned loop = reductionLoops[position];
      if (extents[loop] == 1) {
        ivs[loop] = kb.index(0);
        return level(position + 1, carried);
      }
      return kb.forWithValues(kb.index(0), kb.index(extents[loop]), 1, carried,
                              [&](Value iv, ValueRange inner) {
                                ivs[loop] = iv;
                                return level(position + 1,
                                             SmallVector<Value>(inner));
                              });
    }
    Operation *combiner = nest.combiner;
    BlockArgument out = linalgOp.getRegionOutputArgs().front();
    Value contribution = combiner->getOperand(0) == out
                             ? combiner->getOperand(1)
                             : combiner->getOperand(0);
    Type element = out.getType();
    auto type = VectorType::get({int64_t(vl)}, element);
    // One vector of `active` lanes at `base` into accumulator k; dead tail
    // lanes contribute the neutral element.
    auto step = [&](Value base, SmallVector<Value> &accs, unsigned k,
                    int64_t active) {
      ivs[vdim] = base;
      IRMapping mapped = bodyAt(active, {Value()}, combiner);
      Value value = toVector(mapped.lookupOrDefault(contribution));
      if (active < int64_t(vl)) {
        Value neutral = arith::ConstantOp::create(
            b(),
            DenseElementsAttr::get(type, neutralElement(combiner, element)));
        value =
            arith::SelectOp::create(b(), kb.mask(vl, active), value, neutral);
      }
      accs[k] = combine(combiner, accs[k], value);
    };
    int64_t extent = extents[vdim], unroll = config.unroll;
    int64_t full = extent / vl, tail = extent % vl;
    int64_t mainIterations = full / unroll, chunk = unroll * vl;
    SmallVector<Value> accs = carried;
    if (mainIterations > 0)
      accs = kb.forWithValues(kb.index(0), kb.index(mainIterations * chunk),
                              chunk, accs, [&](Value base, ValueRange in) {
                                SmallVector<Value> a(in);
                                for (int64_t k = 0; k < unroll; ++k)
                                  step(kb.add(base, k * vl), a, k, vl);
                                return a;
                              });
    int64_t rest = full - mainIterations * unroll;
    for (int64_t k = 0; k < rest; ++k)
      step(kb.index(mainIterations * chunk + k * vl), accs, k, vl);
    if (tail > 0)
      step(kb.index(full * vl), accs, rest % unroll, tail);
    return accs;
  };
  return level(0, accs);
}

} // namespace

LogicalResult StreamingNest::generate(RewriterBase &rewriter,
                                      const StreamingConfig &config,
                                      const TargetDesc &target) const {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Generator generator(*this, config, rewriter, target);
  if (failed(generator.run()))
    return failure();
  rewriter.eraseOp(op);
  return success();
}

} // namespace autoconfig
