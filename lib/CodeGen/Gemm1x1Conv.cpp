//===- Gemm1x1Conv.cpp - 1x1 convolution as a blocked GEMM ----------------===//
//
// A 1x1 convolution with stride 1 and no padding is a matrix product of the
// tensors as they are stored, with no im2col:
//
//   NCHW/FCHW: Y[n] (F x H*W) += W (F x C) * X[n] (C x H*W)   one per image
//   NHWC/HWCF: Y (N*H*W x F) += X (N*H*W x C) * W (C x F)
//   NHWC/FHWC: the same with W stored F x C (a transposed B)
//
// The matrices are memref.collapse_shape views (and rank-reduced subviews
// per image); the blocked GEMM generator runs on them unchanged.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/GemmConvGenerators.h"
#include "autoconfig/CodeGen/GemmGenerators.h"
#include "autoconfig/CodeGen/GeneratorEntry.h"
#include "autoconfig/CodeGen/KernelBuilder.h"
#include "autoconfig/Support/Arithmetic.h"

#include "GeneratorEntryPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <numeric>

using namespace mlir;

namespace autoconfig {

namespace gemmconv {

bool canCollapse(Value memref, ArrayRef<ReassociationIndices> groups) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  return type && memref::CollapseShapeOp::isGuaranteedCollapsible(type, groups);
}

Value collapse(OpBuilder &builder, Location loc, Value memref,
               ArrayRef<ReassociationIndices> groups) {
  return memref::CollapseShapeOp::create(builder, loc, memref, groups);
}

LogicalResult checkGemmLayout(Operation *op, StringRef algorithm,
                              const ConvWorkload &w) {
  if (!equivalentGemm(w) || w.groups != 1)
    return op->emitError("autoconfig: '")
           << algorithm
           << "' needs an NCHW/FCHW, NHWC/HWCF or NHWC/FHWC convolution, "
              "got layout '"
           << convLayoutName(w.layout) << "' with " << w.groups << " group(s)";
  return success();
}

} // namespace gemmconv

namespace {

bool isNchw(const ConvWorkload &w) { return w.layout == ConvLayout::NchwFchw; }

/// Reassociations of the three operands' views (input, filter, output).
struct ViewGroups {
  SmallVector<ReassociationIndices> input, filter, output;
};

ViewGroups viewGroups(const ConvWorkload &w) {
  if (isNchw(w)) // X (N, C, HW); W (F, C); Y (N, F, HW)
    return {{{0}, {1}, {2, 3}}, {{0}, {1, 2, 3}}, {{0}, {1}, {2, 3}}};
  if (w.layout == ConvLayout::NhwcHwcf) // X (NHW, C); W (C, F); Y (NHW, F)
    return {{{0, 1, 2}, {3}}, {{0, 1, 2}, {3}}, {{0, 1, 2}, {3}}};
  // nhwc_fhwc: W (F, C)
  return {{{0, 1, 2}, {3}}, {{0}, {1, 2, 3}}, {{0, 1, 2}, {3}}};
}

/// The first operand of `op` (on memrefs) that its view cannot collapse,
/// else a null value.
Value uncollapsibleOperand(linalg::LinalgOp op, const ConvWorkload &w,
                           bool withInput) {
  ViewGroups groups = viewGroups(w);
  std::pair<Value, const SmallVector<ReassociationIndices> *> views[] = {
      {op.getDpsInputOperand(0)->get(), withInput ? &groups.input : nullptr},
      {op.getDpsInputOperand(1)->get(), &groups.filter},
      {op.getDpsInitOperand(0)->get(), &groups.output}};
  for (auto [memref, reassociation] : views)
    if (reassociation && !gemmconv::canCollapse(memref, *reassociation))
      return memref;
  return {};
}

LogicalResult checkGemm1x1Conv(Operation *op, const ConvWorkload &w,
                               const Gemm1x1ConvParams &params) {
  if (failed(gemmconv::checkGemmLayout(op, "gemm1x1", w)))
    return failure();
  if (w.kh != 1 || w.kw != 1 || w.strideH != 1 || w.strideW != 1 || w.padTop ||
      w.padLeft || w.padBottom || w.padRight)
    return op->emitError("autoconfig: 'gemm1x1' needs a 1x1 kernel, stride 1 "
                         "and no padding (use 'im2col')");
  return gemmconv::checkGemmViews(op, "gemm1x1", w, params.gemm,
                                  /*withInput=*/true);
}

} // namespace

LogicalResult gemmconv::checkGemmViews(Operation *op, StringRef algorithm,
                                       const ConvWorkload &w,
                                       const BlockedGemmParams &gemm,
                                       bool withInput) {
  if (!gemm.packB && w.layout == ConvLayout::NhwcFhwc)
    return op->emitError("autoconfig: '")
           << algorithm
           << "' with packB=0 needs HWCF weights (FHWC weights are a "
              "transposed B)";
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics())
    return success();
  if (Value memref = uncollapsibleOperand(linalgOp, w, withInput))
    return op->emitError("autoconfig: '")
           << algorithm << "' needs "
           << (withInput ? "contiguous tensors"
                         : "a contiguous filter and output")
           << " to view them as matrices, got " << memref.getType();
  return success();
}

void emitGemm1x1Conv(OpBuilder &builder, Location loc,
                     const ConvOperands &operands, const ConvWorkload &w,
                     const Gemm1x1ConvParams &params,
                     const TargetDesc &target) {
  std::optional<GemmWorkload> gemm = equivalentGemm(w);
  assert(gemm && "layout checked by the caller");
  ViewGroups groups = viewGroups(w);
  Value x = gemmconv::collapse(builder, loc, operands.input, groups.input);
  Value filter =
      gemmconv::collapse(builder, loc, operands.filter, groups.filter);
  Value y = gemmconv::collapse(builder, loc, operands.output, groups.output);
  std::optional<Epilogue> epilogue = nhwcMatrixEpilogue(operands, w);
  if (w.layout == ConvLayout::NhwcFhwc) {
    MemRefMatrixSource a(x, /*transposed=*/false);
    MemRefMatrixSource b(filter, /*transposed=*/true);
    emitBlockedGemm(builder, loc, a, b, y, *gemm, params.gemm, target,
                    epilogue ? &*epilogue : nullptr);
    return;
  }
  if (!isNchw(w)) {
    GemmOperands matrices{x, filter, y, epilogue ? &*epilogue : nullptr};
    emitBlockedGemm(builder, loc, matrices, *gemm, params.gemm, target);
    return;
  }
  KernelBuilder kb(builder, loc, y, target);
  kb.forRange(0, w.n, 1, [&](Value image) {
    GemmOperands matrices{filter, matrixOfBatch(kb.b(), loc, x, image),
                          matrixOfBatch(kb.b(), loc, y, image)};
    emitBlockedGemm(kb.b(), loc, matrices, *gemm, params.gemm, target);
  });
}

constinit const GeneratorFn generateGemm1x1Conv =
    generatorEntry<emitGemm1x1Conv, checkGemm1x1Conv,
                   gemmconv::fusesEpilogue<Gemm1x1ConvParams>>;

} // namespace autoconfig
