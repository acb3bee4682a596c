//===- NetBench.cpp - autoconfig-netbench: whole networks, three ways -----===//
//
// One example network (include/autoconfig/Networks/Network.h), in one
// process:
//   - AutoConfig: its TOSA module compiled exactly as `autoconfig run` does
//     (normalize, fuse epilogues, configure, generate, JIT);
//   - MLIR's default lowering of the same normalized module (no AutoConfig
//     pass: every op becomes scalar loops);
//   - the same layers and weights on oneDNN 2.6, primitive by primitive
//     (OneDnnNetwork.h).
// The three outputs of one inference on Network::input() are checked against
// each other, then the three are timed in interleaved rounds.
//
//===----------------------------------------------------------------------===//

#include "OneDnnNetwork.h"

#include "../peers/OneDnn.h"

#include "autoconfig/Bench/Timing.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Networks/Network.h"
#include "autoconfig/Pipeline/ModuleRunner.h"
#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

#include "autoconfig/Bench/OpenMPWaitPolicy.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/WithColor.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace autoconfig;
using namespace llvm;

namespace {

/// The command line. LLVM's option registry is not used: libLLVM already
/// registers a top-level "threads" option of its own.
struct Options {
  std::string network = "resnet18";
  int64_t width = 32, size = 65;              // resnet18
  int64_t seq = 128, dModel = 256, heads = 4; // transformer
  unsigned threads = 1, samples = 7;
  bool json = false, plan = false;
};

constexpr const char *kUsage =
    "USAGE: autoconfig-netbench [options]\n"
    "\n"
    "Whole-network latency in one process: AutoConfig, MLIR's default "
    "lowering\nof the same module, and the same network built layer by "
    "layer on oneDNN;\nthe three outputs are checked against each other "
    "first.\n"
    "\n"
    "  --network=resnet18|transformer  example network (default resnet18)\n"
    "  --width=N      resnet18: stem width (default 32)\n"
    "  --size=N       resnet18: input height and width, 2^k + 1 (default 65)\n"
    "  --seq=N        transformer: sequence length (default 128)\n"
    "  --dmodel=N     transformer: model width (default 256)\n"
    "  --heads=N      transformer: heads (default 4)\n"
    "  --threads=N    threads of AutoConfig's code (libomp) and of oneDNN\n"
    "                 (libgomp); the default lowering is serial (default 1)\n"
    "  --samples=N    timed rounds, at least 5 (default 7)\n"
    "  --json         print one JSON object\n"
    "  --plan         also print oneDNN's primitives, implementations and "
    "formats\n";

/// Parses "--name=value", "--name value" (one or two dashes) and the flags.
Expected<Options> parseArguments(int argc, char **argv) {
  Options o;
  auto error = [](const Twine &message) {
    return createStringError(inconvertibleErrorCode(), message);
  };
  for (int i = 1; i < argc; ++i) {
    StringRef arg = argv[i];
    if (!arg.consume_front("-"))
      return error("unexpected argument '" + arg + "' (see --help)");
    arg.consume_front("-");
    auto [name, value] = arg.split('=');
    bool inlineValue = arg.contains('=');
    if (name == "help" || name == "h") {
      outs() << kUsage;
      std::exit(0);
    }
    if (name == "json" || name == "plan") {
      if (inlineValue)
        return error("--" + name + " takes no value");
      (name == "json" ? o.json : o.plan) = true;
      continue;
    }
    if (!inlineValue) {
      if (i + 1 >= argc)
        return error("--" + name + " needs a value");
      value = argv[++i];
    }
    if (name == "network") {
      o.network = value.str();
      continue;
    }
    int64_t number = 0;
    int64_t *target = name == "width"    ? &o.width
                      : name == "size"   ? &o.size
                      : name == "seq"    ? &o.seq
                      : name == "dmodel" ? &o.dModel
                      : name == "heads"  ? &o.heads
                                         : nullptr;
    bool isUnsigned = name == "threads" || name == "samples";
    if (!target && !isUnsigned)
      return error("unknown option '--" + name + "' (see --help)");
    if (value.getAsInteger(10, number))
      return error("--" + name + " expects an integer, got '" + value + "'");
    if (target) {
      *target = number;
    } else {
      if (number < 1 || number > 1024)
        return error("--" + name + " must be in [1, 1024]");
      (name == "threads" ? o.threads : o.samples) = unsigned(number);
    }
  }
  return o;
}

} // namespace

static int fail(const Twine &message) {
  WithColor::error(errs(), "autoconfig-netbench") << message << "\n";
  return 1;
}

/// max |a - b| / max |b|: the error relative to the output's scale (as
/// `autoconfig run --compare` measures it).
static double relativeError(const float *a, const float *b, size_t count) {
  double maxDiff = 0, maxRef = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(a[i]))
      return INFINITY;
    maxDiff = std::max(maxDiff, std::fabs(double(a[i]) - b[i]));
    maxRef = std::max(maxRef, std::fabs(double(b[i])));
  }
  return maxDiff / std::max(maxRef, 1e-30);
}

