//===- GemmNumericsTest.cpp - Generated matmul kernels against a reference ===//
//
// Every case JIT-compiles one kernel through the whole pipeline (generate,
// lower, JIT) for a target that runs here, runs it on random inputs and a
// random initial C, and compares the result with the double-precision
// reference. Shapes include 1, primes and sizes that are not multiples of
// the vector length; configs cover masked and scalar tails, unrolls larger
// than the problem, and the model's own decision.
//
// JIT compilation costs 20-100 ms per kernel: the case list is kept to
// about 120 kernels (a few seconds in all).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Select/Decision.h"

#include "llvm/Support/FormatVariadic.h"

#include <sys/wait.h>
#include <unistd.h>

#include "gtest/gtest.h"

#include <array>
#include <cmath>
#include <csignal>
#include <cstring>
#include <map>
#include <ostream>
#include <random>
#include <string>
#include <vector>

using namespace autoconfig;

namespace {

//===----------------------------------------------------------------------===//
// Targets and cases
//===----------------------------------------------------------------------===//

/// Resolved targets, once per process ("host" or a preset name).
const TargetDesc *targetNamed(const std::string &name) {
  static std::map<std::string, TargetDesc> cache;
  auto it = cache.find(name);
  if (it != cache.end())
    return &it->second;
  auto resolved = resolveTarget(name, "");
  if (!resolved) {
    llvm::consumeError(resolved.takeError());
    return nullptr;
  }
  return &cache.emplace(name, std::move(*resolved)).first->second;
}

struct GemmCase {
  std::string target;
  int64_t batch, m, n, k;
  bool transA;
  ElementKind element;
  /// A broadcast config, or empty for the model's decision.
  std::string config;
  /// Unique test name suffix.
  std::string label;

  GemmWorkload workload() const {
    GemmWorkload w;
    w.batch = batch;
    w.m = m;
    w.n = n;
    w.k = k;
    w.transA = transA;
    w.element = element;
    w.opName = batch > 1 ? "linalg.batch_matmul" : "linalg.matmul";
    w.setDenseStrides();
    w.name = label;
    return w;
  }
};

/// Test names in ctest show the label, not the bytes of the struct.
void PrintTo(const GemmCase &c, std::ostream *os) {
  *os << c.label << " [" << (c.config.empty() ? "decide" : c.config) << "]";
}

std::string sanitize(std::string text) {
  for (char &c : text)
    if (!isalnum(static_cast<unsigned char>(c)))
      c = '_';
  return text;
}

GemmCase makeCase(std::string target, int64_t batch, int64_t m, int64_t n,
                  int64_t k, bool transA, ElementKind element,
                  std::string config) {
  GemmCase c{target, batch, m, n, k, transA, element, config, ""};
  std::string label = sanitize(target) + "_";
  if (batch > 1)
    label += std::to_string(batch) + "x";
  label += llvm::formatv("{0}x{1}x{2}", m, n, k).str();
  if (transA)
    label += "_At";
  if (element != ElementKind::F32)
    label += std::string("_") + elementName(element);
  if (config.empty()) {
    label += "_decide";
  } else {
    // "broadcast vl=16 ui=4 ..." -> "vl16_ui4_...".
    std::string params = config.substr(config.find(' ') + 1);
    std::string compact;
    for (char ch : params)
      if (ch != '=')
        compact += ch;
    label += "_" + sanitize(compact);
  }
  c.label = label;
  return c;
}

/// Shapes drawn with a fixed seed from sizes that stress the tails: 1,
/// primes, and sizes just off multiples of every vector length.
std::vector<std::array<int64_t, 3>> randomShapes(unsigned count,
                                                 unsigned seed) {
  static const int64_t sizes[] = {1, 2, 3, 7, 13, 16, 17, 31, 33, 64, 97, 127};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, std::size(sizes) - 1);
  std::vector<std::array<int64_t, 3>> shapes;
  for (unsigned i = 0; i < count; ++i)
    shapes.push_back({sizes[pick(rng)], sizes[pick(rng)], sizes[pick(rng)]});
  return shapes;
}

