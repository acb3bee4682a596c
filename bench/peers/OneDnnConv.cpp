//===- OneDnnConv.cpp - oneDNN's convolution primitive as a peer ----------===//
//
// The caller's buffers are described to oneDNN by their strides (any of the
// kernel layouts), the primitive is created with format_tag::any for its
// source, weights and destination so that it picks its own (blocked) formats
// and implementation, and algorithm::convolution_auto so that it may choose
// Winograd where it has it.
//
// output += conv(input, filter):
// - best case: source, weights and initial output are reordered into the
//   primitive's formats in prepare(); the timed call executes the primitive
//   with a sum post-op (dst = conv + dst) on them, nothing else. Its output
//   stays in the primitive's format: the first two calls (the runner's
//   untimed correctness call and first warm-up; a test's two checked calls)
//   also reorder it back into the caller's buffer, later calls do not.
// - plain: every call reorders source and weights into the primitive's
//   formats, executes it into a scratch destination, and adds that into the
//   caller's output with a reorder carrying a sum post-op.
//
//===----------------------------------------------------------------------===//

#include "ConvLayouts.h"
#include "OneDnn.h"

#include "llvm/ADT/StringExtras.h"

#include <dnnl.h>
#include <dnnl_debug.h>

#include <algorithm>
#include <memory>
#include <numeric>

namespace autoconfig::onednn {

static const char *isaName(dnnl_cpu_isa_t isa) {
  switch (isa) {
  case dnnl_cpu_isa_sse41:
    return "sse41";
  case dnnl_cpu_isa_avx:
    return "avx";
  case dnnl_cpu_isa_avx2:
    return "avx2";
  case dnnl_cpu_isa_avx2_vnni:
    return "avx2_vnni";
  case dnnl_cpu_isa_avx512_mic:
    return "avx512_mic";
  case dnnl_cpu_isa_avx512_mic_4ops:
    return "avx512_mic_4ops";
  case dnnl_cpu_isa_avx512_core:
    return "avx512_core";
  case dnnl_cpu_isa_avx512_core_vnni:
    return "avx512_core_vnni";
  case dnnl_cpu_isa_avx512_core_bf16:
    return "avx512_core_bf16";
  case dnnl_cpu_isa_avx512_core_amx:
    return "avx512_core_amx";
  default:
    return "unknown";
  }
}

std::string versionAndIsa() {
  const dnnl_version_t *v = dnnl_version();
  return "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) +
         "." + std::to_string(v->patch) + ", JIT for " +
         isaName(dnnl_get_effective_cpu_isa());
}

bool supportsConv(const ConvWorkload &w, std::string &whyNot) {
  if (w.element != ElementKind::F32) {
    whyNot = "oneDNN convolution is run in f32 only";
    return false;
  }
  static const char *const kLayouts[] = {"hw",        "nchw_fchw", "nhwc_hwcf",
                                         "nhwc_fhwc", "nhwc_hwc",  "nchw_chw"};
  if (llvm::none_of(kLayouts, [&](const char *l) { return w.layout == l; })) {
    whyNot = "unknown convolution layout '" + w.layout + "'";
    return false;
  }
  return true;
}

namespace {

llvm::Error dnnlError(const char *what, dnnl_status_t status) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "oneDNN: %s failed (%s)", what,
                                 dnnl_status2str(status));
}

/// Owning handles of the C API.
template <typename T, dnnl_status_t (*Destroy)(T)> struct Handle {
  T raw = nullptr;
  Handle() = default;
  Handle(const Handle &) = delete;
  Handle &operator=(const Handle &) = delete;
  ~Handle() { reset(); }
  void reset() {
    if (raw)
      Destroy(raw);
    raw = nullptr;
  }
  /// Where a C API call that creates the object stores it.
  T *slot() { return &raw; }
  operator T() const { return raw; }
};
using Engine = Handle<dnnl_engine_t, dnnl_engine_destroy>;
using Stream = Handle<dnnl_stream_t, dnnl_stream_destroy>;
using Memory = Handle<dnnl_memory_t, dnnl_memory_destroy>;
using PrimitiveDesc =
    Handle<dnnl_primitive_desc_t, dnnl_primitive_desc_destroy>;
