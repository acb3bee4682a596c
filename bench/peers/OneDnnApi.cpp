//===- OneDnnApi.cpp - Owning handles and helpers for oneDNN's C API ------===//

#include "OneDnnApi.h"
#include "OneDnn.h"

#include <dnnl_debug.h>

#include <algorithm>
#include <numeric>
#include <vector>

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

llvm::Error dnnlError(const char *what, dnnl_status_t status) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "oneDNN: %s failed (%s)", what,
                                 dnnl_status2str(status));
}

llvm::Error makeEngineAndStream(Engine &engine, Stream &stream) {
  dnnl_status_t s = dnnl_engine_create(engine.slot(), dnnl_cpu, 0);
  if (s != dnnl_success)
    return dnnlError("dnnl_engine_create", s);
  s = dnnl_stream_create(stream.slot(), engine, dnnl_stream_default_flags);
  if (s != dnnl_success)
    return dnnlError("dnnl_stream_create", s);
  return llvm::Error::success();
}

llvm::Error makeAttr(Attr &attr, bool userScratchpad, bool accumulate) {
  dnnl_status_t s = dnnl_primitive_attr_create(attr.slot());
  if (s == dnnl_success && userScratchpad)
    s = dnnl_primitive_attr_set_scratchpad_mode(attr,
                                                dnnl_scratchpad_mode_user);
  if (s == dnnl_success && accumulate) {
    PostOps ops;
    s = dnnl_post_ops_create(ops.slot());
    if (s == dnnl_success)
      s = dnnl_post_ops_append_sum(ops, 1.0f);
    if (s == dnnl_success)
      s = dnnl_primitive_attr_set_post_ops(attr, ops);
  }
  return s == dnnl_success ? llvm::Error::success()
                           : dnnlError("primitive attributes", s);
}

dnnl_status_t Reorder::execute(dnnl_stream_t stream) const {
  dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
  return dnnl_primitive_execute(primitive, stream, 2, args);
}

std::string implementationName(dnnl_primitive_desc_t desc) {
  const char *impl = nullptr;
  dnnl_primitive_desc_query(desc, dnnl_query_impl_info_str, 0, &impl);
  return impl ? impl : "unknown";
}

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

llvm::Expected<std::unique_ptr<Reorder>>
makeReorder(dnnl_engine_t engine, const dnnl_memory_desc_t &fromMd,
            dnnl_memory_t from, const dnnl_memory_desc_t &toMd,
            dnnl_memory_t to, bool accumulate) {
  Attr attr; // none unless accumulating
  if (accumulate)
    if (llvm::Error e = makeAttr(attr, /*userScratchpad=*/false, true))
      return std::move(e);
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

} // namespace autoconfig::onednn
