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
#include "OneDnnApi.h"

#include "llvm/ADT/StringExtras.h"

#include <memory>

namespace autoconfig::onednn {

bool supportsConv(const ConvWorkload &w, std::string &whyNot) {
  if (w.element != ElementKind::F32) {
    whyNot = "oneDNN convolution is run in f32 only";
    return false;
  }
  // Every ConvLayout has a oneDNN memory format.
  (void)whyNot;
  return true;
}

namespace {

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

  dnnl_status_t execute(const Reorder &r) const { return r.execute(stream); }
  dnnl_status_t executeConv() const {
    dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, convSrc},
                              {DNNL_ARG_WEIGHTS, convWeights},
                              {DNNL_ARG_DST, convDst},
                              {DNNL_ARG_SCRATCHPAD, scratchpad}};
    return dnnl_primitive_execute(conv, stream, scratchpad ? 4 : 3, args);
  }
};

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
            ConvMode mode, std::string &note, std::string &implementation) {
  // The JIT kernels split the work for omp_get_max_threads() when the
  // primitive is created: set it first.
  if (!setGompThreads(threads))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot set oneDNN's thread count: "
                                   "libgomp is not loaded");
  bool bestCase = mode == ConvMode::BestCase;
  auto plan = std::make_shared<ConvPlan>();
  if (llvm::Error e = makeEngineAndStream(plan->engine, plan->stream))
    return std::move(e);

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
  dnnl_status_t s = dnnl_dilated_convolution_forward_desc_init(
      &convDesc, dnnl_forward_inference, dnnl_convolution_auto, &anySrc,
      &anyWeights, nullptr, &anyDst, strides, dilates, padL, padR);
  if (s != dnnl_success)
    return dnnlError("dnnl_dilated_convolution_forward_desc_init", s);

  // Best case accumulates in the primitive (sum post-op); plain adds in the
  // output reorder instead, unless the primitive writes the caller's format.
  // A scratchpad the caller owns is allocated once, here.
  auto makeDesc = [&](bool sum) -> llvm::Error {
    Attr attr;
    if (llvm::Error e = makeAttr(attr, /*userScratchpad=*/true, sum))
      return e;
    plan->convDesc.reset();
    dnnl_status_t st = dnnl_primitive_desc_create(
        plan->convDesc.slot(), &convDesc, attr, plan->engine, nullptr);
    return st == dnnl_success ? llvm::Error::success()
                              : dnnlError("convolution primitive_desc", st);
  };
  if (llvm::Error e = makeDesc(/*sum=*/true))
    return std::move(e);
  const dnnl_memory_desc_t *dstMd =
      dnnl_primitive_desc_query_md(plan->convDesc, dnnl_query_dst_md, 0);
  bool dstIsPlain = dnnl_memory_desc_equal(dstMd, &plain->dst);
  if (!bestCase && !dstIsPlain) {
    if (llvm::Error e = makeDesc(/*sum=*/false))
      return std::move(e);
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

  implementation = implementationName(plan->convDesc);
  const char *weightLetters = plain->weights.ndims == 5 ? "goihw" : "oihw";
  std::string formats = "src " + formatName(*srcMd, "nchw") + ", weights " +
                        formatName(*weightsMd, weightLetters) + ", dst " +
                        formatName(*dstMd, "nchw");
  // The parts that change from layer to layer come first (the bench table
  // lists them per workload), the constant ones after.
  note = implementation + " (" + formats + ")";
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
