//===- MemoryViews.h - Memory descriptors over the same buffer --*- C++ -*-===//
//
// A tensor of a program and the operand of a oneDNN primitive are often the
// same bytes seen with other logical dimensions: an NHWC tensor is the
// source of a convolution whose logical order is NCHW; [N, C, 1, 1] is the
// [N, C] source of an inner product; a transposed weight is a strided view.
// These functions derive one descriptor from the other without copying,
// whatever the (blocked) format, when oneDNN can describe the result.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_ONEDNN_MEMORYVIEWS_H
#define AUTOCONFIG_BENCH_ONEDNN_MEMORYVIEWS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <dnnl.h>

#include <vector>

namespace autoconfig::onednn {

/// For each dimension of an arranged descriptor, the dimensions of the
/// original it is made of, outermost first (empty: a unit dimension).
/// Dimensions of the original in no group have size 1.
using DimGroups = std::vector<llvm::SmallVector<int, 2>>;

/// The groups that rename dimensions only: arranged dimension i is original
/// dimension order[i] (-1: a unit dimension).
DimGroups permutationGroups(llvm::ArrayRef<int> order);

/// `md` seen with the dimensions `groups` makes.
llvm::Expected<dnnl_memory_desc_t> arrange(const dnnl_memory_desc_t &md,
                                           const DimGroups &groups);

/// The inverse of arrange(): `arranged` seen with the original dimensions
/// `dims`.
llvm::Expected<dnnl_memory_desc_t> unarrange(const dnnl_memory_desc_t &arranged,
                                             const DimGroups &groups,
                                             llvm::ArrayRef<int64_t> dims);

/// The row-major descriptor when `md` is row-major but for the strides of
/// its size-1 dimensions (they address nothing, but oneDNN compares them):
/// a [1, 1, N] view of a dense [N] is then the row-major [1, 1, N].
dnnl_memory_desc_t canonical(const dnnl_memory_desc_t &md);

/// `md` with dimensions `dims` (same elements in row-major order).
llvm::Expected<dnnl_memory_desc_t> reshape(const dnnl_memory_desc_t &md,
                                           llvm::ArrayRef<int64_t> dims);

} // namespace autoconfig::onednn

#endif
