//===- OneDnnMatmul.cpp - oneDNN's matmul primitive as a GEMM peer --------===//
//
// C[b] += op(A[b]) op(B[b]) as one matmul primitive (oneDNN 2.6 C API:
// dnnl_matmul_desc_init, then a primitive descriptor with attributes),
// created once in prepare():
// - the caller's buffers are described by their strides, so the transposed
//   operands are read where they are ({M, K} with strides {1, M} for a
//   stored K x M A; likewise B);
// - accumulation is a sum post-op (dst = A·B + dst) on the caller's C;
// - batches are the leading dimension of a 3-D problem;
// - the scratchpad is the caller's, allocated here.
// With prepacked weights, B's descriptor is format_tag::any: the primitive
// picks its layout, and B is reordered into it here, from the buffer's
// current content (prepare() runs after the buffers are filled).
//
//===----------------------------------------------------------------------===//

#include "OneDnn.h"
#include "OneDnnApi.h"

#include <memory>

namespace autoconfig::onednn {

bool supportsMatmul(const GemmWorkload &w, std::string &whyNot) {
  if (w.element == ElementKind::F64) {
    whyNot = "oneDNN has no f64 matmul on CPUs";
    return false;
  }
  return true;
}

namespace {

/// Everything one prepared matmul owns.
struct MatmulPlan {
  Engine engine;
  Stream stream;
  PrimitiveDesc desc;
  Primitive matmul;
  Memory src, userWeights, packedWeights, dst, scratchpad;
  dnnl_memory_t weights = nullptr; // userWeights or packedWeights

  dnnl_status_t execute() const {
    dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, src},
                              {DNNL_ARG_WEIGHTS, weights},
                              {DNNL_ARG_DST, dst},
                              {DNNL_ARG_SCRATCHPAD, scratchpad}};
    return dnnl_primitive_execute(matmul, stream, scratchpad ? 4 : 3, args);
  }
};

/// The operands in the caller's layout: logical dimensions ([batch,] rows,
/// columns) of op(X), the storage in the strides.
struct PlainDescs {
  dnnl_memory_desc_t src, weights, dst;
};

llvm::Expected<PlainDescs> plainDescs(const GemmWorkload &w) {
  bool batched = w.batch > 1;
  int ndims = batched ? 3 : 2;
  // Logical dimensions and strides, innermost two last; a batch dimension,
  // when there is one, in front.
  auto describe = [&](dnnl_memory_desc_t &md, int64_t rows, int64_t cols,
                      bool transposed, dnnl_data_type_t type) {
    dnnl_dims_t dims, strides;
    int i = 0;
    if (batched) {
      dims[i] = w.batch;
      strides[i++] = rows * cols;
    }
    dims[i] = rows;
    strides[i++] = transposed ? 1 : cols;
    dims[i] = cols;
    strides[i] = transposed ? rows : 1;
    return dnnl_memory_desc_init_by_strides(&md, ndims, dims, type, strides);
  };
  PlainDescs d;
  // bf16 inputs accumulate into an f32 C, i8 (signed) into an s32 one, as
  // AutoConfig's kernels do.
  dnnl_data_type_t input = w.element == ElementKind::BF16 ? dnnl_bf16
                           : w.element == ElementKind::I8 ? dnnl_s8
                                                          : dnnl_f32;
  dnnl_data_type_t output = w.element == ElementKind::I8 ? dnnl_s32 : dnnl_f32;
  dnnl_status_t s = describe(d.src, w.m, w.k, w.transA, input);
  if (s == dnnl_success)
    s = describe(d.weights, w.k, w.n, w.transB, input);
  if (s == dnnl_success)
    s = describe(d.dst, w.m, w.n, false, output);
  if (s != dnnl_success)
    return dnnlError("dnnl_memory_desc_init_by_strides", s);
  return d;
}

} // namespace

