//===- XnnpackPeer.cpp - XNNPACK's fully-connected and convolution ops ----===//
//
// GEMM: a fully-connected layer computes Y[M,N] = X[M,K]·W + bias, with W
// given as N×K, or as K×N with XNN_FLAG_TRANSPOSE_WEIGHTS: so B is taken as it
// is stored in either case.
//
// Convolution: convolution2d_nhwc_f32, the operator XNNPACK is built around
// (NHWC activations, OHWI weights per group; depthwise layers go to its
// depthwise micro-kernels by themselves, groups = C with one channel each).
// NCHW workloads: XNNPACK's NCHW operator covers a few sparse-inference
// shapes only; it is used for depthwise layers, where it is fast. Other NCHW
// layers keep the NHWC operator and the layout change is part of the timed
// call: the input is transposed to NHWC and the result transposed back while
// it is added to the output (16×16-tile loops of ConvLayouts.cpp, on the
// calling thread).
//
// XNNPACK packs the weights when an operator is created, outside the timed
// region, as a deployment packs its weights once. Neither operator can
// accumulate into its output (the bias is per channel), so the timed call
// writes a scratch buffer and XNNPACK's own add operator, on the same
// threads (or, for transposed NCHW, the transposing add) adds it to the
// output.
//
//===----------------------------------------------------------------------===//

#include "ConvLayouts.h"
#include "autoconfig/Bench/Peer.h"

#include <pthreadpool.h>
#include <xnnpack.h>

#include <limits>
#include <memory>

namespace autoconfig {
namespace {

llvm::Error xnnError(const char *what, xnn_status status) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "%s failed (xnn_status %d)", what,
                                 int(status));
}

constexpr float kLowest = -std::numeric_limits<float>::infinity(),
                kHighest = std::numeric_limits<float>::infinity();

llvm::Error initialize() {
  static const xnn_status initialized = xnn_initialize(nullptr);
  if (initialized != xnn_status_success)
    return xnnError("xnn_initialize", initialized);
  return llvm::Error::success();
}

/// Threads of one prepared workload: none (the calling thread) for one.
struct ThreadPool {
  pthreadpool_t pool = nullptr;
  ~ThreadPool() {
    if (pool)
      pthreadpool_destroy(pool);
  }
  llvm::Error create(unsigned threads) {
    if (threads > 1 && !(pool = pthreadpool_create(threads)))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "pthreadpool_create failed");
    return llvm::Error::success();
  }
};

std::string threadsNote(unsigned threads) {
  return std::to_string(threads) + " thread" +
         (threads == 1 ? "" : "s (pthreadpool)");
}

/// An add operator computing out = out + addend over `count` elements.
llvm::Error createAdd(xnn_operator_t &add, size_t count, float *out,
                      const float *addend, pthreadpool_t pool) {
  xnn_status status = xnn_create_add_nd_f32(kLowest, kHighest, 0, &add);
  if (status != xnn_status_success)
    return xnnError("xnn_create_add_nd_f32", status);
  size_t shape[1] = {count};
  status =
      xnn_setup_add_nd_f32(add, 1, shape, 1, shape, out, addend, out, pool);
  if (status != xnn_status_success)
    return xnnError("xnn_setup_add_nd_f32", status);
  return llvm::Error::success();
}

/// The operators of one prepared GEMM.
struct GemmPlan {
  std::vector<xnn_operator_t> fullyConnected; // one per batch matrix
  xnn_operator_t add = nullptr;
  std::vector<float> scratch;
  ThreadPool threads;

  ~GemmPlan() {
    for (xnn_operator_t op : fullyConnected)
      xnn_delete_operator(op);
    if (add)
      xnn_delete_operator(add);
  }
  void run() const {
    for (xnn_operator_t op : fullyConnected)
      xnn_run_operator(op, threads.pool);
    xnn_run_operator(add, threads.pool);
  }
};

