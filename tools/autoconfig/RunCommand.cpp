//===- RunCommand.cpp - autoconfig run ------------------------------------===//

#include "Options.h"
#include "Program.h"
#include "RunPeers.h"

#include "autoconfig/Bench/Timing.h"
#include "autoconfig/Pipeline/ModuleRunner.h"
#include "autoconfig/Pipeline/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace llvm;

namespace autoconfig::cli {

static cl::opt<std::string> entry("entry", cl::desc("Function to call"),
                                  cl::init("forward"), cl::sub(runCommand()));
static cl::opt<bool>
    compare("compare",
            cl::desc("Also run MLIR's default lowering (no AutoConfig) and "
                     "compare the outputs"),
            cl::sub(runCommand()));
static cl::opt<bool>
    benchmark("bench",
              cl::desc("Time the program (and the default lowering with "
                       "--compare), median of interleaved samples"),
              cl::sub(runCommand()));
static cl::opt<unsigned> runSamples("samples",
                                    cl::desc("Timed samples (at least 5)"),
                                    cl::init(7), cl::sub(runCommand()));

static cl::opt<std::string> saveIo(
    "save-io",
    cl::desc("Write the inputs (argI.f32), the output (result0.f32) and, with "
             "--compare, the default lowering's output (reference0.f32) as raw "
             "little-endian arrays into this directory"),
    cl::value_desc("DIR"), cl::sub(runCommand()));

/// Writes \p buffer's bytes to DIR/NAME.
static bool writeRaw(StringRef name, const AlignedBuffer &buffer) {
  SmallString<256> path(saveIo.getValue());
  sys::path::append(path, name);
  std::error_code ec;
  raw_fd_ostream os(path, ec);
  if (ec) {
    fail("cannot write '" + path.str().str() + "': " + ec.message());
    return false;
  }
  os.write(static_cast<const char *>(buffer.data()), buffer.bytes());
  return true;
}

/// Different summation orders over tens of layers: far below 1e-3 of the
/// output's scale unless something is wrong.
static constexpr double kTolerance = 1e-3;

/// max |a - b| / max |b|: the error relative to the output's scale.
static double relativeError(const AlignedBuffer &a, const AlignedBuffer &b) {
  double maxDiff = 0, maxRef = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    double x = a.as<float>()[i], y = b.as<float>()[i];
    if (!std::isfinite(x))
      return INFINITY;
    maxDiff = std::max(maxDiff, std::fabs(x - y));
    maxRef = std::max(maxRef, std::fabs(y));
  }
  return maxDiff / std::max(maxRef, 1e-30);
}

