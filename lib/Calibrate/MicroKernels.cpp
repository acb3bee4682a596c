//===- MicroKernels.cpp - The calibration micro-benchmarks as MLIR --------===//
//
// Each micro-benchmark is a scf.for loop over vector ops, written as MLIR text
// and lowered by the project's own pipeline. They are built so that LLVM can
// neither fold nor delete the measured work:
//  - FMA chains x = a*x + b start from distinct loaded values (so no two
//    chains are provably equal) and their results are stored;
//  - loads feed xor accumulators (integer ALUs are plentiful, so the load
//    ports stay the bottleneck) whose results are stored;
//  - the integer-add chain and the empty loop hide their values from the
//    optimizer behind empty inline-asm statements, which emit no instruction.
// `autoconfig calibrate --print-module` prints this text, so the machine code
// can be checked with `autoconfig compile --emit=asm`.
//
//===----------------------------------------------------------------------===//

#include "MicroKernels.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <set>

using namespace llvm;

namespace autoconfig {

MicroKernelPlan planMicroKernels(const TargetDesc &target) {
  MicroKernelPlan plan;
  for (unsigned bits = 128; bits <= target.vectorBits; bits *= 2)
    plan.widths.push_back(bits);
  if (plan.widths.empty())
    plan.widths.push_back(target.vectorBits);
  // Little's law: latency x pipes FMAs must be in flight to keep the pipes
  // busy; twice that leaves a margin for a table that understates them. The
  // chains, a and b must fit in the registers (spills would time memory).
  // Without FMA a chain link is a multiply then an add: twice the latency.
  unsigned wanted =
      2 * target.fmaLatency * target.fmaPipes * (target.hasFMA ? 1 : 2);
  unsigned fits = target.vectorRegisters > 7 ? target.vectorRegisters - 3 : 4;
  plan.fmaChains = std::max(4u, std::min(wanted, fits));
  plan.memoryUnroll = std::min(8u, std::max(2u, target.vectorRegisters / 2));
  plan.fused = target.hasFMA;
  return plan;
}

std::string fmaThroughputKernel(unsigned bits) {
  return "fma_tp_" + std::to_string(bits);
}
std::string fmaLatencyKernel(unsigned bits) {
  return "fma_lat_" + std::to_string(bits);
}
std::string loadKernel(unsigned bits) { return "load_" + std::to_string(bits); }
std::string panelKernel(unsigned bits) {
  return "panel_" + std::to_string(bits);
}
std::string pageWalkKernel(unsigned bits) {
  return "page_walk_" + std::to_string(bits);
}
std::string broadcastKernel(unsigned bits) {
  return "bcast_" + std::to_string(bits);
}
std::string storeKernel(unsigned bits) {
  return "store_" + std::to_string(bits);
}

namespace {

/// Builds one function's text; index constants are collected and declared
/// at the top so that every region can use them.
class FunctionText {
public:
  explicit FunctionText(StringRef name) : name(name.str()) {}

  /// The SSA name of an index constant.
  std::string index(int64_t value) {
    constants.insert(value);
    return "%c" + std::to_string(value);
  }
  void line(const Twine &text) { body += "    " + text.str() + "\n"; }