using Primitive = Handle<dnnl_primitive_t, dnnl_primitive_destroy>;
using Attr = Handle<dnnl_primitive_attr_t, dnnl_primitive_attr_destroy>;
using PostOps = Handle<dnnl_post_ops_t, dnnl_post_ops_destroy>;

/// A reorder between two memories, ready to execute.
struct Reorder {
  Primitive primitive;
  dnnl_memory_t from = nullptr, to = nullptr;
};

/// Everything one prepared convolution owns.
struct ConvPlan {
  Engine engine;
  Stream stream;
  PrimitiveDesc convDesc;
  Primitive conv;
  // The caller's buffers, and the primitive's operands when their formats
  // differ (else the same memory).
  Memory userSrc, userWeights, userDst, src, weights, dst, scratchpad;
  dnnl_memory_t convSrc = nullptr, convWeights = nullptr, convDst = nullptr;
  std::vector<std::unique_ptr<Reorder>> inputReorders; // timed (plain)
  std::unique_ptr<Reorder> outputReorder;
  /// Plain: the output reorder is part of every call; best case: of the
  /// first `syncCalls` calls only.
  bool outputEveryCall = false;
  unsigned syncCalls = 0;

  dnnl_status_t execute(const Reorder &r) const {
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, r.from}, {DNNL_ARG_TO, r.to}};
    return dnnl_primitive_execute(r.primitive, stream, 2, args);
  }
  dnnl_status_t executeConv() const {
    dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, convSrc},
                              {DNNL_ARG_WEIGHTS, convWeights},
                              {DNNL_ARG_DST, convDst},
                              {DNNL_ARG_SCRATCHPAD, scratchpad}};
    return dnnl_primitive_execute(conv, stream, scratchpad ? 4 : 3, args);
  }
};

/// oneDNN-style name of a memory format: dimensions from outermost to
/// innermost, blocked ones in capitals, then the inner blocks ("nChw16c").
std::string formatName(const dnnl_memory_desc_t &md, const char *letters) {
  if (md.format_kind == dnnl_format_kind_wino)
    return "wino";
  if (md.format_kind != dnnl_blocked)
    return dnnl_fmt_kind2str(md.format_kind);
  const dnnl_blocking_desc_t &b = md.format_desc.blocking;
  std::vector<int> order(md.ndims);
  std::iota(order.begin(), order.end(), 0);
  // Equal strides come with dimensions of size 1, whose stride means
  // nothing: those count as inner, as in oneDNN's own tag names.
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
    if (b.strides[x] != b.strides[y])
      return b.strides[x] > b.strides[y];
    return md.dims[x] > md.dims[y];
  });
  std::string name;
  for (int d : order) {
    bool blocked = false;
    for (int i = 0; i < b.inner_nblks; ++i)
      blocked |= b.inner_idxs[i] == d;
    name += blocked ? char(letters[d] - 'a' + 'A') : letters[d];
  }
  for (int i = 0; i < b.inner_nblks; ++i)
    name += std::to_string(b.inner_blks[i]) + letters[b.inner_idxs[i]];
  return name;
}

llvm::Error makeMemory(Memory &memory, const dnnl_memory_desc_t &md,
                       dnnl_engine_t engine, void *data) {
  dnnl_status_t s = dnnl_memory_create(memory.slot(), &md, engine, data);
  return s == dnnl_success ? llvm::Error::success()
                           : dnnlError("dnnl_memory_create", s);
}

/// A reorder from `from` to `to` (memories of `fromMd` and `toMd`); with
/// `accumulate`, to = to + from (sum post-op).
llvm::Expected<std::unique_ptr<Reorder>>
makeReorder(dnnl_engine_t engine, const dnnl_memory_desc_t &fromMd,
            dnnl_memory_t from, const dnnl_memory_desc_t &toMd,
            dnnl_memory_t to, bool accumulate) {
  Attr attr;
  if (accumulate) {
    PostOps ops;
    dnnl_status_t s = dnnl_post_ops_create(ops.slot());
    if (s == dnnl_success)
      s = dnnl_post_ops_append_sum(ops, 1.0f);
    if (s == dnnl_success)
      s = dnnl_primitive_attr_create(attr.slot());
    if (s == dnnl_success)
      s = dnnl_primitive_attr_set_post_ops(attr, ops);
    if (s != dnnl_success)
      return dnnlError("reorder attributes", s);
  }
  PrimitiveDesc desc;
  dnnl_status_t s = dnnl_reorder_primitive_desc_create(
      desc.slot(), &fromMd, engine, &toMd, engine, attr);
  if (s != dnnl_success)
    return dnnlError("dnnl_reorder_primitive_desc_create", s);
  auto reorder = std::make_unique<Reorder>();
  s = dnnl_primitive_create(reorder->primitive.slot(), desc);
  if (s != dnnl_success)
    return dnnlError("dnnl_primitive_create (reorder)", s);
  reorder->from = from;
  reorder->to = to;
  return reorder;
}

