//===- SharedMemoryFloorTest.cpp - Threads share the memory bandwidth -----===//
//
// Threads divide an op's compute but its memory streams only by as much as
// the memory system gives several cores over one (calibrated:
// memory_thread_scaling). A GEMV streams its 16 MiB B once from memory: with
// two threads its prediction must not beat its one-thread stream divided by
// that speedup; one thread, an unmeasured scaling or an op in the caches are
// left alone.
//
//===----------------------------------------------------------------------===//

#include "MachineFixture.h"
#include "autoconfig/Select/Registry.h"

#include "llvm/Support/JSON.h"

#include "gtest/gtest.h"

using namespace autoconfig;

namespace {

const std::string kZen5 =
    std::string(AUTOCONFIG_SOURCE_DIR) + "/test/fixtures/machines/znver5";

GemmWorkload gemm(int64_t m, int64_t n, int64_t k) {
  return GemmWorkload::dense("gemm", m, n, k);
}

struct SharedMemory : ::testing::Test {
  MachineFixture fixture;
  Profile profile;
  void SetUp() override {
    auto loaded = MachineFixture::load(kZen5);
    ASSERT_TRUE(bool(loaded)) << toString(loaded.takeError());
    fixture = std::move(*loaded);
    profile = fixture.profile;
  }
  Prediction predict(const GemmWorkload &w, const char *config,
                     double scaling) {
    profile.memoryThreadScaling = scaling;
    profile.memoryScalingThreads = scaling > 0 ? 2 : 0;
    Machine machine{fixture.target, profile, 2};
    auto parsed = Config::parse(config);
    EXPECT_TRUE(bool(parsed)) << toString(parsed.takeError());
    const Algorithm *algorithm = findAlgorithm(parsed->getAlgorithm());
    return algorithm->model->predict(Workload(w), *parsed, machine);
  }
};

constexpr const char *kGemvTwoThreads =
    "blocked vl=16 mr=1 nr=112 kc=64 mc=1 nc=2128 ku=4 packA=0 packB=0 "
    "prefetch=0 threads=2";
constexpr const char *kGemvOneThread =
    "blocked vl=16 mr=1 nr=112 kc=64 mc=1 nc=2128 ku=4 packA=0 packB=0 "
    "prefetch=0 threads=1";

TEST_F(SharedMemory, TwoThreadsCannotBeatTheTwoCoreBandwidth) {
  GemmWorkload w = gemm(1, 4096, 1024);
  // Two cores together no faster than one: the threaded GEMV takes at least
  // what its memory streams take on one thread.
  Prediction one = predict(w, kGemvOneThread, 1.0);
  Prediction flat = predict(w, kGemvTwoThreads, 1.0);
  const CostTerm *bus = flat.term("memory bus");
  ASSERT_NE(bus, nullptr);
  EXPECT_GT(bus->seconds, 0);
  EXPECT_GT(flat.seconds, 0.7 * one.seconds);
  // The terms explain prints still add up to the total.
  EXPECT_NEAR(flat.shownSeconds(), flat.seconds, 1e-9 * flat.seconds);
  // Unmeasured: threads divide everything, as before; a measured speedup
  // in between gives a prediction in between.
  Prediction unmeasured = predict(w, kGemvTwoThreads, 0);
  EXPECT_EQ(unmeasured.term("memory bus"), nullptr);
  EXPECT_LT(unmeasured.seconds, flat.seconds);
  double partly = predict(w, kGemvTwoThreads, 1.5).seconds;
  EXPECT_LT(partly, flat.seconds);
  EXPECT_GE(partly, unmeasured.seconds);
}

TEST_F(SharedMemory, OneThreadAndCachedOpsAreUnchanged) {
  GemmWorkload gemv = gemm(1, 4096, 1024);
  EXPECT_DOUBLE_EQ(predict(gemv, kGemvOneThread, 1.0).seconds,
                   predict(gemv, kGemvOneThread, 0).seconds);
  // 256^3: 768 KiB, in the caches.
  GemmWorkload small = gemm(256, 256, 256);
  const char *config = "blocked vl=16 mr=4 nr=64 kc=256 mc=256 nc=128 ku=4 "
                       "packA=1 packB=1 prefetch=0 threads=2";
  EXPECT_DOUBLE_EQ(predict(small, config, 1.0).seconds,
                   predict(small, config, 0).seconds);
}

TEST_F(SharedMemory, TheFloorAppliesToEveryGemmAlgorithm) {
  GemmWorkload w = gemm(16, 4096, 1024);
  const char *broadcast = "broadcast vl=16 ui=1 uj=8 ku=2 mask=1 threads=2";
  Prediction p = predict(w, broadcast, 1.0);
  EXPECT_NE(p.term("memory bus"), nullptr);
  EXPECT_GT(p.seconds, predict(w, broadcast, 0).seconds);
}

TEST_F(SharedMemory, ScalingIsValidatedOnLoad) {
  auto parse = [&](double scaling, int threads) {
    Profile p = fixture.profile;
    p.memoryThreadScaling = scaling;
    p.memoryScalingThreads = unsigned(threads);
    llvm::json::Value json = toJSON(p);
    Profile back;
    llvm::json::Path::Root root;
    return fromJSON(json, back, root);
  };
  EXPECT_TRUE(parse(0, 0));
  EXPECT_TRUE(parse(1.4, 2));
  EXPECT_FALSE(parse(3.0, 2)); // more than one per core
  EXPECT_FALSE(parse(0.1, 2)); // slower than a quarter of one core
  EXPECT_FALSE(parse(1.4, 1)); // measured on one core: no scaling
}

} // namespace
