//===- Report.h - HTML and Markdown reports ---------------------*- C++ -*-===//
#ifndef AUTOCONFIG_REPORT_REPORT_H
#define AUTOCONFIG_REPORT_REPORT_H

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace autoconfig {

/// The inputs of a report: JSON lines written by `bench --json` (one record
/// per workload) and `tune --json` (one summary per workload) and, optionally,
/// `tune --log` (one line per trial).
struct ReportInputs {
  struct Run {
    /// File it came from (shown as the run's label unless `label` is set).
    std::string source;
    std::string label;
    std::vector<llvm::json::Object> records;
  };
  std::vector<Run> bench;
  std::vector<Run> tune;
  std::vector<Run> trials;
  /// The machine's single-core FMA peak in GFLOP/s (0: not shown).
  double peakGflops = 0;
  std::string title = "AutoConfig evaluation";
  std::string machine;
};

/// Reads JSON lines; blank lines are skipped, bad lines are errors naming
/// the file and line.
llvm::Expected<std::vector<llvm::json::Object>>
readJsonLines(llvm::StringRef path);

/// A self-contained HTML page: SVG plots (GFLOP/s per workload and
/// implementation against the peak, predicted vs measured time, regret
/// distribution) and the tables.
void writeHtmlReport(const ReportInputs &inputs, llvm::raw_ostream &os);

/// Markdown tables for the README: per bench run, GFLOP/s of AutoConfig and
/// each peer with the geometric means; per tune run, regret and timing.
void writeMarkdownReport(const ReportInputs &inputs, llvm::raw_ostream &os);

} // namespace autoconfig

#endif
