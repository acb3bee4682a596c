//===- ExplainCommand.cpp - autoconfig explain ----------------------------===//

#include "Options.h"
#include "Program.h"

#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Target/Describe.h"
#include "autoconfig/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace autoconfig::cli {

/// Bytes of all operands of the op: where its working set lives.
static double operandBytes(const Workload &workload) {
  double element = elementBits(workloadElement(workload)) / 8.0;
  if (const auto *g = std::get_if<GemmWorkload>(&workload))
    return element * double(g->batch) *
           double(g->m * g->k + g->k * g->n + g->m * g->n);
  const auto &c = std::get<ConvWorkload>(workload);
  return element *
         double(c.n * c.c * c.h * c.w +
                c.f * (c.c / std::max<int64_t>(1, c.groups)) * c.kh * c.kw +
                c.n * c.f * c.outH() * c.outW());
}

/// The target facts and the costs (measured or nominal) that the models read
/// for a decision: the "facts:" and "costs:" lines, and their JSON form.
struct DecisionInputs {
  std::string facts, costs;
  json::Object factsJson, costsJson;
};

static DecisionInputs decisionInputs(const Decision &d,
                                     const HardwareSetup &hw) {
  const TargetDesc &t = hw.target;
  const Profile &p = hw.profile;
  Machine machine{t, p};
  unsigned eltBits = elementBits(workloadElement(d.workload));
  // The chosen vector length when the config has one, else the target's.
  unsigned lanes = unsigned(d.config.get("vl", t.lanes(eltBits)));
  unsigned bits = std::max(1u, lanes) * eltBits;
  const VectorCosts &v = p.forBits(bits);
  double hz = p.frequencyGHz * 1e9;
  double latencyCycles = v.fmaLatencySeconds * hz;
  double fmaPerCycle = v.fmaPerSecond / hz;
  double inFlight = fmaInFlightNeeded(machine, bits);
  double bytes = operandBytes(d.workload);
  unsigned home = 0; // the level holding all operands; 0 = memory
  for (unsigned level = 1; level <= 3 && !home; ++level)
    if (const CacheLevel *c = t.cache(level))
      if (bytes <= double(c->sizeBytes))
        home = level;
  auto levelName = [](unsigned level) {
    return level ? "L" + std::to_string(level) : std::string("memory");
  };

  DecisionInputs in;
  std::string caches;
  json::Array cacheJson;
  for (const CacheLevel &c : t.caches) {
    caches += formatv("{0}L{1} {2} {3}-way", caches.empty() ? "" : ", ",
                      c.level, formatBytes(double(c.sizeBytes)), c.ways)
                  .str();
    cacheJson.push_back(toJSON(c));
  }
  in.facts = formatv("{0} lanes ({1}-bit {2}) of {3} vector registers; FMA "
                     "{4:f1} cycles x {5:f2}/cycle = {6:f0} in flight; {7}; "
                     "operands {8} live in {9}",
                     lanes, bits, elementName(workloadElement(d.workload)),
                     t.vectorRegisters, latencyCycles, fmaPerCycle, inFlight,
                     caches, formatBytes(bytes), levelName(home))
                 .str();
  in.factsJson = json::Object{{"lanes", lanes},
                              {"vector_bits", bits},
                              {"vector_registers", t.vectorRegisters},
                              {"fma_latency_cycles", latencyCycles},
                              {"fma_per_cycle", fmaPerCycle},
                              {"fma_in_flight", inFlight},
                              {"caches", std::move(cacheJson)},
                              {"operand_bytes", bytes},
                              {"operands_level", home}};

  std::string source;
  if (p.measured())
    source = "measured on this machine";
  else if (!t.runsOnHost)
    source = "nominal (the target is not this machine; preset figures)";
  else if (nominal)
    source = "nominal (--nominal: the target description's figures)";
  else
    source = "nominal (no usable calibration: see the profile line)";
  std::string bandwidths;
  json::Object bandwidthJson;
  for (unsigned level : {1u, 2u, 3u, 0u}) {
    if (level && !t.cache(level))
      continue;
    double bw = p.bandwidthOfLevel(level);
    bandwidths +=
        formatv("{0}{1} {2:f0} GB/s{3}", bandwidths.empty() ? "" : ", ",
                levelName(level), bw / 1e9, level == home ? " (operands)" : "")
            .str();
    bandwidthJson[levelName(level)] = bw;
  }
  in.costs =
      formatv("{0}: {1}-bit FMA {2:e2}/s, load {3:e2}/s, broadcast {4:e2}/s, "
              "store {5:e2}/s; read {6}; call {7}, loop iteration {8}",
              source, v.bits, v.fmaPerSecond, v.loadPerSecond,
              v.broadcastPerSecond, v.storePerSecond, bandwidths,
              formatSeconds(p.callOverheadSeconds),
              formatSeconds(p.loopIterationSeconds))
          .str();
  in.costsJson = json::Object{{"source", p.source},
                              {"note", source},
                              {"vector_bits", v.bits},
                              {"fma_per_s", v.fmaPerSecond},
                              {"fma_latency_s", v.fmaLatencySeconds},
                              {"load_per_s", v.loadPerSecond},
                              {"broadcast_per_s", v.broadcastPerSecond},
                              {"store_per_s", v.storePerSecond},
                              {"read_bytes_per_s", std::move(bandwidthJson)},
                              {"call_overhead_s", p.callOverheadSeconds},
                              {"loop_iteration_s", p.loopIterationSeconds},
                              {"frequency_ghz", p.frequencyGHz}};
  return in;
}

