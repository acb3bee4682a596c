//===- Idioms.h - Frontend idioms brought to the kernels' forms -*- C++ -*-===//
//
// Frontends (torch-mlir, TorchDynamo, ONNX importers) write what a matmul or
// convolution kernel could do itself as separate ops: a transpose before a
// matmul operand, a contraction as a linalg.generic, batch normalization as
// an affine generic on constants after a convolution, padding taps that only
// ever read zeros. The patterns below rewrite those idioms, on tensors before
// bufferization, into the forms the configured kernels handle at no runtime
// cost. Each is a rewrite pattern; `autoconfig-normalize-idioms` applies them
// all.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_IMPORT_IDIOMS_H
#define AUTOCONFIG_IMPORT_IDIOMS_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace autoconfig {

/// A `linalg.generic` computing a matmul, batch matmul, matrix-vector or
/// vector-matrix product (multiply-add body, contraction iterators) becomes
/// the named `linalg.matmul` / `linalg.batch_matmul` with the operands'
/// layouts as indexing maps (vectors get a unit dimension by reshapes).
void populateContractionGenericPatterns(mlir::RewritePatternSet &patterns);

/// A transpose (`linalg.transpose`, or a generic that only permutes) feeding
/// an operand of a named matmul or batch matmul becomes that operand's
/// indexing map (the transposed-A/B variants), so no copy runs.
void populateTransposeFoldingPatterns(mlir::RewritePatternSet &patterns);

/// An elementwise generic that is affine in a convolution's or matmul's
/// result with per-output-channel constant coefficients (inference batch
/// normalization, a scale, a shift) folds into the op's constant weights:
/// y = a[c] * conv(x, W) + b[c] = conv(x, a * W) + b[c]; the bias add that
/// remains is an ordinary elementwise epilogue.
void populateAffineIntoWeightsPatterns(mlir::RewritePatternSet &patterns);

/// A convolution whose zero-padded input leaves some filter taps reading
/// only padding for every output position drops those taps: the constant
/// filter is sliced and the padding reduced (small spatial sizes, e.g. a
/// 3x3 convolution on a 1x1 map, read 1 of 9 taps).
void populateDropPaddedTapsPatterns(mlir::RewritePatternSet &patterns);

/// createNormalizeIdiomsPass() (Passes.h) applies all of the above, then
/// one `linalg.fill` per destination (a fill shared by several ops' outputs
/// bufferizes to a copy per op).

} // namespace autoconfig

#endif