llvm::Expected<std::function<void()>> prepareGemm(const GemmWorkload &w,
                                                  WorkloadBuffers &buffers,
                                                  unsigned threads,
                                                  std::string &note) {
  auto plan = std::make_shared<GemmPlan>();
  if (llvm::Error e = plan->threads.create(threads))
    return std::move(e);
  size_t sizeA = size_t(w.m) * w.k, sizeB = size_t(w.k) * w.n,
         sizeC = size_t(w.m) * w.n;
  const float *a = buffers.operands[0].as<float>();
  const float *b = buffers.operands[1].as<float>();
  float *c = buffers.operands[2].as<float>();
  plan->scratch.assign(sizeC * w.batch, 0.0f);
  uint32_t flags = w.transB ? 0 : XNN_FLAG_TRANSPOSE_WEIGHTS;
  for (int64_t i = 0; i < w.batch; ++i) {
    xnn_operator_t op = nullptr;
    xnn_status status = xnn_create_fully_connected_nc_f32(
        w.k, w.n, /*input_stride=*/w.k, /*output_stride=*/w.n, b + i * sizeB,
        /*bias=*/nullptr, kLowest, kHighest, flags, &op);
    if (status != xnn_status_success)
      return xnnError("xnn_create_fully_connected_nc_f32", status);
    plan->fullyConnected.push_back(op);
    status = xnn_setup_fully_connected_nc_f32(op, w.m, a + i * sizeA,
                                              plan->scratch.data() + i * sizeC,
                                              plan->threads.pool);
    if (status != xnn_status_success)
      return xnnError("xnn_setup_fully_connected_nc_f32", status);
  }
  if (llvm::Error e = createAdd(plan->add, sizeC * w.batch, c,
                                plan->scratch.data(), plan->threads.pool))
    return std::move(e);
  note = std::string("fully_connected_nc_f32 (weights ") +
         (w.transB ? "N×K as stored" : "K×N, XNN_FLAG_TRANSPOSE_WEIGHTS") +
         ", packed outside the timed region) into scratch + add_nd_f32 "
         "into C (no accumulating form); micro-kernel chosen by "
         "XNNPACK from cpuinfo, not reported; " +
         threadsNote(threads);
  return [plan] { plan->run(); };
}

/// The operators and buffers of one prepared convolution.
struct ConvPlan {
  ConvWorkload w;
  xnn_operator_t conv = nullptr, add = nullptr;
  ThreadPool threads;
  const float *input = nullptr;
  float *output = nullptr;
  /// The operator's result, and the NHWC copy of an NCHW input (if the
  /// layout is changed around the NHWC operator).
  std::vector<float> result, inputNhwc;

  ~ConvPlan() {
    if (conv)
      xnn_delete_operator(conv);
    if (add)
      xnn_delete_operator(add);
  }
  void run() {
    size_t pixels = size_t(w.h) * w.w, outPixels = size_t(w.outH()) * w.outW();
    if (!inputNhwc.empty()) // C×HW planes to HW×C
      for (int64_t n = 0; n < w.n; ++n)
        transposePlane(input + n * w.c * pixels, w.c, pixels,
                       inputNhwc.data() + n * w.c * pixels,
                       /*accumulate=*/false);
    xnn_run_operator(conv, threads.pool);
    if (add) {
      xnn_run_operator(add, threads.pool);
      return;
    }
    for (int64_t n = 0; n < w.n; ++n) // output += HW×F result, as F×HW
      transposePlane(result.data() + n * w.f * outPixels, outPixels, w.f,
                     output + n * w.f * outPixels, /*accumulate=*/true);
  }
};