std::vector<GemmCase> allCases() {
  const ElementKind f32 = ElementKind::F32, f64 = ElementKind::F64;
  std::vector<GemmCase> cases;
  auto add = [&](std::string target, int64_t batch, int64_t m, int64_t n,
                 int64_t k, bool transA, ElementKind element,
                 std::string config) {
    GemmCase c = makeCase(target, batch, m, n, k, transA, element, config);
    // Random draws may repeat a shape: keep test names unique.
    for (const GemmCase &other : cases)
      if (other.label == c.label)
        return;
    cases.push_back(std::move(c));
  };

  // Hand-written configs on the host (AVX-512 here: 16 f32 lanes).
  for (const char *config : {
           "broadcast vl=16 ui=4 uj=2 ku=4 mask=1 threads=1",
           "broadcast vl=16 ui=4 uj=2 ku=4 mask=0 threads=1",
           "broadcast vl=16 ui=1 uj=1 ku=1 mask=1 threads=1",
           "broadcast vl=16 ui=6 uj=4 ku=2 mask=0 threads=1",
           "broadcast vl=8 ui=3 uj=3 ku=3 mask=1 threads=1",
       }) {
    add("host", 1, 13, 35, 17, false, f32, config);
    add("host", 1, 127, 97, 33, false, f32, config);
    add("host", 1, 1, 1, 1, false, f32, config);
  }
  // Unroll factors larger than the problem: ku > K, ui > M, uj*vl > N.
  add("host", 1, 5, 40, 3, false, f32,
      "broadcast vl=16 ui=2 uj=1 ku=8 mask=1 threads=1");
  add("host", 1, 2, 17, 31, false, f32,
      "broadcast vl=16 ui=6 uj=2 ku=4 mask=1 threads=1");
  add("host", 1, 3, 7, 2, false, f32,
      "broadcast vl=16 ui=8 uj=4 ku=16 mask=0 threads=1");
  // Vectors wider than the registers (LLVM splits them).
  add("host", 1, 9, 70, 11, false, f32,
      "broadcast vl=32 ui=2 uj=2 ku=2 mask=1 threads=1");
  // Threads over row blocks (OpenMP), with an edge row block after them.
  add("host", 1, 67, 33, 17, false, f32,
      "broadcast vl=16 ui=4 uj=1 ku=4 mask=1 threads=2");
  // Transposed A, batch_matmul and f64 on the host.
  add("host", 1, 31, 33, 13, true, f32,
      "broadcast vl=16 ui=4 uj=2 ku=4 mask=1 threads=1");
  add("host", 1, 17, 97, 7, true, f32,
      "broadcast vl=16 ui=3 uj=1 ku=2 mask=0 threads=1");
  add("host", 3, 13, 17, 7, false, f32,
      "broadcast vl=16 ui=4 uj=1 ku=4 mask=1 threads=1");
  add("host", 2, 7, 33, 16, true, f32,
      "broadcast vl=16 ui=2 uj=2 ku=4 mask=0 threads=1");
  add("host", 1, 13, 35, 17, false, f64,
      "broadcast vl=8 ui=4 uj=2 ku=4 mask=1 threads=1");
  add("host", 1, 31, 9, 64, false, f64,
      "broadcast vl=8 ui=3 uj=2 ku=2 mask=0 threads=1");
  add("host", 2, 17, 13, 31, true, f64,
      "broadcast vl=8 ui=2 uj=1 ku=4 mask=1 threads=1");

  // AVX2 preset: 8 f32 lanes, 16 registers; masked tails use vmaskmov.
  for (const char *config : {
           "broadcast vl=8 ui=4 uj=2 ku=4 mask=1 threads=1",
           "broadcast vl=8 ui=5 uj=2 ku=2 mask=0 threads=1",
       }) {
    add("x86-avx2", 1, 13, 35, 17, false, f32, config);
    add("x86-avx2", 1, 97, 31, 127, false, f32, config);
    add("x86-avx2", 1, 7, 16, 2, true, f32, config);
    add("x86-avx2", 2, 3, 17, 13, false, f32, config);
  }
  add("x86-avx2", 1, 33, 13, 17, false, f64,
      "broadcast vl=4 ui=3 uj=2 ku=4 mask=1 threads=1");

  // SSE 4.2 preset: 4 f32 lanes, no FMA instruction (mulf + addf).
  for (const char *config : {
           "broadcast vl=4 ui=4 uj=2 ku=4 mask=0 threads=1",
           "broadcast vl=4 ui=2 uj=3 ku=2 mask=1 threads=1",
       }) {
    add("x86-sse4.2", 1, 13, 35, 17, false, f32, config);
    add("x86-sse4.2", 1, 31, 7, 33, true, f32, config);
    add("x86-sse4.2", 2, 2, 3, 16, false, f32, config);
  }
  add("x86-sse4.2", 1, 17, 13, 7, false, f64,
      "broadcast vl=2 ui=2 uj=2 ku=2 mask=0 threads=1");

  // Random shapes with hand-written configs in rotation (both tail modes).
  auto rotate = [&](std::string target, unsigned count, unsigned seed,
                    int64_t batch, bool transA, ElementKind element,
                    std::vector<std::string> configs) {
    auto shapes = randomShapes(count, seed);
    for (size_t i = 0; i < shapes.size(); ++i)
      add(target, batch, shapes[i][0], shapes[i][1], shapes[i][2], transA,
          element, configs[i % configs.size()]);
  };
  rotate("host", 16, 5, 1, false, f32,
         {"broadcast vl=16 ui=6 uj=4 ku=4 mask=1 threads=1",
          "broadcast vl=16 ui=5 uj=5 ku=8 mask=0 threads=1",
          "broadcast vl=16 ui=7 uj=3 ku=2 mask=1 threads=1",
          "broadcast vl=16 ui=2 uj=2 ku=1 mask=0 threads=1"});
  rotate("host", 6, 23, 1, true, f32,
         {"broadcast vl=16 ui=4 uj=3 ku=4 mask=1 threads=1",
          "broadcast vl=16 ui=3 uj=2 ku=2 mask=0 threads=1"});
  rotate("host", 4, 29, 3, false, f32,
         {"broadcast vl=16 ui=4 uj=2 ku=4 mask=1 threads=1",
          "broadcast vl=16 ui=2 uj=3 ku=2 mask=0 threads=1"});
  rotate("host", 4, 31, 1, false, f64,
         {"broadcast vl=8 ui=6 uj=2 ku=4 mask=1 threads=1",
          "broadcast vl=8 ui=3 uj=3 ku=2 mask=0 threads=1"});
  rotate("x86-avx2", 8, 37, 1, false, f32,
         {"broadcast vl=8 ui=3 uj=4 ku=4 mask=1 threads=1",
          "broadcast vl=8 ui=6 uj=1 ku=2 mask=0 threads=1"});
  rotate("x86-sse4.2", 6, 41, 1, false, f32,
         {"broadcast vl=4 ui=3 uj=3 ku=4 mask=0 threads=1",
          "broadcast vl=4 ui=4 uj=2 ku=2 mask=1 threads=1"});

  // The model's own choice, for random shapes on every runnable target.
  for (const auto &[m, n, k] : randomShapes(14, 2024))
    add("host", 1, m, n, k, false, f32, "");
  for (const auto &[m, n, k] : randomShapes(6, 7))
    add("x86-avx2", 1, m, n, k, false, f32, "");
  for (const auto &[m, n, k] : randomShapes(4, 11))
    add("x86-sse4.2", 1, m, n, k, false, f32, "");
  for (const auto &[m, n, k] : randomShapes(4, 13))
    add("host", 1, m, n, k, true, f32, "");
  for (const auto &[m, n, k] : randomShapes(3, 17))
    add("host", 1, m, n, k, false, f64, "");
  add("host", 4, 13, 33, 7, false, f32, "");
  add("host", 2, 1, 127, 31, true, f32, "");
  // The acceptance shape, scaled down: a full-size square matmul.
  add("host", 1, 128, 128, 128, false, f32, "");

  // bf16 inputs, f32 C: vdpbf16ps on k pairs where the host has AVX512-BF16
  // (odd K pads the last pair with zeros; remainders of mr, nr, kc and mc;
  // transposed A gathered while packing), widened to f32 on AVX2.
  const ElementKind bf16 = ElementKind::BF16;
  for (const char *config :
       {"blocked vl=16 mr=4 nr=32 kc=8 mc=8 nc=64 ku=2 packA=1 packB=1",
        "blocked vl=16 mr=6 nr=48 kc=7 mc=12 nc=48 ku=4 packA=1 packB=1",
        "blocked vl=16 mr=1 nr=16 kc=64 mc=64 nc=16 ku=1 packA=1 packB=1"}) {
    add("host", 1, 13, 35, 17, false, bf16, config);
    add("host", 1, 33, 97, 64, true, bf16, config);
    add("host", 1, 1, 1, 1, false, bf16, config);
  }
  add("x86-avx2", 1, 13, 35, 17, false, bf16,
      "blocked vl=8 mr=4 nr=16 kc=8 mc=8 nc=32 ku=2 packA=1 packB=1");
  // AMX tiles (run where the host has AMX-BF16): partial tiles along M, N
  // and K, column blocks that are not a multiple of the block (nc=48 with
  // tn=3 is rounded down to one block of 3 tiles), prefetches.
  for (const char *config : {"amx tm=2 tn=2 nc=32", "amx tm=1 tn=3 nc=48",
                             "amx tm=3 tn=1 nc=512 prefetch=2"}) {
    add("host", 1, 13, 35, 17, false, bf16, config);
    add("host", 1, 33, 97, 64, true, bf16, config);
    add("host", 1, 1, 1, 1, false, bf16, config);
    add("host", 1, 100, 70, 45, false, bf16, config);
  }
  add("host", 3, 17, 33, 40, false, bf16, "amx tm=2 tn=2 nc=512");
  // i8 inputs, i32 C, exact: AMX tiles of 64 k (k groups of 4), A in place
  // where every tile is whole; the model's decision (loops without AMX).
  const ElementKind i8 = ElementKind::I8;
  for (const char *config :
       {"amx tm=2 tn=2 nc=32", "amx tm=1 tn=3 nc=48 prefetch=1"}) {
    add("host", 1, 13, 35, 17, false, i8, config);
    add("host", 1, 33, 97, 130, true, i8, config);
    add("host", 1, 1, 1, 1, false, i8, config);
  }
  add("host", 1, 64, 48, 128, false, i8, "amx tm=2 tn=2 nc=32 packA=0");
  add("host", 1, 64, 48, 128, false, bf16, "amx tm=2 tn=2 nc=32 packA=0");
  for (const auto &[m, n, k] : randomShapes(3, 47))
    add("host", 1, m, n, k, false, i8, "");
  for (const auto &[m, n, k] : randomShapes(4, 43))
    add("host", 1, m, n, k, false, bf16, "");
  add("host", 1, 128, 128, 128, false, bf16, "");
  return cases;
}

