//===- StreamingModel.cpp - Model of the ops that stream their operands ---===//
//
// A streaming op is bound by one of three things, and the model names each:
//   memory  the bytes it moves (every operand's footprint, a broadcast
//           operand once, an output read and written twice) over the
//           calibrated read bandwidth of the level its working set fits in;
//   issue   the vector instructions it issues (body operations, with each
//           transcendental function counted as its polynomial's operations,
//           loads, broadcasts, stores, gathers) at the measured rates of the
//           ports they use, which work in parallel;
//   chain   for reductions, the dependent combining operations on each
//           accumulator: unroll independent accumulators hide the latency.
// plus the loop iterations executed and, with threads, the fork/join.
// time = max(memory, max(issue, chain) + loops) [/ threads] + fork/join.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/StreamingModel.h"
#include "autoconfig/Model/GemmModels.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {

//===----------------------------------------------------------------------===//
// Workload and config
//===----------------------------------------------------------------------===//

int64_t StreamingWorkload::totalIterations() const {
  int64_t n = 1;
  for (const StreamingLoop &l : loops)
    n *= l.extent;
  return n;
}

std::string StreamingWorkload::shape() const {
  std::string text;
  for (const StreamingLoop &l : loops)
    text += (text.empty() ? "" : "x") + std::to_string(l.extent) +
            (l.reduction ? "r" : "");
  return text.empty() ? "scalar" : text;
}

StreamingWorkload transposeWorkload(ArrayRef<int64_t> inputShape,
                                    ArrayRef<int64_t> permutation,
                                    unsigned elementBytes) {
  size_t rank = inputShape.size();
  assert(permutation.size() == rank && "one permutation entry per dimension");
  std::vector<int64_t> inputStrides(rank, 1), outputStrides(rank, 1);
  for (size_t d = rank; d-- > 1;)
    inputStrides[d - 1] = inputStrides[d] * inputShape[d];
  for (size_t d = rank; d-- > 1;)
    outputStrides[d - 1] = outputStrides[d] * inputShape[permutation[d]];
  // The loops are the result's dimensions; loop l moves the input along its
  // dimension permutation[l].
  StreamingWorkload w;
  w.opName = "linalg.transpose";
  w.elementBits = 8 * elementBytes;
  StreamingOperand input, output;
  input.elementBytes = output.elementBytes = elementBytes;
  output.output = true;
  input.footprintElements = output.footprintElements = 1;
  // A dimension is inside a row when every dimension after it has size 1.
  auto innermost = [](ArrayRef<int64_t> shape, size_t d) {
    return llvm::all_of(shape.drop_front(d + 1),
                        [](int64_t e) { return e == 1; });
  };
  SmallVector<int64_t> outputShape;
  for (int64_t p : permutation)
    outputShape.push_back(inputShape[p]);
  for (size_t l = 0; l < rank; ++l) {
    w.loops.push_back({outputShape[l], false});
    w.vectorizable.push_back(true);
    // A loop of one iteration never moves an operand.
    bool moves = outputShape[l] > 1;
    input.strides.push_back(moves ? inputStrides[permutation[l]] : 0);
    input.rowLocal.push_back(!moves || innermost(inputShape, permutation[l]));
    output.strides.push_back(moves ? outputStrides[l] : 0);
    output.rowLocal.push_back(!moves || innermost(outputShape, l));
    input.footprintElements *= inputShape[l];
    output.footprintElements *= inputShape[l];
    // Both operands contiguous across the two loops, or neither moved by
    // them; a loop of one iteration next to a moving one does not fuse.
    if (l + 1 < rank) {
      bool outerMoves = outputShape[l] > 1, innerMoves = outputShape[l + 1] > 1;
      w.fusesWithNext.push_back(
          outerMoves == innerMoves &&
          (!outerMoves || permutation[l + 1] == permutation[l] + 1));
    } else {
      w.fusesWithNext.push_back(false);
    }
  }
  w.operands = {input, output};
  return w;
}

Config StreamingConfig::toConfig() const {
  if (!vectorize)
    return Config("default");
  Config config("vector");
  config.set("dim", dim);
  config.set("collapse", collapse);
  config.set("vl", vl);
  config.set("unroll", unroll);
  config.set("threads", threads);
  return config;
}

