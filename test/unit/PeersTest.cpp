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

#include "llvm/Support/FormatVariadic.h"

#include "gtest/gtest.h"

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
  // configure time; these four are always built.
  for (const char *name : {"openblas", "openblas-skx", "blis", "onednn"})
    EXPECT_TRUE(names.count(name)) << name;
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
    }
  }
}

} // namespace