int runRun() {
  auto hardware = resolveHardware();
  if (!hardware)
    return 1;
  if (!hardware->target.runsOnHost)
    return fail("target '" + hardware->target.name + "' cannot run here");
  std::optional<Config> override;
  if (!parseOverride(override))
    return 1;
  auto layout = layoutPropagation(*hardware);
  auto program = loadProgram(inputFile, layout ? &*layout : nullptr);
  if (!program)
    return 1;
  // The reference is the program as written: MLIR's default lowering with
  // no AutoConfig pass at all, layout propagation included.
  std::optional<Program> referenceProgram;
  mlir::OwningOpRef<mlir::ModuleOp> reference;
  if (compare) {
    referenceProgram = loadProgram(inputFile);
    if (!referenceProgram)
      return 1;
    reference = std::move(referenceProgram->module);
  }

  double compileStart = nowSeconds();
  ConfigureOptions options;
  options.target = hardware->target;
  options.profile = hardware->profile;
  options.threads = threads;
  options.override = override;
  if (!loadTunedConfigs(options.target, options))
    return 1;
  mlir::PassManager pm(program->context.get());
  pm.addPass(createFuseEpiloguesPass());
  pm.addPass(createConfigurePass(options));
  pm.addPass(createGeneratePass(hardware->target));
  if (failed(pm.run(*program->module)))
    return 1;
  auto runner =
      ModuleRunner::create(*program->module, entry, hardware->target, threads);
  if (!runner)
    return fail(toString(runner.takeError()));
  double compileSeconds = nowSeconds() - compileStart;
  std::unique_ptr<ModuleRunner> baseline;
  if (compare) {
    auto created =
        ModuleRunner::create(*reference, entry, hardware->target, threads);
    if (!created)
      return fail("default lowering: " + toString(created.takeError()));
    baseline = std::move(*created);
  }

  std::vector<AlignedBuffer> inputs;
  std::vector<void *> pointers;
  for (auto [i, shape] : enumerate((*runner)->argumentShapes())) {
    AlignedBuffer buffer(shape.elements(), shape.elementBytes);
    buffer.fillRandom(1234 + i);
    pointers.push_back(buffer.data());
    inputs.push_back(std::move(buffer));
  }
  std::vector<AlignedBuffer> outputs, expected;
  (*runner)->run(pointers, outputs);
  json::Object record{{"program", inputFile.getValue()},
                      {"entry", entry.getValue()},
                      {"threads", threads.getValue()},
                      {"compile_s", compileSeconds}};
  double checksum = 0;
  for (AlignedBuffer &o : outputs)
    for (size_t i = 0; i < o.size(); ++i)
      checksum += o.as<float>()[i];
  record["checksum"] = checksum;
  bool ok = true;
  if (baseline) {
    baseline->run(pointers, expected);
    double error = 0;
    for (size_t i = 0; i < outputs.size(); ++i)
      error = std::max(error, relativeError(outputs[i], expected[i]));
    ok = error <= kTolerance;
    record["max_rel_err"] = error;
    record["matches_reference"] = ok;
  }
  // Whole-program peers on the same inputs, checked like the default lowering.
  std::vector<RunPeer> peers = runPeers(
      inputFile, entry, threads, pointers, baseline ? expected : outputs,
      baseline ? "the default lowering" : "AutoConfig", relativeError,
      kTolerance);
  if (!saveIo.empty()) {
    if (std::error_code ec = sys::fs::create_directories(saveIo.getValue()))
      return fail("cannot create '" + saveIo.getValue() + "': " + ec.message());
    for (auto [i, buffer] : enumerate(inputs))
      if (!writeRaw(formatv("arg{0}.f32", i).str(), buffer))
        return 1;
    for (auto [i, buffer] : enumerate(outputs))
      if (!writeRaw(formatv("result{0}.f32", i).str(), buffer))
        return 1;
    for (auto [i, buffer] : enumerate(expected))
      if (!writeRaw(formatv("reference{0}.f32", i).str(), buffer))
        return 1;
  }
  if (benchmark) {
    std::vector<std::function<void()>> calls;
    std::vector<AlignedBuffer> scratch;
    ModuleRunner *mine = runner->get();
    calls.push_back([&, mine] { mine->run(pointers, scratch); });
    ModuleRunner *base = baseline.get();
    if (base)
      calls.push_back([&, base] { base->run(pointers, scratch); });
    addPeerCalls(peers, pointers, calls);
    TimingOptions timing;
    timing.samples = std::max(5u, unsigned(runSamples));
    timing.warmupCalls = 1;
    std::vector<TimingStats> stats = timeInterleaved(calls, timing);
    record["latency_s"] = stats[0].medianSeconds;
    if (base) {
      record["reference_latency_s"] = stats[1].medianSeconds;
      record["speedup"] = stats[1].medianSeconds / stats[0].medianSeconds;
    }
    size_t next = base ? 2 : 1;
    for (RunPeer &p : peers)
      if (p.peer)
        p.latency = stats[next++].medianSeconds;
  }
  if (!peers.empty())
    record["peers"] = peersJson(peers);
  if (json) {
    outs() << formatv("{0}", json::Value(std::move(record))) << "\n";
  } else {
    outs() << formatv("{0}: compiled in {1:f2} s; output checksum {2:e6}\n",
                      inputFile, compileSeconds, checksum);
    if (auto e = record.getNumber("max_rel_err"))
      outs() << formatv("default lowering: max error {0:e2} of the output's "
                        "scale: {1}\n",
                        *e, ok ? "match" : "MISMATCH");
    if (auto l = record.getNumber("latency_s"))
      outs() << formatv("latency {0:f3} ms", *l * 1e3);
    if (auto r = record.getNumber("reference_latency_s"))
      outs() << formatv("; default lowering {0:f3} ms ({1:f1}x faster)",
                        *r * 1e3, *r / *record.getNumber("latency_s"));
    if (record.getNumber("latency_s"))
      outs() << "\n";
    printPeers(peers, record.getNumber("latency_s"), outs());
  }
  return ok ? peersStatus(peers) : 2;
}

} // namespace autoconfig::cli