//===----------------------------------------------------------------------===//
// Running a kernel with guard zones
//===----------------------------------------------------------------------===//

/// Elements of guard zone after each operand: out-of-bounds stores (an
/// unmasked tail, a wrong edge tile) land here and are detected.
constexpr size_t kGuard = 64;
constexpr uint8_t kGuardByte = 0xA5;

struct GuardedRun {
  /// The output as the kernel wrote it (same layout as the operand).
  AlignedBuffer output;
  /// Operands whose guard zone was overwritten.
  std::vector<size_t> clobbered;
  /// Operands (inputs) the kernel modified.
  std::vector<size_t> modifiedInputs;
};

/// Copies each operand into a larger buffer ending in a guard zone, runs the
/// kernel on the copies, and checks the guards and the inputs afterwards.
GuardedRun runGuarded(CompiledKernel &kernel, const WorkloadBuffers &buffers) {
  std::vector<AlignedBuffer> copies;
  std::vector<void *> pointers;
  for (const AlignedBuffer &operand : buffers.operands) {
    size_t elementBytes = operand.elementSize();
    AlignedBuffer copy(operand.size() + kGuard, elementBytes);
    std::memcpy(copy.data(), operand.data(), operand.bytes());
    std::memset(static_cast<char *>(copy.data()) + operand.bytes(), kGuardByte,
                kGuard * elementBytes);
    pointers.push_back(copy.data());
    copies.push_back(std::move(copy));
  }
  kernel.run(pointers);
  GuardedRun result;
  for (size_t i = 0; i < copies.size(); ++i) {
    const AlignedBuffer &operand = buffers.operands[i];
    const auto *guard =
        static_cast<const uint8_t *>(copies[i].data()) + operand.bytes();
    for (size_t b = 0; b < kGuard * operand.elementSize(); ++b)
      if (guard[b] != kGuardByte) {
        result.clobbered.push_back(i);
        break;
      }
    if (i != buffers.output &&
        std::memcmp(copies[i].data(), operand.data(), operand.bytes()) != 0)
      result.modifiedInputs.push_back(i);
  }
  const AlignedBuffer &out = buffers.operands[buffers.output];
  result.output = AlignedBuffer(out.size(), out.elementSize());
  std::memcpy(result.output.data(), copies[buffers.output].data(), out.bytes());
  return result;
}

