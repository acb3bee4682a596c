//===- RunCommand.cpp - autoconfig run ------------------------------------===//

#include "Options.h"
#include "Program.h"
#include "RunPeers.h"

#include "autoconfig/Bench/Timing.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Pipeline/ModuleRunner.h"
#include "autoconfig/Transforms/OpProfile.h"
#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/Extraction.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace llvm;

namespace autoconfig::cli {

static cl::opt<std::string>
    entry("entry",
          cl::desc("Function to call (default: the only public function with "
                   "a body that no other function calls, as mlir-runner's -e "
                   "would name it)"),
          cl::sub(runCommand()));
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
static cl::opt<bool> profileOps(
    "profile",
    cl::desc("Measure the time of every op of the program (configured kernel "
             "with its fused epilogue, or other op) and print them sorted by "
             "time"),
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
    double x = a.elementAsDouble(i), y = b.elementAsDouble(i);
    if (!std::isfinite(x))
      return INFINITY;
    maxDiff = std::max(maxDiff, std::fabs(x - y));
    maxRef = std::max(maxRef, std::fabs(y));
  }
  return maxDiff / std::max(maxRef, 1e-30);
}

/// The per-op table of `--profile`: measured seconds (median over samples)
/// beside what each op is, sorted by time.
struct OpTiming {
  const ProfiledOp *op;
  double seconds;
};

static json::Value profileToJSON(ArrayRef<OpTiming> timings, double total) {
  json::Array rows;
  for (const OpTiming &t : timings) {
    json::Object row{{"op", t.op->op},
                     {"kind", t.op->kind},
                     {"time_s", t.seconds},
                     {"share", total > 0 ? t.seconds / total : 0.0},
                     {"lowering", t.op->lowering},
                     {"shapes", t.op->shapes},
                     {"location", t.op->location}};
    if (t.op->flops > 0 && t.seconds > 0)
      row["gflops"] = t.op->flops / t.seconds / 1e9;
    if (t.op->bytes > 0 && t.seconds > 0)
      row["gbytes_per_s"] = t.op->bytes / t.seconds / 1e9;
    rows.push_back(std::move(row));
  }
  return rows;
}

static void printProfileTable(ArrayRef<OpTiming> timings, double total,
                              raw_ostream &os) {
  os << formatv("{0,10} {1,7} {2,-11} {3,10}  {4}\n", "time", "share", "kind",
                "rate", "op (lowering) at location");
  for (const OpTiming &t : timings) {
    std::string rate;
    if (t.op->flops > 0 && t.seconds > 0)
      rate = formatv("{0:f1} GF/s", t.op->flops / t.seconds / 1e9).str();
    else if (t.op->bytes > 0 && t.seconds > 0)
      rate = formatv("{0:f1} GB/s", t.op->bytes / t.seconds / 1e9).str();
    os << formatv("{0,7:f3} ms {1,6:f1}% {2,-11} {3,10}  {4} ({5}) {6} at "
                  "{7}\n",
                  t.seconds * 1e3, total > 0 ? 100 * t.seconds / total : 0.0,
                  t.op->kind, rate, t.op->op, t.op->lowering, t.op->shapes,
                  t.op->location);
  }
}

