//===- ReportCommand.cpp - autoconfig report ------------------------------===//

#include "Options.h"

#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Report/Report.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

namespace autoconfig::cli {

static cl::list<std::string>
    benchLogs("bench",
              cl::desc("`bench --json` output; LABEL=FILE names the run"),
              cl::value_desc("[LABEL=]FILE"), cl::sub(reportCommand()));
static cl::list<std::string>
    tuneLogs("tune", cl::desc("`tune --json` output; LABEL=FILE names the run"),
             cl::value_desc("[LABEL=]FILE"), cl::sub(reportCommand()));
static cl::list<std::string>
    trialLogs("trials", cl::desc("`tune --log` output (every trial)"),
              cl::value_desc("FILE"), cl::sub(reportCommand()));
static cl::opt<std::string> htmlOut("o", cl::desc("HTML report to write"),
                                    cl::value_desc("FILE"),
                                    cl::sub(reportCommand()));
static cl::opt<std::string> markdownOut("markdown",
                                        cl::desc("Markdown tables to write"),
                                        cl::value_desc("FILE"),
                                        cl::sub(reportCommand()));
static cl::opt<std::string> title("title", cl::desc("Report title"),
                                  cl::init("AutoConfig evaluation"),
                                  cl::sub(reportCommand()));
static cl::opt<double>
    peak("peak",
         cl::desc("FMA peak in GFLOP/s drawn on the plots (default: the "
                  "host's measured single-core peak)"),
         cl::init(0), cl::sub(reportCommand()));

static bool readRuns(const cl::list<std::string> &specs,
                     std::vector<ReportInputs::Run> &runs) {
  for (const std::string &spec : specs) {
    auto [name, path] = StringRef(spec).split('=');
    if (path.empty())
      std::swap(name, path);
    auto records = readJsonLines(path);
    if (!records) {
      fail(toString(records.takeError()));
      return false;
    }
    runs.push_back({path.str(), name.str(), std::move(*records)});
  }
  return true;
}

int runReport() {
  if (htmlOut.empty() && markdownOut.empty())
    return fail("report: give -o FILE.html and/or --markdown FILE.md");
  if (benchLogs.empty() && tuneLogs.empty() && trialLogs.empty())
    return fail("report: give at least one --bench, --tune or --trials log");
  ReportInputs inputs;
  inputs.title = title;
  if (!readRuns(benchLogs, inputs.bench) || !readRuns(tuneLogs, inputs.tune) ||
      !readRuns(trialLogs, inputs.trials))
    return 1;
  TargetDesc host = detectHostTarget();
  Profile profile = loadProfileOrNominal(host);
  const VectorCosts &widest = profile.forBits(host.vectorBits);
  inputs.peakGflops = peak > 0
                          ? double(peak)
                          : 2.0 * host.lanes(32) * widest.fmaPerSecond / 1e9;
  inputs.machine =
      formatv("{0}, {1}-bit vectors, f32 FMA peak {2:f0} "
              "GFLOP/s per core ({3} profile)",
              host.cpu, host.vectorBits, inputs.peakGflops, profile.source)
          .str();
  for (auto [path, html] : {std::pair{std::string(htmlOut), true},
                            std::pair{std::string(markdownOut), false}}) {
    if (path.empty())
      continue;
    std::error_code ec;
    ToolOutputFile out(path, ec, sys::fs::OF_Text);
    if (ec)
      return fail("cannot write '" + path + "': " + ec.message());
    if (html)
      writeHtmlReport(inputs, out.os());
    else
      writeMarkdownReport(inputs, out.os());
    out.keep();
  }
  return 0;
}

} // namespace autoconfig::cli
