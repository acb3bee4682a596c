//===- NhwcConvGenerators.h - NHWC direct and depthwise convs ---*- C++ -*-===//
#ifndef AUTOCONFIG_CODEGEN_NHWCCONVGENERATORS_H
#define AUTOCONFIG_CODEGEN_NHWCCONVGENERATORS_H

#include "autoconfig/CodeGen/ConvGenerators.h"
#include "autoconfig/Model/DepthwiseConvParams.h"
#include "autoconfig/Model/DirectConvParams.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/MathExtras.h"

#include <utility>

namespace autoconfig {

class KernelBuilder;

/// Helpers shared by the NHWC generators.
namespace nhwc {
/// The kernel rows [khLo, khHi) whose input row lies inside [0, H) for the
/// output row `row` (constants when no row touches the padding).
std::pair<mlir::Value, mlir::Value>
kernelRowRange(KernelBuilder &kb, const ConvWorkload &w, mlir::Value row);
/// Whether output column `col` reads the input at kernel column `kw`.
bool columnTapValid(const ConvWorkload &w, int64_t col, int64_t kw);
/// Calls body(col, staticCol, pixels) for the tiles of `owb` pixels of an
/// output row: tiles that touch the left/right padding and the remainder
/// tile with their static column, the interior tiles in a loop
/// (staticCol = -1).
void forEachRowTile(
    KernelBuilder &kb, const ConvWorkload &w, int64_t owb,
    llvm::function_ref<void(mlir::Value col, int64_t staticCol, int64_t pixels)>
        body);
/// Reports on `op` a vector length (Params::vl) that is not a power of two:
/// the generators' lane masks and channel blocks assume one.
template <typename Params>
mlir::LogicalResult checkVectorLength(mlir::Operation *op, const ConvWorkload &,
                                      const Params &params) {
  if (params.vl < 1 || !llvm::isPowerOf2_64(params.vl))
    return op->emitError("autoconfig: ")
           << Params::kName << ": vl must be a power of two";
  return mlir::success();
}
} // namespace nhwc

/// The entry points of the two generators (see GeneratorFn).
/// Blocked direct convolution for "nhwc_hwcf" and "nhwc_fhwc" (the FHWC
/// filter is packed to HWCF order inside the kernel).
extern const GeneratorFn generateDirectConv;
/// Depthwise convolution for "nhwc_hwc", vectorized along channels.
extern const GeneratorFn generateDepthwiseConv;

} // namespace autoconfig

#endif
