//===- CalibrationTest.cpp - Sanity of the measured profile ---------------===//
//
// One quick calibration of the host (about a second), then checks that its
// figures are physically plausible: the FMA peak lies between lanes x pipes at
// 1 GHz and at 6 GHz, latencies and overheads are a few cycles, bandwidth
// falls from L1 to memory. Exact figures are the benchmark's business
// (bench/calibration_check.cpp), not a unit test's.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Calibrate/Calibration.h"
#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Version.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <memory>

using namespace autoconfig;
using namespace llvm;

namespace {

class CalibrationTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    host = std::make_unique<TargetDesc>(detectHostTarget());
    CalibrationOptions options = CalibrationOptions::quick();
    options.progress = [](StringRef what, unsigned step, unsigned steps) {
      ++progressCalls;
      lastStep = step;
      totalSteps = steps;
    };
    Expected<Profile> measured = calibrate(*host, options);
    if (!measured) {
      error = toString(measured.takeError());
      return;
    }
    profile = std::make_unique<Profile>(std::move(*measured));
  }
  static void TearDownTestSuite() {
    profile.reset();
    host.reset();
  }
  void SetUp() override { ASSERT_TRUE(profile) << error; }

  double hz() const { return profile->frequencyGHz * 1e9; }

  static std::unique_ptr<TargetDesc> host;
  static std::unique_ptr<Profile> profile;
  static std::string error;
  static unsigned progressCalls, lastStep, totalSteps;
};

std::unique_ptr<TargetDesc> CalibrationTest::host;
std::unique_ptr<Profile> CalibrationTest::profile;
std::string CalibrationTest::error;
unsigned CalibrationTest::progressCalls = 0;
unsigned CalibrationTest::lastStep = 0;
unsigned CalibrationTest::totalSteps = 0;

} // namespace

// ctest runs every test in its own process, each calibrating once: the checks
// are grouped into two tests to keep the suite near two seconds.

TEST_F(CalibrationTest, ComputeFiguresArePlausible) {
  // The profile is this target's, measured, and covers every vector width.
  EXPECT_TRUE(profile->measured());
  EXPECT_EQ(profile->cpu, host->cpu);
  EXPECT_EQ(profile->featureKey, host->featureString());
  EXPECT_EQ(profile->toolVersion, AUTOCONFIG_VERSION_STRING);
  EXPECT_GT(profile->calibrationSeconds, 0);
  EXPECT_LT(profile->calibrationSeconds, 10);
  EXPECT_GE(profile->maxRelativeSpread, 0);
  EXPECT_EQ(progressCalls, totalSteps);
  EXPECT_EQ(lastStep, totalSteps);
  ASSERT_FALSE(profile->vectors.empty());
  unsigned bits = 128;
  for (const VectorCosts &v : profile->vectors) {
    EXPECT_EQ(v.bits, bits);
    bits *= 2;
  }
  EXPECT_EQ(profile->vectors.back().bits, host->vectorBits);

  EXPECT_GE(profile->frequencyGHz, 1.0);
  EXPECT_LE(profile->frequencyGHz, 6.0);

  // The CPU table's pipe count may be wrong for the name a hypervisor
  // reports (this is what calibration corrects: adoptMeasuredFacts), so the
  // bound is what no current core exceeds: 4 vector FMA pipes (Apple's
  // Firestorm NEON; x86 cores have at most 2).
  const unsigned maxPipes = std::max(host->fmaPipes, 4u);
  for (const VectorCosts &v : profile->vectors) {
    SCOPED_TRACE(formatv("{0}-bit", v.bits).str());
    // Peak FLOP/s = 2 x lanes x vector FMAs per second; the vector FMA rate
    // lies between one FMA every issue-cycles at 1 GHz and `pipes` per cycle
    // at 6 GHz (10% margins for timing noise).
    unsigned lanes = v.bits / 32;
    double issue = v.bits > host->fmaDatapathBits
                       ? double(v.bits) / host->fmaDatapathBits
                       : 1.0;
    double peak = 2.0 * lanes * v.fmaPerSecond;
    EXPECT_GE(peak, 0.9 * 2.0 * lanes * 1e9 / issue);
    EXPECT_LE(peak, 1.1 * 2.0 * lanes * maxPipes * 6e9);
    // Per cycle at the measured clock: between 1/issue and the pipe count.
    double perCycle = v.fmaPerSecond / hz();
    EXPECT_GE(perCycle, 0.8 / issue);
    EXPECT_LE(perCycle, 1.2 * maxPipes);
    // A dependent FMA takes a few cycles.
    double latency = v.fmaLatencySeconds * hz();
    EXPECT_GE(latency, 2.0);
    EXPECT_LE(latency, 10.0);
    for (double rate :
         {v.loadPerSecond, v.broadcastPerSecond, v.storePerSecond}) {
      EXPECT_GE(rate / hz(), 0.1);
      EXPECT_LE(rate / hz(), 8.0);
    }
  }
}

