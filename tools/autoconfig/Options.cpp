//===- Options.cpp - Command-line options shared by the subcommands -------===//

#include "Options.h"

#include "autoconfig/Profile/ProfileCache.h"

#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace autoconfig::cli {

cl::SubCommand explainCommand(
    "explain", "Show, for every matmul and conv in FILE.mlir, the workload, "
               "the target facts used, the chosen config and why");
cl::SubCommand
    compileCommand("compile",
                   "Configure, generate and lower FILE.mlir (--emit=...)");
cl::SubCommand
    benchCommand("bench",
                 "JIT, verify and time workloads against peer libraries");
cl::SubCommand targetCommand("target",
                             "Print the target description and its profile");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<FILE.mlir>"),
                               cl::sub(explainCommand), cl::sub(compileCommand),
                               cl::sub(benchCommand));
cl::opt<std::string> targetName(
    "target",
    cl::desc("Target preset (host, x86-sse4.2, x86-avx2, "
             "x86-avx512, aarch64-neon, aarch64-sve256, riscv64-rvv)"),
    cl::init("host"), cl::sub(explainCommand), cl::sub(compileCommand),
    cl::sub(benchCommand), cl::sub(targetCommand));
cl::opt<std::string>
    targetFile("target-file",
               cl::desc("Target description JSON (overrides --target)"),
               cl::sub(explainCommand), cl::sub(compileCommand),
               cl::sub(benchCommand), cl::sub(targetCommand));
cl::opt<std::string> configText(
    "config",
    cl::desc("Config for every op without its own 'autoconfig.config' "
             "(e.g. \"broadcast ui=4\"; missing parameters are derived)"),
    cl::sub(explainCommand), cl::sub(compileCommand), cl::sub(benchCommand));
cl::opt<unsigned> threads("threads",
                          cl::desc("Threads for generated code and peers"),
                          cl::init(1), cl::sub(explainCommand),
                          cl::sub(compileCommand), cl::sub(benchCommand));
cl::opt<bool> json("json", cl::desc("Machine-readable JSON output"),
                   cl::sub(explainCommand), cl::sub(benchCommand),
                   cl::sub(targetCommand));

int fail(const Twine &message) {
  WithColor::error(errs(), "autoconfig") << message << "\n";
  return 1;
}

std::optional<HardwareSetup> resolveHardware() {
  auto target = resolveTarget(targetName, targetFile);
  if (!target) {
    fail(toString(target.takeError()));
    return std::nullopt;
  }
  HardwareSetup setup;
  setup.target = std::move(*target);
  setup.profile = loadProfileOrNominal(setup.target, &setup.profileNote);
  return setup;
}

bool parseOverride(std::optional<Config> &override) {
  if (configText.empty())
    return true;
  auto parsed = Config::parse(configText);
  if (!parsed) {
    fail(toString(parsed.takeError()));
    return false;
  }
  override = std::move(*parsed);
  return true;
}

} // namespace autoconfig::cli
