//===- TuneCommand.cpp - autoconfig tune ----------------------------------===//

#include "Options.h"
#include "ProgressBar.h"
#include "WorkloadInputs.h"

#include "autoconfig/Bench/CpuPinning.h"
#include "autoconfig/Tune/Tuner.h"
#include "autoconfig/Tune/TuningDatabase.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace autoconfig::cli {

static cl::opt<unsigned> trials("trials",
                                cl::desc("Measured candidates per workload"),
                                cl::init(50), cl::sub(tuneCommand()));
static cl::opt<double>
    timeBudget("time-budget",
               cl::desc("Seconds of tuning per workload (0: no limit)"),
               cl::init(0), cl::sub(tuneCommand()));
static cl::opt<uint64_t> seed("seed", cl::desc("Random seed of the search"),
                              cl::init(1), cl::sub(tuneCommand()));
static cl::opt<std::string>
    logFile("log", cl::desc("Write every trial as a JSON line to this file"),
            cl::value_desc("FILE"), cl::sub(tuneCommand()));
static cl::opt<bool>
    storeBest("db",
              cl::desc("Store each workload's best config in the "
                       "tuning database (compile --use-tuned reads it)"),
              cl::sub(tuneCommand()));
static cl::opt<std::string>
    dbPath("db-path",
           cl::desc("Tuning database file (default: the per-user cache)"),
           cl::value_desc("FILE"), cl::sub(tuneCommand()));

int runTune() {
  if (trials < 1 || trials > 100000)
    return fail("--trials must be in [1, 100000]");
  if (!(timeBudget >= 0))
    return fail("--time-budget must be >= 0");
  std::vector<Workload> workloads;
  if (!collectWorkloads(workloads, "tune"))
    return 1;
  if (workloads.empty())
    return fail("nothing to tune: give FILE.mlir, --gemm, --conv or --suite");
  // After the inputs: a mistake is reported before a first-use calibration.
  auto hardware = resolveHardware();
  if (!hardware)
    return 1;
  if (!hardware->target.runsOnHost)
    return fail("target '" + hardware->target.name +
                "' does not run on this machine; tuning measures kernels");

  std::string databasePath =
      dbPath.empty() ? TuningDatabase::defaultPath() : std::string(dbPath);
  TuningDatabase database;
  if (storeBest) {
    auto loaded = TuningDatabase::load(databasePath);
    if (!loaded)
      return fail(toString(loaded.takeError()));
    database = std::move(*loaded);
  }
  std::unique_ptr<raw_fd_ostream> log;
  if (!logFile.empty()) {
    std::error_code ec;
    log = std::make_unique<raw_fd_ostream>(logFile, ec, sys::fs::OF_Text);
    if (ec)
      return fail("cannot write '" + logFile + "': " + ec.message());
  }

  TuneOptions options;
  options.target = hardware->target;
  options.profile = hardware->profile;
  options.threads = threads;
  options.trials = trials;
  options.timeBudgetSeconds = timeBudget;
  options.seed = seed;
  options.trialLog = log.get();

  int status = 0;
  if (!json)
    outs() << formatv("{0,-26} {1,6} {2,9} {3,10} {4,10} {5,8} {6,8}  {7}\n",
                      "workload", "trials", "tune s", "model ms", "best ms",
                      "regret", "spearman", "best config");
  // One thread: timed on one CPU (CpuPinning.h).
  std::optional<CpuPinning> pinned;
  if (threads <= 1)
    pinned.emplace();
  for (const Workload &workload : workloads) {
    // "NAME [=====     ] 12/51 best 1.23 ms" on a terminal.
    ProgressBar bar(workloadName(workload));
    if (bar.enabled())
      options.progress = [&bar](unsigned done, unsigned total, double best) {
        bar.update(done, total,
                   best > 0 ? formatv("best {0:f3} ms", best * 1e3).str()
                            : std::string());
      };
    auto result = tune(workload, options);
    bar.clear();
    if (!result) {
      fail(workloadName(workload) + ": " + toString(result.takeError()));
      status = 1;
      continue;
    }
    if (storeBest)
      database.record(hardware->target, workload,
                      {result->bestConfig.str(), result->bestSeconds,
                       unsigned(result->trials.size())});
    if (json) {
      outs() << formatv("{0}", toJSON(*result)) << "\n";
      outs().flush();
      continue;
    }
    outs() << formatv("{0,-26} {1,6} {2,9:f1} {3,10:f3} {4,10:f3} {5,7:f1}% "
                      "{6,8:f2}  {7}\n",
                      workloadName(workload), result->trials.size(),
                      result->tuneWallSeconds, result->modelSeconds * 1e3,
                      result->bestSeconds * 1e3, result->regret * 100,
                      result->spearman, result->bestConfig.str());
    outs().flush();
  }
  if (storeBest) {
    if (Error err = database.save(databasePath))
      return fail(toString(std::move(err)));
    if (!json)
      outs() << "tuning database: " << databasePath << " (" << database.size()
             << " entries)\n";
  }
  return status;
}

} // namespace autoconfig::cli
