//===- Options.cpp - Command-line options shared by the subcommands -------===//

#include "Options.h"
#include "CalibrationCache.h"
#include "Program.h"

#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Tune/TuningDatabase.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace autoconfig::cli {

cl::SubCommand &explainCommand() {
  static cl::SubCommand command(
      "explain", "Show, for every matmul and conv in FILE.mlir, the workload, "
                 "the target facts used, the chosen config and why");
  return command;
}
cl::SubCommand &compileCommand() {
  static cl::SubCommand command(
      "compile", "Configure, generate and lower FILE.mlir (--emit=...)");
  return command;
}
cl::SubCommand &benchCommand() {
  static cl::SubCommand command(
      "bench", "JIT, verify and time workloads against peer libraries");
  return command;
}
cl::SubCommand &tuneCommand() {
  static cl::SubCommand command(
      "tune", "Search the config space by measurement (what the models "
              "replace), and compare with the model's pick");
  return command;
}
cl::SubCommand &reportCommand() {
  static cl::SubCommand command(
      "report", "Turn bench and tune logs into an HTML page with SVG plots "
                "and Markdown tables");
  return command;
}
cl::SubCommand &exampleCommand() {
  static cl::SubCommand command(
      "example", "Write an example network (resnet18, transformer) as TOSA "
                 "MLIR with random constant weights");
  return command;
}
cl::SubCommand &runCommand() {
  static cl::SubCommand command(
      "run", "JIT a whole program, run its entry on random inputs; compare "
             "with / time against MLIR's default lowering");
  return command;
}
cl::SubCommand &validateCommand() {
  static cl::SubCommand command(
      "validate",
      "Check the model on this machine: time a handful of representative "
      "workloads, predicted against measured, and the regret against a "
      "small local search");
  return command;
}
cl::SubCommand &importCommand() {
  static cl::SubCommand command(
      "import", "Import an ONNX model as MLIR on tensors (linalg, tensor, "
                "arith): what every command taking FILE.mlir does on the fly "
                "with FILE.onnx");
  return command;
}
cl::SubCommand &onnxTestCommand() {
  static cl::SubCommand command(
      "onnx-test", "Run ONNX backend test cases (model.onnx + "
                   "test_data_set_N) below each DIR through AutoConfig and "
                   "compare with their expected outputs");
  return command;
}
cl::SubCommand &algorithmsCommand() {
  static cl::SubCommand command(
      "algorithms", "List the optimization algorithms and their parameters "
                    "(what a --config or an autoconfig.config may set)");
  return command;
}
cl::opt<bool> markdown("markdown",
                       cl::desc("The list as the Markdown of docs/models.md"),
                       cl::sub(algorithmsCommand()));
cl::SubCommand &targetCommand() {
  static cl::SubCommand command("target",
                                "Print the target description and its profile");
  return command;
}

cl::opt<std::string>
    inputFile(cl::Positional, cl::desc("<FILE.mlir | FILE.onnx>"),
              cl::sub(explainCommand()), cl::sub(importCommand()),
              cl::sub(compileCommand()), cl::sub(benchCommand()),
              cl::sub(tuneCommand()), cl::sub(runCommand()));
cl::opt<std::string> targetName(
    "target",
    cl::desc("Target preset (host, x86-sse4.2, x86-avx2, "
             "x86-avx512, aarch64-neon, aarch64-sve256, riscv64-rvv)"),
    cl::init("host"), cl::sub(explainCommand()), cl::sub(compileCommand()),
    cl::sub(benchCommand()), cl::sub(tuneCommand()), cl::sub(runCommand()),
    cl::sub(targetCommand()), cl::sub(calibrateCommand()),
    cl::sub(validateCommand()), cl::sub(onnxTestCommand()));
cl::opt<std::string> targetFile(
    "target-file", cl::desc("Target description JSON (overrides --target)"),
    cl::sub(explainCommand()), cl::sub(compileCommand()),
    cl::sub(benchCommand()), cl::sub(tuneCommand()), cl::sub(runCommand()),
    cl::sub(targetCommand()), cl::sub(calibrateCommand()),
    cl::sub(validateCommand()), cl::sub(onnxTestCommand()));
cl::opt<std::string> configText(
    "config",
    cl::desc("Config for every op without its own 'autoconfig.config' "
             "(e.g. \"broadcast ui=4\"; missing parameters are derived)"),
    cl::sub(explainCommand()), cl::sub(compileCommand()),
    cl::sub(benchCommand()), cl::sub(runCommand()));
cl::opt<std::string> dimRanges(
    "dim-range",
    cl::desc("Ranges of the dynamic sizes of the program's matmuls that have "
             "no 'autoconfig.sizes' of their own, e.g. M=1:4096 or "
             "M=1:2048:128 (min:max:likely; default range 1:4096)"),
    cl::value_desc("NAME=MIN:MAX[:LIKELY],..."), cl::sub(explainCommand()),
    cl::sub(compileCommand()), cl::sub(benchCommand()), cl::sub(runCommand()));
