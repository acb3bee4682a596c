//===- ValidateCommand.cpp - autoconfig validate --------------------------===//
//
// Checks the model on this machine before anyone trusts it: for a handful of
// representative workloads, the model's predicted time against the measured
// time of its kernel, and its regret against a small local search.
//
//===----------------------------------------------------------------------===//

#include "Options.h"
#include "ProgressBar.h"

#include "autoconfig/Bench/CpuPinning.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Target/Describe.h"
#include "autoconfig/Tune/Validation.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace autoconfig::cli {

static cl::opt<unsigned> trials(
    "trials",
    cl::desc("Configs measured per workload besides the model's pick: the "
             "other algorithms' derived configs, then the neighbourhood of "
             "the fastest (default 4)"),
    cl::init(4), cl::sub(validateCommand()));
static cl::list<std::string>
    only("workload",
         cl::desc("Validate only these workloads (comma-separated names, as "
                  "printed)"),
         cl::CommaSeparated, cl::value_desc("NAME"),
         cl::sub(validateCommand()));

/// The workloads to validate: all, or those named by --workload.
static std::optional<std::vector<Workload>> selectedWorkloads() {
  std::vector<Workload> all = validationWorkloads();
  if (only.empty())
    return all;
  StringSet<> known;
  for (const Workload &w : all)
    known.insert(workloadName(w));
  for (const std::string &name : only)
    if (!known.contains(name)) {
      std::vector<std::string> names;
      for (const Workload &w : all)
        names.push_back(workloadName(w));
      fail("unknown workload '" + name + "' (valid: " + join(names, ", ") +
           ")");
      return std::nullopt;
    }
  std::vector<Workload> chosen;
  for (const Workload &w : all)
    if (is_contained(only, workloadName(w)))
      chosen.push_back(w);
  return chosen;
}

static void printTable(ArrayRef<ValidationRecord> records, raw_ostream &os) {
  os << formatv("{0,-26} {1,-10} {2,10} {3,10} {4,9} {5,10} {6,7}\n",
                "workload", "algorithm", "predicted", "measured", "pred/meas",
                "best found", "regret");
  for (const ValidationRecord &r : records) {
    if (!r.ok()) {
      os << formatv("{0,-26} failed: {1}\n", workloadName(r.workload), r.error);
      continue;
    }
    os << formatv("{0,-26} {1,-10} {2,10} {3,10} {4,9:f2} {5,10} {6,6:f1}%\n",
                  workloadName(r.workload), r.modelConfig.getAlgorithm(),
                  formatSeconds(r.predictedSeconds),
                  formatSeconds(r.measuredSeconds), r.predictedOverMeasured(),
                  formatSeconds(r.bestSeconds), r.regret * 100);
  }
  // The configs, long strings, below the table: the model's pick and, where
  // the search found a faster one, that one.
  os << "\nconfigs (the model's pick; '->' the fastest the search found):\n";
  for (const ValidationRecord &r : records) {
    if (!r.ok())
      continue;
    os << formatv("  {0,-26} {1}\n", workloadName(r.workload),
                  r.modelConfig.str());
    if (r.bestConfig.str() != r.modelConfig.str())
      os << formatv("  {0,-26} -> {1}\n", "", r.bestConfig.str());
  }
}

int runValidate() {
  auto workloads = selectedWorkloads();
  if (!workloads)
    return 1;
  if (trials > 1000)
    return fail("--trials must be in [0, 1000]");
  // Refused before any calibration: nothing here can be measured.
  auto target = resolveTarget(targetName, targetFile);
  if (!target)
    return fail(toString(target.takeError()));
  if (!target->runsOnHost)
    return fail("target '" + target->name +
                "' does not run on this machine: validate measures the "
                "generated kernels, so it checks the model only on the CPU "
                "it runs on");
  auto hardware = resolveHardware();
  if (!hardware)
    return 1;

  TuneOptions options;
  options.target = hardware->target;
  options.profile = hardware->profile;
  options.threads = threads;
  options.trials = trials;

  if (!json) {
    outs() << "target:  " << describeTarget(hardware->target) << "\n";
    outs() << "profile: " << hardware->profileNote << "\n";
    outs() << formatv("{0} workload{1}; the model's pick and up to {2} other "
                      "config{3} each; {4} thread{5}\n\n",
                      workloads->size(), workloads->size() == 1 ? "" : "s",
                      unsigned(trials), trials == 1 ? "" : "s",
                      unsigned(threads), threads == 1 ? "" : "s");
    outs().flush();
  }
  // One thread: timed on one CPU (CpuPinning.h).
  std::optional<CpuPinning> pinned;
  if (threads <= 1)
    pinned.emplace();
  ProgressBar bar("validating");
  std::vector<ValidationRecord> records;
  for (size_t i = 0; i < workloads->size(); ++i) {
    const Workload &workload = (*workloads)[i];
    bar.update(unsigned(i), unsigned(workloads->size()),
               workloadName(workload));
    records.push_back(validateWorkload(workload, options));
    if (json) {
      outs() << formatv("{0}", toJSON(records.back())) << "\n";
      outs().flush();
    }
  }
  bar.clear();

  ValidationSummary summary = summarizeValidation(records);
  if (json) {
    json::Value line = toJSON(summary);
    if (json::Object *o = line.getAsObject()->getObject("summary")) {
      (*o)["target"] = hardware->target.name;
      (*o)["cpu"] = hardware->target.cpu;
      (*o)["profile"] = hardware->profile.source;
      (*o)["threads"] = int64_t(threads);
    }
    outs() << formatv("{0}", line) << "\n";
  } else {
    printTable(records, outs());
    outs() << formatv("\nverdict: {0}\n         {1} configs measured in "
                      "{2:f1} s\n",
                      summary.verdict(), summary.trials, summary.wallSeconds);
  }
  return summary.failed ? 1 : 0;
}

} // namespace autoconfig::cli