static Expected<Network> buildNetwork(const Options &opts) {
  Network net;
  if (opts.network == "resnet18") {
    if (opts.width < 1 || opts.width > 512 || opts.size < 8 || opts.size > 1024)
      return createStringError(inconvertibleErrorCode(),
                               "--width must be in [1, 512] and --size in "
                               "[8, 1024]");
    net = resnet18Like(opts.width, opts.size);
  } else if (opts.network == "transformer") {
    if (opts.seq < 1 || opts.seq > 4096 || opts.dModel < 1 ||
        opts.dModel > 8192 || opts.heads < 1 || opts.dModel % opts.heads)
      return createStringError(inconvertibleErrorCode(),
                               "--seq in [1, 4096], --dmodel in [1, 8192], "
                               "and --dmodel a multiple of --heads");
    net = transformerEncoder(opts.seq, opts.dModel, opts.heads);
  } else {
    return createStringError(inconvertibleErrorCode(),
                             "unknown --network '" + opts.network +
                                 "' (known: resnet18, transformer)");
  }
  if (Error err = net.inferShapes())
    return std::move(err);
  return net;
}

int main(int argc, char **argv) {
  // oneDNN (libgomp) and AutoConfig (libomp) are timed in turn: idle
  // threads sleep.
  ensurePassiveOpenMPWaiting(argv);
  InitLLVM init(argc, argv);
  auto parsed = parseArguments(argc, argv);
  if (!parsed)
    return fail(toString(parsed.takeError()));
  const Options &opts = *parsed;
  // Both OpenMP runtimes share the cores: libomp's workers would otherwise
  // spin for 200 ms after each AutoConfig call and slow the oneDNN call
  // timed next. A short wait keeps them hot within one inference. Read when
  // libomp starts (the first parallel call), so it must be set here.
  setenv("KMP_BLOCKTIME", "1", /*overwrite=*/0);

  auto net = buildNetwork(opts);
  if (!net)
    return fail(toString(net.takeError()));
  auto target = resolveTarget("", "");
  if (!target)
    return fail(toString(target.takeError()));
  std::string profileNote;
  Profile profile = loadProfileOrNominal(*target, &profileNote);
  adoptMeasuredFacts(*target, profile);

  // AutoConfig, compiled as `autoconfig run` compiles it.
  double compileStart = nowSeconds();
  std::unique_ptr<mlir::MLIRContext> context = createAutoConfigContext();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      parseInputString(emitTosa(*net), *context);
  if (!module || failed(normalizeModule(*module)))
    return fail("the TOSA module of '" + net->name +
                "' failed to parse or normalize");
  mlir::OwningOpRef<mlir::ModuleOp> reference = module->clone();
  ConfigureOptions options;
  options.target = *target;
  options.profile = profile;
  options.threads = opts.threads;
  mlir::PassManager pm(context.get());
  pm.addPass(createFuseEpiloguesPass());
  pm.addPass(createConfigurePass(options));
  pm.addPass(createGeneratePass(*target, /*outlineKernels=*/true));
  LowerStreamingOptions streaming;
  streaming.target = *target;
  streaming.profile = profile;
  streaming.threads = opts.threads;
  pm.addPass(createLowerStreamingPass(streaming));
  if (failed(pm.run(*module)))
    return fail("AutoConfig's passes failed on '" + net->name + "'");
  auto autoconfig =
      ModuleRunner::create(*module, "forward", *target, opts.threads);
  if (!autoconfig)
    return fail("AutoConfig: " + toString(autoconfig.takeError()));
  double compileSeconds = nowSeconds() - compileStart;
  double defaultStart = nowSeconds();
  auto baseline =
      ModuleRunner::create(*reference, "forward", *target, opts.threads, {},
                           /*approximateMath=*/false);
  if (!baseline)
    return fail("default lowering: " + toString(baseline.takeError()));
  double defaultCompileSeconds = nowSeconds() - defaultStart;

  // The network's input, in the buffers all three read.
  std::vector<float> inputValues = net->input();
  if ((*autoconfig)->argumentShapes().size() != 1 ||
      (*autoconfig)->argumentShapes()[0].elements() != inputValues.size() ||
      (*autoconfig)->resultShapes().size() != 1)
    return fail("@forward does not take the network's input and return one "
                "result");
  AlignedBuffer input(inputValues.size(), sizeof(float));
  std::memcpy(input.data(), inputValues.data(), input.bytes());
  size_t outputCount = (*autoconfig)->resultShapes()[0].elements();
  AlignedBuffer onednnOutput(outputCount, sizeof(float));
  onednnOutput.fillZero();

  double onednnStart = nowSeconds();
  auto onednn = netbench::OneDnnNetwork::create(
      *net, opts.threads, input.as<float>(), onednnOutput.as<float>());
  if (!onednn)
    return fail("oneDNN: " + toString(onednn.takeError()));
  double onednnBuildSeconds = nowSeconds() - onednnStart;

  // One inference each, checked against the default lowering.
  std::vector<void *> arguments = {input.data()};
  std::vector<AlignedBuffer> mine, expected;
  (*autoconfig)->run(arguments, mine);
  (*baseline)->run(arguments, expected);
  if (Error err = (*onednn)->run())
    return fail(toString(std::move(err)));
  const float *ref = expected[0].as<float>();
  double autoconfigError = relativeError(mine[0].as<float>(), ref, outputCount);
  double onednnError =
      relativeError(onednnOutput.as<float>(), ref, outputCount);
  // Different summation orders over tens of layers stay far below 1e-3 of
  // the output's scale unless something is wrong.
  bool agree = autoconfigError <= 1e-3 && onednnError <= 1e-3;
  double checksum = 0;
  for (size_t i = 0; i < outputCount; ++i)
    checksum += mine[0].as<float>()[i];

  ModuleRunner *mineRunner = autoconfig->get(), *baseRunner = baseline->get();
  netbench::OneDnnNetwork *peer = onednn->get();
  std::vector<AlignedBuffer> scratch;
  std::vector<std::function<void()>> calls = {
      [&] { mineRunner->run(arguments, scratch); },
      [&] { consumeError(peer->run()); },
      [&] { baseRunner->run(arguments, scratch); }};
  TimingOptions timing;
  timing.samples = std::max(5u, opts.samples);
  timing.warmupCalls = 1;
  std::vector<TimingStats> stats = timeInterleaved(calls, timing);

  double gflop = net->flops() / 1e9;
  std::string onednnName = onednn::versionAndIsa();
  const char *names[] = {"autoconfig", "onednn", "default"};
  double errors[] = {autoconfigError, onednnError, 0};
  double ratio = stats[0].medianSeconds / stats[1].medianSeconds;
  double speedup = stats[2].medianSeconds / stats[0].medianSeconds;
  if (opts.json) {
    json::Object record{{"network", net->name},
                        {"layers", int64_t(net->layers.size())},
                        {"gflop", gflop},
                        {"threads", int64_t(opts.threads)},
                        {"target", target->name},
                        {"profile", profileNote},
                        {"onednn_version", onednnName},
                        {"checksum", checksum},
                        {"outputs_agree", agree},
                        {"autoconfig_over_onednn", ratio},
                        {"default_over_autoconfig", speedup}};
    for (int i = 0; i < 3; ++i) {
      json::Object entry{{"latency_s", stats[i].medianSeconds},
                         {"min_s", stats[i].minSeconds},
                         {"spread", stats[i].relativeSpread},
                         {"gflops", gflop / stats[i].medianSeconds}};
      if (i < 2)
        entry["max_rel_err_vs_default"] = errors[i];
      record[names[i]] = std::move(entry);
    }
    record["compile_s"] = json::Object{{"autoconfig", compileSeconds},
                                       {"default", defaultCompileSeconds},
                                       {"onednn", onednnBuildSeconds}};
    json::Array plan;
    for (const std::string &line : (*onednn)->plan())
      plan.push_back(line);
    record["onednn_plan"] = std::move(plan);
    record["onednn_timed_reorders"] = int64_t((*onednn)->timedReorders());
    outs() << formatv("{0}", json::Value(std::move(record))) << "\n";
    return agree ? 0 : 2;
  }

  outs() << formatv("{0}: {1} layers, {2:f3} GFLOP, {3} thread{4}, {5}\n",
                    net->name, net->layers.size(), gflop, opts.threads,
                    opts.threads == 1 ? "" : "s", target->name);
  outs() << formatv("build: AutoConfig {0:f1} s, default lowering {1:f1} s, "
                    "oneDNN {2:f2} s ({3} primitives, {4} timed reorders)\n",
                    compileSeconds, defaultCompileSeconds, onednnBuildSeconds,
                    (*onednn)->plan().size(), (*onednn)->timedReorders());
  if (opts.plan)
    for (const std::string &line : (*onednn)->plan())
      outs() << "  " << line << "\n";
  const char *labels[] = {"AutoConfig", "oneDNN layer by layer",
                          "MLIR default lowering"};
  outs() << formatv("{0,-24} {1,12} {2,9} {3,8} {4,14}\n", "", "latency ms",
                    "GFLOP/s", "spread", "error vs dflt");
  for (int i = 0; i < 3; ++i)
    outs() << formatv(
        "{0,-24} {1,12:f3} {2,9:f1} {3,7:f1}% {4,14}\n", labels[i],
        stats[i].medianSeconds * 1e3, gflop / stats[i].medianSeconds,
        stats[i].relativeSpread * 100,
        i < 2 ? formatv("{0:e1}", errors[i]).str() : std::string("-"));
  outs() << formatv("AutoConfig / oneDNN: {0:f2}; default / AutoConfig: "
                    "{1:f1}x; outputs {2} (checksum {3:e6})\n",
                    ratio, speedup, agree ? "agree" : "DISAGREE", checksum);
  outs() << "oneDNN: " << onednnName << "\n";
  return agree ? 0 : 2;
}