Expected<StreamingConfig> StreamingConfig::fromConfig(const Config &config) {
  StreamingConfig c;
  if (config.getAlgorithm() == "default") {
    if (!config.params().empty())
      return createStringError(inconvertibleErrorCode(),
                               "lowering 'default' takes no parameters");
    return c;
  }
  if (config.getAlgorithm() != "vector")
    return createStringError(
        inconvertibleErrorCode(),
        "unknown lowering '" + config.getAlgorithm() +
            "' (expected 'vector dim=D collapse=C vl=V unroll=U threads=T' "
            "or 'default')");
  c.vectorize = true;
  int64_t dim = -1, collapse = 0, vl = 0, unroll = 0, threads = 0;
  if (Error err = config.readInto("vector", {{"dim", &dim},
                                             {"collapse", &collapse},
                                             {"vl", &vl},
                                             {"unroll", &unroll},
                                             {"threads", &threads}}))
    return std::move(err);
  // A parameter given is checked; one left out is chosen by the model.
  auto check = [&](StringRef name, int64_t value, int64_t lo,
                   int64_t hi) -> Error {
    if (config.has(name) && (value < lo || value > hi))
      return createStringError(inconvertibleErrorCode(),
                               formatv("lowering parameter '{0}' must be in "
                                       "[{1}, {2}], got {3}",
                                       name, lo, hi, value)
                                   .str());
    return Error::success();
  };
  for (auto [name, value, lo, hi] :
       {std::tuple<StringRef, int64_t, int64_t, int64_t>{"dim", dim, 0, 63},
        {"collapse", collapse, 1, 64},
        {"vl", vl, 1, 1024},
        {"unroll", unroll, 1, 16},
        {"threads", threads, 1, 1024}})
    if (Error err = check(name, value, lo, hi))
      return std::move(err);
  // A dim of -1 (absent) is encoded as "free" for the model.
  c.dim = dim < 0 ? ~0u : unsigned(dim);
  c.collapse = unsigned(collapse);
  c.vl = unsigned(vl);
  c.unroll = unsigned(unroll);
  c.threads = unsigned(threads);
  return c;
}

FusedNest fuseLoops(const StreamingWorkload &w, unsigned dim,
                    unsigned collapse) {
  FusedNest nest;
  unsigned first = dim + 1 - collapse;
  nest.dim = first;
  nest.strides.resize(w.operands.size());
  nest.rowLocal.resize(w.operands.size());
  for (unsigned l = 0; l < w.loops.size(); ++l) {
    if (l > first && l <= dim) {
      // Fused into `first`: the extent multiplies; the innermost stride and
      // row locality are the fused loop's.
      nest.loops.back().extent *= w.loops[l].extent;
      for (auto [i, op] : llvm::enumerate(w.operands)) {
        nest.strides[i].back() = op.strides[l];
        nest.rowLocal[i].back() = op.rowLocal[l];
      }
      continue;
    }
    nest.loops.push_back(w.loops[l]);
    for (auto [i, op] : llvm::enumerate(w.operands)) {
      nest.strides[i].push_back(op.strides[l]);
      nest.rowLocal[i].push_back(op.rowLocal[l]);
    }
  }
  return nest;
}

LaneAccess laneAccess(int64_t stride, bool rowLocal) {
  if (stride == 0)
    return LaneAccess::Uniform;
  if (stride == 1)
    return LaneAccess::Contiguous;
  // A window stride (pooling) within one row: reading stride x vl contiguous
  // elements and keeping every stride-th costs `stride` loads and a shuffle,
  // which beats a gather's vl element loads up to a few.
  if (rowLocal && stride > 1 && stride <= 4)
    return LaneAccess::Strided;
  return LaneAccess::Gather;
}

int parallelLoop(const FusedNest &nest) {
  for (auto [l, loop] : llvm::enumerate(nest.loops))
    if (l != nest.dim && !loop.reduction && loop.extent > 1)
      return int(l);
  if (!nest.loops[nest.dim].reduction)
    return int(nest.dim);
  return -1;
}

