//===- TargetHostTest.cpp - Host detection fields are sane ----------------===//
//
// Checks what detectHostTarget() reads from LLVM, sysfs and the OS against
// ranges every current machine satisfies, and which presets resolveTarget()
// marks as runnable here. The AVX-512 expectations hold on this project's
// machines (x86-64 with AVX-512); elsewhere they are skipped.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Target/TargetDesc.h"

#include "llvm/TargetParser/Host.h"

#include "gtest/gtest.h"

#include <thread>

using namespace autoconfig;

namespace {

constexpr uint64_t KiB = 1024;

class HostTarget : public ::testing::Test {
protected:
  static void SetUpTestSuite() { host = new TargetDesc(detectHostTarget()); }
  static void TearDownTestSuite() {
    delete host;
    host = nullptr;
  }
  static TargetDesc *host;
};
TargetDesc *HostTarget::host = nullptr;

TEST_F(HostTarget, IdentityFields) {
  EXPECT_EQ(host->name, "host");
  EXPECT_FALSE(host->triple.empty());
  EXPECT_FALSE(host->cpu.empty());
  EXPECT_NE(host->cpu, "generic") << "LLVM did not recognize the host CPU";
  EXPECT_EQ(host->triple, llvm::sys::getProcessTriple());
  EXPECT_TRUE(host->runsOnHost);
  EXPECT_FALSE(host->features.empty());
  for (const std::string &f : host->features)
    EXPECT_TRUE(f.size() > 1 && (f[0] == '+' || f[0] == '-')) << f;
}

TEST_F(HostTarget, VectorFieldsMatchTheIsa) {
  EXPECT_TRUE(host->vectorRegisters == 16 || host->vectorRegisters == 32)
      << host->vectorRegisters;
  EXPECT_EQ(host->lanes(32), host->vectorBits / 32);
  if (host->isaFamily() != IsaFamily::X86)
    GTEST_SKIP() << "x86 expectations; host is " << host->triple;
  EXPECT_TRUE(host->vectorBits == 128 || host->vectorBits == 256 ||
              host->vectorBits == 512)
      << host->vectorBits;
  // x86-64 always has SSE2.
  EXPECT_TRUE(host->hasFeature("sse2"));
  if (host->hasFeature("avx512f")) {
    EXPECT_EQ(host->vectorBits, 512u);
    EXPECT_EQ(host->vectorRegisters, 32u);
    EXPECT_TRUE(host->nativeMasking);
  } else {
    EXPECT_EQ(host->vectorRegisters, 16u);
    EXPECT_FALSE(host->nativeMasking);
    EXPECT_EQ(host->vectorBits, host->hasFeature("avx") ? 256u : 128u);
  }
  EXPECT_EQ(host->hasFMA,
            host->hasFeature("fma") || host->hasFeature("avx512f"));
}

TEST_F(HostTarget, ExecutionUnitsAreInRange) {
  EXPECT_GE(host->fmaPipes, 1u);
  EXPECT_LE(host->fmaPipes, 4u);
  EXPECT_GE(host->fmaLatency, 2u);
  EXPECT_LE(host->fmaLatency, 8u);
  EXPECT_GE(host->fmaDatapathBits, 128u);
  EXPECT_LE(host->fmaDatapathBits, host->vectorBits);
  EXPECT_GE(host->loadPorts, 1u);
  EXPECT_GE(host->storePorts, 1u);
  double peak = host->nominalPeakFlops(32);
  EXPECT_GT(peak, 1e9);
  EXPECT_LT(peak, 1e13);
}

TEST_F(HostTarget, CachesComeFromTheMachine) {
  const CacheLevel *l1 = host->cache(1);
  ASSERT_NE(l1, nullptr);
  EXPECT_GE(l1->sizeBytes, 16 * KiB);
  EXPECT_LE(l1->sizeBytes, 256 * KiB);
  EXPECT_TRUE(l1->lineBytes == 64 || l1->lineBytes == 128) << l1->lineBytes;
  EXPECT_GE(l1->ways, 2u);
  EXPECT_GT(l1->sets(), 0u);
  // Set-associative geometry multiplies out to the size.
  EXPECT_EQ(l1->sets() * l1->ways * l1->lineBytes, l1->sizeBytes);
  // Levels are sorted, and each outer level is at least as large.
  for (size_t i = 1; i < host->caches.size(); ++i) {
    EXPECT_LE(host->caches[i - 1].level, host->caches[i].level);
    EXPECT_GE(host->caches[i].sizeBytes, host->caches[i - 1].sizeBytes);
  }
  if (const CacheLevel *l2 = host->cache(2)) {
    EXPECT_GE(l2->sizeBytes, 128 * KiB);
    EXPECT_LE(l2->sizeBytes, 64 * 1024 * KiB);
  }
}

TEST_F(HostTarget, CoresAndFrequency) {
  EXPECT_GE(host->cores, 1u);
  unsigned online = std::thread::hardware_concurrency();
  if (online)
    EXPECT_EQ(host->cores, online);
  EXPECT_GT(host->frequencyGHz, 0.5);
  EXPECT_LT(host->frequencyGHz, 7.0);
}

TEST_F(HostTarget, Validates) {
  llvm::Error err = host->validate();
  EXPECT_FALSE(bool(err)) << llvm::toString(std::move(err));
}

TEST_F(HostTarget, DetectionIsDeterministic) {
  TargetDesc again = detectHostTarget();
  EXPECT_EQ(again.cpu, host->cpu);
  EXPECT_EQ(again.features, host->features);
  EXPECT_EQ(again.vectorBits, host->vectorBits);
  ASSERT_EQ(again.caches.size(), host->caches.size());
  for (size_t i = 0; i < again.caches.size(); ++i)
    EXPECT_EQ(again.caches[i].sizeBytes, host->caches[i].sizeBytes);
}

//===----------------------------------------------------------------------===//
// resolveTarget: which presets run here
//===----------------------------------------------------------------------===//

TEST_F(HostTarget, HostResolvesToTheHost) {
  for (const char *name : {"", "host"}) {
    auto resolved = resolveTarget(name, "");
    ASSERT_TRUE(bool(resolved)) << llvm::toString(resolved.takeError());
    EXPECT_EQ(resolved->name, "host");
    EXPECT_TRUE(resolved->runsOnHost);
    EXPECT_EQ(resolved->cpu, host->cpu);
  }
}

TEST_F(HostTarget, X86PresetsRunOnAnAvx512Host) {
  if (host->isaFamily() != IsaFamily::X86 || !host->hasFeature("avx512f") ||
      !host->hasFeature("avx512bw") || !host->hasFeature("avx512vl"))
    GTEST_SKIP() << "needs an x86 AVX-512 host";
  for (const char *name : {"x86-avx2", "x86-sse4.2", "x86-avx512"}) {
    auto resolved = resolveTarget(name, "");
    ASSERT_TRUE(bool(resolved)) << llvm::toString(resolved.takeError());
    EXPECT_EQ(resolved->name, name);
    EXPECT_TRUE(resolved->runsOnHost) << name;
  }
  // The preset keeps its own ISA, not the host's.
  auto avx2 = resolveTarget("x86-avx2", "");
  ASSERT_TRUE(bool(avx2));
  EXPECT_EQ(avx2->vectorBits, 256u);
  EXPECT_FALSE(avx2->hasFeature("avx512f"));
}

TEST_F(HostTarget, OtherIsasDoNotRunHere) {
  if (host->isaFamily() != IsaFamily::X86)
    GTEST_SKIP() << "x86 expectations; host is " << host->triple;
  for (const char *name : {"aarch64-neon", "aarch64-sve256", "riscv64-rvv"}) {
    auto resolved = resolveTarget(name, "");
    ASSERT_TRUE(bool(resolved)) << llvm::toString(resolved.takeError());
    EXPECT_FALSE(resolved->runsOnHost) << name;
  }
}

TEST_F(HostTarget, PresetNeedingAMissingFeatureDoesNotRunHere) {
  // A preset requiring a feature the host lacks must not be marked runnable.
  if (host->isaFamily() != IsaFamily::X86)
    GTEST_SKIP() << "x86 expectations; host is " << host->triple;
  auto avx512 = resolveTarget("x86-avx512", "");
  ASSERT_TRUE(bool(avx512));
  bool hostHasAll = true;
  for (const std::string &f : avx512->features)
    if (f[0] == '+' && !host->hasFeature(f.substr(1)))
      hostHasAll = false;
  EXPECT_EQ(avx512->runsOnHost, hostHasAll);
}

} // namespace