  std::string str() const {
    std::string text =
        "  func.func @" + name +
        "(%in: memref<?xf32>, %out: memref<?xf32>, %n: index) attributes "
        "{llvm.emit_c_interface} {\n";
    for (int64_t c : constants)
      text += "    %c" + std::to_string(c) + " = arith.constant " +
              std::to_string(c) + " : index\n";
    return text + body + "    return\n  }\n";
  }

private:
  std::string name;
  std::set<int64_t> constants{0, 1};
  std::string body;
};

} // namespace

static std::string vectorType(unsigned lanes, StringRef element = "f32") {
  return formatv("vector<{0}x{1}>", lanes, element).str();
}

/// "%p0, %p1, ..." and "T, T, ...".
static std::string valueList(StringRef prefix, unsigned count) {
  std::string text;
  for (unsigned i = 0; i < count; ++i)
    text += (i ? ", %" : "%") + prefix.str() + std::to_string(i);
  return text;
}
static std::string typeList(StringRef type, unsigned count) {
  std::string text;
  for (unsigned i = 0; i < count; ++i)
    text += (i ? ", " : "") + type.str();
  return text;
}
/// "%a0 = %b0, %a1 = %b1, ..." for iter_args; "%a0 = %b, %a1 = %b, ..." when
/// every argument starts from the same value.
static std::string iterArgs(StringRef arg, StringRef init, unsigned count,
                            bool sameInit = false) {
  std::string text;
  for (unsigned i = 0; i < count; ++i)
    text += formatv("{0}%{1}{2} = %{3}{4}", i ? ", " : "", arg, i, init,
                    sameInit ? std::string() : std::to_string(i))
                .str();
  return text;
}

/// One FMA (or multiply then add without FMA): x = a * x + b.
static void emitFma(FunctionText &f, const MicroKernelPlan &plan,
                    StringRef result, StringRef x, StringRef type) {
  if (plan.fused) {
    f.line(formatv("  %{0} = vector.fma %a, %{1}, %b : {2}", result, x, type));
    return;
  }
  f.line(formatv("  %{0}_m = arith.mulf %a, %{1} : {2}", result, x, type));
  f.line(formatv("  %{0} = arith.addf %{0}_m, %b : {1}", result, type));
}

/// %a and %b, the multiplier and addend every FMA chain of the FMA kernels
/// shares, from the head of %in.
static void loadFmaFactors(FunctionText &f, unsigned lanes, StringRef vt) {
  f.line(formatv("%a = vector.load %in[{0}] : memref<?xf32>, {1}", f.index(0),
                 vt));
  f.line(formatv("%b = vector.load %in[{0}] : memref<?xf32>, {1}",
                 f.index(lanes), vt));
}

static std::string fmaThroughput(const MicroKernelPlan &plan, unsigned bits) {
  unsigned lanes = bits / 32, chains = plan.fmaChains;
  std::string vt = vectorType(lanes);
  FunctionText f(fmaThroughputKernel(bits));
  loadFmaFactors(f, lanes, vt);
  for (unsigned j = 0; j < chains; ++j)
    f.line(formatv("%s{0} = vector.load %in[{1}] : memref<?xf32>, {2}", j,
                   f.index((2 + j) * lanes), vt));
  f.line(formatv("%r:{0} = scf.for %i = %c0 to %n step %c1 iter_args({1}) -> "
                 "({2}) {{",
                 chains, iterArgs("x", "s", chains), typeList(vt, chains)));
  for (unsigned j = 0; j < chains; ++j)
    emitFma(f, plan, "y" + std::to_string(j), "x" + std::to_string(j), vt);
  f.line(formatv("  scf.yield {0} : {1}", valueList("y", chains),
                 typeList(vt, chains)));
  f.line("}");
  for (unsigned j = 0; j < chains; ++j)
    f.line(formatv("vector.store %r#{0}, %out[{1}] : memref<?xf32>, {2}", j,
                   f.index(j * lanes), vt));
  return f.str();
}

static std::string fmaLatency(const MicroKernelPlan &plan, unsigned bits) {
  unsigned lanes = bits / 32;
  std::string vt = vectorType(lanes);
  FunctionText f(fmaLatencyKernel(bits));
  loadFmaFactors(f, lanes, vt);
  f.line(formatv("%s = vector.load %in[{0}] : memref<?xf32>, {1}",
                 f.index(2 * lanes), vt));
  f.line(formatv("%r = scf.for %i = %c0 to %n step %c1 iter_args(%y0 = %s) -> "
                 "({0}) {{",
                 vt));
  for (unsigned k = 1; k <= plan.latencyChainLength; ++k)
    emitFma(f, plan, "y" + std::to_string(k), "y" + std::to_string(k - 1), vt);
  f.line(formatv("  scf.yield %y{0} : {1}", plan.latencyChainLength, vt));
  f.line("}");
  f.line(formatv("vector.store %r, %out[%c0] : memref<?xf32>, {0}", vt));
  return f.str();
}

/// Opens a fold kernel's loops: %n passes (%p) over %in, each stepping %j
/// from 0 to `end` by `step`, with `count` integer accumulators.
static void openFoldLoops(FunctionText &f, unsigned count, StringRef end,
                          StringRef step, StringRef vi) {
  f.line(formatv("%z = arith.constant dense<0> : {0}", vi));
  f.line(formatv("%r:{0} = scf.for %p = %c0 to %n step %c1 iter_args({1}) -> "
                 "({2}) {{",
                 count, iterArgs("a", "z", count, /*sameInit=*/true),
                 typeList(vi, count)));
  f.line(formatv("  %s:{0} = scf.for %j = %c0 to {1} step {2} iter_args({3}) "
                 "-> ({4}) {{",
                 count, end, step, iterArgs("x", "a", count),
                 typeList(vi, count)));
}

/// Xors the loaded %v<u> into accumulator %x<u> as integers, giving %y<u>:
/// a dependence-free use that keeps the load alive at one cheap op.
static void foldVector(FunctionText &f, unsigned u, StringRef vt,
                       StringRef vi) {
  f.line(formatv("    %w{0} = arith.bitcast %v{0} : {1} to {2}", u, vt, vi));
  f.line(formatv("    %y{0} = arith.xori %x{0}, %w{0} : {1}", u, vi));
}

/// Closes a fold kernel's two loops over `count` accumulators and stores them
/// to %out, so that no load is dead.
static void closeFoldLoops(FunctionText &f, unsigned count, unsigned lanes,
                           StringRef vt, StringRef vi) {
  f.line(formatv("    scf.yield {0} : {1}", valueList("y", count),
                 typeList(vi, count)));
  f.line("  }");
  std::string inner;
  for (unsigned u = 0; u < count; ++u)
    inner += formatv("{0}%s#{1}", u ? ", " : "", u).str();
  f.line(formatv("  scf.yield {0} : {1}", inner, typeList(vi, count)));
  f.line("}");
  for (unsigned u = 0; u < count; ++u) {
    f.line(formatv("%f{0} = arith.bitcast %r#{0} : {1} to {2}", u, vi, vt));
    f.line(formatv("vector.store %f{0}, %out[{1}] : memref<?xf32>, {2}", u,
                   f.index(u * lanes), vt));
  }
}

/// Vector loads (or scalar broadcast loads) of all of %in, %n times, xor-ed
/// into `memoryUnroll` accumulators.
static std::string readKernel(const MicroKernelPlan &plan, unsigned bits,
                              bool broadcast) {
  unsigned lanes = bits / 32, unroll = plan.memoryUnroll;
  std::string vt = vectorType(lanes), vi = vectorType(lanes, "i32");
  FunctionText f(broadcast ? broadcastKernel(bits) : loadKernel(bits));
  unsigned elementStep = broadcast ? 1 : lanes;
  f.line("%len = memref.dim %in, %c0 : memref<?xf32>");
  openFoldLoops(f, unroll, "%len", f.index(unroll * elementStep), vi);
  for (unsigned u = 0; u < unroll; ++u) {
    f.line(formatv("    %j{0} = arith.addi %j, {1} : index", u,
                   f.index(u * elementStep)));
    if (broadcast) {
      f.line(formatv("    %e{0} = memref.load %in[%j{0}] : memref<?xf32>", u));
      f.line(formatv("    %v{0} = vector.broadcast %e{0} : f32 to {1}", u, vt));
    } else {
      f.line(formatv("    %v{0} = vector.load %in[%j{0}] : memref<?xf32>, {1}",
                     u, vt));
    }
    foldVector(f, u, vt, vi);
  }
  closeFoldLoops(f, unroll, lanes, vt, vi);
  return f.str();
}

/// One `segmentBytes` segment per row, rows kPanelPitchFloats apart (4160
/// bytes: a new page almost every row, no cache-set aliasing), %n times.
static std::string panelKernelText(unsigned bits, unsigned segmentBytes,
                                   StringRef name) {
  unsigned lanes = bits / 32;
  unsigned vectors = std::max(1u, segmentBytes * 8 / bits);
  std::string vt = vectorType(lanes), vi = vectorType(lanes, "i32");
  FunctionText f(name);
  f.line("%len = memref.dim %in, %c0 : memref<?xf32>");
  f.line(formatv("%last = arith.subi %len, {0} : index",
                 f.index(vectors * lanes)));
  openFoldLoops(f, vectors, "%last", f.index(kPanelPitchFloats), vi);
  for (unsigned u = 0; u < vectors; ++u) {
    f.line(formatv("    %j{0} = arith.addi %j, {1} : index", u,
                   f.index(u * lanes)));
    f.line(formatv("    %v{0} = vector.load %in[%j{0}] : memref<?xf32>, {1}", u,
                   vt));
    foldVector(f, u, vt, vi);
  }
  closeFoldLoops(f, vectors, lanes, vt, vi);
  return f.str();
}

/// `memoryUnroll` loaded vectors stored over all of %out, %n times.
static std::string storeKernelText(const MicroKernelPlan &plan, unsigned bits) {
  unsigned lanes = bits / 32, unroll = plan.memoryUnroll;
  std::string vt = vectorType(lanes);
  FunctionText f(storeKernel(bits));
  f.line("%len = memref.dim %out, %c0 : memref<?xf32>");
  for (unsigned u = 0; u < unroll; ++u)
    f.line(formatv("%v{0} = vector.load %in[{1}] : memref<?xf32>, {2}", u,
                   f.index(u * lanes), vt));
  f.line("scf.for %p = %c0 to %n step %c1 {");
  f.line(formatv("  scf.for %j = %c0 to %len step {0} {{",
                 f.index(unroll * lanes)));
  for (unsigned u = 0; u < unroll; ++u) {
    f.line(formatv("    %j{0} = arith.addi %j, {1} : index", u,
                   f.index(u * lanes)));
    f.line(formatv("    vector.store %v{0}, %out[%j{0}] : memref<?xf32>, {1}",
                   u, vt));
  }
  f.line("  }");
  f.line("}");
  return f.str();
}

/// A counted loop whose body is an empty asm statement using the induction
/// variable: nothing but the loop control executes.
static std::string loopKernelText() {
  FunctionText f(kLoopKernel);
  f.line("scf.for %i = %c0 to %n step %c1 {");
  f.line("  %x = arith.index_cast %i : index to i64");
  f.line("  llvm.inline_asm has_side_effects \"\", \"r\" %x : (i64) -> ()");
  f.line("}");
  return f.str();
}

/// x = x + y, `addChainLength` times per repetition; the empty asm between
/// the adds ("=r,0": same register in and out) stops LLVM from combining
/// them, and y is a register so no core can fold the adds at rename. One add
/// takes one cycle on every current core, so adds per second = frequency.
static std::string addChainKernelText(const MicroKernelPlan &plan) {
  FunctionText f(kAddChainKernel);
  f.line("%y = arith.index_cast %n : index to i64");
  f.line("%r = scf.for %i = %c0 to %n step %c1 iter_args(%x0 = %y) -> (i64) {");
  for (unsigned k = 1; k <= plan.addChainLength; ++k) {
    f.line(formatv("  %s{0} = arith.addi %x{1}, %y : i64", k, k - 1));
    f.line(formatv(
        "  %x{0} = llvm.inline_asm \"\", \"=r,0\" %s{0} : (i64) -> i64", k));
  }
  f.line(formatv("  scf.yield %x{0} : i64", plan.addChainLength));
  f.line("}");
  f.line("%f = arith.sitofp %r : i64 to f32");
  f.line("memref.store %f, %out[%c0] : memref<?xf32>");
  return f.str();
}

std::string microKernelModuleText(const MicroKernelPlan &plan) {
  std::string text = "module {\n";
  for (unsigned bits : plan.widths) {
    text += fmaThroughput(plan, bits);
    text += fmaLatency(plan, bits);
    text += readKernel(plan, bits, /*broadcast=*/false);
    text += readKernel(plan, bits, /*broadcast=*/true);
    text += storeKernelText(plan, bits);
  }
  text += panelKernelText(plan.widths.back(), kPanelSegmentBytes,
                          panelKernel(plan.widths.back()));
  text += panelKernelText(plan.widths.back(), plan.widths.back() / 8,
                          pageWalkKernel(plan.widths.back()));
  text += FunctionText(kEmptyKernel).str();
  text += loopKernelText();
  text += addChainKernelText(plan);
  return text + "}\n";
}

/// `%r:chains = scf.for %i = 0 to %n` carrying `chains` independent
/// accumulators of `type`: accumulator c starts at `init(c)` and each
/// iteration replaces it with `step(c)`, an op reading `%acc<c>`.
static void independentChains(FunctionText &f, unsigned chains, StringRef type,
                              function_ref<std::string(unsigned)> init,
                              function_ref<std::string(unsigned)> step) {
  std::string types, inits, yields;
  for (unsigned c = 0; c < chains; ++c) {
    types += formatv("{0}{1}", c ? ", " : "", type).str();
    inits += formatv("{0}%acc{1} = {2}", c ? ", " : "", c, init(c)).str();
    yields += formatv("{0}%next{1}", c ? ", " : "", c).str();
  }
  f.line(formatv("%r:{0} = scf.for %i = %c0 to %n step %c1 iter_args({1}) -> "
                 "({2}) {{",
                 chains, inits, types));
  for (unsigned c = 0; c < chains; ++c)
    f.line(formatv("  %next{0} = {1}", c, step(c)));
  f.line("  scf.yield " + yields + " : " + types);
  f.line("}");
}

std::string bf16DotModuleText() {
  FunctionText f(kBf16DotKernel);
  // Operands from %in (bf16 pairs of whatever bits it holds: the rate does
  // not depend on the values), accumulators from zero.
  f.line("%v = vector.load %in[%c0] : memref<?xf32>, vector<16xf32>");
  f.line("%ab = vector.bitcast %v : vector<16xf32> to vector<32xbf16>");
  f.line("%z = arith.constant dense<0.0> : vector<16xf32>");
  independentChains(
      f, kBf16DotChains, "vector<16xf32>", [](unsigned) { return "%z"; },
      [](unsigned c) {
        return formatv("x86vector.avx512.dot %acc{0}, %ab, %ab : "
                       "vector<32xbf16> -> vector<16xf32>",
                       c)
            .str();
      });
  f.line("%s0 = arith.addf %r#0, %r#1 : vector<16xf32>");
  for (unsigned c = 2; c < kBf16DotChains; ++c)
    f.line(formatv("%s{0} = arith.addf %s{1}, %r#{0} : vector<16xf32>", c - 1,
                   c - 2));
  f.line(formatv("vector.store %s{0}, %out[%c0] : memref<?xf32>, "
                 "vector<16xf32>",
                 kBf16DotChains - 2));
  return "module {\n" + f.str() + "}\n";
}

std::string amxProductModuleText() {
  FunctionText f(kAmxProductKernel);
  f.line("%a = amx.tile_zero : !amx.tile<16x32xbf16>");
  f.line("%b = amx.tile_zero : !amx.tile<16x32xbf16>");
  for (unsigned c = 0; c < kAmxProductChains; ++c)
    f.line(formatv("%z{0} = amx.tile_zero : !amx.tile<16x16xf32>", c));
  independentChains(
      f, kAmxProductChains, "!amx.tile<16x16xf32>",
      [](unsigned c) { return formatv("%z{0}", c).str(); },
      [](unsigned c) {
        return formatv("amx.tile_mulf %a, %b, %acc{0} : "
                       "!amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, "
                       "!amx.tile<16x16xf32>",
                       c)
            .str();
      });
  for (unsigned c = 0; c < kAmxProductChains; ++c)
    f.line(formatv("amx.tile_store %out[%c0], %r#{0}, {1} : memref<?xf32>, "
                   "!amx.tile<16x16xf32>",
                   c, f.index(16)));
  return "module {\n" + f.str() + "}\n";
}

std::string forkJoinModuleText(unsigned threads) {
  FunctionText f(kForkJoinKernel);
  f.line("scf.for %p = %c0 to %n step %c1 {");
  f.line(formatv("  scf.parallel (%t) = (%c0) to ({0}) step (%c1) {{",
                 f.index(std::max(1u, threads))));
  f.line("    %x = arith.index_cast %t : index to i64");
  f.line("    llvm.inline_asm has_side_effects \"\", \"r\" %x : (i64) -> ()");
  f.line("    scf.reduce");
  f.line("  }");
  f.line("}");
  return "module {\n" + f.str() + "}\n";
}

std::string parallelReadModuleText(unsigned threads, unsigned bits) {
  unsigned lanes = std::max(1u, bits / 32), unroll = 4;
  threads = std::max(1u, threads);
  std::string vt = vectorType(lanes), vi = vectorType(lanes, "i32");
  FunctionText f(kParallelReadKernel);
  // Each slice a whole number of unrolled steps; the rest is not read.
  f.line("%len = memref.dim %in, %c0 : memref<?xf32>");
  f.line(formatv("%slice0 = arith.divui %len, {0} : index",
                 f.index(threads * lanes * unroll)));
  f.line(formatv("%slice = arith.muli %slice0, {0} : index",
                 f.index(lanes * unroll)));
  f.line(formatv("%z = arith.constant dense<0> : {0}", vi));
  f.line("scf.for %p = %c0 to %n step %c1 {");
  f.line(formatv("  scf.parallel (%t) = (%c0) to ({0}) step (%c1) {{",
                 f.index(threads)));
  f.line("    %lo = arith.muli %t, %slice : index");
  f.line("    %hi = arith.addi %lo, %slice : index");
  f.line(formatv("    %acc = scf.for %j = %lo to %hi step {0} iter_args(%a = "
                 "%z) -> ({1}) {{",
                 f.index(lanes * unroll), vi));
  for (unsigned u = 0; u < unroll; ++u) {
    f.line(formatv("      %j{0} = arith.addi %j, {1} : index", u,
                   f.index(u * lanes)));
    f.line(formatv("      %v{0} = vector.load %in[%j{0}] : memref<?xf32>, {1}",
                   u, vt));
    f.line(
        formatv("      %w{0} = arith.bitcast %v{0} : {1} to {2}", u, vt, vi));
  }
  f.line(formatv("      %x0 = arith.xori %w0, %w1 : {0}", vi));
  f.line(formatv("      %x1 = arith.xori %w2, %w3 : {0}", vi));
  f.line(formatv("      %x2 = arith.xori %x0, %x1 : {0}", vi));
  f.line(formatv("      %x3 = arith.xori %a, %x2 : {0}", vi));
  f.line(formatv("      scf.yield %x3 : {0}", vi));
  f.line("    }");
  // Each slice's result is stored, so that its loads are not dead.
  f.line(formatv("    %f = arith.bitcast %acc : {0} to {1}", vi, vt));
  f.line(formatv("    %o = arith.muli %t, {0} : index", f.index(lanes)));
  f.line(formatv("    vector.store %f, %out[%o] : memref<?xf32>, {0}", vt));
  f.line("    scf.reduce");
  f.line("  }");
  f.line("}");
  return "module {\n" + f.str() + "}\n";
}

} // namespace autoconfig
