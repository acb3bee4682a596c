//===- PeersTest.cpp - Every registered peer computes C += op(A)·op(B) ----===//
//
// Small odd shapes, each operand layout, f64, batches and two threads: a
// peer may decline a case through supports() (or, for a thread count,
// prepare()), but whatever it runs must match the reference, twice in a row
// (the second call accumulates onto the first).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Peer.h"
#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Target/TargetDesc.h"

#include "llvm/Support/FormatVariadic.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <set>

using namespace autoconfig;

namespace {

struct PeerCase {
  int64_t batch, m, n, k;
  bool transA, transB;
  ElementKind element;
  unsigned threads;
};

GemmWorkload peerWorkload(const PeerCase &c) {
  GemmWorkload w;
  w.name = "peer_case";
  w.batch = c.batch;
  if (c.batch > 1)
    w.opName = "linalg.batch_matmul";
  w.m = c.m;
  w.n = c.n;
  w.k = c.k;
  w.transA = c.transA;
  w.transB = c.transB;
  w.element = c.element;
  w.setDenseStrides();
  return w;
}

std::string describe(const PeerCase &c) {
  return llvm::formatv("{0}x{1}x{2}x{3} {4}{5} {6} threads={7}", c.batch, c.m,
                       c.n, c.k, c.transA ? "T" : "N", c.transB ? "T" : "N",
                       elementName(c.element), c.threads)
      .str();
}

const PeerCase kCases[] = {
    {1, 7, 13, 5, false, false, ElementKind::F32, 1},
    {1, 7, 13, 5, false, true, ElementKind::F32, 1},
    {1, 7, 13, 5, true, false, ElementKind::F32, 1},
    {1, 7, 13, 5, true, true, ElementKind::F32, 1},
    {1, 7, 13, 5, false, false, ElementKind::F64, 1},
    {1, 7, 13, 5, false, true, ElementKind::F64, 1},
    {3, 7, 13, 5, false, false, ElementKind::F32, 1},
    {1, 1, 13, 5, false, false, ElementKind::F32, 1},
    {1, 37, 71, 53, false, true, ElementKind::F32, 1},
    {1, 7, 13, 5, false, false, ElementKind::F32, 2},
    {3, 37, 71, 53, false, false, ElementKind::F32, 2},
};

TEST(Peers, ExpectedPeersAreRegisteredOnce) {
  std::set<std::string> names;
  for (Peer *peer : peerRegistry()) {
    EXPECT_FALSE(peer->name().empty());
    EXPECT_TRUE(names.insert(peer->name()).second) << peer->name();
  }
  // Optional peers (eigen, libxsmm, xnnpack) depend on the packages found at
  // configure time; these are always built.
  for (const char *name :
       {"openblas", "openblas-skx", "openblas-best", "blis", "blis-best",
        "onednn", "onednn-matmul", "onednn-prepacked"})
    EXPECT_TRUE(names.count(name)) << name;
}

/// Peers that must run every f32 case of kCases: transposed operands and
/// batches included (f64 and thread counts may be declined).
bool mustRunEveryF32Case(const std::string &peer) {
  static const std::set<std::string> names = {
      "onednn-matmul", "onednn-prepacked", "openblas", "openblas-best",
      "blis",          "blis-best",        "onednn"};
  return names.count(peer);
}

TEST(Peers, ComputeGemmOnSmallOddShapes) {
  // Convolution-only peers decline every GEMM; the others must not.
  const std::set<std::string> convOnly = {"onednn_plain", "im2col_openblas",
                                          "opencv"};
  for (Peer *peer : peerRegistry()) {
    if (convOnly.count(peer->name()))
      continue;
    for (const PeerCase &c : kCases) {
      Workload workload = peerWorkload(c);
      SCOPED_TRACE(peer->name() + " " + describe(c));
      std::string whyNot;
      if (!peer->supports(workload, whyNot)) {
        EXPECT_FALSE(whyNot.empty()) << "supports() must give a reason";
        // Every GEMM peer runs the plain f32 case.
        EXPECT_FALSE(c.element == ElementKind::F32 && !c.transA && !c.transB &&
                     c.batch == 1 && c.threads == 1)
            << whyNot;
        EXPECT_FALSE(c.element == ElementKind::F32 &&
                     mustRunEveryF32Case(peer->name()))
            << whyNot;
        continue;
      }
      WorkloadBuffers initial = makeBuffers(workload, /*seed=*/7);
      WorkloadBuffers mine = makeBuffers(workload, /*seed=*/7);
      auto call = peer->prepare(workload, mine, c.threads);
      if (!call) {
        std::string error = llvm::toString(call.takeError());
        // Declining a thread count is allowed (Eigen without OpenMP).
        EXPECT_GT(c.threads, 1u) << error;
        continue;
      }

      (*call)();
      ReferenceResult once = computeReference(workload, initial);
      Comparison first =
          compareToReference(workload, mine.outputBuffer(), once);
      EXPECT_TRUE(first.passed)
          << "max relative error " << first.maxRelativeError << " at "
          << first.worstIndex << " (tolerance " << first.tolerance << ")";

      // The second call starts from the first one's output.
      initial.outputBuffer().copyFrom(mine.outputBuffer());
      ReferenceResult twice = computeReference(workload, initial);
      (*call)();
      Comparison second =
          compareToReference(workload, mine.outputBuffer(), twice);
      EXPECT_TRUE(second.passed)
          << "second call: max relative error " << second.maxRelativeError;
      EXPECT_FALSE(peer->note().empty());
      if (mustRunEveryF32Case(peer->name()))
        EXPECT_FALSE(peer->implementation().empty());
    }
  }
}

std::vector<std::string> expand(llvm::StringRef list) {
  auto names = expandPeerList(list);
  if (!names) {
    ADD_FAILURE() << llvm::toString(names.takeError());
    return {};
  }
  return *names;
}

TEST(Peers, BestIsTheStrongestConfigurationOfEveryLibrary) {
  std::vector<std::string> best = expand("best");
  std::set<std::string> libraries;
  for (const std::string &name : best) {
    const Peer *peer = findPeer(name);
    ASSERT_NE(peer, nullptr) << name;
    EXPECT_TRUE(isStrongestRole(peer->role())) << name;
    // One configuration of each library.
    EXPECT_TRUE(libraries.insert(peer->library()).second) << name;
  }
  for (const char *name : {"onednn-prepacked", "openblas-best", "blis-best"})
    EXPECT_TRUE(llvm::is_contained(best, name)) << name;
  for (const char *name : {"onednn", "onednn-matmul", "onednn_plain",
                           "openblas", "openblas-skx", "blis"})
    EXPECT_FALSE(llvm::is_contained(best, name)) << name;
  // Every library with a peer has its strongest in `best`, but for the
  // im2col baseline, which has no configuration but OpenBLAS's own.
  for (Peer *peer : peerRegistry())
    if (peer->library() != "im2col + OpenBLAS")
      EXPECT_TRUE(libraries.count(peer->library())) << peer->library();
}

TEST(Peers, DefaultsAreWhatUsersGetOutOfTheBox) {
  std::vector<std::string> defaults = expand("defaults");
  for (const char *name : {"onednn", "openblas", "blis"})
    EXPECT_TRUE(llvm::is_contained(defaults, name)) << name;
  for (const char *name : {"onednn-prepacked", "onednn-matmul", "openblas-best",
                           "openblas-skx", "blis-best"})
    EXPECT_FALSE(llvm::is_contained(defaults, name)) << name;
}

TEST(Peers, PeerListsExpandInOrderWithoutRepeats) {
  EXPECT_EQ(expand("none"), std::vector<std::string>{});
  EXPECT_EQ(expand("blis, openblas,blis"),
            (std::vector<std::string>{"blis", "openblas"}));
  std::vector<std::string> mixed = expand("onednn,best,onednn-prepacked");
  EXPECT_EQ(mixed.front(), "onednn");
  EXPECT_EQ(std::count(mixed.begin(), mixed.end(), "onednn-prepacked"), 1);
  EXPECT_EQ(expand("all").size(), peerRegistry().size());

  auto unknown = expandPeerList("best,nosuchpeer");
  ASSERT_FALSE(unknown);
  std::string message = llvm::toString(unknown.takeError());
  EXPECT_NE(message.find("unknown peer 'nosuchpeer'"), std::string::npos);
  EXPECT_NE(message.find("groups: best, defaults"), std::string::npos);
}

TEST(Peers, OtherConfigurationsGoApartFromTheStrongest) {
  // Beside their library's strongest: reported apart.
  EXPECT_EQ(secondaryConfigurations(std::vector<std::string>{
                "openblas", "openblas-best", "onednn", "onednn-matmul",
                "onednn-prepacked", "blis"}),
            (std::vector<std::string>{"openblas", "onednn", "onednn-matmul"}));
  // Alone: they are the comparison.
  EXPECT_EQ(secondaryConfigurations(
                std::vector<std::string>{"openblas", "openblas-skx", "onednn"}),
            std::vector<std::string>{});
}

/// Prepares `name` on a small GEMM and returns its implementation string.
std::string implementationOf(const char *name) {
  Peer *peer = findPeer(name);
  if (!peer)
    return "";
  GemmWorkload w =
      peerWorkload({1, 8, 8, 8, false, false, ElementKind::F32, 1});
  WorkloadBuffers buffers = makeBuffers(w, 3);
  auto call = peer->prepare(w, buffers, 1);
  if (!call) {
    ADD_FAILURE() << name << ": " << llvm::toString(call.takeError());
    return "";
  }
  return llvm::StringRef(peer->implementation()).lower();
}

TEST(Peers, BestForcesTheKernelsWrittenForTheHostIsa) {
  TargetDesc host = detectHostTarget();
  bool avx512 =
      host.isaFamily() == IsaFamily::X86 &&
      llvm::all_of(std::vector<llvm::StringRef>{"avx512f", "avx512cd",
                                                "avx512bw", "avx512dq",
                                                "avx512vl"},
                   [&](llvm::StringRef f) { return host.hasFeature(f); });
  bool avx2 = host.isaFamily() == IsaFamily::X86 && host.hasFeature("avx2") &&
              host.hasFeature("fma");
  bool zen = llvm::StringRef(host.cpu).starts_with("znver");
  if (!avx512 && !(avx2 && !zen))
    GTEST_SKIP() << "neither AVX-512 nor an Intel AVX2 core: " << host.cpu;
  EXPECT_EQ(implementationOf("blis-best"), avx512 ? "skx" : "haswell");
  EXPECT_EQ(implementationOf("openblas-best"), avx512 ? "skylakex" : "haswell");
}

} // namespace