TEST_F(CalibrationTest, MeasuredPipesReplaceTheTablesFigure) {
  TargetDesc adopted = *host;
  adoptMeasuredFacts(adopted, *profile);
  EXPECT_GE(adopted.fmaPipes, 1u);
  EXPECT_LE(adopted.fmaPipes, 4u);
  // The widest vectors' measured rate is within half a pipe of the count.
  const VectorCosts &widest = profile->forBits(host->vectorBits);
  double perCycle = widest.fmaPerSecond / hz() * adopted.fmaIssueCycles();
  EXPECT_NEAR(perCycle, double(adopted.fmaPipes), 0.5);
  EXPECT_DOUBLE_EQ(adopted.frequencyGHz, profile->frequencyGHz);
}

TEST_F(CalibrationTest, MemoryFiguresArePlausible) {
  ASSERT_GE(profile->bandwidth.size(), 2u);
  double l1 = profile->bandwidthOfLevel(1),
         memory = profile->bandwidthOfLevel(0);
  EXPECT_GT(l1, memory);
  // L1 reads at least a few bytes per cycle, memory at least 0.5 GB/s.
  EXPECT_GE(l1 / hz(), 4.0);
  EXPECT_GE(memory, 0.5e9);
  for (const BandwidthPoint &b : profile->bandwidth) {
    EXPECT_GT(b.workingSetBytes, 0u);
    if (const CacheLevel *c = host->cache(b.level))
      EXPECT_LE(b.workingSetBytes, c->sizeBytes);
    // The memory working set exceeds every cache.
    if (b.level == 0)
      for (const CacheLevel &c : host->caches)
        EXPECT_GT(b.workingSetBytes, c.sizeBytes);
  }

  double loopCycles = profile->loopIterationSeconds * hz();
  EXPECT_GE(loopCycles, 0.2);
  EXPECT_LE(loopCycles, 10.0);
  EXPECT_GT(profile->callOverheadSeconds, 0);
  EXPECT_LT(profile->callOverheadSeconds, 1e-6);

  // What was measured is what the cache gives back.
  SmallString<128> dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("autoconfig-calibration", dir));
  SmallString<128> path(dir);
  sys::path::append(path, "profile.json");
  ASSERT_FALSE(bool(saveProfile(*profile, path)));
  Expected<Profile> loaded = loadProfile(path, *host);
  ASSERT_TRUE(bool(loaded)) << toString(loaded.takeError());
  EXPECT_EQ(formatv("{0}", toJSON(*loaded)).str(),
            formatv("{0}", toJSON(*profile)).str());
  sys::fs::remove_directories(dir);
}

TEST(Calibration, TargetsThatDoNotRunHereAreRefused) {
  for (const std::string &name : targetPresetNames()) {
    Expected<TargetDesc> target = resolveTarget(name, "");
    ASSERT_TRUE(bool(target)) << toString(target.takeError());
    if (target->runsOnHost)
      continue;
    Expected<Profile> p = calibrate(*target, CalibrationOptions::quick());
    ASSERT_FALSE(bool(p)) << name;
    std::string message = toString(p.takeError());
    EXPECT_NE(message.find("does not run on this machine"), std::string::npos)
        << message;
  }
}

TEST(Calibration, NarrowerPresetOfTheHostFamily) {
  // x86-avx2 on an AVX-512 machine: 256-bit vectors and 16 registers only.
  Expected<TargetDesc> avx2 = resolveTarget("x86-avx2", "");
  ASSERT_TRUE(bool(avx2)) << toString(avx2.takeError());
  if (!avx2->runsOnHost)
    GTEST_SKIP() << "x86-avx2 does not run on this machine";
  CalibrationOptions options = CalibrationOptions::quick();
  options.samples = 3;
  Expected<Profile> p = calibrate(*avx2, options);
  ASSERT_TRUE(bool(p)) << toString(p.takeError());
  ASSERT_EQ(p->vectors.size(), 2u);
  EXPECT_EQ(p->vectors.back().bits, 256u);
  EXPECT_EQ(p->cpu, "haswell");
  double perCycle = p->vectors.back().fmaPerSecond / (p->frequencyGHz * 1e9);
  EXPECT_GE(perCycle, 0.8);
  EXPECT_LE(perCycle, 1.2 * avx2->fmaPipes);
}

TEST(Calibration, ModuleTextHasOneKernelPerFigure) {
  TargetDesc host = detectHostTarget();
  std::string text = calibrationModuleText(host);
  for (unsigned bits = 128; bits <= host.vectorBits; bits *= 2)
    for (const char *kernel :
         {"fma_tp_", "fma_lat_", "load_", "bcast_", "store_"})
      EXPECT_NE(
          text.find("@" + std::string(kernel) + std::to_string(bits) + "("),
          std::string::npos)
          << kernel << bits;
  for (const char *kernel : {"@empty(", "@loop(", "@add_chain("})
    EXPECT_NE(text.find(kernel), std::string::npos) << kernel;
}