/// The caller's buffer layouts as oneDNN memory descriptors (logical
/// dimensions N,C,H,W and [G,]O,I,KH,KW; the layout in the strides).
struct PlainDescs {
  dnnl_memory_desc_t src, weights, dst;
};

llvm::Expected<PlainDescs> plainDescs(const ConvWorkload &w) {
  PlainDescs d;
  ActivationStrides in = inputStrides(w), out = outputStrides(w);
  FilterStrides fs = filterStrides(w);
  dnnl_dims_t srcDims = {w.n, w.c, w.h, w.w},
              srcStrides = {in.n, in.c, in.h, in.w},
              dstDims = {w.n, w.f, w.outH(), w.outW()},
              dstStrides = {out.n, out.c, out.h, out.w};
  dnnl_status_t s = dnnl_memory_desc_init_by_strides(&d.src, 4, srcDims,
                                                     dnnl_f32, srcStrides);
  if (s == dnnl_success)
    s = dnnl_memory_desc_init_by_strides(&d.dst, 4, dstDims, dnnl_f32,
                                         dstStrides);
  if (s == dnnl_success) {
    if (w.groups == 1) {
      dnnl_dims_t dims = {w.f, w.c, w.kh, w.kw},
                  strides = {fs.out, fs.in, fs.kh, fs.kw};
      s = dnnl_memory_desc_init_by_strides(&d.weights, 4, dims, dnnl_f32,
                                           strides);
    } else {
      dnnl_dims_t dims = {w.groups, w.f / w.groups, w.c / w.groups, w.kh, w.kw},
                  strides = {fs.group, fs.out, fs.in, fs.kh, fs.kw};
      s = dnnl_memory_desc_init_by_strides(&d.weights, 5, dims, dnnl_f32,
                                           strides);
    }
  }
  if (s != dnnl_success)
    return dnnlError("dnnl_memory_desc_init_by_strides", s);
  return d;
}

} // namespace