/// The model's decision, taken in a child process: a model that crashes (a
/// bug) is reported by the test instead of killing the whole test binary.
struct IsolatedDecision {
  int signal = 0;
  std::string error;
  std::string config;
  std::string reason;
};

IsolatedDecision decideIsolated(const GemmWorkload &w,
                                const TargetDesc &target) {
  IsolatedDecision result;
  int fds[2];
  if (pipe(fds) != 0) {
    result.error = "pipe() failed";
    return result;
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    // The nominal profile: a cached calibration would make the choice
    // depend on the machine's history.
    Profile profile = Profile::nominal(target);
    auto decision = decide(Workload(w), Machine{target, profile});
    std::string out =
        decision ? "ok\n" + decision->config.str() + "\n" + decision->reason
                 : "error\n" + llvm::toString(decision.takeError());
    size_t written = 0;
    while (written < out.size()) {
      ssize_t n = write(fds[1], out.data() + written, out.size() - written);
      if (n <= 0)
        break;
      written += size_t(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char chunk[4096];
  for (ssize_t n; (n = read(fds[0], chunk, sizeof(chunk))) > 0;)
    text.append(chunk, size_t(n));
  close(fds[0]);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) {
    result.error = "fork() failed";
    return result;
  }
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    return result;
  }
  llvm::StringRef rest(text);
  auto [kind, body] = rest.split('\n');
  if (kind != "ok") {
    result.error = body.str();
    return result;
  }
  auto [config, reason] = body.split('\n');
  result.config = config.str();
  result.reason = reason.str();
  return result;
}

class GemmNumerics : public ::testing::TestWithParam<GemmCase> {};

TEST_P(GemmNumerics, MatchesReference) {
  const GemmCase &c = GetParam();
  const TargetDesc *target = targetNamed(c.target);
  ASSERT_NE(target, nullptr) << "cannot resolve target " << c.target;
  if (!target->runsOnHost)
    GTEST_SKIP() << c.target << " does not run on this machine";
  if (llvm::StringRef(c.config).starts_with("amx") &&
      !target->hasFeature("amx-bf16"))
    GTEST_SKIP() << "this machine has no AMX-BF16 tiles";
  Workload workload = c.workload();
  std::string configText = c.config, note;
  if (configText.empty()) {
    IsolatedDecision d = decideIsolated(c.workload(), *target);
    if (d.signal)
      FAIL() << "decide() crashed with signal " << d.signal << " ("
             << strsignal(d.signal) << ") for " << workloadShape(workload)
             << " on " << c.target;
    ASSERT_TRUE(d.error.empty()) << "decide() failed: " << d.error;
    configText = d.config;
    note = d.reason;
  }
  auto config = Config::parse(configText);
  ASSERT_TRUE(bool(config)) << llvm::toString(config.takeError());
  SCOPED_TRACE("config: " + config->str() + (note.empty() ? "" : "; " + note));

  auto kernel = compileKernel(workload, *config, *target);
  ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());

  WorkloadBuffers buffers = makeBuffers(workload, /*seed=*/1234);
  ReferenceResult reference = computeReference(workload, buffers);
  GuardedRun run = runGuarded(**kernel, buffers);

  EXPECT_TRUE(run.clobbered.empty())
      << "the kernel wrote past the end of operand " << run.clobbered.front();
  EXPECT_TRUE(run.modifiedInputs.empty())
      << "the kernel modified input " << run.modifiedInputs.front();
  Comparison cmp = compareToReference(workload, run.output, reference);
  size_t n = size_t(c.n), mn = size_t(c.m) * n;
  EXPECT_TRUE(cmp.passed) << "max relative error " << cmp.maxRelativeError
                          << " > tolerance " << cmp.tolerance << " at batch "
                          << cmp.worstIndex / mn << " row "
                          << cmp.worstIndex % mn / n << " col "
                          << cmp.worstIndex % n;
  EXPECT_LE(cmp.maxRelativeError, cmp.tolerance);
}

