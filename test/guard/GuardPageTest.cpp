//===- GuardPageTest.cpp - Generated code never leaves its buffers --------===//
//
// Every registered algorithm (lib/Select/Registry.cpp, iterated, so that an
// algorithm added later is covered without touching this file) runs over
// shapes with every kind of tail, with its model-derived config, a few
// hand-written configs and samples of its search space. Each operand lives in
// its own mapping flush against a PROT_NONE guard page: once with the guard
// right after its last byte (overflow), once right before its first byte
// (underflow). The kernel runs in a forked child, so that a fault is caught
// and reported with the algorithm, shape, config, operand and distance from
// the buffer instead of killing the test binary. Results are checked against
// the double-precision reference, and inputs must be left unchanged.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Select/Registry.h"

#include "llvm/Support/FormatVariadic.h"

#include "gtest/gtest.h"

#include <csignal>
#include <cstring>
#include <iostream>
#include <map>
#include <set>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

using namespace autoconfig;
using namespace llvm;

namespace {

size_t pageBytes() { return size_t(sysconf(_SC_PAGESIZE)); }

enum class GuardSide { After, Before };

const char *sideName(GuardSide side) {
  return side == GuardSide::After ? "guard page after the operand"
                                  : "guard page before the operand";
}

/// One operand in its own shared mapping (the forked child's writes are seen
/// by the parent) between two PROT_NONE pages, flush against one of them.
class GuardedOperand {
public:
  GuardedOperand(size_t bytes, GuardSide side) : bytes(bytes) {
    size_t page = pageBytes();
    size_t pages = std::max<size_t>(1, (bytes + page - 1) / page);
    mappedBytes = (pages + 2) * page;
    void *p = mmap(nullptr, mappedBytes, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      return;
    base = static_cast<char *>(p);
    mprotect(base, page, PROT_NONE);
    mprotect(base + (pages + 1) * page, page, PROT_NONE);
    data = side == GuardSide::After ? base + (pages + 1) * page - bytes
                                    : base + page;
  }
  ~GuardedOperand() {
    if (base)
      munmap(base, mappedBytes);
  }
  GuardedOperand(const GuardedOperand &) = delete;
  GuardedOperand &operator=(const GuardedOperand &) = delete;

  bool valid() const { return base != nullptr; }
  /// Whether `address` lies in this operand's mapping (guards included).
  bool owns(uintptr_t address) const {
    return address >= uintptr_t(base) &&
           address < uintptr_t(base) + mappedBytes;
  }
  /// Signed distance of `address` from the buffer: negative before its first
  /// byte, positive past its last byte (1 = the byte right after it).
  int64_t distance(uintptr_t address) const {
    if (address < uintptr_t(data))
      return int64_t(address) - int64_t(uintptr_t(data));
    return int64_t(address) - int64_t(uintptr_t(data) + bytes) + 1;
  }

  char *base = nullptr;
  char *data = nullptr;
  size_t bytes = 0;
  size_t mappedBytes = 0;
};

/// What the child reports through shared memory when it faults.
struct FaultRecord {
  volatile int signal;
  volatile uintptr_t address;
  volatile int write; // 1 write, 0 read, -1 unknown
};
FaultRecord *faultRecord = nullptr;
constexpr int kFaultExit = 86;

void onFault(int signal, siginfo_t *info, void *context) {
  faultRecord->signal = signal;
  faultRecord->address = uintptr_t(info->si_addr);
  faultRecord->write = -1;
#if defined(__x86_64__)
  // Bit 1 of the page-fault error code: the access was a write.
  auto *uc = static_cast<ucontext_t *>(context);
  faultRecord->write = (uc->uc_mcontext.gregs[REG_ERR] & 2) ? 1 : 0;
#endif
  _exit(kFaultExit);
}

struct RunOutcome {
  bool ok = false;
  std::string problem;
};

std::vector<std::string> operandNames(const Workload &w) {
  if (isGemm(w))
    return {"A", "B", "C"};
  return {"input", "filter", "output"};
}

/// Runs `kernel` on guarded copies of `initial` in a forked child; on
/// success, copies the output back into `output`.
RunOutcome runGuarded(CompiledKernel &kernel, const Workload &workload,
                      WorkloadBuffers &initial, GuardSide side,
                      AlignedBuffer &output) {
  RunOutcome outcome;
  std::vector<std::unique_ptr<GuardedOperand>> operands;
  std::vector<void *> pointers;
  for (AlignedBuffer &b : initial.operands) {
    operands.push_back(std::make_unique<GuardedOperand>(b.bytes(), side));
    if (!operands.back()->valid()) {
      outcome.problem = "mmap failed";
      return outcome;
    }
    std::memcpy(operands.back()->data, b.data(), b.bytes());
    pointers.push_back(operands.back()->data);
  }
  faultRecord->signal = 0;
  faultRecord->address = 0;
  faultRecord->write = -1;

  pid_t child = fork();
  if (child < 0) {
    outcome.problem = "fork failed";
    return outcome;
  }
  if (child == 0) {
    struct sigaction action = {};
    action.sa_sigaction = onFault;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &action, nullptr);
    sigaction(SIGBUS, &action, nullptr);
    alarm(120); // a kernel that never returns is a finding too
    kernel.run(pointers);
    _exit(0);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }

