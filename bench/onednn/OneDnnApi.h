//===- OneDnnApi.h - Small helpers over oneDNN 2.6's C API ------*- C++ -*-===//
//
// The C API is used: the project builds without exceptions, and the C++ API
// of oneDNN 2.6 then aborts on any error instead of reporting it. These are
// the pieces every user of it here needs: owning handles, errors that name
// the call, the name of a memory format (and GompThreads.h).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_ONEDNN_ONEDNNAPI_H
#define AUTOCONFIG_BENCH_ONEDNN_ONEDNNAPI_H

#include "GompThreads.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <dnnl.h>

#include <string>
#include <utility>

namespace autoconfig::onednn {

/// "oneDNN: WHAT failed (STATUS)".
llvm::Error dnnlError(const llvm::Twine &what, dnnl_status_t status);

/// An owning handle of the C API.
template <typename T, dnnl_status_t (*Destroy)(T)> class Handle {
public:
  Handle() = default;
  Handle(Handle &&other) : raw(other.raw) { other.raw = nullptr; }
  Handle &operator=(Handle &&other) {
    reset();
    std::swap(raw, other.raw);
    return *this;
  }
  ~Handle() { reset(); }
  void reset() {
    if (raw)
      Destroy(raw);
    raw = nullptr;
  }
  /// Where a C API call that creates the object stores it.
  T *slot() {
    reset();
    return &raw;
  }
  T get() const { return raw; }

private:
  T raw = nullptr;
};
using Engine = Handle<dnnl_engine_t, dnnl_engine_destroy>;
using Stream = Handle<dnnl_stream_t, dnnl_stream_destroy>;
using Memory = Handle<dnnl_memory_t, dnnl_memory_destroy>;
using PrimitiveDesc =
    Handle<dnnl_primitive_desc_t, dnnl_primitive_desc_destroy>;
using Primitive = Handle<dnnl_primitive_t, dnnl_primitive_destroy>;
using Attr = Handle<dnnl_primitive_attr_t, dnnl_primitive_attr_destroy>;
using PostOpList = Handle<dnnl_post_ops_t, dnnl_post_ops_destroy>;

/// oneDNN's name of a memory format: logical dimensions a, b, c, ... from
/// the outermost to the innermost, blocked ones in capitals, then the inner
/// blocks ("aBcd16b" is NCHW16c).
std::string formatOf(const dnnl_memory_desc_t &md);

/// Whether two descriptors address the same bytes the same way: equal, or
/// different only in the strides of size-1 dimensions (which address
/// nothing, but which oneDNN compares).
bool sameLayout(const dnnl_memory_desc_t &a, const dnnl_memory_desc_t &b);

/// A plain (unblocked) strided layout, as views need.
bool isPlain(const dnnl_memory_desc_t &md);

/// The dense row-major layout of `dims` (f32).
dnnl_memory_desc_t rowMajor(int ndims, const dnnl_dims_t dims);

} // namespace autoconfig::onednn

#endif
