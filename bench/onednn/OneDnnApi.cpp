//===- OneDnnApi.cpp - Small helpers over oneDNN 2.6's C API --------------===//

#include "OneDnnApi.h"

#include <dlfcn.h>
#include <dnnl_debug.h>

#include <algorithm>
#include <numeric>
#include <vector>

using namespace llvm;

namespace autoconfig::onednn {

Error dnnlError(const Twine &what, dnnl_status_t status) {
  return createStringError(inconvertibleErrorCode(),
                           "oneDNN: " + what + " failed (" +
                               dnnl_status2str(status) + ")");
}

std::string formatOf(const dnnl_memory_desc_t &md) {
  if (md.format_kind != dnnl_blocked)
    return dnnl_fmt_kind2str(md.format_kind);
  const dnnl_blocking_desc_t &b = md.format_desc.blocking;
  std::vector<int> order(md.ndims);
  std::iota(order.begin(), order.end(), 0);
  // Outermost first; a size-1 dimension's stride means nothing, so among
  // equal strides the larger dimension counts as outer (as in oneDNN's tags).
  std::sort(order.begin(), order.end(), [&](int x, int y) {
    if (b.strides[x] != b.strides[y])
      return b.strides[x] > b.strides[y];
    if (md.dims[x] != md.dims[y])
      return md.dims[x] > md.dims[y];
    return x < y;
  });
  std::string name;
  for (int d : order) {
    bool blocked = false;
    for (int i = 0; i < b.inner_nblks; ++i)
      blocked |= b.inner_idxs[i] == d;
    name += char((blocked ? 'A' : 'a') + d);
  }
  for (int i = 0; i < b.inner_nblks; ++i)
    name += std::to_string(b.inner_blks[i]) + char('a' + b.inner_idxs[i]);
  return name;
}

bool sameLayout(const dnnl_memory_desc_t &a, const dnnl_memory_desc_t &b) {
  if (dnnl_memory_desc_equal(&a, &b))
    return true;
  if (a.ndims != b.ndims || a.data_type != b.data_type ||
      a.format_kind != dnnl_blocked || b.format_kind != dnnl_blocked ||
      a.offset0 != b.offset0 || a.extra.flags || b.extra.flags)
    return false;
  const dnnl_blocking_desc_t &x = a.format_desc.blocking,
                             &y = b.format_desc.blocking;
  if (x.inner_nblks != y.inner_nblks)
    return false;
  for (int i = 0; i < x.inner_nblks; ++i)
    if (x.inner_blks[i] != y.inner_blks[i] ||
        x.inner_idxs[i] != y.inner_idxs[i])
      return false;
  for (int d = 0; d < a.ndims; ++d)
    if (a.dims[d] != b.dims[d] || a.padded_dims[d] != b.padded_dims[d] ||
        a.padded_offsets[d] != b.padded_offsets[d] ||
        (a.padded_dims[d] != 1 && x.strides[d] != y.strides[d]))
      return false;
  return true;
}

bool isPlain(const dnnl_memory_desc_t &md) {
  return md.format_kind == dnnl_blocked &&
         md.format_desc.blocking.inner_nblks == 0;
}

dnnl_memory_desc_t rowMajor(int ndims, const dnnl_dims_t dims) {
  dnnl_dims_t strides = {};
  int64_t stride = 1;
  for (int i = ndims - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= std::max<int64_t>(dims[i], 1);
  }
  dnnl_memory_desc_t md;
  dnnl_memory_desc_init_by_strides(&md, ndims, dims, dnnl_f32, strides);
  return md;
}

bool setGompThreads(unsigned threads) {
  if (void *gomp = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD))
    if (auto set = reinterpret_cast<void (*)(int)>(
            dlsym(gomp, "omp_set_num_threads"))) {
      set(int(threads));
      return true;
    }
  return false;
}

} // namespace autoconfig::onednn
