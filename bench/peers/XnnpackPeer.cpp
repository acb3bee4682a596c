//===- XnnpackPeer.cpp - XNNPACK's fully-connected operator ---------------===//
//
// A fully-connected layer computes Y[M,N] = X[M,K]·W + bias, with W given as
// N×K, or as K×N with XNN_FLAG_TRANSPOSE_WEIGHTS: so B is taken as it is
// stored in either case. XNNPACK packs W when the operator is created, outside
// the timed region, as a deployment packs its weights once.
//
// The operator cannot accumulate into its output (the bias is per column), so
// the timed call is Y = A·B into a scratch buffer followed by XNNPACK's own
// add operator, C = C + Y, in place: both on the same threads.
//
//===----------------------------------------------------------------------===//

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

/// The operators of one prepared workload, and their threads.
struct Plan {
  std::vector<xnn_operator_t> fullyConnected; // one per batch matrix
  xnn_operator_t add = nullptr;
  std::vector<float> scratch;
  pthreadpool_t pool = nullptr;

  ~Plan() {
    for (xnn_operator_t op : fullyConnected)
      xnn_delete_operator(op);
    if (add)
      xnn_delete_operator(add);
    if (pool)
      pthreadpool_destroy(pool);
  }
  void run() const {
    for (xnn_operator_t op : fullyConnected)
      xnn_run_operator(op, pool);
    xnn_run_operator(add, pool);
  }
};

class XnnpackPeer final : public Peer {
public:
  std::string name() const override { return "xnnpack"; }

  bool supports(const Workload &workload, std::string &whyNot) const override {
    const auto *w = std::get_if<GemmWorkload>(&workload);
    if (!w) {
      whyNot = "GEMM peer";
      return false;
    }
    if (w->element != ElementKind::F32) {
      whyNot = "XNNPACK's fully-connected operator is f32 only";
      return false;
    }
    if (w->transA) {
      whyNot = "XNNPACK's fully-connected input is row-major M×K (no "
               "transposed A)";
      return false;
    }
    return true;
  }

  llvm::Expected<std::function<void()>> prepare(const Workload &workload,
                                                WorkloadBuffers &buffers,
                                                unsigned threads) override {
    static const xnn_status initialized = xnn_initialize(nullptr);
    if (initialized != xnn_status_success)
      return xnnError("xnn_initialize", initialized);
    const auto &w = std::get<GemmWorkload>(workload);
    auto plan = std::make_shared<Plan>();
    // No pool: XNNPACK runs on the calling thread.
    if (threads > 1 && !(plan->pool = pthreadpool_create(threads)))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "pthreadpool_create failed");
    size_t sizeA = size_t(w.m) * w.k, sizeB = size_t(w.k) * w.n,
           sizeC = size_t(w.m) * w.n;
    const float *a = buffers.operands[0].as<float>();
    const float *b = buffers.operands[1].as<float>();
    float *c = buffers.operands[2].as<float>();
    plan->scratch.assign(sizeC * w.batch, 0.0f);
    const float lowest = -std::numeric_limits<float>::infinity(),
                highest = std::numeric_limits<float>::infinity();
    uint32_t flags = w.transB ? 0 : XNN_FLAG_TRANSPOSE_WEIGHTS;
    for (int64_t i = 0; i < w.batch; ++i) {
      xnn_operator_t op = nullptr;
      xnn_status status = xnn_create_fully_connected_nc_f32(
          w.k, w.n, /*input_stride=*/w.k, /*output_stride=*/w.n, b + i * sizeB,
          /*bias=*/nullptr, lowest, highest, flags, &op);
      if (status != xnn_status_success)
        return xnnError("xnn_create_fully_connected_nc_f32", status);
      plan->fullyConnected.push_back(op);
      status = xnn_setup_fully_connected_nc_f32(
          op, w.m, a + i * sizeA, plan->scratch.data() + i * sizeC, plan->pool);
      if (status != xnn_status_success)
        return xnnError("xnn_setup_fully_connected_nc_f32", status);
    }
    xnn_status status = xnn_create_add_nd_f32(lowest, highest, 0, &plan->add);
    if (status != xnn_status_success)
      return xnnError("xnn_create_add_nd_f32", status);
    size_t shape[1] = {sizeC * w.batch};
    status = xnn_setup_add_nd_f32(plan->add, 1, shape, 1, shape, c,
                                  plan->scratch.data(), c, plan->pool);
    if (status != xnn_status_success)
      return xnnError("xnn_setup_add_nd_f32", status);

    lastNote =
        std::string("fully_connected_nc_f32 (weights ") +
        (w.transB ? "N×K as stored" : "K×N, XNN_FLAG_TRANSPOSE_WEIGHTS") +
        ", packed outside the timed region) into scratch + add_nd_f32 "
        "into C (no accumulating form); micro-kernel chosen by "
        "XNNPACK from cpuinfo, not reported; " +
        std::to_string(threads) + " thread" +
        (threads == 1 ? "" : "s (pthreadpool)");
    return [plan] { plan->run(); };
  }

  std::string note() const override { return lastNote; }

private:
  std::string lastNote;
};

PeerRegistration<XnnpackPeer> registration;

} // namespace
} // namespace autoconfig