llvm::Expected<std::function<void()>>
prepareMatmul(const GemmWorkload &w, WorkloadBuffers &buffers, unsigned threads,
              WeightsMode mode, std::string &note,
              std::string &implementation) {
  // The JIT kernels split the work for omp_get_max_threads() when the
  // primitive is created: set it first.
  if (!setGompThreads(threads))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot set oneDNN's thread count: "
                                   "libgomp is not loaded");
  bool prepacked = mode == WeightsMode::Prepacked;
  auto plan = std::make_shared<MatmulPlan>();
  if (llvm::Error e = makeEngineAndStream(plan->engine, plan->stream))
    return std::move(e);
  auto plain = plainDescs(w);
  if (!plain)
    return plain.takeError();

  dnnl_memory_desc_t weightsMd = plain->weights;
  if (prepacked)
    dnnl_memory_desc_init_by_tag(&weightsMd, plain->weights.ndims,
                                 plain->weights.dims, plain->weights.data_type,
                                 dnnl_format_tag_any);
  dnnl_matmul_desc_t matmulDesc;
  dnnl_status_t s = dnnl_matmul_desc_init(&matmulDesc, &plain->src, &weightsMd,
                                          nullptr, &plain->dst);
  if (s != dnnl_success)
    return dnnlError("dnnl_matmul_desc_init", s);
  Attr attr;
  if (llvm::Error e =
          makeAttr(attr, /*userScratchpad=*/true, /*accumulate=*/true))
    return std::move(e);
  s = dnnl_primitive_desc_create(plan->desc.slot(), &matmulDesc, attr,
                                 plan->engine, nullptr);
  if (s != dnnl_success)
    return dnnlError("matmul primitive_desc", s);
  s = dnnl_primitive_create(plan->matmul.slot(), plan->desc);
  if (s != dnnl_success)
    return dnnlError("dnnl_primitive_create (matmul)", s);

  const dnnl_memory_desc_t *chosenWeights =
      dnnl_primitive_desc_query_md(plan->desc, dnnl_query_weights_md, 0);
  const dnnl_memory_desc_t *scratchMd =
      dnnl_primitive_desc_query_md(plan->desc, dnnl_query_scratchpad_md, 0);
  if (llvm::Error e = makeMemory(plan->src, plain->src, plan->engine,
                                 buffers.operands[0].data()))
    return std::move(e);
  if (llvm::Error e = makeMemory(plan->userWeights, plain->weights,
                                 plan->engine, buffers.operands[1].data()))
    return std::move(e);
  if (llvm::Error e = makeMemory(plan->dst, plain->dst, plan->engine,
                                 buffers.operands[2].data()))
    return std::move(e);
  if (scratchMd && dnnl_memory_desc_get_size(scratchMd) > 0)
    if (llvm::Error e = makeMemory(plan->scratchpad, *scratchMd, plan->engine,
                                   DNNL_MEMORY_ALLOCATE))
      return std::move(e);

  // Prepacked weights: B's current content, reordered once, here.
  bool reordered = !dnnl_memory_desc_equal(chosenWeights, &plain->weights);
  plan->weights = plan->userWeights;
  if (reordered) {
    if (llvm::Error e = makeMemory(plan->packedWeights, *chosenWeights,
                                   plan->engine, DNNL_MEMORY_ALLOCATE))
      return std::move(e);
    auto reorder =
        makeReorder(plan->engine, plain->weights, plan->userWeights,
                    *chosenWeights, plan->packedWeights, /*accumulate=*/false);
    if (!reorder)
      return reorder.takeError();
    if ((s = (*reorder)->execute(plan->stream)) != dnnl_success)
      return dnnlError("reorder (weights)", s);
    if ((s = dnnl_stream_wait(plan->stream)) != dnnl_success)
      return dnnlError("dnnl_stream_wait", s);
    plan->weights = plan->packedWeights;
  }

  implementation = implementationName(plan->desc);
  const char *letters = w.batch > 1 ? "bkn" : "kn";
  // What varies from workload to workload first (the bench table lists it
  // per workload), the constant parts after.
  note =
      implementation + " (weights " + formatName(*chosenWeights, letters) +
      (prepacked ? reordered ? ", reordered beforehand" : ", as given" : "") +
      ")";
  note += prepacked ? "; timed: the matmul primitive alone on B reordered to "
                      "its preferred layout (format_tag::any) in prepare"
                    : "; timed: the matmul primitive on A and B in the "
                      "workload's layout";
  note += ", C accumulated by a sum post-op, primitive created once "
          "outside the timing; " +
          versionAndIsa() + ", " + std::to_string(threads) + " thread" +
          (threads == 1 ? "" : "s") + " (libgomp)";

  return [plan] {
    plan->execute();
    dnnl_stream_wait(plan->stream);
  };
}

} // namespace autoconfig::onednn
