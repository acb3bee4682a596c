//===- WorkloadInputs.cpp - Workloads named on the command line -----------===//

#include "WorkloadInputs.h"
#include "Options.h"
#include "Program.h"

#include "autoconfig/Bench/Suite.h"
#include "autoconfig/Pipeline/ModuleRunner.h"
#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/Extraction.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace autoconfig::cli {

static cl::list<std::string> gemmSpecs(
    "gemm", cl::desc("GEMM workload M,N,K[,f32|f64|bf16|i8] (repeatable)"),
    cl::value_desc("M,N,K"), cl::sub(benchCommand()), cl::sub(tuneCommand()));
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

static cl::opt<std::string> elementType(
    "dtype",
    cl::desc("Element type of every --gemm, --conv and --suite workload: "
             "f32, f64, bf16 (f32 output) or i8 (signed, i32 output)"),
    cl::value_desc("type"), cl::sub(benchCommand()), cl::sub(tuneCommand()));

/// A matmul of `path` at the sizes --shapes gives its function's arguments
/// (a dynamic one keeps its ranges); false, with an error, when they do not
/// fit it.
static bool atArgumentShapes(mlir::Operation *op, GemmWorkload &w,
                             ArrayRef<std::vector<int64_t>> shapes) {
  auto sizes = matmulSizesAt(op, w, shapes);
  if (!sizes)
    return fail(toString(sizes.takeError())), false;
  std::string where = formatLocation(op->getLoc());
  if (!*sizes) {
    if (!w.isDynamic())
      return true;
    return fail("--shapes: the sizes of the matmul at " + where +
                " cannot be read from its function's arguments"),
           false;
  }
  if (Error err = checkSizesFit(op, w, **sizes))
    return fail(toString(std::move(err))), false;
  auto [m, n, k] = **sizes;
  // The name the extraction derived from the sizes it configured for.
  std::string derived = formatv("matmul_{0}x{1}x{2}", w.m, w.n, w.k).str();
  if (w.name == derived)
    w.name = formatv("matmul_{0}x{1}x{2}", m, n, k).str();
  w.m = m;
  w.n = n;
  w.k = k;
  w.setDenseStrides();
  return true;
}

/// Workloads of every configurable op of a file (their own configs ignored:
/// each runs as a standalone kernel), at the sizes --shapes gives.
static bool workloadsFromFile(StringRef path, std::vector<Workload> &out,
                              const char *purpose) {
  auto shapes = parseArgumentShapes(argumentShapes);
  if (!shapes)
    return fail(toString(shapes.takeError())), false;
  auto program = loadProgram(path);
  if (!program)
    return false;
  if (!shapes->empty()) {
    auto entry = ModuleRunner::defaultEntry(*program->module);
    if (!entry)
      return fail(toString(entry.takeError())), false;
    specializeAtShapes(*program->module, *entry, *shapes);
  }
  bool ok = true;
  size_t before = out.size();
  program->module->walk([&](mlir::Operation *op) {
    if (!ok || !isConfigurableOp(op))
      return;
    auto workload = extractWorkload(op);
    if (failed(workload)) {
      ok = false;
      return;
    }
    if (auto *gemm = std::get_if<GemmWorkload>(&*workload);
        gemm && !shapes->empty() && !atArgumentShapes(op, *gemm, *shapes)) {
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
  std::optional<ElementKind> element;
  if (elementType.getNumOccurrences()) {
    element = parseElementKind(elementType);
    if (!element)
      return fail("--dtype: unsupported element type '" + elementType +
                  "' (supported: f32, f64, bf16, i8)"),
             false;
  }
  if (!inputFile.empty() && !workloadsFromFile(inputFile, out, purpose))
    return false;
  size_t named = out.size();
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
  if (element)
    for (Workload &w : llvm::drop_begin(out, named))
      std::visit([&](auto &x) { x.element = *element; }, w);
  return true;
}

} // namespace autoconfig::cli