cl::opt<std::string> argumentShapes(
    "shapes",
    cl::desc("Shapes of the entry's arguments, in order, e.g. "
             "1x1024,1024x4096,1x4096: required where the program takes "
             "memrefs of dynamic sizes (each must match the static sizes)"),
    cl::value_desc("D1xD2x...,..."), cl::sub(runCommand()),
    cl::sub(benchCommand()));
cl::opt<unsigned> threads("threads",
                          cl::desc("Threads for generated code and peers"),
                          cl::init(1), cl::sub(explainCommand()),
                          cl::sub(compileCommand()), cl::sub(benchCommand()),
                          cl::sub(tuneCommand()), cl::sub(runCommand()),
                          cl::sub(validateCommand()),
                          cl::sub(onnxTestCommand()));
cl::opt<bool> json("json", cl::desc("Machine-readable JSON output"),
                   cl::sub(explainCommand()), cl::sub(benchCommand()),
                   cl::sub(tuneCommand()), cl::sub(runCommand()),
                   cl::sub(targetCommand()), cl::sub(calibrateCommand()),
                   cl::sub(validateCommand()), cl::sub(onnxTestCommand()));
cl::opt<bool> quickCalibration(
    "quick-calibration",
    cl::desc("When this machine has no calibrated profile yet, measure it "
             "with fewer and shorter samples (a few times faster, less "
             "precise; `autoconfig calibrate --force` redoes it fully)"),
    cl::sub(explainCommand()), cl::sub(compileCommand()),
    cl::sub(benchCommand()), cl::sub(tuneCommand()), cl::sub(runCommand()),
    cl::sub(validateCommand()), cl::sub(onnxTestCommand()));
cl::opt<bool> nominal(
    "nominal",
    cl::desc("Decide with the target's nominal figures: no calibration, no "
             "cached profile (reproducible decisions, whatever the machine)"),
    cl::sub(explainCommand()), cl::sub(compileCommand()),
    cl::sub(benchCommand()), cl::sub(tuneCommand()), cl::sub(runCommand()),
    cl::sub(targetCommand()), cl::sub(validateCommand()),
    cl::sub(onnxTestCommand()));

cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("ONNX models: the static shape of a graph input, "
             "NAME=D1xD2x... (replaces its symbolic dims; repeatable)"),
    cl::value_desc("NAME=SHAPE"), cl::sub(explainCommand()),
    cl::sub(compileCommand()), cl::sub(benchCommand()), cl::sub(tuneCommand()),
    cl::sub(runCommand()), cl::sub(importCommand()));

bool onnxImportOptions(OnnxImportOptions &options) {
  for (const std::string &spec : inputShapes) {
    auto [name, dims] = StringRef(spec).rsplit('=');
    if (name.empty() || dims.empty()) {
      fail("--input-shape '" + spec + "': expected NAME=D1xD2x...");
      return false;
    }
    std::vector<int64_t> shape;
    SmallVector<StringRef> parts;
    if (dims != "scalar")
      dims.split(parts, 'x');
    for (StringRef part : parts) {
      int64_t d;
      if (part.getAsInteger(10, d) || d < 1 || d > (int64_t(1) << 31)) {
        fail("--input-shape '" + spec + "': '" + part +
             "' is not a positive dimension");
        return false;
      }
      shape.push_back(d);
    }
    options.inputShapes[name.str()] = std::move(shape);
  }
  return true;
}

cl::opt<bool> useTuned(
    "use-tuned",
    cl::desc("Use the best config `autoconfig tune --db` stored for an op's "
             "workload and target, where there is one (an op's own "
             "'autoconfig.config' and --config take precedence)"),
    cl::sub(explainCommand()), cl::sub(compileCommand()),
    cl::sub(benchCommand()), cl::sub(runCommand()));
cl::opt<std::string>
    tunedDatabasePath("db-path",
                      cl::desc("Tuning database for --use-tuned (default "
                               "$XDG_CACHE_HOME/autoconfig/tuning.json)"),
                      cl::sub(explainCommand()), cl::sub(compileCommand()),
                      cl::sub(benchCommand()), cl::sub(runCommand()));

enum class LayoutMode { Auto, Off, Always };
cl::opt<LayoutMode> propagateLayout(
    "propagate-layout",
    cl::desc("NCHW convolutions of a program on tensors (and the elementwise "
             "ops between them) in NHWC:"),
    cl::values(clEnumValN(LayoutMode::Auto, "auto",
                          "where the models predict it faster, reorders "
                          "included (default)"),
               clEnumValN(LayoutMode::Off, "off", "never"),
               clEnumValN(LayoutMode::Always, "always", "every one")),
    cl::init(LayoutMode::Auto), cl::sub(explainCommand()),
    cl::sub(compileCommand()), cl::sub(runCommand()),
    cl::sub(onnxTestCommand()));