/// What `--compare` compares when the entry returns nothing (a `main` that
/// only prints, as mlir-runner programs are written): each function it calls
/// directly that has a body and returns results, called on generated inputs.
static std::vector<std::string> comparedCallees(mlir::ModuleOp module,
                                                StringRef entry) {
  std::vector<std::string> names;
  auto fn = module.lookupSymbol<mlir::func::FuncOp>(entry);
  if (!fn || fn.getNumResults() != 0)
    return names;
  // Only what can be called on generated buffers: dense, statically shaped
  // f32/f64/bf16 memrefs in and out (a callee taking sizes or dynamic shapes is
  // left out, not an error).
  auto denseBuffer = [](mlir::Type type) {
    auto memref = dyn_cast<mlir::MemRefType>(type);
    return memref && memref.hasStaticShape() &&
           memref.getLayout().isIdentity() &&
           (memref.getElementType().isF32() ||
            memref.getElementType().isF64() ||
            memref.getElementType().isBF16());
  };
  fn.walk([&](mlir::func::CallOp call) {
    auto callee = module.lookupSymbol<mlir::func::FuncOp>(call.getCallee());
    if (callee && !callee.isExternal() && callee.getNumResults() > 0 &&
        llvm::all_of(callee.getArgumentTypes(), denseBuffer) &&
        llvm::all_of(callee.getResultTypes(), denseBuffer) &&
        !llvm::is_contained(names, callee.getName()))
      names.push_back(callee.getName().str());
  });
  return names;
}

/// Calls \p name in both lowerings on the same generated inputs and returns
/// the largest error relative to each output's scale.
static double compareFunction(ModuleRunner &mine, ModuleRunner &reference,
                              StringRef name) {
  std::vector<AlignedBuffer> inputs;
  std::vector<void *> pointers;
  for (auto [i, shape] : enumerate(mine.argumentShapes(name))) {
    AlignedBuffer buffer(shape.elements(), shape.elementBytes);
    buffer.fillRandom(4321 + i);
    pointers.push_back(buffer.data());
    inputs.push_back(std::move(buffer));
  }
  std::vector<AlignedBuffer> outputs, expected;
  mine.runFunction(name, pointers, outputs);
  reference.runFunction(name, pointers, expected);
  double error = 0;
  for (size_t i = 0; i < outputs.size(); ++i)
    error = std::max(error, relativeError(outputs[i], expected[i]));
  return error;
}