json::Value toJSON(const StreamingDecision &d) {
  return json::Object{{"op", d.opName},
                      {"location", d.location},
                      {"shape", d.shape},
                      {"lowering", d.config.str()},
                      {"from_user", d.fromUser},
                      {"bytes", d.bytes},
                      {"level", d.level},
                      {"reason", d.reason},
                      {"prediction", toJSON(d.prediction)}};
}

//===----------------------------------------------------------------------===//
// Prediction
//===----------------------------------------------------------------------===//

static std::string levelName(unsigned level) {
  return level ? "L" + std::to_string(level) : std::string("memory");
}

double StreamingModel::bytesMoved(const StreamingWorkload &w,
                                  unsigned &level) const {
  double bytes = 0;
  for (const StreamingOperand &op : w.operands)
    bytes += double(op.footprintElements) * op.elementBytes *
             (op.output && op.readsOutput ? 2 : 1);
  level = 0;
  for (unsigned l = 1; l <= 3 && !level; ++l)
    if (const CacheLevel *c = machine.target.cache(l))
      if (bytes <= double(c->sizeBytes))
        level = l;
  return bytes;
}

Prediction StreamingModel::predict(const StreamingWorkload &w,
                                   const StreamingConfig &c) const {
  Prediction p;
  const Profile &profile = machine.profile;
  unsigned level = 0;
  double bytes = bytesMoved(w, level);
  double bandwidth = profile.bandwidthOfLevel(level);
  FusedNest nest = fuseLoops(w, c.dim, c.collapse);
  const StreamingLoop &vloop = nest.loops[nest.dim];
  double vectorsPerRow = std::ceil(double(vloop.extent) / c.vl);
  double outer = 1, reductionIters = 1;
  for (auto [l, loop] : llvm::enumerate(nest.loops)) {
    if (l == nest.dim)
      continue;
    outer *= double(loop.extent);
    if (loop.reduction)
      reductionIters *= double(loop.extent);
  }
  double vectors = outer * vectorsPerRow;
  bool vectorReduces = vloop.reduction;
  bool hasReduction = vectorReduces || reductionIters > 1;
  // Output vectors: once per output tile, not per reduction step.
  double outputVectors = vectorReduces ? 0 : vectors / reductionIters;
  double outputScalars = vectorReduces ? outer / reductionIters : 0;

  double loads = 0, broadcasts = 0, stores = 0, shuffles = 0;
  std::string accesses;
  for (auto [i, op] : llvm::enumerate(w.operands)) {
    LaneAccess access =
        laneAccess(nest.strides[i][nest.dim], nest.rowLocal[i][nest.dim]);
    const char *kind = "";
    double perVector = 0; // element loads or vector loads
    switch (access) {
    case LaneAccess::Uniform:
      kind = "broadcast";
      break;
    case LaneAccess::Contiguous:
      kind = "contiguous";
      perVector = 1;
      break;
    case LaneAccess::Strided:
      kind = "strided";
      perVector = double(nest.strides[i][nest.dim]);
      break;
    case LaneAccess::Gather:
      kind = op.output ? "scatter" : "gather";
      perVector = c.vl;
      break;
    }
    accesses += formatv("{0}{1} {2}", accesses.empty() ? "" : ", ",
                        op.output ? "out" : "in", kind)
                    .str();
    if (op.output) {
      if (vectorReduces) {
        loads += outputScalars;
        stores += outputScalars;
        continue;
      }
      // An output that is not contiguous is stored (and read) lane by
      // lane, each lane extracted.
      double perStore = access == LaneAccess::Contiguous ? 1 : c.vl;
      stores += outputVectors * perStore;
      if (op.readsOutput)
        loads += outputVectors * perStore;
      if (perStore > 1)
        shuffles += outputVectors * c.vl;
      continue;
    }
    if (access == LaneAccess::Uniform) {
      broadcasts += outer;
      continue;
    }
    loads += vectors * perVector;
    // A strided window is one shuffle per vector; a gather inserts each lane.
    if (access == LaneAccess::Strided)
      shuffles += vectors;
    if (access == LaneAccess::Gather)
      shuffles += vectors * c.vl;
  }
  // A reduction along the vector ends each output with a horizontal
  // reduction: log2(vl) shuffle + combine steps.
  double horizontal =
      vectorReduces ? outputScalars * 2 * std::log2(std::max(2u, c.vl)) : 0;
  // Without native predication a masked tail access is emulated (a blend
  // or a masked move that costs about one more operation).
  double tails = vloop.extent % c.vl ? outer : 0;
  double masking =
      machine.target.nativeMasking ? 0 : tails * double(w.operands.size());
  double ops = vectors * w.bodyOps + shuffles + horizontal + masking;

  unsigned bits = c.vl * w.elementBits;
  const VectorCosts &v = profile.forBits(std::max(bits, 128u));
  double issueArith = ops / v.fmaPerSecond;
  double issueLoads =
      loads / v.loadPerSecond + broadcasts / v.broadcastPerSecond;
  double issueStores = stores / v.storePerSecond;
  double issue = std::max({issueArith, issueLoads, issueStores});
  // Each accumulator's combining op waits for the previous one; `unroll`
  // accumulators (one per vector of a row chunk) run side by side. The
  // measured FMA latency stands for the add/max latency.
  double chain = hasReduction ? vectors / c.unroll * v.fmaLatencySeconds : 0;
  // The vector loop runs full/unroll times (no loop for one); the rest is
  // straight-line code.
  double mainIters =
      std::floor(std::floor(vloop.extent / double(c.vl)) / c.unroll);
  double loopIters = outer * (1 + (mainIters > 1 ? mainIters : 0));
  double loops = loopIters * profile.loopIterationSeconds;

  // Threads share out one parallel loop; the levels hold the same share.
  double factor = 1, balance = 1;
  int par = parallelLoop(nest);
  std::string threadDetail = "one thread";
  if (c.threads > 1 && par >= 0) {
    double extent = double(nest.loops[par].extent);
    if (unsigned(par) == nest.dim)
      extent = std::ceil(extent / (double(c.vl) * c.unroll));
    double perThread = std::ceil(extent / c.threads);
    balance = extent / (c.threads * perThread);
    factor = c.threads * balance;
    threadDetail = formatv("{0} threads over loop {1} ({2} iterations): "
                           "balance {3:f2}",
                           c.threads, par, int64_t(extent), balance)
                       .str();
  }
  // Private caches add up over cores; main memory is shared, and one core
  // is assumed to reach most of its bandwidth (the profile measures one).
  double memoryFactor = level != 0 ? factor : 1;
  double memory = bytes / bandwidth / memoryFactor;
  double compute = (std::max(issue, chain) + loops) / factor;
  double fork = c.threads > 1 ? machine.profile.forkJoinSeconds : 0;
  p.seconds = std::max(memory, compute) + fork;
  p.formula = "max(memory, max(issue, chain) + loops) / threads + fork/join";
  p.add("memory", memory,
        formatv("{0} at {1} ({2:f1} GB/s){3}", formatBytes(bytes),
                levelName(level), bandwidth / 1e9,
                memoryFactor > 1 ? formatv(" / {0:f2}", memoryFactor).str()
                                 : std::string())
            .str(),
        memory < compute);
  p.add("issue", issue / factor,
        formatv("{0:f0} vectors of {1}: {2:f0} ops ({3:f1}/vector: {4}), "
                "{5:f0} loads, {6:f0} broadcasts, {7:f0} stores at {8}-bit "
                "rates; {9}",
                vectors, c.vl, ops, w.bodyOps,
                w.bodyDetail.empty() ? "none" : w.bodyDetail, loads, broadcasts,
                stores, v.bits, accesses)
            .str(),
        issue < chain || std::max(issue, chain) + loops < memory);
  if (hasReduction)
    p.add("chain", chain / factor,
          formatv("{0:f0} dependent combines / {1} accumulators x {2}", vectors,
                  c.unroll, formatSeconds(v.fmaLatencySeconds))
              .str(),
          chain < issue || std::max(issue, chain) + loops < memory);
  p.add("loops", loops / factor,
        formatv("{0:f0} iterations x {1}", loopIters,
                formatSeconds(profile.loopIterationSeconds))
            .str());
  p.add("threads", fork, threadDetail);
  return p;
}

