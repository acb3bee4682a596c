//===- MemoryViews.cpp - Memory descriptors over the same buffer ----------===//

#include "MemoryViews.h"

#include "OneDnnApi.h"

using namespace llvm;

namespace autoconfig::onednn {

DimGroups permutationGroups(ArrayRef<int> order) {
  DimGroups groups;
  for (int d : order)
    groups.push_back(d < 0 ? SmallVector<int, 2>{} : SmallVector<int, 2>{d});
  return groups;
}

dnnl_memory_desc_t canonical(const dnnl_memory_desc_t &md) {
  if (md.format_kind != dnnl_blocked ||
      md.format_desc.blocking.inner_nblks != 0)
    return md;
  // Dense row-major but for the strides of size-1 dimensions?
  int64_t expected = 1;
  for (int i = md.ndims - 1; i >= 0; --i) {
    if (md.dims[i] == 1)
      continue;
    if (md.format_desc.blocking.strides[i] != expected)
      return md;
    expected *= md.dims[i];
  }
  dnnl_memory_desc_t out = rowMajor(md.ndims, md.dims);
  out.offset0 = md.offset0;
  return out;
}

Expected<dnnl_memory_desc_t> reshape(const dnnl_memory_desc_t &md,
                                     ArrayRef<int64_t> dims) {
  if (dims.size() == size_t(md.ndims) &&
      std::equal(dims.begin(), dims.end(), md.dims))
    return canonical(md);
  dnnl_dims_t target = {};
  std::copy(dims.begin(), dims.end(), target);
  dnnl_memory_desc_t out;
  if (dnnl_status_t s =
          dnnl_memory_desc_reshape(&out, &md, int(dims.size()), target))
    return dnnlError("reshape of " + formatOf(md), s);
  return canonical(out);
}

/// `md` with its dimensions reordered: result dimension i is md's
/// dimension order[i].
static Expected<dnnl_memory_desc_t> permute(const dnnl_memory_desc_t &md,
                                            ArrayRef<int> order) {
  bool identity = true;
  for (auto [i, d] : llvm::enumerate(order))
    identity &= int(i) == d;
  if (identity)
    return canonical(md);
  // dnnl_memory_desc_permute_axes puts input dimension j at position
  // permutation[j].
  int permutation[DNNL_MAX_NDIMS] = {};
  for (auto [i, d] : llvm::enumerate(order))
    permutation[d] = int(i);
  dnnl_memory_desc_t out;
  if (dnnl_status_t s = dnnl_memory_desc_permute_axes(&out, &md, permutation))
    return dnnlError("permutation of " + formatOf(md), s);
  return canonical(out);
}

Expected<dnnl_memory_desc_t> arrange(const dnnl_memory_desc_t &md,
                                     const DimGroups &groups) {
  // 1. Drop the dimensions in no group (size 1) and append one unit
  //    dimension per empty group.
  std::vector<int> position(md.ndims, -1);
  for (const auto &g : groups)
    for (int d : g)
      position[d] = 0;
  SmallVector<int64_t, 6> kept;
  SmallVector<int, 6> renumber(md.ndims, -1);
  for (int d = 0; d < md.ndims; ++d) {
    if (position[d] < 0) {
      if (md.dims[d] != 1)
        return createStringError(inconvertibleErrorCode(),
                                 "a dimension of size %lld is dropped",
                                 (long long)md.dims[d]);
      continue;
    }
    renumber[d] = int(kept.size());
    kept.push_back(md.dims[d]);
  }
  SmallVector<int, 6> unitOf(groups.size(), -1);
  for (auto [i, g] : llvm::enumerate(groups))
    if (g.empty()) {
      unitOf[i] = int(kept.size());
      kept.push_back(1);
    }
  auto reshaped = reshape(md, kept);
  if (!reshaped)
    return reshaped.takeError();
  // 2. Members in group order.
  SmallVector<int, 6> order;
  SmallVector<int64_t, 6> merged;
  for (auto [i, g] : llvm::enumerate(groups)) {
    int64_t size = 1;
    if (g.empty())
      order.push_back(unitOf[i]);
    for (int d : g) {
      order.push_back(renumber[d]);
      size *= md.dims[d];
    }
    merged.push_back(size);
  }
  auto permuted = permute(*reshaped, order);
  if (!permuted)
    return permuted.takeError();
  // 3. Groups of several dimensions merged.
  return reshape(*permuted, merged);
}

Expected<dnnl_memory_desc_t> unarrange(const dnnl_memory_desc_t &arranged,
                                       const DimGroups &groups,
                                       ArrayRef<int64_t> dims) {
  // 1. Groups split into their members (an empty group stays a unit).
  SmallVector<int64_t, 6> split;
  SmallVector<int, 6> members; // original dimension per split one, or -1
  for (const auto &g : groups) {
    if (g.empty()) {
      split.push_back(1);
      members.push_back(-1);
    }
    for (int d : g) {
      split.push_back(dims[d]);
      members.push_back(d);
    }
  }
  auto splitMd = reshape(arranged, split);
  if (!splitMd)
    return splitMd.takeError();
  // 2. Units of empty groups dropped, the original's dimensions in no group
  //    appended (size 1).
  SmallVector<int64_t, 6> kept;
  SmallVector<int, 6> original;
  for (auto [i, d] : llvm::enumerate(members))
    if (d >= 0) {
      kept.push_back(split[i]);
      original.push_back(d);
    }
  for (int d = 0; d < int(dims.size()); ++d)
    if (!llvm::is_contained(original, d)) {
      kept.push_back(1);
      original.push_back(d);
    }
  auto reshaped = reshape(*splitMd, kept);
  if (!reshaped)
    return reshaped.takeError();
  // 3. The original order.
  SmallVector<int, 6> order(dims.size());
  for (auto [i, d] : llvm::enumerate(original))
    order[d] = int(i);
  return permute(*reshaped, order);
}

} // namespace autoconfig::onednn
