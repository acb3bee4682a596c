//===- Calibration.cpp - Measuring the host's costs -----------------------===//
//
// Compiles the micro-benchmarks (MicroKernels.cpp) once, as one module, then
// times each: the repetition count is grown until a call lasts about
// `sampleSeconds`, and the figure is the median over `samples` calls, with
// the interquartile range over the median as its spread.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Calibrate/Calibration.h"
#include "MicroKernels.h"
#include "TileCalibration.h"

#include "autoconfig/Bench/Timing.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Pipeline/CollectedErrors.h"
#include "autoconfig/Pipeline/Jit.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Pipeline/Lowering.h"
#include "autoconfig/Version.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>

#if defined(__linux__)
#include <sys/mman.h>
#endif

using namespace llvm;

namespace autoconfig {

CalibrationOptions CalibrationOptions::quick() {
  CalibrationOptions options;
  options.samples = 5;
  options.sampleSeconds = 0.0015;
  options.memoryMultiple = 2;
  options.measureTiles = false;
  return options;
}

std::string calibrationModuleText(const TargetDesc &target) {
  return microKernelModuleText(planMicroKernels(target));
}

static constexpr uint64_t MiB = 1024 * 1024;

static Error calibrationError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), "calibration: " + message);
}

/// CPU time of this thread. Unlike the wall clock it stops while the
/// scheduler runs another process on this core: on a shared machine with
/// more runnable processes than cores, wall-clock samples were sometimes
/// twice too long for a whole figure.
static double threadSeconds() {
#if defined(CLOCK_THREAD_CPUTIME_ID)
  timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
#endif
  return nowSeconds();
}

namespace {
struct Figure {
  /// Median seconds per repetition of the kernel.
  double seconds = 0;
  /// Interquartile range over the median.
  double spread = 0;
};
} // namespace

static Figure summarize(const std::vector<double> &perRepetition) {
  Figure f;
  f.seconds = quantile(perRepetition, 0.5);
  f.spread = (quantile(perRepetition, 0.75) - quantile(perRepetition, 0.25)) /
             std::max(f.seconds, 1e-300);
  return f;
}

namespace {

/// A float buffer aligned to pages (to 2 MiB huge pages when large, so the
/// memory test measures DRAM rather than TLB misses), filled with 0.5: the
/// FMA chains x = 0.5 x + 0.5 then stay near 1, far from denormals.
class Buffer {
public:
  /// `hugePages`: ask for 2 MiB pages when large (the bandwidth tests); the
  /// page-walk test takes memory as programs get it from malloc.
  static Expected<Buffer> allocate(size_t floats, bool hugePages = true) {
    size_t bytes = std::max<size_t>(floats, 1) * sizeof(float);
    size_t alignment = hugePages && bytes >= 4 * MiB ? 2 * MiB : 4096;
    bytes = (bytes + alignment - 1) / alignment * alignment;
    void *memory = std::aligned_alloc(alignment, bytes);
    if (!memory)
      return calibrationError("cannot allocate " + Twine(bytes / MiB) +
                              " MiB for the working sets");
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (alignment > 4096)
      (void)madvise(memory, bytes, MADV_HUGEPAGE);
#endif
    Buffer buffer;
    buffer.memory.reset(static_cast<float *>(memory));
    buffer.floats = bytes / sizeof(float);
    std::fill_n(buffer.data(), buffer.floats, 0.5f);
    return buffer;
  }
  float *data() const { return memory.get(); }
  size_t size() const { return floats; }

private:
  struct Free {
    void operator()(float *p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> memory;
  size_t floats = 0;
};

/// A micro-benchmark bound to its buffers: kernel(in, out, n) called through
/// its C interface, as the benchmarks and the tuner call generated kernels.
/// The packed arguments point into the object: it stays where it is built.
class BoundKernel {
public:
  BoundKernel(JitModule::PackedFn entry, const Buffer &in, size_t inFloats,
              const Buffer &out, size_t outFloats)
      : entry(entry), inDesc(in.data(), {int64_t(inFloats)}),
        outDesc(out.data(), {int64_t(outFloats)}), inPtr(inDesc.get()),
        outPtr(outDesc.get()) {}
  BoundKernel(const BoundKernel &) = delete;
  BoundKernel &operator=(const BoundKernel &) = delete;