Prediction StreamingModel::predictScalar(const StreamingWorkload &w) const {
  Prediction p;
  unsigned level = 0;
  double bytes = bytesMoved(w, level);
  double memory = bytes / machine.profile.bandwidthOfLevel(level);
  double elements = double(w.totalIterations());
  const VectorCosts &v = machine.profile.vectors.front();
  double accesses = double(w.operands.size());
  double issue = elements * std::max(w.bodyOps / v.fmaPerSecond,
                                     accesses / v.loadPerSecond);
  double loops = elements * machine.profile.loopIterationSeconds;
  p.seconds = std::max(memory, issue + loops);
  p.formula = "max(memory, issue + loops), one element at a time";
  p.add("memory", memory, formatBytes(bytes) + " at " + levelName(level));
  p.add("issue", issue,
        formatv("{0:f0} elements x {1:f1} ops, {2:f0} accesses", elements,
                w.bodyOps, accesses)
            .str());
  p.add("loops", loops, formatv("{0:f0} iterations", elements).str());
  return p;
}

//===----------------------------------------------------------------------===//
// Decision
//===----------------------------------------------------------------------===//

Error StreamingModel::verify(const StreamingWorkload &w,
                             const StreamingConfig &c) const {
  auto bad = [&](const Twine &why) {
    return createStringError(inconvertibleErrorCode(),
                             "lowering '" + c.str() + "' rejected: " + why);
  };
  if (!c.vectorize)
    return Error::success();
  if (c.dim >= w.loops.size())
    return bad(
        formatv("dim={0} but the op has {1} loops", c.dim, w.loops.size()));
  if (!w.vectorizable[c.dim])
    return bad(formatv("loop {0} cannot carry vectors (a reduction whose "
                       "combining operation is not recognized)",
                       c.dim));
  if (c.collapse < 1 || c.collapse > c.dim + 1)
    return bad(formatv("collapse={0} must be in [1, dim + 1 = {1}]", c.collapse,
                       c.dim + 1));
  for (unsigned l = c.dim + 1 - c.collapse; l < c.dim; ++l)
    if (!w.fusesWithNext[l])
      return bad(formatv("loops {0} and {1} do not fuse (an operand is not "
                         "contiguous across them)",
                         l, l + 1));
  if (c.vl < 1 || c.vl > 1024)
    return bad("vl must be in [1, 1024]");
  if (c.unroll < 1 || c.unroll > 16)
    return bad("unroll must be in [1, 16]");
  if (c.threads < 1 || c.threads > 1024)
    return bad("threads must be in [1, 1024]");
  return Error::success();
}

