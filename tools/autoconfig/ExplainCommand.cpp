//===- ExplainCommand.cpp - autoconfig explain ----------------------------===//

#include "Options.h"
#include "Program.h"

#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Pipeline/Passes.h"
#include "autoconfig/Target/Describe.h"

#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace autoconfig::cli {

static void printDecision(const Decision &d, const TargetDesc &target,
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

int runExplain() {
  auto hardware = resolveHardware();
  if (!hardware)
    return 1;
  std::optional<Config> override;
  if (!parseOverride(override))
    return 1;
  auto program = loadProgram(inputFile);
  if (!program)
    return 1;
  std::vector<Decision> decisions;
  ConfigureOptions options;
  options.target = hardware->target;
  options.profile = hardware->profile;
  options.override = override;
  options.threads = threads;
  options.decisions = &decisions;
  mlir::PassManager pm(program->context.get());
  pm.addPass(createConfigurePass(options));
  if (failed(pm.run(*program->module)))
    return 1;
  if (decisions.empty())
    return fail("no matmul or convolution to configure in '" + inputFile + "'");
  if (json) {
    json::Array ops;
    for (const Decision &d : decisions)
      ops.push_back(toJSON(d));
    json::Object doc{{"target", toJSON(hardware->target)},
                     {"profile_source", hardware->profile.source},
                     {"profile_note", hardware->profileNote},
                     {"ops", std::move(ops)}};
    outs() << formatv("{0:2}", json::Value(std::move(doc))) << "\n";
    return 0;
  }
  outs() << "target:  " << describeTarget(hardware->target) << "\n";
  outs() << "profile: " << hardware->profileNote << "\n\n";
  for (const Decision &d : decisions) {
    printDecision(d, hardware->target, outs());
    outs() << "\n";
  }
  return 0;
}

} // namespace autoconfig::cli