  void operator()(int64_t repetitions) {
    n = repetitions;
    entry(args);
  }

private:
  JitModule::PackedFn entry;
  MemRefDescriptor inDesc, outDesc;
  void *inPtr, *outPtr;
  int64_t n = 0;
  void *args[3] = {&inPtr, &outPtr, &n};
};

/// Runs the compiled micro-benchmarks.
class Runner {
public:
  /// `wallClock`: time with the wall clock instead of this thread's CPU
  /// time (a parallel region: the caller may sleep at its join).
  Runner(const JitModule &jit, const CalibrationOptions &options,
         bool wallClock = false)
      : jit(jit), options(options), wallClock(wallClock) {}

  /// Median seconds per repetition of `kernel` reading `in` (its first
  /// `inFloats`) and writing `out` (its first `outFloats`).
  Expected<Figure> time(StringRef kernel, const Buffer &in, size_t inFloats,
                        const Buffer &out, size_t outFloats) {
    auto fn = jit.packed(kernel);
    if (!fn)
      return fn.takeError();
    BoundKernel kernelCall(*fn, in, inFloats, out, outFloats);
    auto clock = [&] { return wallClock ? nowSeconds() : threadSeconds(); };
    auto call = [&](int64_t n) {
      double start = clock();
      kernelCall(n);
      return clock() - start;
    };
    // Grow the repetition count until a call lasts a quarter of a sample
    // (these calls also warm the caches and the branch predictors), then
    // scale it to a whole sample.
    int64_t n = 1;
    double t = call(n);
    while (t < options.sampleSeconds / 4 && n < (int64_t(1) << 40)) {
      double grow =
          t > 0 ? std::clamp(options.sampleSeconds / t, 2.0, 64.0) : 64.0;
      n = int64_t(double(n) * grow);
      t = call(n);
    }
    n = std::max<int64_t>(
        1, int64_t(double(n) * options.sampleSeconds / std::max(t, 1e-9)));
    std::vector<double> perRepetition;
    for (unsigned s = 0; s < std::max(3u, options.samples); ++s)
      perRepetition.push_back(call(n) / double(n));
    return record(summarize(perRepetition));
  }

  /// Median seconds of one call of the empty kernel through its C
  /// interface, as the benchmarks and the tuner call generated kernels.
  Expected<Figure> timeEmptyCall(const Buffer &in, const Buffer &out) {
    auto fn = jit.packed(kEmptyKernel);
    if (!fn)
      return fn.takeError();
    BoundKernel emptyCall(*fn, in, in.size(), out, out.size());
    auto calls = [&](int64_t count) {
      double start = threadSeconds();
      for (int64_t i = 0; i < count; ++i)
        emptyCall(0);
      return threadSeconds() - start;
    };
    int64_t count = 1000;
    double t = calls(count);
    count =
        std::max<int64_t>(1000, int64_t(double(count) * options.sampleSeconds /
                                        std::max(t, 1e-9)));
    std::vector<double> perCall;
    for (unsigned s = 0; s < std::max(3u, options.samples); ++s)
      perCall.push_back(calls(count) / double(count));
    return record(summarize(perCall));
  }

  /// Runs `kernel` for about `seconds`, untimed.
  Error warmUp(StringRef kernel, const Buffer &in, const Buffer &out,
               double seconds) {
    auto fn = jit.packed(kernel);
    if (!fn)
      return fn.takeError();
    BoundKernel warmCall(*fn, in, in.size(), out, out.size());
    for (double until = nowSeconds() + seconds; nowSeconds() < until;)
      warmCall(1000);
    return Error::success();
  }