llvm::Expected<std::function<void()>>
prepareConv(const ConvWorkload &w, WorkloadBuffers &buffers, unsigned threads,
            ConvMode mode, std::string &note) {
  // The JIT kernels split the work for omp_get_max_threads() when the
  // primitive is created: set it first.
  if (!setGompThreads(threads))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot set oneDNN's thread count: "
                                   "libgomp is not loaded");
  bool bestCase = mode == ConvMode::BestCase;
  auto plan = std::make_shared<ConvPlan>();
  dnnl_status_t s = dnnl_engine_create(plan->engine.slot(), dnnl_cpu, 0);
  if (s != dnnl_success)
    return dnnlError("dnnl_engine_create", s);
  s = dnnl_stream_create(plan->stream.slot(), plan->engine,
                         dnnl_stream_default_flags);
  if (s != dnnl_success)
    return dnnlError("dnnl_stream_create", s);

  auto plain = plainDescs(w);
  if (!plain)
    return plain.takeError();
  dnnl_memory_desc_t anySrc, anyWeights, anyDst;
  dnnl_memory_desc_init_by_tag(&anySrc, plain->src.ndims, plain->src.dims,
                               dnnl_f32, dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&anyWeights, plain->weights.ndims,
                               plain->weights.dims, dnnl_f32,
                               dnnl_format_tag_any);
  dnnl_memory_desc_init_by_tag(&anyDst, plain->dst.ndims, plain->dst.dims,
                               dnnl_f32, dnnl_format_tag_any);
  // oneDNN counts dilation from 0 (no dilation).
  dnnl_dims_t strides = {w.strideH, w.strideW},
              dilates = {w.dilationH - 1, w.dilationW - 1},
              padL = {w.padTop, w.padLeft}, padR = {w.padBottom, w.padRight};
  dnnl_convolution_desc_t convDesc;
  s = dnnl_dilated_convolution_forward_desc_init(
      &convDesc, dnnl_forward_inference, dnnl_convolution_auto, &anySrc,
      &anyWeights, nullptr, &anyDst, strides, dilates, padL, padR);
  if (s != dnnl_success)
    return dnnlError("dnnl_dilated_convolution_forward_desc_init", s);

  // Best case accumulates in the primitive (sum post-op); plain adds in the
  // output reorder instead, unless the primitive writes the caller's format.
  // A scratchpad the caller owns is allocated once, here.
  auto makeDesc = [&](bool sum) -> dnnl_status_t {
    Attr attr;
    dnnl_status_t st = dnnl_primitive_attr_create(attr.slot());
    if (st == dnnl_success)
      st = dnnl_primitive_attr_set_scratchpad_mode(attr,
                                                   dnnl_scratchpad_mode_user);
    if (st == dnnl_success && sum) {
      PostOps ops;
      st = dnnl_post_ops_create(ops.slot());
      if (st == dnnl_success)
        st = dnnl_post_ops_append_sum(ops, 1.0f);
      if (st == dnnl_success)
        st = dnnl_primitive_attr_set_post_ops(attr, ops);
    }
    if (st == dnnl_success) {
      plan->convDesc.reset();
      st = dnnl_primitive_desc_create(plan->convDesc.slot(), &convDesc, attr,
                                      plan->engine, nullptr);
    }
    return st;
  };
  s = makeDesc(/*sum=*/true);
  if (s != dnnl_success)
    return dnnlError("convolution primitive_desc", s);
  const dnnl_memory_desc_t *dstMd =
      dnnl_primitive_desc_query_md(plan->convDesc, dnnl_query_dst_md, 0);
  bool dstIsPlain = dnnl_memory_desc_equal(dstMd, &plain->dst);
  if (!bestCase && !dstIsPlain) {
    s = makeDesc(/*sum=*/false);
    if (s != dnnl_success)
      return dnnlError("convolution primitive_desc", s);
    dstMd = dnnl_primitive_desc_query_md(plan->convDesc, dnnl_query_dst_md, 0);
    dstIsPlain = dnnl_memory_desc_equal(dstMd, &plain->dst);
  }
  const dnnl_memory_desc_t *srcMd =
      dnnl_primitive_desc_query_md(plan->convDesc, dnnl_query_src_md, 0);
  const dnnl_memory_desc_t *weightsMd =
      dnnl_primitive_desc_query_md(plan->convDesc, dnnl_query_weights_md, 0);
  const dnnl_memory_desc_t *scratchMd =
      dnnl_primitive_desc_query_md(plan->convDesc, dnnl_query_scratchpad_md, 0);
  s = dnnl_primitive_create(plan->conv.slot(), plan->convDesc);
  if (s != dnnl_success)
    return dnnlError("dnnl_primitive_create (convolution)", s);

  if (llvm::Error e = makeMemory(plan->userSrc, plain->src, plan->engine,
                                 buffers.operands[0].data()))
    return std::move(e);
  if (llvm::Error e = makeMemory(plan->userWeights, plain->weights,
                                 plan->engine, buffers.operands[1].data()))
    return std::move(e);
  if (llvm::Error e = makeMemory(plan->userDst, plain->dst, plan->engine,
                                 buffers.operands[2].data()))
    return std::move(e);
  if (scratchMd && dnnl_memory_desc_get_size(scratchMd) > 0)
    if (llvm::Error e = makeMemory(plan->scratchpad, *scratchMd, plan->engine,
                                   DNNL_MEMORY_ALLOCATE))
      return std::move(e);

  // Source and weights: the caller's memory if the primitive takes its
  // format, else a reorder (executed now for the best case, timed for plain).
  std::vector<std::unique_ptr<Reorder>> prepared;
  std::vector<std::string> reordered;
  auto operand = [&](const char *name, Memory &user,
                     const dnnl_memory_desc_t &userMd, Memory &own,
                     const dnnl_memory_desc_t *convMd,
                     dnnl_memory_t &use) -> llvm::Error {
    if (dnnl_memory_desc_equal(convMd, &userMd)) {
      use = user;
      return llvm::Error::success();
    }
    if (llvm::Error e =
            makeMemory(own, *convMd, plan->engine, DNNL_MEMORY_ALLOCATE))
      return e;
    use = own;
    auto reorder = makeReorder(plan->engine, userMd, user, *convMd, own, false);
    if (!reorder)
      return reorder.takeError();
    (bestCase ? prepared : plan->inputReorders).push_back(std::move(*reorder));
    reordered.push_back(name);
    return llvm::Error::success();
  };
  if (llvm::Error e = operand("src", plan->userSrc, plain->src, plan->src,
                              srcMd, plan->convSrc))
    return std::move(e);
  if (llvm::Error e = operand("weights", plan->userWeights, plain->weights,
                              plan->weights, weightsMd, plan->convWeights))
    return std::move(e);

  // Destination: the caller's memory, or the primitive's format with the
  // initial output reordered in (best case) or a scratch added to the
  // caller's output after each call (plain).
  if (dstIsPlain) {
    plan->convDst = plan->userDst;
  } else {
    if (llvm::Error e =
            makeMemory(plan->dst, *dstMd, plan->engine, DNNL_MEMORY_ALLOCATE))
      return std::move(e);
    plan->convDst = plan->dst;
    if (bestCase) {
      auto in = makeReorder(plan->engine, plain->dst, plan->userDst, *dstMd,
                            plan->dst, false);
      if (!in)
        return in.takeError();
      prepared.push_back(std::move(*in));
    }
    auto out = makeReorder(plan->engine, *dstMd, plan->dst, plain->dst,
                           plan->userDst, /*accumulate=*/!bestCase);
    if (!out)
      return out.takeError();
    plan->outputReorder = std::move(*out);
    plan->outputEveryCall = !bestCase;
    plan->syncCalls = bestCase ? 2 : 0;
  }
  for (const auto &r : prepared)
    if ((s = plan->execute(*r)) != dnnl_success)
      return dnnlError("reorder", s);
  if ((s = dnnl_stream_wait(plan->stream)) != dnnl_success)
    return dnnlError("dnnl_stream_wait", s);

  const char *impl = nullptr;
  dnnl_primitive_desc_query(plan->convDesc, dnnl_query_impl_info_str, 0, &impl);
  const char *weightLetters = plain->weights.ndims == 5 ? "goihw" : "oihw";
  std::string formats = "src " + formatName(*srcMd, "nchw") + ", weights " +
                        formatName(*weightsMd, weightLetters) + ", dst " +
                        formatName(*dstMd, "nchw");
  // The parts that change from layer to layer come first (the bench table
  // lists them per workload), the constant ones after.
  note = std::string(impl ? impl : "unknown") + " (" + formats + ")";
  if (bestCase) {
    note += "; timed: the primitive alone, accumulating by a sum post-op, on "
            "operands reordered to its formats beforehand (a dst in another "
            "format is reordered back on the first two, untimed, calls only)";
  } else {
    if (!dstIsPlain)
      reordered.push_back("dst");
    note += ", reordered in the call: " +
            (reordered.empty() ? std::string("none")
                               : llvm::join(reordered, ", ")) +
            "; timed: the reorders between the caller's layout and the "
            "primitive's formats, and the primitive (dst accumulated by a "
            "sum post-op or by the sum attribute of its reorder)";
  }
  note += "; " + versionAndIsa() + ", " + std::to_string(threads) + " thread" +
          (threads == 1 ? "" : "s") + " (libgomp)";

  return [plan] {
    for (const auto &r : plan->inputReorders)
      plan->execute(*r);
    plan->executeConv();
    if (plan->outputReorder && (plan->outputEveryCall || plan->syncCalls)) {
      plan->syncCalls -= plan->syncCalls ? 1 : 0;
      plan->execute(*plan->outputReorder);
    }
    dnnl_stream_wait(plan->stream);
  };
}

} // namespace autoconfig::onednn