llvm::Expected<std::function<void()>> prepareConv(const ConvWorkload &w,
                                                  WorkloadBuffers &buffers,
                                                  unsigned threads,
                                                  std::string &note) {
  auto plan = std::make_shared<ConvPlan>();
  plan->w = w;
  if (llvm::Error e = plan->threads.create(threads))
    return std::move(e);
  plan->input = buffers.operands[0].as<float>();
  plan->output = buffers.operands[2].as<float>();
  size_t outputCount = buffers.operands[2].size();
  plan->result.assign(outputCount, 0.0f);
  std::vector<float> weights(buffers.operands[1].size());
  packFilterGohwi(w, buffers.operands[1].as<float>(), weights.data());
  int64_t cg = w.c / w.groups, fg = w.f / w.groups;
  // "hw" is NHWC with one channel.
  bool nchw = !isChannelsLast(w) && w.layout != ConvLayout::Hw;

  // NCHW depthwise layers: XNNPACK's NCHW operator, whose CHW depthwise
  // micro-kernels (3×3, 5×5) ran 4-5× faster here than the NHWC operator
  // behind transposes. Its other NCHW cases (1×1 as sparse matrix times
  // dense) ran slower than that, so they take the NHWC operator.
  bool native = false;
  if (nchw && w.depthwise()) {
    xnn_status status = xnn_create_convolution2d_nchw_f32(
        w.padTop, w.padRight, w.padBottom, w.padLeft, w.kh, w.kw, w.strideH,
        w.strideW, w.dilationH, w.dilationW, w.groups, cg, fg,
        /*input_channel_stride=*/w.c, /*output_channel_stride=*/w.f,
        weights.data(), /*bias=*/nullptr, kLowest, kHighest, /*flags=*/0,
        &plan->conv);
    native = status == xnn_status_success;
    if (!native && status != xnn_status_unsupported_parameter)
      return xnnError("xnn_create_convolution2d_nchw_f32", status);
  }
  if (native) {
    xnn_status status = xnn_setup_convolution2d_nchw_f32(
        plan->conv, w.n, w.h, w.w, plan->input, plan->result.data(),
        plan->threads.pool);
    if (status != xnn_status_success)
      return xnnError("xnn_setup_convolution2d_nchw_f32", status);
  } else {
    if (nchw)
      plan->inputNhwc.assign(buffers.operands[0].size(), 0.0f);
    xnn_status status = xnn_create_convolution2d_nhwc_f32(
        w.padTop, w.padRight, w.padBottom, w.padLeft, w.kh, w.kw, w.strideH,
        w.strideW, w.dilationH, w.dilationW, w.groups, cg, fg,
        /*input_channel_stride=*/w.c, /*output_channel_stride=*/w.f,
        weights.data(), /*bias=*/nullptr, kLowest, kHighest, /*flags=*/0,
        &plan->conv);
    if (status != xnn_status_success)
      return xnnError("xnn_create_convolution2d_nhwc_f32", status);
    status = xnn_setup_convolution2d_nhwc_f32(
        plan->conv, w.n, w.h, w.w, nchw ? plan->inputNhwc.data() : plan->input,
        plan->result.data(), plan->threads.pool);
    if (status != xnn_status_success)
      return xnnError("xnn_setup_convolution2d_nhwc_f32", status);
  }
  bool transposed = nchw && !native;
  if (!transposed)
    if (llvm::Error e = createAdd(plan->add, outputCount, plan->output,
                                  plan->result.data(), plan->threads.pool))
      return std::move(e);

  // The part that changes with the layer comes first (the bench table lists
  // it per workload).
  note = std::string(native ? "convolution2d_nchw_f32"
                            : "convolution2d_nhwc_f32") +
         (transposed ? " behind transposes: NCHW input to NHWC, result added "
                       "back to NCHW (calling thread)"
                     : ", add_nd_f32 of the result into the output") +
         "; timed: the operator into scratch and the accumulation (XNNPACK "
         "has no accumulating form); weights packed at creation (untimed); "
         "micro-kernels chosen by XNNPACK from cpuinfo, not reported; " +
         threadsNote(threads);
  return [plan] { plan->run(); };
}

class XnnpackPeer final : public Peer {
public:
  std::string name() const override { return "xnnpack"; }
  std::string library() const override { return "XNNPACK"; }
  PeerRole role() const override { return PeerRole::DefaultAndStrongest; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    if (workloadElement(workload) != ElementKind::F32) {
      whyNot = "XNNPACK's operators are run in f32 only";
      return false;
    }
    if (const auto *w = std::get_if<GemmWorkload>(&workload); w && w->transA) {
      whyNot = "XNNPACK's fully-connected input is row-major M×K (no "
               "transposed A)";
      return false;
    }
    return true;
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    if (llvm::Error e = initialize())
      return std::move(e);
    if (const auto *conv = std::get_if<ConvWorkload>(&workload))
      return prepareConv(*conv, buffers, threads, lastNote);
    return prepareGemm(std::get<GemmWorkload>(workload), buffers, threads,
                       lastNote);
  }

  std::string note() const override { return lastNote; }

private:
  std::string lastNote;
};

PeerRegistration<XnnpackPeer> registration;

} // namespace
} // namespace autoconfig