/// The core's share of a prediction: max(issue, chain) + loops.
static double coreSeconds(const Prediction &p) {
  auto term = [&](const char *name) {
    const CostTerm *t = p.term(name);
    return t ? t->seconds : 0.0;
  };
  return std::max(term("issue"), term("chain")) + term("loops");
}

/// Vectors of `vl` lanes in one row of the vectorized (fused) loop.
static int64_t rowVectorsOf(const StreamingWorkload &w, unsigned dim,
                            unsigned collapse, unsigned vl) {
  int64_t extent = 1;
  for (unsigned l = dim + 1 - collapse; l <= dim; ++l)
    extent *= w.loops[l].extent;
  return (extent + vl - 1) / vl;
}

/// The longest run of loops ending at `dim` that fuse into one.
static unsigned maxCollapse(const StreamingWorkload &w, unsigned dim) {
  unsigned collapse = 1;
  while (collapse <= dim && w.fusesWithNext[dim - collapse])
    ++collapse;
  return collapse;
}

StreamingDecision StreamingModel::decide(const StreamingWorkload &w,
                                         const StreamingConfig *fixed) const {
  StreamingDecision best;
  best.bytes = bytesMoved(w, best.level);
  best.shape = w.shape();
  best.opName = w.opName;
  unsigned lanes = std::max(1u, machine.target.lanes(w.elementBits));
  unsigned minLanes = std::max(1u, std::min(lanes, 128u / w.elementBits));
  bool found = false;
  double bestLanes = 0, bestCore = 0;
  auto consider = [&](const StreamingConfig &c) {
    Prediction p = predict(w, c);
    FusedNest nest = fuseLoops(w, c.dim, c.collapse);
    double processed = std::ceil(double(nest.loops[nest.dim].extent) / c.vl) *
                       c.vl * double(w.totalIterations()) /
                       double(nest.loops[nest.dim].extent);
    // Within 1% (a memory-bound op, typically): less core time (fewer
    // instructions leave the core free), then fewer lanes processed (less
    // waste on short rows), then fewer threads, then less unroll.
    double core = coreSeconds(p);
    bool better = !found || p.seconds < best.prediction.seconds * 0.99;
    if (found && !better && p.seconds <= best.prediction.seconds * 1.01) {
      if (std::abs(core - bestCore) > 0.01 * std::max(core, bestCore))
        better = core < bestCore;
      else if (processed != bestLanes)
        better = processed < bestLanes;
      else if (c.threads != best.config.threads)
        better = c.threads < best.config.threads;
      else if (c.unroll != best.config.unroll)
        better = c.unroll < best.config.unroll;
    }
    if (!better)
      return;
    found = true;
    best.config = c;
    best.prediction = std::move(p);
    bestLanes = processed;
    bestCore = core;
  };
  // A user's partial config fixes its nonzero fields.
  auto matches = [&](unsigned StreamingConfig::*field, unsigned value) {
    return !fixed || fixed->*field == 0 || fixed->*field == value;
  };
  for (unsigned dim = 0; dim < w.loops.size(); ++dim) {
    if (!w.vectorizable[dim] ||
        (fixed && fixed->dim != ~0u && fixed->dim != dim))
      continue;
    for (unsigned collapse = 1; collapse <= maxCollapse(w, dim); ++collapse) {
      if (!matches(&StreamingConfig::collapse, collapse))
        continue;
      for (unsigned vl = lanes; vl >= minLanes && vl > 0; vl /= 2) {
        if (!matches(&StreamingConfig::vl, vl))
          continue;
        for (unsigned unroll : {1u, 2u, 4u, 8u}) {
          // Live vectors: one per operand and unrolled vector, plus one;
          // no more vectors than the row has.
          if (!matches(&StreamingConfig::unroll, unroll) ||
              (unroll > 1 &&
               int64_t(unroll) > rowVectorsOf(w, dim, collapse, vl)) ||
              (unroll > 1 && unroll * (w.operands.size() + 1) >
                                 machine.target.vectorRegisters))
            continue;
          for (unsigned threads : {1u, std::max(1u, machine.threads)}) {
            if (!matches(&StreamingConfig::threads, threads))
              continue;
            consider({.vectorize = true,
                      .dim = dim,
                      .collapse = collapse,
                      .vl = vl,
                      .unroll = unroll,
                      .threads = threads});
            if (machine.threads <= 1)
              break;
          }
        }
      }
    }
  }
  // A user's parameter outside the enumerated values: take it as given,
  // with the model's best for the rest.
  if (!found && fixed) {
    StreamingConfig c = *fixed;
    c.vectorize = true;
    if (c.dim == ~0u)
      for (unsigned d = w.loops.size(); d-- > 0;)
        if (w.vectorizable[d]) {
          c.dim = d;
          break;
        }
    if (c.dim != ~0u) {
      c.collapse = c.collapse ? c.collapse : 1;
      c.vl = c.vl ? c.vl : lanes;
      c.unroll = c.unroll ? c.unroll : 1;
      c.threads = c.threads ? c.threads : 1;
      best.config = c;
      best.prediction = predict(w, c);
      found = true;
    }
  }
  if (!found) {
    best.config = StreamingConfig();
    best.prediction = predictScalar(w);
    best.reason = "no loop can carry vectors";
    return best;
  }
  const StreamingConfig &c = best.config;
  FusedNest nest = fuseLoops(w, c.dim, c.collapse);
  const CostTerm *bound = nullptr;
  for (const CostTerm &t : best.prediction.terms)
    if (!t.overlapped && (!bound || t.seconds > bound->seconds))
      bound = &t;
  best.reason =
      formatv(
          "loop {0}{1} ({2} {3}) carries {4}-lane vectors, {5} per "
          "iteration; bound by {6}",
          c.dim,
          c.collapse > 1
              ? formatv(" fused with {0} outer loop(s)", c.collapse - 1).str()
              : std::string(),
          nest.loops[nest.dim].extent,
          nest.loops[nest.dim].reduction ? "reduced" : "parallel", c.vl,
          c.unroll, bound ? bound->name : "nothing")
          .str();
  return best;
}

} // namespace autoconfig