static void printDecision(const Decision &d, const HardwareSetup &hw,
                          raw_ostream &os) {
  os << workloadName(d.workload) << " (" << workloadShape(d.workload) << " "
     << elementName(workloadElement(d.workload)) << ")";
  if (!d.location.empty())
    os << " at " << d.location;
  os << "\n";
  const Candidate &win = d.winner();
  double flops = workloadFlops(d.workload);
  os << formatv("  chosen:  {0}\n", d.config.str());
  os << formatv("  predict: {0} ({1:f1} GFLOP/s)\n",
                formatSeconds(win.prediction.seconds),
                flops / win.prediction.seconds / 1e9);
  os << "  why:     " << d.reason << "\n";
  for (const SizeClass &c : d.sizeClasses)
    os << formatv("  class:   {0,-12} {1}  (predicted {2} at {3}; {4:f1}% "
                  "over each size's own best on geometric mean, {5:f1}% at "
                  "worst)\n",
                  c.part, c.config.str(), formatSeconds(c.prediction.seconds),
                  c.workload.shapeString(), (c.score - 1) * 100,
                  (c.worst - 1) * 100);
  // The target facts and the costs that fed the models.
  DecisionInputs inputs = decisionInputs(d, hw);
  os << "  facts:   " << inputs.facts << "\n";
  os << "  costs:   " << inputs.costs << "\n";
  if (!d.epilogue.empty())
    os << "  epilogue: " << d.epilogue << "\n";
  if (!d.layout.empty())
    os << "  layout:   " << d.layout << "\n";
  for (const std::string &w : d.warnings)
    os << "  warning: " << w << "\n";
  os << "  candidates:\n";
  for (const Candidate &c : d.candidates) {
    if (!c.applicable) {
      os << formatv("    {0,-10} does not apply: {1}\n", c.algorithm, c.whyNot);
      continue;
    }
    os << formatv("    {0,-10} {1,10}  {2}  [{3} model evaluations]\n",
                  c.algorithm, formatSeconds(c.prediction.seconds),
                  c.config.str(), c.evaluations);
    os << "               = " << c.prediction.formula << "\n";
    for (const CostTerm &t : c.prediction.terms)
      os << formatv("               {0,-12} {1,10}{2}  {3}\n", t.name,
                    formatSeconds(t.seconds), t.overlapped ? " (hidden)" : "",
                    t.detail);
  }
}

/// One line per op that is not a matmul/convolution, then its reason.
static void printOtherOps(const std::vector<StreamingDecision> &others,
                          raw_ostream &os) {
  if (others.empty())
    return;
  double total = 0;
  for (const StreamingDecision &d : others)
    total += d.prediction.seconds;
  os << formatv("other ops ({0}, predicted {1} in all):\n", others.size(),
                formatSeconds(total));
  for (const StreamingDecision &d : others) {
    os << formatv("  {0,-24} {1,-28} {2,-16} {3,10} {4,10}  {5}{6}\n", d.opName,
                  d.location.empty() ? "-" : d.location,
                  d.shape.empty() ? "-" : d.shape, formatBytes(d.bytes),
                  formatSeconds(d.prediction.seconds), d.config.str(),
                  d.fromUser ? " (user)" : "");
    os << "      why: " << d.reason << "\n";
  }
}

int runExplain() {
  auto hardware = resolveHardware();
  if (!hardware)
    return 1;
  std::optional<Config> override;
  if (!parseOverride(override))
    return 1;
  auto layout = layoutPropagation(*hardware);
  auto program = loadProgram(inputFile, layout ? &*layout : nullptr);
  if (!program)
    return 1;
  std::vector<Decision> decisions;
  ConfigureOptions options;
  options.target = hardware->target;
  options.profile = hardware->profile;
  options.override = override;
  if (!loadTunedConfigs(options.target, options))
    return 1;
  options.threads = threads;
  options.decisions = &decisions;
  // The other ops, decided as they would be after generation (the fused
  // epilogues are still in the program here and are listed too).
  std::vector<StreamingDecision> others;
  LowerStreamingOptions streaming;
  streaming.target = hardware->target;
  streaming.profile = hardware->profile;
  streaming.threads = threads;
  streaming.rewrite = false;
  streaming.decisions = &others;
  mlir::PassManager pm(program->context.get());
  pm.addPass(createFuseEpiloguesPass());
  pm.addPass(createConfigurePass(options));
  pm.addPass(createLowerStreamingPass(streaming));
  if (failed(pm.run(*program->module)))
    return 1;
  if (decisions.empty() && others.empty())
    return fail("no op to configure in '" + inputFile + "'");
  if (json) {
    json::Array ops;
    for (const Decision &d : decisions) {
      json::Value op = toJSON(d);
      DecisionInputs inputs = decisionInputs(d, *hardware);
      if (json::Object *object = op.getAsObject()) {
        (*object)["facts"] = std::move(inputs.factsJson);
        (*object)["costs"] = std::move(inputs.costsJson);
      }
      ops.push_back(std::move(op));
    }
    json::Array otherOps;
    for (const StreamingDecision &d : others)
      otherOps.push_back(toJSON(d));
    json::Object doc{{"target", toJSON(hardware->target)},
                     {"profile", toJSON(hardware->profile)},
                     {"profile_source", hardware->profile.source},
                     {"profile_note", hardware->profileNote},
                     {"ops", std::move(ops)},
                     {"other_ops", std::move(otherOps)}};
    outs() << formatv("{0:2}", json::Value(std::move(doc))) << "\n";
    return 0;
  }
  outs() << "target:  " << describeTarget(hardware->target) << "\n";
  outs() << "profile: " << hardware->profileNote << "\n\n";
  for (const Decision &d : decisions) {
    printDecision(d, *hardware, outs());
    outs() << "\n";
  }
  printOtherOps(others, outs());
  return 0;
}

} // namespace autoconfig::cli