  std::vector<std::string> names = operandNames(workload);
  if (WIFEXITED(status) && WEXITSTATUS(status) == kFaultExit) {
    uintptr_t address = faultRecord->address;
    std::string where = formatv("address {0:x}", address).str();
    for (size_t i = 0; i < operands.size(); ++i)
      if (operands[i]->owns(address)) {
        int64_t d = operands[i]->distance(address);
        where = d > 0 ? formatv("{0} bytes past the end of operand {1} ({2} "
                                "bytes)",
                                d, names[i], operands[i]->bytes)
                            .str()
                      : formatv("{0} bytes before the start of operand {1} "
                                "({2} bytes)",
                                -d, names[i], operands[i]->bytes)
                            .str();
      }
    const char *access = faultRecord->write == 1   ? "write"
                         : faultRecord->write == 0 ? "read"
                                                   : "access";
    outcome.problem =
        formatv("{0} ({1}) at {2}, with the {3}",
                faultRecord->signal == SIGBUS ? "SIGBUS" : "SIGSEGV", access,
                where, sideName(side))
            .str();
    return outcome;
  }
  if (WIFSIGNALED(status)) {
    outcome.problem =
        formatv("killed by signal {0} ({1}), with the {2}", WTERMSIG(status),
                strsignal(WTERMSIG(status)), sideName(side))
            .str();
    return outcome;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    outcome.problem =
        formatv("child exited with status {0}", WEXITSTATUS(status)).str();
    return outcome;
  }
  for (size_t i = 0; i < operands.size(); ++i) {
    if (i == initial.output)
      continue;
    if (std::memcmp(operands[i]->data, initial.operands[i].data(),
                    initial.operands[i].bytes()) != 0) {
      outcome.problem = formatv("input operand {0} was modified, with the {1}",
                                names[i], sideName(side))
                            .str();
      return outcome;
    }
  }
  std::memcpy(output.data(), operands[initial.output]->data, output.bytes());
  outcome.ok = true;
  return outcome;
}

struct Shape {
  std::string label;
  Workload workload;
};

/// gtest prints the label instead of the bytes of the parameter.
void PrintTo(const Shape &shape, std::ostream *os) {
  *os << shape.label << " (" << workloadShape(shape.workload) << ")";
}

Workload gemm(int64_t m, int64_t n, int64_t k, bool transA = false,
              bool transB = false, int64_t batch = 1,
              ElementKind element = ElementKind::F32) {
  GemmWorkload w;
  w.batch = batch, w.m = m, w.n = n, w.k = k;
  w.transA = transA, w.transB = transB, w.element = element;
  w.opName = batch > 1 ? "linalg.batch_matmul" : "linalg.matmul";
  w.setDenseStrides();
  w.name = "guard_" + w.shapeString();
  return w;
}

struct ConvSpec {
  const char *layout;
  int64_t n, c, h, w, f, kh, kw;
  int64_t stride = 1, padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  int64_t dilation = 1;
  ElementKind element = ElementKind::F32;
};

Workload conv(const ConvSpec &s) {
  ConvWorkload w;
  w.layout = *parseConvLayout(s.layout);
  w.n = s.n, w.c = s.c, w.h = s.h, w.w = s.w, w.f = s.f;
  w.kh = s.kh, w.kw = s.kw;
  w.strideH = w.strideW = s.stride;
  w.dilationH = w.dilationW = s.dilation;
  w.padTop = s.padTop, w.padLeft = s.padLeft;
  w.padBottom = s.padBottom, w.padRight = s.padRight;
  w.element = s.element;
  StringRef layout(s.layout);
  if (layout.ends_with("_hwc") || layout.ends_with("_chw"))
    w.f = w.groups = w.c;
  w.name = "guard_conv";
  return w;
}

/// Shapes with tails in every dimension the generators tile: none of M, N, K
/// (or the output width, channels) a multiple of a vector or register tile,
/// sizes below one tile, and cache blocks with a remainder.
/// `workload` (a matmul) with M dynamic, and N and K too with `allSizes`,
/// each in [1, 512]: the kernel is compiled for the ranges and run at the
/// workload's sizes.
Workload dynamicGemm(Workload workload, bool allSizes) {
  auto &w = std::get<GemmWorkload>(workload);
  w.mRange = SizeRange{1, 512};
  if (allSizes) {
    w.nRange = SizeRange{1, 512};
    w.kRange = SizeRange{1, 512};
  }
  return workload;
}

std::vector<Shape> gemmShapes() {
  return {
      {"1x1x1", gemm(1, 1, 1)},
      {"1x37x23_gemv", gemm(1, 37, 23)},
      {"7x13x3", gemm(7, 13, 3)},
      {"37x45x19", gemm(37, 45, 19)},
      {"67x100x301_kc_tail", gemm(67, 100, 301)},
      {"16x32x8_exact", gemm(16, 32, 8)},
      {"29x23x11_transB", gemm(29, 23, 11, false, true)},
      {"13x19x7_transA", gemm(13, 19, 7, true, false)},
      {"9x21x5_transAB", gemm(9, 21, 5, true, true)},
      {"batch3_9x21x5", gemm(9, 21, 5, false, false, 3)},
      {"15x9x13_f64", gemm(15, 9, 13, false, false, 1, ElementKind::F64)},
      {"5x27x17_f64_transB", gemm(5, 27, 17, false, true, 1, ElementKind::F64)},
      // bf16 and i8 inputs: blocked's k-pair panels, AMX tiles (partial and
      // whole, A in place), loops.
      {"37x45x19_bf16", gemm(37, 45, 19, false, false, 1, ElementKind::BF16)},
      {"32x48x64_bf16_whole_tiles",
       gemm(32, 48, 64, false, false, 1, ElementKind::BF16)},
      {"17x33x70_i8", gemm(17, 33, 70, false, false, 1, ElementKind::I8)},
      {"32x16x128_i8_whole_tiles",
       gemm(32, 16, 128, false, false, 1, ElementKind::I8)},
      // Sizes known only at run time (kernels for M, N, K in [1, 512]),
      // run at sizes with remainders at every level.
      {"dynamic_37x45x19", dynamicGemm(gemm(37, 45, 19), true)},
      {"dynamic_1x37x300", dynamicGemm(gemm(1, 37, 300), true)},
      {"dynamic_m_29x23x11_transB",
       dynamicGemm(gemm(29, 23, 11, false, true), false)},
  };
}

std::vector<Shape> convShapes() {
  std::vector<Shape> shapes;
  auto add = [&](std::string label, ConvSpec s) {
    shapes.push_back({std::move(label), conv(s)});
  };
  add("hw_23x37_k5", {"hw", 1, 1, 23, 37, 1, 5, 5});
  add("hw_7x9_k3", {"hw", 1, 1, 7, 9, 1, 3, 3});
  add("hw_5x5_k5_whole", {"hw", 1, 1, 5, 5, 1, 5, 5});
  add("nchw_c3_17x19_f8_k3_p1",
      {"nchw_fchw", 1, 3, 17, 19, 8, 3, 3, 1, 1, 1, 1, 1});
  add("nchw_n2_c5_14x14_f7_k3_s2_p1_d2",
      {"nchw_fchw", 2, 5, 14, 14, 7, 3, 3, 2, 1, 1, 1, 1, 2});
  add("nchw_c4_11x13_f5_k2x3_s3_asym_pad",
      {"nchw_fchw", 1, 4, 11, 13, 5, 2, 3, 3, 0, 2, 1, 0});
  add("nchw_c8_9x11_f5_k1", {"nchw_fchw", 1, 8, 9, 11, 5, 1, 1});
  add("nchw_c1_6x6_f1_k6_whole", {"nchw_fchw", 1, 1, 6, 6, 1, 6, 6});
  add("nchw_c3_10x10_f4_k3_f64",
      {"nchw_fchw", 1, 3, 10, 10, 4, 3, 3, 1, 1, 1, 1, 1, 1, ElementKind::F64});
  add("nhwc_hwcf_c6_15x13_f10_k3_s2", {"nhwc_hwcf", 1, 6, 15, 13, 10, 3, 3, 2});
  add("nhwc_hwcf_c5_8x9_f19_k3_p1",
      {"nhwc_hwcf", 1, 5, 8, 9, 19, 3, 3, 1, 1, 1, 1, 1});
  add("nhwc_hwcf_c16_7x7_f33_k1", {"nhwc_hwcf", 1, 16, 7, 7, 33, 1, 1});
  add("nhwc_fhwc_c8_9x11_f5_k3_p1",
      {"nhwc_fhwc", 1, 8, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1});
  add("nhwc_fhwc_c3_12x7_f17_k1_s2", {"nhwc_fhwc", 1, 3, 12, 7, 17, 1, 1, 2});
  add("dw_nhwc_c24_12x10_k3_p1",
      {"nhwc_hwc", 1, 24, 12, 10, 24, 3, 3, 1, 1, 1, 1, 1});
  add("dw_nhwc_c7_9x9_k3_s2", {"nhwc_hwc", 2, 7, 9, 9, 7, 3, 3, 2});
  add("dw_nchw_c9_16x21_k5_s2_p2",
      {"nchw_chw", 1, 9, 16, 21, 9, 5, 5, 2, 2, 2, 2, 2});
  add("dw_nchw_c5_7x30_k3_d2",
      {"nchw_chw", 1, 5, 7, 30, 5, 3, 3, 1, 0, 0, 0, 0, 2});
  return shapes;
}

/// Hand-written partial configs (completed by the model): small register
/// tiles and cache blocks, so that small shapes still have block tails.
/// Algorithms not listed here get samples of their search space only.
const std::map<std::string, std::vector<std::string>> &handWritten() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"broadcast",
       {"broadcast vl=8 ui=3 uj=2 mask=0", "broadcast vl=16 ui=2 uj=3 ku=3"}},
      {"blocked",
       {"blocked mr=5 nr=32 vl=16 kc=7 mc=10 nc=64 ku=3",
        "blocked mr=3 nr=16 vl=8 kc=16 mc=9 nc=48 packA=0 packB=0",
        "blocked threads=2"}},
      {"dot", {"dot vl=8 ui=3 uj=2 ku=2 mask=0", "dot vl=16 ui=1 uj=5"}},
      {"cbsm", {"cbsm vl=8 sv=3 fb=3", "cbsm vl=16 sv=1 fb=1"}},
      {"direct", {"direct vl=8 owb=5 fv=1 cb=3", "direct vl=16 owb=3 cb=7"}},
      {"depthwise", {"depthwise vl=8 owb=3 cv=1", "depthwise vl=16 owb=5"}},
      {"im2col", {"im2col mr=5 nr=32 vl=16 kc=7 mc=10 nc=64"}},
      {"gemm1x1", {"gemm1x1 mr=5 nr=32 vl=16 kc=7 mc=10 nc=64"}},
  };
  return table;
}