INSTANTIATE_TEST_SUITE_P(Gemm, GemmNumerics, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<GemmCase> &info) {
                           return info.param.label;
                         });

//===----------------------------------------------------------------------===//
// The check itself can fail
//===----------------------------------------------------------------------===//

class ReferenceCheck : public ::testing::Test {
protected:
  void SetUp() override {
    target = targetNamed("host");
    ASSERT_NE(target, nullptr);
    w.m = 13;
    w.n = 35;
    w.k = 17;
    w.name = "mutation";
    w.setDenseStrides();
    workload = w;
    auto config = Config::parse("broadcast vl=16 ui=4 uj=2 ku=4 mask=1");
    ASSERT_TRUE(bool(config));
    auto compiled = compileKernel(workload, *config, *target);
    ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
    kernel = std::move(*compiled);
    buffers = makeBuffers(workload, 99);
    reference = computeReference(workload, buffers);
    initialC = AlignedBuffer(buffers.outputBuffer().size(), sizeof(float));
    initialC.copyFrom(buffers.outputBuffer());
    std::vector<void *> pointers = buffers.pointers();
    kernel->run(pointers);
  }

  Comparison compare() {
    return compareToReference(workload, buffers.outputBuffer(), reference);
  }
  float *c() { return buffers.outputBuffer().as<float>(); }