  double maxSpread() const { return largestSpread; }

private:
  Figure record(Figure f) {
    largestSpread = std::max(largestSpread, f.spread);
    return f;
  }

  const JitModule &jit;
  const CalibrationOptions &options;
  bool wallClock;
  double largestSpread = 0;
};

} // namespace

/// Parses, lowers and JIT-compiles the micro-benchmark module.
static Expected<std::unique_ptr<JitModule>>
compileMicroKernels(const TargetDesc &target, StringRef text,
                    unsigned threads = 1) {
  auto context = createAutoConfigContext();
  CollectedErrors diagnostics(context.get());
  auto module = parseInputString(text, *context);
  if (!module)
    return calibrationError("the micro-benchmark module does not parse: " +
                            diagnostics.text());
  LoweringOptions lowering;
  lowering.threads = threads;
  if (failed(lowerToLLVMDialect(*module, target, lowering)))
    return calibrationError("lowering the micro-benchmarks failed: " +
                            diagnostics.text());
  return JitModule::create(*module, target);
}

static bool positive(double x) { return std::isfinite(x) && x > 0; }

Expected<Profile> calibrate(const TargetDesc &target,
                            const CalibrationOptions &options) {
  double start = nowSeconds();
  if (!target.runsOnHost)
    return calibrationError(
        "target '" + target.name +
        "' does not run on this machine; its nominal figures "
        "stand in for measurements");
  if (!(options.sampleSeconds > 0))
    return calibrationError("the sample duration must be positive");

  MicroKernelPlan plan = planMicroKernels(target);
  std::unique_ptr<JitModule> jit;
  std::optional<Runner> runner; // once compiled

  // Working sets: half of each cache level, so that it stays resident next
  // to the stack and the code; memory: a multiple of the last level.
  const CacheLevel *l1 = target.cache(1);
  uint64_t l1Bytes = l1 ? l1->sizeBytes : 32 * 1024;
  // The memory working set must exceed the host's caches too, which may be
  // larger than those of a preset that runs here.
  uint64_t lastLevelBytes = l1Bytes;
  for (const auto &caches : {target.caches, detectHostTarget().caches})
    for (const CacheLevel &c : caches)
      if (c.level <= 3)
        lastLevelBytes = std::max(lastLevelBytes, c.sizeBytes);
  uint64_t memoryBytes = std::clamp<uint64_t>(
      uint64_t(std::max(1u, options.memoryMultiple)) * lastLevelBytes, 64 * MiB,
      1024 * MiB);
  unsigned widest = plan.widths.back();
  size_t smallFloats = std::max<size_t>(
      {l1Bytes / sizeof(float), plan.fmaInputFloats(widest), 4096});
  auto small = Buffer::allocate(smallFloats);
  if (!small)
    return small.takeError();
  auto out = Buffer::allocate(smallFloats);
  if (!out)
    return out.takeError();
  std::optional<Buffer> big;

  /// Floats of a working set of `bytes`, a multiple of one inner iteration.
  auto workingSet = [&](uint64_t bytes, unsigned granuleFloats) {
    size_t floats = bytes / sizeof(float);
    return std::max<size_t>(granuleFloats,
                            floats / granuleFloats * granuleFloats);
  };

  Profile profile;
  profile.source = "measured";
  profile.cpu = target.cpu;
  profile.featureKey = target.featureString();
  profile.toolVersion = AUTOCONFIG_VERSION_STRING;
  for (unsigned bits : plan.widths) {
    VectorCosts v;
    v.bits = bits;
    profile.vectors.push_back(v);
  }

  struct Step {
    std::string what;
    std::function<Error()> run;
  };
  std::vector<Step> steps;
  steps.push_back({"compiling the micro-benchmarks", [&]() -> Error {
                     auto compiled = compileMicroKernels(
                         target, microKernelModuleText(plan));
                     if (!compiled)
                       return compiled.takeError();
                     jit = std::move(*compiled);
                     runner.emplace(*jit, options);
                     return Error::success();
                   }});
  auto timed = [&](StringRef kernel, const Buffer &in, size_t inFloats,
                   const Buffer &outBuf, size_t outFloats, double workPerRep,
                   double &result, bool inverse) -> Error {
    auto figure = runner->time(kernel, in, inFloats, outBuf, outFloats);
    if (!figure)
      return figure.takeError();
    // Throughputs are work per second; latencies seconds per work.
    result =
        inverse ? figure->seconds / workPerRep : workPerRep / figure->seconds;
    return Error::success();
  };

  // Bring the core to its sustained clock before the first figure.
  steps.push_back({"warm-up", [&] {
                     return runner->warmUp(fmaThroughputKernel(widest), *small,
                                           *out, 25 * options.sampleSeconds);
                   }});
  double addsPerSecond = 0;
  steps.push_back({"frequency (dependent integer adds)", [&]() {
                     return timed(kAddChainKernel, *small, small->size(), *out,
                                  out->size(), plan.addChainLength,
                                  addsPerSecond, false);
                   }});
  for (size_t i = 0; i < plan.widths.size(); ++i) {
    unsigned bits = plan.widths[i], lanes = std::max(1u, bits / 32);
    // Pointers, not references, are captured: the steps outlive this scope.
    VectorCosts *v = &profile.vectors[i];
    size_t l1Vectors = workingSet(l1Bytes / 2, plan.memoryUnroll * lanes);
    size_t l1Scalars = workingSet(l1Bytes / 2, plan.memoryUnroll);
    steps.push_back(
        {formatv("FMA throughput, {0}-bit", bits).str(), [&, bits, v] {
           return timed(fmaThroughputKernel(bits), *small, small->size(), *out,
                        out->size(), plan.fmaChains, v->fmaPerSecond, false);
         }});
    steps.push_back({formatv("FMA latency, {0}-bit", bits).str(), [&, bits, v] {
                       return timed(fmaLatencyKernel(bits), *small,
                                    small->size(), *out, out->size(),
                                    plan.latencyChainLength,
                                    v->fmaLatencySeconds, true);
                     }});
    steps.push_back({formatv("vector loads, {0}-bit", bits).str(),
                     [&, bits, lanes, v, l1Vectors] {
                       return timed(loadKernel(bits), *small, l1Vectors, *out,
                                    out->size(), double(l1Vectors / lanes),
                                    v->loadPerSecond, false);
                     }});
    steps.push_back({formatv("broadcast loads, {0}-bit", bits).str(),
                     [&, bits, v, l1Scalars] {
                       return timed(broadcastKernel(bits), *small, l1Scalars,
                                    *out, out->size(), double(l1Scalars),
                                    v->broadcastPerSecond, false);
                     }});
    steps.push_back({formatv("vector stores, {0}-bit", bits).str(),
                     [&, bits, lanes, v, l1Vectors] {
                       return timed(storeKernel(bits), *small, small->size(),
                                    *out, l1Vectors, double(l1Vectors / lanes),
                                    v->storePerSecond, false);
                     }});
  }

  // Read bandwidth of L1 and L2 (half of each: the rest holds the stack
  // and the code), with the widest vector loads.
  unsigned lanesWide = std::max(1u, widest / 32);
  auto ensureBig = [&](size_t floats) -> Error {
    if (floats <= small->size() || (big && big->size() >= floats))
      return Error::success();
    big.reset(); // free the smaller one first
    auto buffer = Buffer::allocate(floats);
    if (!buffer)
      return buffer.takeError();
    big.emplace(std::move(*buffer));
    return Error::success();
  };
  auto readBandwidth = [&](size_t floats, double &result) -> Error {
    if (Error err = ensureBig(floats))
      return err;
    const Buffer &in = floats <= small->size() ? *small : *big;
    return timed(loadKernel(widest), in, floats, *out, out->size(),
                 double(floats * sizeof(float)), result, false);
  };
  for (unsigned level = 1; level <= 2; ++level) {
    const CacheLevel *c = target.cache(level);
    if (!c)
      continue;
    size_t floats = workingSet(c->sizeBytes / 2, plan.memoryUnroll * lanesWide);
    profile.bandwidth.push_back({level, floats * sizeof(float), 0});
    size_t index = profile.bandwidth.size() - 1;
    steps.push_back({formatv("L{0} read bandwidth ({1} KiB)", level,
                             floats * sizeof(float) / 1024)
                         .str(),
                     [&, floats, index] {
                       return readBandwidth(
                           floats, profile.bandwidth[index].bytesPerSecond);
                     }});
  }
  // Beyond L2, a curve: working sets doubling from twice the L2 until the
  // bandwidth stops falling, past the L3 share the machine reports (which
  // a virtual machine may overstate), up to the memory cap. The last point
  // is memory; the largest working set still clearly faster (by a third)
  // is the effective last-level capacity of a core.
  const CacheLevel *l2 = target.cache(2);
  const CacheLevel *l3 = target.cache(3);
  uint64_t curveStart = std::max<uint64_t>(
      2 * MiB, 2 * (l2 ? l2->sizeBytes : (l1 ? l1->sizeBytes : 32 * 1024)));
  uint64_t reportedShare =
      l3 ? l3->sizeBytes / std::max(1u, l3->sharedByCores) : 0;
  // A machine that reports no L3 (a Zen 5 guest hid it) still has one: its
  // plateau (100 GB/s at 2-8 MiB there, against 40-50 GB/s from DRAM beyond
  // 32 MiB) must not pass for memory. So the curve reaches 64 MiB at least,
  // past the L3 of one CCD or tile of current server parts.
  uint64_t pastLastLevel = std::max<uint64_t>(2 * reportedShare, 64 * MiB);
  steps.push_back(
      {"read bandwidth beyond L2 (working sets doubling to memory)",
       [&]() -> Error {
         for (uint64_t bytes = curveStart; bytes <= memoryBytes; bytes *= 2) {
           size_t floats = workingSet(bytes, plan.memoryUnroll * lanesWide);
           double bw = 0;
           if (Error err = readBandwidth(floats, bw))
             return err;
           auto &curve = profile.bandwidthCurve;
           curve.push_back({0, floats * sizeof(float), bw});
           size_t n = curve.size();
           bool flat = n >= 3 &&
                       std::fabs(curve[n - 1].bytesPerSecond -
                                 curve[n - 2].bytesPerSecond) <
                           0.1 * curve[n - 2].bytesPerSecond &&
                       std::fabs(curve[n - 2].bytesPerSecond -
                                 curve[n - 3].bytesPerSecond) <
                           0.1 * curve[n - 3].bytesPerSecond;
           if (flat && bytes >= pastLastLevel)
             break;
         }
         big.reset();
         const auto &curve = profile.bandwidthCurve;
         const BandwidthPoint &memory = curve.back();
         profile.effectiveLastLevelBytes = l2 ? l2->sizeBytes : 0;
         for (const BandwidthPoint &p : curve)
           if (&p != &memory && p.bytesPerSecond > 1.33 * memory.bytesPerSecond)
             profile.effectiveLastLevelBytes = p.workingSetBytes;
         if (l3) {
           const BandwidthPoint &first = curve.front();
           profile.bandwidth.push_back(
               {3, first.workingSetBytes,
                first.bytesPerSecond > 1.33 * memory.bytesPerSecond
                    ? first.bytesPerSecond
                    : memory.bytesPerSecond});
         }
         profile.bandwidth.push_back(
             {0, memory.workingSetBytes, memory.bytesPerSecond});
         return Error::success();
       }});
  // Row-strided panel streams from L2 and from beyond it (the effective last
  // level when there is one, else memory).
  // A machine that reports no L3 may still have one (a Zen 5 guest hid
  // it): its effective last level, measured by the curve, is measured as
  // level 3 when it is well beyond the L2.
  for (unsigned level : {2u, 3u}) {
    bool hiddenLastLevel = level == 3 && !target.cache(3) && target.cache(2);
    if (!target.cache(level) && !hiddenLastLevel)
      continue;
    profile.panelBandwidth.push_back({level, 0, 0});
    size_t index = profile.panelBandwidth.size() - 1;
    steps.push_back(
        {formatv("L{0} panel stream", level).str(),
         [&, level, index]() -> Error {
           // The footprint actually read (256 bytes a row) lives in the
           // level; the address range is pitch/256 times larger.
           uint64_t l2Bytes = target.cache(2)->sizeBytes;
           if (level == 3 && !target.cache(3) &&
               profile.effectiveLastLevelBytes < 4 * l2Bytes) {
             // No last level beyond the L2 after all: nothing to measure.
             profile.panelBandwidth.erase(profile.panelBandwidth.begin() +
                                          index);
             return Error::success();
           }
           uint64_t bytes =
               level == 2
                   ? l2Bytes / 2
                   : std::max<uint64_t>(profile.effectiveLastLevelBytes / 2,
                                        2 * l2Bytes);
           double spread = double(kPanelPitchFloats) * 4 / kPanelSegmentBytes;
           uint64_t range = uint64_t(
               std::min(double(bytes) * spread, double(memoryBytes) * 0.95));
           size_t floats = workingSet(range, kPanelPitchFloats);
           BandwidthPoint &point = profile.panelBandwidth[index];
           point.workingSetBytes = floats * sizeof(float);
           if (Error err = ensureBig(floats))
             return err;
           const Buffer &in = floats <= small->size() ? *small : *big;
           double bytesPerCall =
               double(floats / kPanelPitchFloats) * kPanelSegmentBytes;
           Error err = timed(panelKernel(widest), in, floats, *out, out->size(),
                             bytesPerCall, point.bytesPerSecond, false);
           big.reset();
           return err;
         }});
  }
  // Page walks: one vector per row at a page-and-a-line pitch, the data a
  // few hundred KiB (it stays in L2), the range first within the TLB's
  // reach then far beyond it; the difference per row is a page walk whose
  // page-table entries are cached, as a strided panel of a large matrix
  // pays them. Memory as malloc gives it (no huge-page request), as the
  // programs' buffers are.
  steps.push_back(
      {"page walk", [&]() -> Error {
         size_t nearRows = std::clamp<size_t>(target.tlbEntries / 4, 64, 1024);
         size_t farRows =
             std::max<size_t>(16384, 8 * size_t(target.tlbEntries));
         auto buffer =
             Buffer::allocate(farRows * kPanelPitchFloats, /*hugePages=*/false);
         if (!buffer)
           return buffer.takeError();
         double nearPerRow = 0, farPerRow = 0;
         if (Error err = timed(pageWalkKernel(widest), *buffer,
                               nearRows * kPanelPitchFloats, *out, out->size(),
                               double(nearRows), nearPerRow, true))
           return err;
         if (Error err = timed(pageWalkKernel(widest), *buffer,
                               farRows * kPanelPitchFloats, *out, out->size(),
                               double(farRows), farPerRow, true))
           return err;
         profile.pageWalkSeconds = std::max(farPerRow - nearPerRow, 0.0);
         return Error::success();
       }});
  // Scratch memory as the generated code gets it: a malloc and free of a
  // block the heap serves, and fresh pages faulted in on first touch.
  steps.push_back(
      {"allocation and page faults", [&]() -> Error {
         std::vector<double> allocs, faults;
         constexpr size_t kBlock = 256 * 1024, kPages = 4096;
         for (unsigned s = 0; s < std::max(3u, options.samples); ++s) {
           double t0 = threadSeconds();
           for (unsigned i = 0; i < 256; ++i) {
             void *p = std::malloc(kBlock);
             if (!p)
               return calibrationError("malloc failed");
             // Touch it so the call is not optimized away.
             static_cast<volatile char *>(p)[i] = 1;
             std::free(p);
           }
           allocs.push_back((threadSeconds() - t0) / 256);
#if defined(__linux__)
           size_t bytes = kPages * 4096;
           void *map = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
           if (map == MAP_FAILED)
             return calibrationError("mmap failed");
           double t1 = threadSeconds();
           for (size_t page = 0; page < kPages; ++page)
             static_cast<volatile char *>(map)[page * 4096] = 1;
           faults.push_back((threadSeconds() - t1) / kPages);
           munmap(map, bytes);
#endif
         }
         profile.allocationSeconds = quantile(allocs, 0.5);
         profile.pageFaultSeconds = faults.empty() ? 0 : quantile(faults, 0.5);
         return Error::success();
       }});
  // The fork and join of a parallel region over the cores, as the
  // generated code's scf.parallel runs it (OpenMP).
  unsigned forkThreads = std::max(2u, target.cores);
  steps.push_back(
      {"fork/join of a parallel region", [&, forkThreads]() -> Error {
         auto compiled = compileMicroKernels(
             target, forkJoinModuleText(forkThreads), forkThreads);
         if (!compiled)
           return compiled.takeError();
         Runner forkRunner(**compiled, options);
         auto figure =
             forkRunner.time(kForkJoinKernel, *small, 1, *out, out->size());
         if (!figure)
           return figure.takeError();
         profile.forkJoinSeconds = figure->seconds;
         return Error::success();
       }});
  // The throughput of the dot-product and tile instructions the bf16 kernels
  // use, where the target has them: their cost relative to an FMA differs
  // from CPU to CPU (Sapphire Rapids issues VDPBF16PS at half its FMA rate,
  // llvm-mca-22 -mcpu=sapphirerapids).
  if (target.hasFeature("avx512bf16") && target.vectorBits >= 512)
    steps.push_back({"bf16 dot product (VDPBF16PS)", [&]() -> Error {
                       auto compiled =
                           compileMicroKernels(target, bf16DotModuleText(), 1);
                       if (!compiled)
                         return compiled.takeError();
                       Runner dotRunner(**compiled, options);
                       auto figure =
                           dotRunner.time(kBf16DotKernel, *small, small->size(),
                                          *out, out->size());
                       if (!figure)
                         return figure.takeError();
                       // In cycles of the clock the add chain measured.
                       profile.bf16DotCycles =
                           figure->seconds / kBf16DotChains * addsPerSecond;
                       return Error::success();
                     }});
  if (target.hasFeature("amx-bf16"))
    steps.push_back({"AMX tile products (TDPBF16PS)", [&]() -> Error {
                       auto compiled = compileMicroKernels(
                           target, amxProductModuleText(), 1);
                       if (!compiled)
                         return compiled.takeError();
                       Runner amxRunner(**compiled, options);
                       auto figure =
                           amxRunner.time(kAmxProductKernel, *small,
                                          small->size(), *out, out->size());
                       if (!figure)
                         return figure.takeError();
                       profile.amxTileProductCycles =
                           figure->seconds / kAmxProductChains * addsPerSecond;
                       return Error::success();
                     }});
  // Memory bandwidth of all cores reading at once against one core reading
  // alone, on the same working set and clock: threads divide an op's
  // compute, but only this much of its memory traffic (one core may
  // already take most of what the memory system delivers).
  steps.push_back(
      {"memory read bandwidth on all cores", [&, forkThreads]() -> Error {
         auto compiled = compileMicroKernels(
             target, parallelReadModuleText(forkThreads, widest), forkThreads);
         if (!compiled)
           return compiled.takeError();
         Runner all(**compiled, options, /*wallClock=*/true);
         Runner one(*jit, options, /*wallClock=*/true);
         // Four times the one-core memory working set: each core's slice
         // must still be far beyond its caches (cores of different
         // chiplets each have their own last level).
         uint64_t memoryPoint =
             profile.bandwidthCurve.empty()
                 ? memoryBytes
                 : profile.bandwidthCurve.back().workingSetBytes;
         size_t floats =
             workingSet(std::min<uint64_t>(4 * memoryPoint, 1024 * MiB),
                        forkThreads * plan.memoryUnroll * lanesWide * 4);
         if (Error err = ensureBig(floats))
           return err;
         auto outFloats = size_t(forkThreads * lanesWide);
         if (out->size() < outFloats)
           return calibrationError("the output buffer is too small");
         std::vector<double> ratios;
         for (int round = 0; round < 3; ++round) {
           auto together =
               all.time(kParallelReadKernel, *big, floats, *out, outFloats);
           if (!together)
             return together.takeError();
           auto alone =
               one.time(loadKernel(widest), *big, floats, *out, out->size());
           if (!alone)
             return alone.takeError();
           ratios.push_back(alone->seconds / together->seconds);
         }
         big.reset();
         // A noisy host can push a ratio outside what cores reading at once
         // can deliver (at most one core's bandwidth each).
         profile.memoryThreadScaling =
             std::clamp(quantile(ratios, 0.5), 0.25, double(forkThreads));
         profile.memoryScalingThreads = forkThreads;
         return Error::success();
       }});
  if (options.measureTiles)
    steps.push_back({formatv("GEMM register tiles ({0} shapes, the generator's "
                             "micro-kernel)",
                             registerTileShapes(target).size())
                         .str(),
                     [&]() -> Error {
                       CalibrationOptions tileOptions = options;
                       tileOptions.samples = std::min(options.samples, 5u);
                       return measureRegisterTiles(target, tileOptions,
                                                   profile);
                     }});
  steps.push_back({"loop iteration", [&] {
                     return timed(kLoopKernel, *small, small->size(), *out,
                                  out->size(), 1.0,
                                  profile.loopIterationSeconds, true);
                   }});
  steps.push_back({"kernel call", [&]() -> Error {
                     auto f = runner->timeEmptyCall(*small, *out);
                     if (!f)
                       return f.takeError();
                     profile.callOverheadSeconds = f->seconds;
                     return Error::success();
                   }});

  for (size_t i = 0; i < steps.size(); ++i) {
    if (options.progress)
      options.progress(steps[i].what, unsigned(i + 1), unsigned(steps.size()));
    if (Error err = steps[i].run())
      return std::move(err);
  }
  big.reset();

  // One add per cycle on every current core (Agner Fog's instruction
  // tables; Arm and SiFive optimization guides agree).
  profile.frequencyGHz = addsPerSecond / 1e9;
  if (!(profile.frequencyGHz > 0.2 && profile.frequencyGHz < 10))
    return calibrationError(
        formatv("the dependent-add chain ran at an implausible "
                "{0:f2} GHz; its loop was probably transformed",
                profile.frequencyGHz));
  for (const VectorCosts &v : profile.vectors)
    if (!positive(v.fmaPerSecond) || !positive(v.fmaLatencySeconds) ||
        !positive(v.loadPerSecond) || !positive(v.broadcastPerSecond) ||
        !positive(v.storePerSecond))
      return calibrationError(
          formatv("a {0}-bit figure is not a positive number; a "
                  "micro-benchmark was optimized away",
                  v.bits));
  for (const BandwidthPoint &b : profile.panelBandwidth)
    if (!(b.bytesPerSecond > 0))
      return calibrationError("a panel bandwidth is not a positive number");
  for (const BandwidthPoint &b : profile.bandwidth)
    if (!positive(b.bytesPerSecond))
      return calibrationError("a bandwidth is not a positive number");
  if (!positive(profile.callOverheadSeconds) ||
      !positive(profile.loopIterationSeconds) ||
      !positive(profile.forkJoinSeconds) || !(profile.pageWalkSeconds >= 0))
    return calibrationError("an overhead is not a positive number");
  profile.maxRelativeSpread = runner->maxSpread();
  profile.calibrationSeconds = nowSeconds() - start;
  return profile;
}

} // namespace autoconfig