struct Coverage {
  std::map<std::string, unsigned> runs, shapes;
};
Coverage &coverage() {
  static Coverage c;
  return c;
}

class GuardPageTest : public ::testing::TestWithParam<Shape> {
protected:
  static void SetUpTestSuite() {
    void *shared = mmap(nullptr, sizeof(FaultRecord), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(shared, MAP_FAILED);
    faultRecord = static_cast<FaultRecord *>(shared);
  }

  /// The configs to run: the model's own, hand-written ones, and two
  /// samples of the search space; legal ones only (verify() passes).
  std::vector<Config> configsFor(const Algorithm &algorithm,
                                 const Workload &workload,
                                 const Machine &machine) {
    const AlgorithmModel &model = *algorithm.model;
    std::vector<Config> configs;
    std::set<std::string> seen;
    auto add = [&](const Config &config, StringRef origin) {
      std::vector<std::string> warnings;
      if (Error err =
              model.verify(workload, config, machine.target, warnings)) {
        // Hand-written configs may not suit every shape (packB=0 with a
        // transposed B): skipped, and said so in the log.
        std::cout << "  [skip] " << origin.str() << " '" << config.str()
                  << "': " << toString(std::move(err)) << "\n";
        return;
      }
      if (seen.insert(config.str()).second)
        configs.push_back(config);
    };
    DecideOptions forced;
    forced.override = Config(algorithm.name().str());
    Expected<Decision> derived = decide(workload, machine, forced);
    if (!derived)
      ADD_FAILURE() << algorithm.name().str() << " on "
                    << workloadShape(workload)
                    << ": no derived config: " << toString(derived.takeError());
    else
      add(derived->config, "derived");
    auto listed = handWritten().find(algorithm.name().str());
    if (listed != handWritten().end())
      for (const std::string &text : listed->second) {
        Expected<Config> partial = Config::parse(text);
        if (!partial) {
          ADD_FAILURE() << toString(partial.takeError());
          continue;
        }
        add(model.complete(workload, *partial, machine), "hand-written");
      }
    std::vector<Config> space = model.searchSpace(workload, machine.target);
    if (space.size() >= 3) {
      add(space[space.size() / 3], "search-space sample");
      add(space[2 * space.size() / 3], "search-space sample");
    } else {
      for (const Config &c : space)
        add(c, "search-space sample");
    }
    return configs;
  }
};

TEST_P(GuardPageTest, EveryAlgorithmStaysInBounds) {
  const Workload &workload = GetParam().workload;
  TargetDesc target = detectHostTarget();
  Profile profile = Profile::nominal(target);
  Machine machine{target, profile};

  WorkloadBuffers initial = makeBuffers(workload, 7);
  ReferenceResult reference = computeReference(workload, initial);
  unsigned applicable = 0;
  for (const Algorithm &algorithm : algorithms()) {
    std::string whyNot;
    if (!algorithm.model->applies(workload, target, whyNot))
      continue;
    ++applicable;
    ++coverage().shapes[algorithm.name().str()];
    for (const Config &config : configsFor(algorithm, workload, machine)) {
      std::string what =
          formatv("{0} on {1} ({2} {3}) with '{4}'", algorithm.name(),
                  GetParam().label, workloadShape(workload),
                  elementName(workloadElement(workload)), config.str())
              .str();
      Expected<std::unique_ptr<CompiledKernel>> kernel =
          compileKernel(workload, config, target);
      if (!kernel) {
        ADD_FAILURE() << what << ": " << toString(kernel.takeError());
        continue;
      }
      for (GuardSide side : {GuardSide::After, GuardSide::Before}) {
        AlignedBuffer output(initial.outputBuffer().size(),
                             elementBits(workloadOutputElement(workload)) / 8);
        RunOutcome outcome =
            runGuarded(**kernel, workload, initial, side, output);
        ++coverage().runs[algorithm.name().str()];
        if (!outcome.ok) {
          ADD_FAILURE() << what << ": " << outcome.problem;
          continue;
        }
        Comparison cmp = compareToReference(workload, output, reference);
        EXPECT_TRUE(cmp.passed)
            << what << ", " << sideName(side) << ": wrong result, error "
            << cmp.maxRelativeError << " > tolerance " << cmp.tolerance
            << " at output element " << cmp.worstIndex;
      }
    }
  }
  // A layer no algorithm takes is a gap in coverage of the tool, not of
  // this harness (GuardPageCoverage checks that every algorithm runs).
  if (!applicable)
    std::cout << "  [note] no registered algorithm applies to "
              << workloadShape(workload) << "\n";
}

/// Every registered algorithm, including ones added after this file, must
/// apply to at least one of the shapes above; otherwise add a shape.
TEST(GuardPageCoverage, EveryAlgorithmRunsOnSomeShape) {
  TargetDesc target = detectHostTarget();
  std::vector<Shape> shapes = gemmShapes();
  for (Shape &s : convShapes())
    shapes.push_back(std::move(s));
  for (const Algorithm &algorithm : algorithms()) {
    unsigned count = 0;
    for (const Shape &s : shapes) {
      std::string whyNot;
      if (algorithm.model->applies(s.workload, target, whyNot))
        ++count;
    }
    // AMX, for one, runs only where the host has it.
    if (!algorithm.model->availableOn(target))
      continue;
    EXPECT_GT(count, 0u) << "algorithm '" << algorithm.name().str()
                         << "' applies to none of the guard-page shapes";
  }
}

std::string shapeLabel(const ::testing::TestParamInfo<Shape> &info) {
  return info.param.label;
}

INSTANTIATE_TEST_SUITE_P(Gemm, GuardPageTest, ::testing::ValuesIn(gemmShapes()),
                         shapeLabel);
INSTANTIATE_TEST_SUITE_P(Conv, GuardPageTest, ::testing::ValuesIn(convShapes()),
                         shapeLabel);

/// Prints which algorithms ran how often, so that the log shows coverage.
class CoverageReport : public ::testing::Environment {
public:
  void TearDown() override {
    for (const auto &[name, runs] : coverage().runs)
      std::cout << "guard pages: " << name << " ran " << runs
                << " guarded runs over " << coverage().shapes[name]
                << " shapes\n";
  }
};
const auto *registered =
    ::testing::AddGlobalTestEnvironment(new CoverageReport());

} // namespace