std::optional<LayoutPropagationOptions>
layoutPropagation(const HardwareSetup &hardware) {
  if (propagateLayout == LayoutMode::Off)
    return std::nullopt;
  return LayoutPropagationOptions{hardware.target, hardware.profile, threads,
                                  propagateLayout == LayoutMode::Always};
}

bool loadTunedConfigs(const TargetDesc &target, ConfigureOptions &options) {
  if (!useTuned) {
    if (!tunedDatabasePath.empty())
      WithColor::warning(errs(), "autoconfig")
          << "--db-path has no effect without --use-tuned\n";
    return true;
  }
  std::string path = tunedDatabasePath.empty() ? TuningDatabase::defaultPath()
                                               : tunedDatabasePath.getValue();
  if (!sys::fs::exists(path)) {
    fail("--use-tuned: no tuning database at '" + path +
         "' (run `autoconfig tune ... --db` first)");
    return false;
  }
  auto loaded = TuningDatabase::load(path);
  if (!loaded) {
    fail(toString(loaded.takeError()));
    return false;
  }
  auto database = std::make_shared<TuningDatabase>(std::move(*loaded));
  options.tuned = [database, target](const Workload &workload) {
    return database->lookup(target, workload);
  };
  return true;
}

int fail(const Twine &message) {
  WithColor::error(errs(), "autoconfig") << message << "\n";
  return 1;
}

std::optional<HardwareSetup> resolveHardware(MissingProfile missing) {
  // The generated code's thread count, checked once for every command (the
  // models would otherwise decide for, and print, an impossible count).
  if (threads < 1 || threads > 1024) {
    fail("--threads must be in [1, 1024], got " + Twine(threads));
    return std::nullopt;
  }
  auto target = resolveTarget(targetName, targetFile);
  if (!target) {
    fail(toString(target.takeError()));
    return std::nullopt;
  }
  HardwareSetup setup;
  setup.target = std::move(*target);
  if (nominal) {
    setup.profile = Profile::nominal(setup.target);
    setup.profileNote = "nominal figures of the target description (--nominal)";
    return setup;
  }
  if (setup.target.runsOnHost && missing == MissingProfile::Calibrate) {
    CalibrationRequest request;
    request.announce = true;
    request.quick = quickCalibration;
    Expected<MeasuredProfile> measured =
        loadOrMeasureProfile(setup.target, request);
    if (measured) {
      setup.profile = std::move(measured->profile);
      setup.profileNote =
          measured->measuredNow
              ? formatv("measured now in {0:f1} s, saved to {1}",
                        setup.profile.calibrationSeconds, measured->path)
                    .str()
              : "measured profile from " + measured->path;
      adoptMeasuredFacts(setup.target, setup.profile);
      return setup;
    }
    // The command still works, with figures that may misjudge this machine.
    setup.profileNote =
        toString(measured.takeError()) + "; using nominal figures";
    WithColor::warning(errs(), "autoconfig") << setup.profileNote << "\n";
    setup.profile = Profile::nominal(setup.target);
    return setup;
  }
  setup.profile = loadProfileOrNominal(setup.target, &setup.profileNote);
  adoptMeasuredFacts(setup.target, setup.profile);
  // A cache that exists but cannot be used (corrupt, unreadable, foreign)
  // deserves a warning: the decisions fall back to nominal figures.
  if (setup.target.runsOnHost && !setup.profile.measured() &&
      sys::fs::exists(profileCachePath(setup.target)))
    WithColor::warning(errs(), "autoconfig") << setup.profileNote << "\n";
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
  if (Error err = checkConfigValues(*parsed)) {
    fail(toString(std::move(err)));
    return false;
  }
  override = std::move(*parsed);
  return true;
}

