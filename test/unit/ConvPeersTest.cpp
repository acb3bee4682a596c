//===- ConvPeersTest.cpp - Every conv peer computes out += conv(in, f) ----===//
//
// Small odd shapes in every kernel layout: stride 2, padding (also
// asymmetric), dilation, batch 2, 1×1, depthwise, single-channel images
// (with a kernel large enough for OpenCV's DFT path) and two threads. Each
// peer that claims a case must match the reference twice in a row (the
// second call accumulates onto the first); the peers meant for a case must
// claim it.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Bench/Peer.h"
#include "autoconfig/Bench/Reference.h"

#include "llvm/Support/FormatVariadic.h"

#include "gtest/gtest.h"

#include <set>

using namespace autoconfig;

namespace {

// Under AddressSanitizer the peers opened with dlopen (OpenBLAS) are
// unavailable (see bench/peers/DynamicLibrary.h): they may fail to prepare.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAsan = true;
#else
constexpr bool kUnderAsan = false;
#endif
#elif defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAsan = true;
#else
constexpr bool kUnderAsan = false;
#endif

struct ConvCase {
  const char *layout;
  int64_t n, c, h, w, f, kh, kw, stride;
  int64_t padTop, padLeft, padBottom, padRight;
  int64_t dilation, groups;
  ElementKind element = ElementKind::F32;
  unsigned threads = 1;
};

ConvWorkload convWorkload(const ConvCase &c) {
  ConvWorkload w;
  w.name = "conv_peer_case";
  w.opName = "linalg.conv";
  w.layout = *parseConvLayout(c.layout);
  w.n = c.n, w.c = c.c, w.h = c.h, w.w = c.w, w.f = c.f, w.kh = c.kh,
  w.kw = c.kw;
  w.strideH = w.strideW = c.stride;
  w.padTop = c.padTop, w.padLeft = c.padLeft, w.padBottom = c.padBottom,
  w.padRight = c.padRight;
  w.dilationH = w.dilationW = c.dilation;
  w.groups = c.groups;
  w.element = c.element;
  return w;
}

std::string describe(const ConvCase &c) {
  return llvm::formatv("{0} N{1} C{2} {3}x{4} F{5} {6}x{7} s{8} "
                       "p{9},{10},{11},{12} d{13} g{14} {15} threads={16}",
                       c.layout, c.n, c.c, c.h, c.w, c.f, c.kh, c.kw, c.stride,
                       c.padTop, c.padLeft, c.padBottom, c.padRight, c.dilation,
                       c.groups, elementName(c.element), c.threads)
      .str();
}

const ConvCase kCases[] = {
    // layout,     n, c,  h,  w, f, kh, kw, s, pads t/l/b/r, d, g
    {"nchw_fchw", 1, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {"nchw_fchw", 2, 3, 10, 9, 4, 3, 3, 2, 1, 1, 1, 1, 1, 1},
    {"nchw_fchw", 1, 2, 11, 10, 3, 3, 3, 1, 2, 2, 2, 2, 2, 1},
    {"nchw_fchw", 1, 5, 7, 7, 6, 1, 1, 1, 0, 0, 0, 0, 1, 1},
    {"nchw_fchw", 1, 3, 8, 9, 2, 3, 2, 1, 1, 2, 0, 1, 1, 1},
    {"nchw_chw", 2, 6, 9, 8, 6, 3, 3, 2, 1, 1, 1, 1, 1, 6},
    {"nchw_chw", 1, 5, 7, 9, 5, 5, 5, 1, 2, 2, 2, 2, 1, 5},
    {"nchw_chw", 1, 5, 9, 8, 5, 3, 3, 1, 2, 2, 2, 2, 2, 5},
    {"nhwc_hwcf", 1, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {"nhwc_hwcf", 2, 3, 10, 9, 4, 3, 3, 2, 1, 1, 1, 1, 1, 1},
    {"nhwc_hwcf", 1, 2, 11, 10, 3, 3, 3, 1, 2, 2, 2, 2, 2, 1},
    {"nhwc_hwcf", 1, 5, 7, 7, 6, 1, 1, 1, 0, 0, 0, 0, 1, 1},
    {"nhwc_fhwc", 2, 3, 9, 11, 5, 3, 3, 2, 1, 1, 1, 1, 1, 1},
    {"nhwc_hwc", 2, 6, 9, 8, 6, 3, 3, 2, 1, 1, 1, 1, 1, 6},
    {"nhwc_hwc", 1, 5, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 2, 5},
    {"hw", 1, 1, 13, 17, 1, 3, 5, 1, 0, 0, 0, 0, 1, 1},
    {"hw", 1, 1, 12, 9, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {"hw", 1, 1, 40, 41, 1, 13, 13, 1, 0, 0, 0, 0, 1, 1},
    {"hw", 1, 1, 13, 17, 1, 3, 5, 1, 0, 0, 0, 0, 1, 1, ElementKind::F64},
    {"nchw_fchw", 1, 3, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, ElementKind::F64},
    {"nchw_fchw", 2, 3, 10, 9, 4, 3, 3, 2, 1, 1, 1, 1, 1, 1, ElementKind::F32,
     2},
    {"nhwc_hwcf", 2, 3, 10, 9, 4, 3, 3, 2, 1, 1, 1, 1, 1, 1, ElementKind::F32,
     2},
    {"hw", 1, 1, 40, 41, 1, 5, 5, 1, 0, 0, 0, 0, 1, 1, ElementKind::F32, 2},
};

/// Whether `peer` must run this case: the general convolution peers run
/// every f32 layer, the image-filter peers every single-channel one.
bool mustSupport(const std::string &peer, const ConvCase &c) {
  static const std::set<std::string> general = {"onednn", "onednn_plain",
                                                "im2col_openblas", "xnnpack"};
  if (std::string(c.layout) == "hw" && (peer == "opencv" || peer == "eigen"))
    return true;
  return general.count(peer) && c.element == ElementKind::F32;
}

TEST(ConvPeers, AlwaysBuiltPeersAreRegistered) {
  // xnnpack, opencv and eigen depend on the packages found at configure time.
  for (const char *name : {"onednn", "onednn_plain", "im2col_openblas"})
    EXPECT_NE(findPeer(name), nullptr) << name;
}

TEST(ConvPeers, ComputeConvOnSmallOddShapes) {
  unsigned ran = 0;
  for (Peer *peer : peerRegistry()) {
    for (const ConvCase &c : kCases) {
      Workload workload = convWorkload(c);
      SCOPED_TRACE(peer->name() + " " + describe(c));
      std::string whyNot;
      if (!peer->supports(workload, whyNot)) {
        EXPECT_FALSE(whyNot.empty()) << "supports() must give a reason";
        EXPECT_FALSE(mustSupport(peer->name(), c)) << whyNot;
        continue;
      }
      WorkloadBuffers initial = makeBuffers(workload, /*seed=*/11);
      WorkloadBuffers mine = makeBuffers(workload, /*seed=*/11);
      auto call = peer->prepare(workload, mine, c.threads);
      if (!call) {
        std::string error = llvm::toString(call.takeError());
        if (!(kUnderAsan && peer->name() == "im2col_openblas"))
          ADD_FAILURE() << error;
        continue;
      }
      EXPECT_FALSE(peer->note().empty());
      ++ran;

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
          << "second call: max relative error " << second.maxRelativeError
          << " at " << second.worstIndex;
    }
  }
  EXPECT_GT(ran, 0u);
}

} // namespace
