//===- OneDnnApi.h - Owning handles and helpers for oneDNN's C API -*- C++ -*-//
//
// The oneDNN peers use the C API: this project builds without exceptions,
// and the C++ API of oneDNN 2.6 then traps on any error instead of
// reporting it. These wrappers own its objects and turn its status codes
// into llvm::Error.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PEERS_ONEDNNAPI_H
#define AUTOCONFIG_BENCH_PEERS_ONEDNNAPI_H

#include "llvm/Support/Error.h"

#include <dnnl.h>

#include <memory>
#include <string>

namespace autoconfig::onednn {

llvm::Error dnnlError(const char *what, dnnl_status_t status);

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

/// A CPU engine and a stream on it.
llvm::Error makeEngineAndStream(Engine &engine, Stream &stream);

/// Primitive attributes: with `userScratchpad` the caller allocates the
/// scratchpad (once, outside the timed call); with `accumulate` a sum
/// post-op makes the primitive compute dst = op(...) + dst.
llvm::Error makeAttr(Attr &attr, bool userScratchpad, bool accumulate);

llvm::Error makeMemory(Memory &memory, const dnnl_memory_desc_t &md,
                       dnnl_engine_t engine, void *data);

/// A reorder between two memories, ready to execute.
struct Reorder {
  Primitive primitive;
  dnnl_memory_t from = nullptr, to = nullptr;

  dnnl_status_t execute(dnnl_stream_t stream) const;
};

/// A reorder from `from` to `to` (memories of `fromMd` and `toMd`); with
/// `accumulate`, to = to + from (sum post-op).
llvm::Expected<std::unique_ptr<Reorder>>
makeReorder(dnnl_engine_t engine, const dnnl_memory_desc_t &fromMd,
            dnnl_memory_t from, const dnnl_memory_desc_t &toMd,
            dnnl_memory_t to, bool accumulate);

/// The name oneDNN gives the implementation behind a primitive descriptor
/// ("brg:avx512_core", "jit:avx512_core", ...).
std::string implementationName(dnnl_primitive_desc_t desc);

/// oneDNN-style name of a memory format: dimensions from outermost to
/// innermost, blocked ones in capitals, then the inner blocks ("nChw16c").
/// `letters` names the logical dimensions in order ("nchw").
std::string formatName(const dnnl_memory_desc_t &md, const char *letters);

} // namespace autoconfig::onednn

#endif