/// JIT-compiles and runs a tiny program once, untimed: the process's
/// one-time set-up (LLVM's target and pass registries, the JIT, the runner
/// libraries) then falls on neither of the two compilations `run` times and
/// compares, whichever comes first.
static void warmUpCompiler(const TargetDesc &target) {
  std::unique_ptr<mlir::MLIRContext> context = createAutoConfigContext();
  constexpr const char *kWarmUp = R"mlir(
func.func @warm_up(%x: memref<64xf32>) -> memref<64xf32> {
  %y = memref.alloc() : memref<64xf32>
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%x : memref<64xf32>) outs(%y : memref<64xf32>) {
  ^bb0(%a: f32, %b: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  }
  return %y : memref<64xf32>
}
)mlir";
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kWarmUp, context.get());
  if (!module)
    return;
  auto runner = ModuleRunner::create(*module, "warm_up", target, 1);
  if (!runner) {
    consumeError(runner.takeError());
    return;
  }
  AlignedBuffer input(64, 4);
  input.fillRandom(1);
  std::vector<AlignedBuffer> outputs;
  (*runner)->run({input.data()}, outputs);
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
  auto shapes = parseArgumentShapes(argumentShapes);
  if (!shapes)
    return fail(toString(shapes.takeError()));

  if (compare)
    warmUpCompiler(hardware->target);
  double compileStart = nowSeconds();
  auto program = loadProgram(inputFile, layout ? &*layout : nullptr);
  if (!program)
    return 1;
  double loaded = nowSeconds();
  std::string entryName = entry;
  if (entryName.empty()) {
    auto found = ModuleRunner::defaultEntry(*program->module);
    if (!found)
      return fail(toString(found.takeError()));
    entryName = *found;
  }
  unsigned specialized =
      specializeAtShapes(*program->module, entryName, *shapes);
  ConfigureOptions options;
  options.target = hardware->target;
  options.profile = hardware->profile;
  options.threads = threads;
  options.override = override;
  if (!loadTunedConfigs(options.target, options))
    return 1;
  {
    mlir::PassManager pm(program->context.get());
    pm.addPass(createFuseEpiloguesPass());
    pm.addPass(createConfigurePass(options));
    if (failed(pm.run(*program->module)))
      return 1;
  }
  if (Error err = checkMatmulSizesAt(*program->module, entryName, *shapes))
    return fail(toString(std::move(err)));
  double configured = nowSeconds();
  // --profile runs a second compilation of the same configured program with
  // the timer calls; the latency is measured on the uninstrumented one.
  mlir::OwningOpRef<mlir::ModuleOp> instrumented;
  std::vector<ProfiledOp> profiledOps;
  LowerStreamingOptions streaming;
  streaming.target = hardware->target;
  streaming.profile = hardware->profile;
  streaming.threads = threads;
  streaming.outline = true;
  // The instrumented copy is not part of the program's compilation: its
  // time is kept out of compile_s.
  double instrumentStart = nowSeconds();
  if (profileOps) {
    instrumented = program->module->clone();
    mlir::PassManager pm(program->context.get());
    // The other ops' lowerings are decided first, so that the profile's
    // table records them; the rewrite then keeps those decisions.
    LowerStreamingOptions decideOnly = streaming;
    decideOnly.rewrite = false;
    pm.addPass(createLowerStreamingPass(decideOnly));
    pm.addPass(createInstrumentProfilePass(&profiledOps));
    pm.addPass(createGeneratePass(hardware->target, /*outlineKernels=*/true));
    pm.addPass(createLowerStreamingPass(streaming));
    if (failed(pm.run(*instrumented)))
      return 1;
  }
  double instrumentSeconds = nowSeconds() - instrumentStart;
  {
    mlir::PassManager pm(program->context.get());
    pm.addPass(createGeneratePass(hardware->target, /*outlineKernels=*/true));
    pm.addPass(createLowerStreamingPass(streaming));
    if (failed(pm.run(*program->module)))
      return 1;
  }
  double generated = nowSeconds();
  std::vector<std::string> callees;
  if (compare)
    callees = comparedCallees(*program->module, entryName);
  auto runner = ModuleRunner::create(
      *program->module, entryName, hardware->target, threads, {},
      /*approximateMath=*/true, callees, *shapes);
  if (!runner)
    return fail(toString(runner.takeError()));
  double compileSeconds = nowSeconds() - compileStart - instrumentSeconds;

  // The reference is the program as written: MLIR's default lowering with
  // no AutoConfig pass at all, layout propagation included.
  std::unique_ptr<ModuleRunner> baseline;
  std::optional<Program> referenceProgram;
  double referenceCompileSeconds = 0;
  if (compare) {
    double start = nowSeconds();
    referenceProgram = loadProgram(inputFile);
    if (!referenceProgram)
      return 1;
    auto created = ModuleRunner::create(
        *referenceProgram->module, entryName, hardware->target, threads, {},
        /*approximateMath=*/false, callees, *shapes);
    if (!created)
      return fail("default lowering: " + toString(created.takeError()));
    baseline = std::move(*created);
    referenceCompileSeconds = nowSeconds() - start;
  }
  std::unique_ptr<ModuleRunner> profiler;
  if (profileOps) {
    auto created =
        ModuleRunner::create(*instrumented, entryName, hardware->target,
                             threads, OpTimers::symbols());
    if (!created)
      return fail("instrumented program: " + toString(created.takeError()));
    profiler = std::move(*created);
  }

  std::vector<AlignedBuffer> inputs;
  std::vector<void *> pointers;
  for (auto [i, shape] : enumerate((*runner)->argumentShapes())) {
    AlignedBuffer buffer(shape.elements(), shape.elementBytes);
    buffer.fillRandom(1234 + i);
    pointers.push_back(buffer.data());
    inputs.push_back(std::move(buffer));
  }
  // An entry that returns nothing writes its outputs into its arguments
  // (linalg on memrefs, buddy-benchmark's kernels): the default lowering
  // then runs on a copy of the inputs, and the arguments are compared.
  std::vector<AlignedBuffer> referenceInputs;
  std::vector<void *> referencePointers = pointers;
  bool compareArguments = compare && (*runner)->resultShapes().empty() &&
                          callees.empty() && !inputs.empty();
  if (compareArguments) {
    referencePointers.clear();
    for (const AlignedBuffer &input : inputs) {
      AlignedBuffer copy(input.size(), input.elementSize());
      copy.copyFrom(input);
      referencePointers.push_back(copy.data());
      referenceInputs.push_back(std::move(copy));
    }
  }
  std::vector<AlignedBuffer> outputs, expected;
  (*runner)->run(pointers, outputs);
  json::Object record{{"program", inputFile.getValue()},
                      {"entry", entryName},
                      {"threads", threads.getValue()},
                      {"compile_s", compileSeconds}};
  record["compile_phases"] =
      json::Object{{"load_s", loaded - compileStart},
                   {"configure_s", configured - loaded},
                   {"generate_s", generated - configured - instrumentSeconds},
                   {"lower_s", (*runner)->loweringSeconds()},
                   {"llvm_s", (*runner)->llvmSeconds()}};
  if (compare)
    record["default_compile_s"] = referenceCompileSeconds;
  if (!shapes->empty())
    record["specialized_ops"] = specialized;
  if (profileOps)
    record["profile_instrumentation_s"] = instrumentSeconds;
  double checksum = 0;
  for (AlignedBuffer &o : outputs)
    for (size_t i = 0; i < o.size(); ++i)
      checksum += o.elementAsDouble(i);
  record["checksum"] = checksum;
  bool ok = true;
  if (baseline) {
    baseline->run(referencePointers, expected);
    double error = 0;
    for (size_t i = 0; i < outputs.size(); ++i)
      error = std::max(error, relativeError(outputs[i], expected[i]));
    if (compareArguments) {
      for (size_t i = 0; i < inputs.size(); ++i)
        error = std::max(error, relativeError(inputs[i], referenceInputs[i]));
      record["compared"] = "arguments";
    }
    // Different summation orders over tens of layers: far below 1e-3 of the
    // output's scale unless something is wrong.
    json::Array compared;
    for (const std::string &name : callees) {
      double calleeError = compareFunction(**runner, *baseline, name);
      compared.push_back(
          json::Object{{"function", name}, {"max_rel_err", calleeError}});
      error = std::max(error, calleeError);
    }
    ok = error <= kTolerance;
    if (!callees.empty())
      record["compared_callees"] = std::move(compared);
    if (outputs.empty() && callees.empty() && !compareArguments) {
      record["matches_default"] = nullptr;
    } else {
      record["max_rel_err"] = error;
      record["matches_default"] = ok;
    }
  }
  // Whole-program peers on the same inputs, checked like the default lowering.
  std::vector<RunPeer> peers = runPeers(
      inputFile, entryName, threads, pointers, baseline ? expected : outputs,
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
  TimingOptions timing;
  timing.samples = std::max(5u, unsigned(runSamples));
  timing.warmupCalls = 1;
  if (benchmark) {
    std::vector<std::function<void()>> calls;
    std::vector<AlignedBuffer> scratch;
    ModuleRunner *mine = runner->get();
    calls.push_back([&, mine] { mine->run(pointers, scratch); });
    ModuleRunner *base = baseline.get();
    if (base)
      calls.push_back([&, base] { base->run(pointers, scratch); });
    addPeerCalls(peers, pointers, calls);
    std::vector<TimingStats> stats = timeInterleaved(calls, timing);
    record["latency_s"] = stats[0].medianSeconds;
    if (base) {
      record["default_latency_s"] = stats[1].medianSeconds;
      record["speedup"] = stats[1].medianSeconds / stats[0].medianSeconds;
    }
    size_t next = base ? 2 : 1;
    for (RunPeer &p : peers)
      if (p.peer)
        p.latency = stats[next++].medianSeconds;
  }
  std::vector<OpTiming> timings;
  double profiledSeconds = 0, kernelSeconds = 0;
  if (profiler) {
    // Median per op over the samples, after a warm-up run.
    std::vector<AlignedBuffer> scratch;
    profiler->run(pointers, scratch);
    std::vector<std::vector<double>> samples(profiledOps.size());
    std::vector<double> totals;
    for (unsigned s = 0; s < timing.samples; ++s) {
      OpTimers::reset(profiledOps.size());
      double start = nowSeconds();
      profiler->run(pointers, scratch);
      totals.push_back(nowSeconds() - start);
      std::vector<double> seconds = OpTimers::seconds();
      for (size_t i = 0; i < seconds.size(); ++i)
        samples[i].push_back(seconds[i]);
    }
    for (size_t i = 0; i < profiledOps.size(); ++i) {
      double median = quantile(samples[i], 0.5);
      timings.push_back({&profiledOps[i], median});
      profiledSeconds += median;
      if (profiledOps[i].kind == "kernel")
        kernelSeconds += median;
    }
    // Ties keep the program's order (the ops are stored in it).
    llvm::sort(timings, [](const OpTiming &a, const OpTiming &b) {
      return a.seconds != b.seconds ? a.seconds > b.seconds : a.op < b.op;
    });
    record["profile"] = profileToJSON(timings, profiledSeconds);
    record["profiled_s"] = profiledSeconds;
    record["instrumented_latency_s"] = quantile(totals, 0.5);
    record["kernel_share"] =
        profiledSeconds > 0 ? kernelSeconds / profiledSeconds : 0.0;
  }
  if (!peers.empty())
    record["peers"] = peersJson(peers);
  if (json) {
    outs() << formatv("{0}", json::Value(std::move(record))) << "\n";
  } else {
    outs() << formatv("{0} (@{1}): compiled in {2:f2} s", inputFile, entryName,
                      compileSeconds);
    if (compare)
      outs() << formatv(" (default lowering: {0:f2} s)",
                        referenceCompileSeconds);
    if (!outputs.empty())
      outs() << formatv("; output checksum {0:e6}", checksum);
    outs() << "\n";
    if (auto e = record.getNumber("max_rel_err")) {
      outs() << "default lowering: ";
      if (!callees.empty())
        outs() << "@" << entryName << " returns nothing; what it calls ("
               << join(map_range(callees,
                                 [](const std::string &n) { return "@" + n; }),
                       ", ")
               << ") on generated inputs: ";
      else if (compareArguments)
        outs() << "@" << entryName
               << " returns nothing; its arguments after the call: ";
      outs() << formatv("max error {0:e2} of the output's scale: {1}\n", *e,
                        ok ? "match" : "MISMATCH");
    } else if (compare)
      outs() << "default lowering: the entry returns nothing to compare\n";
    if (auto l = record.getNumber("latency_s"))
      outs() << formatv("latency {0:f3} ms", *l * 1e3);
    if (auto r = record.getNumber("default_latency_s"))
      outs() << formatv("; default lowering {0:f3} ms ({1:f1}x faster)",
                        *r * 1e3, *r / *record.getNumber("latency_s"));
    if (record.getNumber("latency_s"))
      outs() << "\n";
    if (profiler) {
      outs() << formatv(
          "profile: {0} ops, {1:f3} ms in all, configured "
          "kernels {2:f1}% of it\n",
          timings.size(), profiledSeconds * 1e3,
          profiledSeconds > 0 ? 100 * kernelSeconds / profiledSeconds : 0.0);
      printProfileTable(timings, profiledSeconds, outs());
    }
    printPeers(peers, record.getNumber("latency_s"), outs());
  }
  return ok ? peersStatus(peers) : 2;
}

} // namespace autoconfig::cli
