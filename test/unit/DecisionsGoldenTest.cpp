//===- DecisionsGoldenTest.cpp - Decisions on the suites, pinned ----------===//
//
// Decides every workload of the repository's suites (GEMM; convolutions in
// NCHW and NHWC) on every preset with its nominal profile and on every
// machine fixture (test/fixtures/machines) with its measured profile, at 1
// and 2 threads, and compares the configs with test/unit/golden/
// decisions.txt byte for byte. A refactoring keeps it green; a model change
// that moves a decision regenerates the file on purpose, and the diff shows
// which decisions moved:
//
//   AUTOCONFIG_UPDATE_GOLDEN=1 build/bin/autoconfig-unit-tests \
//     --gtest_filter='DecisionsGolden.*'
//
//===----------------------------------------------------------------------===//

#include "MachineFixture.h"
#include "PresetMachine.h"

#include "autoconfig/Bench/Suite.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

using namespace autoconfig;
using namespace llvm;

namespace {

const std::string kSourceDir = AUTOCONFIG_SOURCE_DIR;

std::string goldenPath() {
  return kSourceDir + "/test/unit/golden/decisions.txt";
}

/// The suites with the layouts they are decided in.
std::vector<std::pair<std::string, Workload>> suiteWorkloads() {
  std::vector<std::pair<std::string, Workload>> all;
  for (auto [file, layout] :
       {std::pair<StringRef, StringRef>{"gemm.csv", "nchw"},
        {"conv.csv", "nchw"},
        {"conv.csv", "nhwc"}}) {
    auto suite = loadSuite(kSourceDir + "/workloads/" + file.str(), layout);
    EXPECT_TRUE(bool(suite)) << toString(suite.takeError());
    if (!suite)
      continue;
    for (Workload &w : *suite)
      all.push_back({file.starts_with("conv") ? layout.str() : "", w});
  }
  // The GEMM suite again with bf16 inputs (blocked's dot products or AMX)
  // and with i8 (AMX, else loops).
  size_t f32 = all.size();
  for (ElementKind element : {ElementKind::BF16, ElementKind::I8})
    for (size_t i = 0; i < f32; ++i)
      if (auto *gemm = std::get_if<GemmWorkload>(&all[i].second)) {
        GemmWorkload copy = *gemm;
        copy.element = element;
        copy.name += std::string("_") + elementName(element);
        all.push_back({"", copy});
      }
  return all;
}

/// "machine threads workload [layout]: config" for every decision.
void decideAll(StringRef machineName, const TargetDesc &target,
               const Profile &profile, unsigned threads,
               const std::vector<std::pair<std::string, Workload>> &workloads,
               raw_ostream &os) {
  Machine machine{target, profile, threads};
  DecideOptions options;
  options.threads = threads;
  for (const auto &[layout, w] : workloads) {
    os << machineName << " " << threads << "t " << workloadName(w);
    if (!layout.empty())
      os << " " << layout;
    auto decision = decide(w, machine, options);
    if (!decision) {
      os << ": error: " << toString(decision.takeError()) << "\n";
      continue;
    }
    os << ": " << decision->config.str() << "\n";
  }
}

std::vector<std::string> fixtureDirs() {
  return machineFolders(kSourceDir + "/test/fixtures/machines");
}

TEST(DecisionsGolden, SuitesDecideAsRecorded) {
  std::vector<std::pair<std::string, Workload>> workloads = suiteWorkloads();
  ASSERT_GT(workloads.size(), 50u);
  std::string text;
  raw_string_ostream os(text);
  for (const std::string &name : targetPresetNames()) {
    PresetMachine preset(name);
    ASSERT_TRUE(preset.error.empty()) << preset.error;
    decideAll(name, preset.target, preset.profile, 1, workloads, os);
  }
  std::vector<std::string> dirs = fixtureDirs();
  ASSERT_GE(dirs.size(), 2u) << "machine fixtures missing";
  for (const std::string &dir : dirs) {
    auto fixture = MachineFixture::load(dir);
    ASSERT_TRUE(bool(fixture)) << toString(fixture.takeError());
    for (unsigned threads : {1u, 2u})
      decideAll(sys::path::filename(dir), fixture->target, fixture->profile,
                threads, workloads, os);
  }
  os.flush();

  if (getenv("AUTOCONFIG_UPDATE_GOLDEN")) {
    std::error_code ec;
    raw_fd_ostream out(goldenPath(), ec);
    ASSERT_FALSE(ec) << "cannot write " << goldenPath() << ": " << ec.message();
    out << text;
    GTEST_SKIP() << "rewrote " << goldenPath();
  }
  auto golden = MemoryBuffer::getFile(goldenPath());
  ASSERT_TRUE(bool(golden)) << "cannot read " << goldenPath();
  // Line by line, so that a failure names the decisions that moved.
  SmallVector<StringRef> expected, actual;
  (*golden)->getBuffer().split(expected, '\n', -1, false);
  StringRef(text).split(actual, '\n', -1, false);
  unsigned moved = 0;
  for (size_t i = 0; i < std::min(expected.size(), actual.size()); ++i)
    if (expected[i] != actual[i] && ++moved <= 20)
      ADD_FAILURE() << "decision moved:\n  recorded: " << expected[i].str()
                    << "\n  now:      " << actual[i].str();
  EXPECT_EQ(moved, 0u) << "decisions that differ from " << goldenPath();
  EXPECT_EQ(expected.size(), actual.size())
      << "a different number of decisions than recorded";
}

} // namespace