void printProfile(const Profile &p, raw_ostream &os) {
  double hz = p.frequencyGHz * 1e9;
  os << formatv("  frequency {0:f2} GHz ({1})\n", p.frequencyGHz,
                p.measured() ? "effective, measured with dependent adds"
                             : "nominal");
  for (const VectorCosts &v : p.vectors)
    os << formatv("  {0,4}-bit: FMA {1:f2}/cycle, latency {2:f1} cycles, "
                  "load {3:f2}/cycle, broadcast {4:f2}/cycle, store "
                  "{5:f2}/cycle\n",
                  v.bits, v.fmaPerSecond / hz, v.fmaLatencySeconds * hz,
                  v.loadPerSecond / hz, v.broadcastPerSecond / hz,
                  v.storePerSecond / hz);
  for (const BandwidthPoint &b : p.bandwidth) {
    os << formatv("  read bandwidth {0}: {1:f1} GB/s",
                  b.level ? "L" + std::to_string(b.level) : "memory",
                  b.bytesPerSecond / 1e9);
    if (b.workingSetBytes)
      os << formatv(" ({0:f1} B/cycle, working set {1} KiB)",
                    b.bytesPerSecond / hz, b.workingSetBytes / 1024);
    os << "\n";
  }
  if (!p.bandwidthCurve.empty()) {
    os << "  read bandwidth beyond L2:";
    for (const BandwidthPoint &b : p.bandwidthCurve)
      os << formatv(" {0} MiB {1:f1}", b.workingSetBytes >> 20,
                    b.bytesPerSecond / 1e9);
    os << formatv(" GB/s; effective last level {0} MiB\n",
                  p.effectiveLastLevelBytes >> 20);
  }
  for (const BandwidthPoint &b : p.panelBandwidth)
    os << formatv("  panel stream L{0} (256 B per row, rows 4 KiB apart): "
                  "{1:f1} GB/s\n",
                  b.level, b.bytesPerSecond / 1e9);
  os << formatv("  kernel call {0:f1} ns, loop iteration {1:f2} ns ({2:f2} "
                "cycles)\n",
                p.callOverheadSeconds * 1e9, p.loopIterationSeconds * 1e9,
                p.loopIterationSeconds * hz);
  os << formatv("  page walk {0:f1} ns ({1:f0} cycles), fork/join {2:f1} us, "
                "allocation {3:f0} ns, page fault {4:f0} ns\n",
                p.pageWalkSeconds * 1e9, p.pageWalkSeconds * hz,
                p.forkJoinSeconds * 1e6, p.allocationSeconds * 1e9,
                p.pageFaultSeconds * 1e9);
  if (p.bf16DotCycles > 0)
    os << formatv("  bf16 dot product (512-bit VDPBF16PS): one per {0:f2} "
                  "cycles\n",
                  p.bf16DotCycles);
  if (p.amxTileProductCycles > 0)
    os << formatv("  AMX tile product (TDPBF16PS 16x32x16): one per {0:f1} "
                  "cycles\n",
                  p.amxTileProductCycles);
  if (p.memoryThreadScaling > 0)
    os << formatv("  memory bandwidth of {0} cores reading at once: x{1:f2} "
                  "that of one\n",
                  p.memoryScalingThreads, p.memoryThreadScaling);
  if (const TileFit &f = p.tileFit; f.points > 0)
    os << formatv("  GEMM register tiles ({0} measured, {1}-bit), fitted per "
                  "k step: {2:f2} + max({3:f3} x FMAs, {4:f3} x loads + "
                  "{5:f3} x broadcasts, {6:f2}) cycles; residuals rms "
                  "{7:f1}%, max {8:f1}%\n",
                  f.points, f.bits, f.step * hz, f.fma * hz, f.load * hz,
                  f.broadcast * hz, f.latency * hz, 100 * f.rmsResidual,
                  100 * f.maxResidual);
  if (!p.stridedPanelFactors.empty()) {
    os << "  B panel read in place";
    if (p.panelTileMr)
      os << formatv(" (tile {0} x {1} vectors)", p.panelTileMr,
                    p.panelTileVectors);
    os << ", rows pages apart: x";
    for (auto [rows, factor] : p.stridedPanelFactors)
      os << formatv(" {0:f2} ({1} rows)", factor, rows);
    os << formatv("; contiguous, deeper than L1: x{0:f2}", p.l2PanelFactor);
    if (p.subPagePanelFactor > 0)
      os << formatv("; rows {0} B apart: x{1:f2}", Profile::kSubPageStrideBytes,
                    p.subPagePanelFactor);
    os << "\n";
  }
  if (!p.unpackedStreamBandwidth.empty()) {
    os << "  unpacked B streamed by the micro-kernel:";
    for (auto [rows, bw] : p.unpackedStreamBandwidth)
      os << formatv(" {0:f1} GB/s ({1} rows)", bw / 1e9, rows);
    os << formatv("; its first touch exposed past the first tile of a panel: "
                  "{0:f0}%\n",
                  100 * p.firstTouchExposure);
    if (!p.unpackedStreamTiles.empty()) {
      os << formatv("  that stream under other tiles ({0} rows), x the "
                    "curve's:",
                    Profile::kUnpackedStreamDepth);
      for (const Profile::TileStream &t : p.unpackedStreamTiles)
        os << formatv(" {0}x{1} {2:f2}", t.mr, t.nv, t.ratio);
      os << "\n";
    }
  }
  if (p.measured())
    os << formatv("  calibrated in {0:f2} s; largest spread (interquartile "
                  "range / median) {1:f1}%\n",
                  p.calibrationSeconds, 100 * p.maxRelativeSpread);
}

} // namespace autoconfig::cli
