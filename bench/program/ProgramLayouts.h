//===- ProgramLayouts.h - What the op builders share ------------*- C++ -*-===//
//
// Small functions the op builders (ProgramConvolution.cpp,
// ProgramContraction.cpp, ProgramOps.cpp) share: a value's dimensions,
// descriptors of a shape, and how the dimensions of an op's operands make
// the primitive's logical ones.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PROGRAM_PROGRAMLAYOUTS_H
#define AUTOCONFIG_BENCH_PROGRAM_PROGRAMLAYOUTS_H

#include "../onednn/MemoryViews.h"
#include "../onednn/OneDnnApi.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include "llvm/ADT/SmallVector.h"

#include <initializer_list>

namespace autoconfig::program {

inline llvm::SmallVector<int64_t> dimsOf(mlir::Value v) {
  return llvm::SmallVector<int64_t>(
      llvm::cast<mlir::ShapedType>(v.getType()).getShape());
}

inline dnnl_memory_desc_t anyOf(llvm::ArrayRef<int64_t> dims) {
  dnnl_dims_t d = {};
  std::copy(dims.begin(), dims.end(), d);
  dnnl_memory_desc_t md;
  dnnl_memory_desc_init_by_tag(&md, int(dims.size()), d, dnnl_f32,
                               dnnl_format_tag_any);
  return md;
}

inline dnnl_memory_desc_t rowMajorOf(llvm::ArrayRef<int64_t> dims) {
  dnnl_dims_t d = {};
  std::copy(dims.begin(), dims.end(), d);
  return onednn::rowMajor(int(dims.size()), d);
}

/// The sizes of `dims` the groups make.
inline llvm::SmallVector<int64_t> groupedDims(const onednn::DimGroups &groups,
                                              llvm::ArrayRef<int64_t> dims) {
  llvm::SmallVector<int64_t> out;
  for (const auto &g : groups) {
    int64_t size = 1;
    for (int d : g)
      size *= dims[d];
    out.push_back(size);
  }
  return out;
}

inline llvm::SmallVector<int, 2> groupOf(std::initializer_list<int> dims) {
  llvm::SmallVector<int, 2> g;
  for (int d : dims)
    if (d >= 0)
      g.push_back(d);
  return g;
}

/// The tensor dimension `map` reads with loop `loop`, or -1.
inline int tensorDimOf(mlir::AffineMap map, unsigned loop) {
  for (auto [j, e] : llvm::enumerate(map.getResults()))
    if (auto d = llvm::dyn_cast<mlir::AffineDimExpr>(e);
        d && d.getPosition() == loop)
      return int(j);
  return -1;
}

} // namespace autoconfig::program

#endif
