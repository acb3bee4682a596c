//===- AlgorithmsCommand.cpp - autoconfig algorithms ----------------------===//
//
// Every registered algorithm with its parameters as its parameter table
// declares them (Model/ParamTable.h): the reference a user overrides a
// decision with, and, with --markdown, the table in docs/models.md (a lit
// test keeps the two the same).
//
//===----------------------------------------------------------------------===//

#include "Options.h"

#include "autoconfig/Select/Registry.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace autoconfig::cli {

int runAlgorithms() {
  raw_ostream &os = outs();
  for (const Algorithm &algorithm : algorithms()) {
    const AlgorithmModel &model = *algorithm.model;
    std::vector<ParamSpec> params = model.params();
    if (markdown) {
      os << "### `" << model.name() << "`\n\n" << model.summary() << ".\n\n";
      if (params.empty()) {
        os << "No parameters.\n\n";
        continue;
      }
      os << "| parameter | values | meaning |\n| --- | --- | --- |\n";
      for (const ParamSpec &p : params)
        os << "| `" << p.name << "` | " << p.range << " | " << p.help << " |\n";
      os << "\n";
      continue;
    }
    os << model.name() << ": " << model.summary() << "\n";
    for (const ParamSpec &p : params)
      os << formatv("  {0,-9} {1,-26} {2}\n", p.name, p.range, p.help);
  }
  return 0;
}

} // namespace autoconfig::cli
