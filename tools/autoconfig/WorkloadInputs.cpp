//===- WorkloadInputs.cpp - Workloads named on the command line -----------===//

#include "WorkloadInputs.h"
#include "Options.h"
#include "Program.h"

#include "autoconfig/Bench/Suite.h"
#include "autoconfig/Workload/Extraction.h"

using namespace llvm;

namespace autoconfig::cli {

static cl::list<std::string>
    gemmSpecs("gemm", cl::desc("GEMM workload M,N,K[,f64] (repeatable)"),
              cl::value_desc("M,N,K"), cl::sub(benchCommand()),
              cl::sub(tuneCommand()));
static cl::list<std::string> convSpecs(
    "conv",
    cl::desc("Convolution workload N,C,H,W,F,KH,KW,S,P,D,G (repeatable)"),
    cl::value_desc("N,C,H,W,F,KH,KW,S,P,D,G"), cl::sub(benchCommand()),
    cl::sub(tuneCommand()));
static cl::opt<std::string> convLayout(
    "layout",
    cl::desc("Layout of --conv and suite convolutions: nchw (NCHW/FCHW) or "
             "nhwc (NHWC/HWCF)"),
    cl::init("nchw"), cl::sub(benchCommand()), cl::sub(tuneCommand()));
static cl::list<std::string>
    suiteFiles("suite", cl::desc("Workload suite CSV file (repeatable)"),
               cl::value_desc("CSV"), cl::sub(benchCommand()),
               cl::sub(tuneCommand()));

/// Workloads of every configurable op of a file (their own configs ignored:
/// each runs as a standalone kernel).
static bool workloadsFromFile(StringRef path, std::vector<Workload> &out,
                              const char *purpose) {
  auto program = loadProgram(path);
  if (!program)
    return false;
  bool ok = true;
  size_t before = out.size();
  program->module->walk([&](mlir::Operation *op) {
    if (!isConfigurableOp(op))
      return;
    auto workload = extractWorkload(op);
    if (failed(workload)) {
      ok = false;
      return;
    }
    out.push_back(*workload);
  });
  if (ok && out.size() == before) {
    fail(Twine("no matmul or convolution to ") + purpose + " in '" + path +
         "'");
    return false;
  }
  return ok;
}

bool collectWorkloads(std::vector<Workload> &out, const char *purpose) {
  if (!inputFile.empty() && !workloadsFromFile(inputFile, out, purpose))
    return false;
  for (const std::string &spec : gemmSpecs) {
    auto gemm = parseGemmSpec(spec);
    if (!gemm)
      return fail(toString(gemm.takeError())), false;
    out.push_back(*gemm);
  }
  for (const std::string &spec : convSpecs) {
    auto conv = parseConvSpec(spec, convLayout);
    if (!conv)
      return fail(toString(conv.takeError())), false;
    out.push_back(*conv);
  }
  for (const std::string &file : suiteFiles) {
    auto suite = loadSuite(file, convLayout);
    if (!suite)
      return fail(toString(suite.takeError())), false;
    out.insert(out.end(), suite->begin(), suite->end());
  }
  return true;
}

} // namespace autoconfig::cli