  const TargetDesc *target = nullptr;
  GemmWorkload w;
  Workload workload;
  std::unique_ptr<CompiledKernel> kernel;
  WorkloadBuffers buffers;
  ReferenceResult reference;
  AlignedBuffer initialC;
};

TEST_F(ReferenceCheck, CorrectOutputPasses) {
  Comparison cmp = compare();
  EXPECT_TRUE(cmp.passed) << cmp.maxRelativeError;
  // Well inside the tolerance, not just under it.
  EXPECT_LT(cmp.maxRelativeError, cmp.tolerance / 4);
}

TEST_F(ReferenceCheck, OneCorruptedElementFails) {
  // The last element of the masked tail: a missed tail store looks like this.
  size_t last = size_t(w.m * w.n) - 1;
  c()[last] += 1e-3f * float(reference.magnitude[last]);
  Comparison cmp = compare();
  EXPECT_FALSE(cmp.passed);
  EXPECT_EQ(cmp.worstIndex, last);
  EXPECT_GT(cmp.maxRelativeError, cmp.tolerance);
}

TEST_F(ReferenceCheck, ErrorJustAboveToleranceFails) {
  // A relative error of 4x the tolerance in one element is caught.
  size_t i = 7 * size_t(w.n) + 20;
  double shift = 4 * toleranceFor(workload) * reference.magnitude[i];
  c()[i] = float(reference.values[i] + shift);
  Comparison cmp = compare();
  EXPECT_FALSE(cmp.passed) << cmp.maxRelativeError;
}

TEST_F(ReferenceCheck, NonFiniteOutputFails) {
  c()[3] = std::nanf("");
  EXPECT_FALSE(compare().passed);
  c()[3] = INFINITY;
  EXPECT_FALSE(compare().passed);
}

TEST_F(ReferenceCheck, UntouchedOrOverwrittenOutputFails) {
  // C left as it was (kernel did nothing) and C = A*B without the initial C
  // (kernel overwrote instead of accumulating) both fail.
  buffers.outputBuffer().copyFrom(initialC);
  EXPECT_FALSE(compare().passed);
  for (size_t i = 0; i < reference.values.size(); ++i)
    c()[i] = float(reference.values[i] - double(initialC.as<float>()[i]));
  EXPECT_FALSE(compare().passed);
}

TEST_F(ReferenceCheck, SwappedRowsFail) {
  for (int64_t j = 0; j < w.n; ++j)
    std::swap(c()[j], c()[w.n + j]);
  EXPECT_FALSE(compare().passed);
}

TEST(ReferenceTolerance, GrowsWithK) {
  GemmWorkload small, large;
  small.m = large.m = 4;
  small.n = large.n = 4;
  small.k = 16;
  large.k = 4096;
  EXPECT_LT(toleranceFor(small), toleranceFor(large));
  GemmWorkload f64 = small;
  f64.element = ElementKind::F64;
  EXPECT_LT(toleranceFor(f64), toleranceFor(small));
}

} // namespace
