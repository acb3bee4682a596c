//===- PrimitiveSequence.cpp - oneDNN primitives run in order -------------===//

#include "PrimitiveSequence.h"

using namespace llvm;

namespace autoconfig::onednn {

Error PrimitiveSequence::init(unsigned threads) {
  if (!setGompThreads(threads))
    return createStringError(inconvertibleErrorCode(),
                             "cannot set oneDNN's thread count: libgomp is "
                             "not loaded");
  if (dnnl_status_t s = dnnl_engine_create(engineHandle.slot(), dnnl_cpu, 0))
    return dnnlError("dnnl_engine_create", s);
  if (dnnl_status_t s = dnnl_stream_create(stream.slot(), engineHandle.get(),
                                           dnnl_stream_default_flags))
    return dnnlError("dnnl_stream_create", s);
  return Error::success();
}

Expected<dnnl_memory_t>
PrimitiveSequence::newMemory(const dnnl_memory_desc_t &md, void *handle,
                             int buffer) {
  Memory memory;
  if (dnnl_status_t s =
          dnnl_memory_create(memory.slot(), &md, engineHandle.get(), handle))
    return dnnlError("dnnl_memory_create", s);
  memories.push_back(std::move(memory));
  buffers[buffer].push_back(memories.back().get());
  return memories.back().get();
}

Expected<Tensor> PrimitiveSequence::allocate(const dnnl_memory_desc_t &md) {
  buffers.emplace_back();
  bytes.push_back(dnnl_memory_desc_get_size(&md));
  int buffer = int(buffers.size()) - 1;
  auto memory = newMemory(md, DNNL_MEMORY_ALLOCATE, buffer);
  if (!memory)
    return memory.takeError();
  return Tensor{md, *memory, buffer};
}

Expected<Tensor> PrimitiveSequence::external(const dnnl_memory_desc_t &md,
                                             void *handle) {
  buffers.emplace_back();
  bytes.push_back(dnnl_memory_desc_get_size(&md));
  int buffer = int(buffers.size()) - 1;
  auto memory = newMemory(md, handle ? handle : DNNL_MEMORY_NONE, buffer);
  if (!memory)
    return memory.takeError();
  return Tensor{md, *memory, buffer};
}

Expected<Tensor> PrimitiveSequence::viewOf(const Tensor &t,
                                           const dnnl_memory_desc_t &md) {
  void *handle = nullptr;
  if (dnnl_status_t s = dnnl_memory_get_data_handle(t.memory, &handle))
    return dnnlError("dnnl_memory_get_data_handle", s);
  auto memory = newMemory(md, handle ? handle : DNNL_MEMORY_NONE, t.buffer);
  if (!memory)
    return memory.takeError();
  return Tensor{md, *memory, t.buffer};
}

Error PrimitiveSequence::bind(int buffer, void *handle) {
  for (dnnl_memory_t memory : buffers[buffer])
    if (dnnl_status_t s = dnnl_memory_set_data_handle(memory, handle))
      return dnnlError("dnnl_memory_set_data_handle", s);
  return Error::success();
}

std::string PrimitiveSequence::implName(const_dnnl_primitive_desc_t pd) {
  const char *impl = nullptr;
  dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
  return impl ? impl : "unknown";
}

const dnnl_memory_desc_t &
PrimitiveSequence::queryMd(const_dnnl_primitive_desc_t pd, dnnl_query_t what,
                           int index) {
  return *dnnl_primitive_desc_query_md(pd, what, index);
}

Error PrimitiveSequence::addStep(const PrimitiveDesc &pd,
                                 std::vector<dnnl_exec_arg_t> args,
                                 const Twine &line) {
  Primitive primitive;
  if (dnnl_status_t s = dnnl_primitive_create(primitive.slot(), pd.get()))
    return dnnlError("dnnl_primitive_create", s);
  steps.push_back({primitive.get(), std::move(args)});
  primitives.push_back(std::move(primitive));
  planLines.push_back(line.str());
  return Error::success();
}

Error PrimitiveSequence::reorder(const dnnl_memory_desc_t &fromMd,
                                 dnnl_memory_t from,
                                 const dnnl_memory_desc_t &toMd,
                                 dnnl_memory_t to, bool timed,
                                 const Twine &why) {
  PrimitiveDesc pd;
  if (dnnl_status_t s = dnnl_reorder_primitive_desc_create(
          pd.slot(), &fromMd, engine(), &toMd, engine(), nullptr))
    return dnnlError("reorder " + formatOf(fromMd) + " -> " + formatOf(toMd),
                     s);
  if (timed) {
    ++reorders;
    return addStep(pd, {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}},
                   why + ": reorder " + formatOf(fromMd) + " -> " +
                       formatOf(toMd) + " (" + implName(pd.get()) + ")");
  }
  Primitive primitive;
  if (dnnl_status_t s = dnnl_primitive_create(primitive.slot(), pd.get()))
    return dnnlError("dnnl_primitive_create (reorder)", s);
  dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
  dnnl_status_t s =
      dnnl_primitive_execute(primitive.get(), stream.get(), 2, args);
  if (s == dnnl_success)
    s = dnnl_stream_wait(stream.get());
  return s == dnnl_success ? Error::success() : dnnlError("reorder", s);
}

Expected<Tensor> PrimitiveSequence::inFormat(const Tensor &t,
                                             const dnnl_memory_desc_t &want,
                                             const Twine &why) {
  if (dnnl_memory_desc_equal(&t.md, &want))
    return t;
  if (sameLayout(t.md, want))
    return viewOf(t, want);
  auto copy = allocate(want);
  if (!copy)
    return copy.takeError();
  if (Error e = reorder(t.md, t.memory, want, copy->memory, true, why))
    return std::move(e);
  return *copy;
}

Expected<dnnl_memory_t>
PrimitiveSequence::constant(const dnnl_memory_desc_t &userMd, const float *data,
                            size_t count, const dnnl_memory_desc_t &md) {
  if (dnnl_memory_desc_get_size(&userMd) > count * sizeof(float))
    return createStringError(inconvertibleErrorCode(),
                             "a constant is smaller than its layout");
  Memory user;
  if (dnnl_status_t s = dnnl_memory_create(user.slot(), &userMd, engine(),
                                           const_cast<float *>(data)))
    return dnnlError("dnnl_memory_create", s);
  auto stored = allocate(md);
  if (!stored)
    return stored.takeError();
  if (Error e =
          reorder(userMd, user.get(), md, stored->memory, false, "constant"))
    return std::move(e);
  return stored->memory;
}

Error PrimitiveSequence::run() {
  for (const Step &step : steps)
    if (dnnl_status_t s =
            dnnl_primitive_execute(step.primitive, stream.get(),
                                   int(step.args.size()), step.args.data()))
      return dnnlError("dnnl_primitive_execute", s);
  if (dnnl_status_t s = dnnl_stream_wait(stream.get()))
    return dnnlError("dnnl_stream_wait", s);
  return Error::success();
}

} // namespace autoconfig::onednn
