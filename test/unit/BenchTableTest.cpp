//===- BenchTableTest.cpp - The bench table against the strongest peers ---===//
//
// `bench` prints a library's strongest configuration in its table and the
// library's other configurations of the same run in a second one, each
// with the geomean over the workloads.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Runner.h"

#include "llvm/ADT/StringRef.h"

#include "gtest/gtest.h"

using namespace autoconfig;

namespace {

/// A verified record whose peers took `peerSeconds` where AutoConfig took 1 s.
BenchRecord record(const char *name,
                   std::vector<std::pair<std::string, double>> peerSeconds) {
  BenchRecord r;
  GemmWorkload w = GemmWorkload::dense(name, 64, 64, 64);
  r.workload = w;
  Candidate c;
  c.algorithm = "blocked";
  c.applicable = true;
  c.prediction.seconds = 1;
  r.decision.candidates = {c};
  r.decision.chosen = 0;
  r.decision.config = Config("blocked");
  r.verified = true;
  r.measuredSeconds = 1;
  r.gflops = 1;
  for (auto [peer, seconds] : peerSeconds) {
    PeerResult p;
    p.name = peer;
    p.measuredSeconds = seconds;
    p.gflops = 1 / seconds;
    p.verified = true;
    r.peers.push_back(p);
  }
  return r;
}

TEST(BenchTable, DefaultsGoToASecondTableWithTheirGeomean) {
  std::vector<BenchRecord> records = {
      record("first", {{"openblas-best", 2}, {"openblas", 3}}),
      record("second", {{"openblas-best", 8}, {"openblas", 12}})};
  std::string text;
  llvm::raw_string_ostream os(text);
  printBenchTable(records, {"openblas-best", "openblas"}, os);

  llvm::StringRef out(text);
  auto [main, rest] = out.split("The same run");
  ASSERT_FALSE(rest.empty()) << text;
  llvm::StringRef mainHeader = main.split('\n').first;
  EXPECT_TRUE(mainHeader.contains("x openblas-best")) << text;
  EXPECT_FALSE(mainHeader.contains("x openblas ")) << text;
  // geomean(2, 8) = 4; geomean(3, 12) = 6.
  EXPECT_TRUE(main.contains("4.00")) << text;
  EXPECT_TRUE(rest.split('\n').second.split('\n').first.contains("x openblas"))
      << text;
  EXPECT_TRUE(rest.contains("6.00")) << text;
}

TEST(BenchTable, ADefaultAloneStaysInTheTable) {
  std::vector<BenchRecord> records = {record("first", {{"openblas", 2}}),
                                      record("second", {{"openblas", 8}})};
  std::string text;
  llvm::raw_string_ostream os(text);
  printBenchTable(records, {"openblas"}, os);
  EXPECT_TRUE(llvm::StringRef(text).split('\n').first.contains("x openblas"))
      << text;
  EXPECT_FALSE(llvm::StringRef(text).contains("The same run")) << text;
  EXPECT_TRUE(llvm::StringRef(text).contains("4.00")) << text;
}

/// A peer that supports the workload but failed: its error is listed once
/// per message, with the workloads it failed on (this crashed with a
/// dangling iterator before).
TEST(BenchTable, FailuresAreGroupedByMessage) {
  std::vector<BenchRecord> records = {record("first", {{"openblas", 2}}),
                                      record("second", {{"openblas", 8}}),
                                      record("third", {{"openblas", 4}})};
  records[0].peers[0].error = "out of memory";
  records[1].peers[0].error = "bad handle";
  records[2].peers[0].error = "out of memory";
  std::string text;
  llvm::raw_string_ostream os(text);
  printBenchTable(records, {"openblas"}, os);
  EXPECT_TRUE(llvm::StringRef(text).contains(
      "error: openblas: out of memory (first, third)"))
      << text;
  EXPECT_TRUE(
      llvm::StringRef(text).contains("error: openblas: bad handle (second)"))
      << text;
}

/// With threads allowed, the one-thread decision of the same run is a column:
/// its time over the multi-threaded decision's, or "same" when the model
/// chose one thread anyway.
TEST(BenchTable, OneThreadColumnIsASpeedup) {
  std::vector<BenchRecord> records = {record("first", {}),
                                      record("second", {})};
  AlgorithmResult one;
  one.measuredSeconds = 1.5;
  records[0].oneThread = one;
  one.chosen = true;
  one.measuredSeconds = 1;
  records[1].oneThread = one;
  std::string text;
  llvm::raw_string_ostream os(text);
  printBenchTable(records, {}, os);
  llvm::StringRef out(text);
  EXPECT_TRUE(out.split('\n').first.contains("x 1 thread")) << text;
  auto [first, afterFirst] = out.split("\nfirst");
  EXPECT_TRUE(afterFirst.split('\n').first.contains("1.50")) << text;
  EXPECT_TRUE(out.split("\nsecond").second.split('\n').first.contains("same"))
      << text;
}

} // namespace
