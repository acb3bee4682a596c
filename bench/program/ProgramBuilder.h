//===- ProgramBuilder.h - An MLIR program mapped onto oneDNN ----*- C++ -*-===//
//
// Walks the entry function of a program on tensors in order and builds, for
// every op that computes a result, the oneDNN primitives an expert would
// use (see OneDnnProgramPeer.cpp for the whole picture):
//   - values computed from constants alone are evaluated once (constants);
//   - reshapes, casts, transposes and slices of computed values are views of
//     the same buffer (materialized only when oneDNN cannot describe them);
//   - convolutions, pooling, matmuls (inner products when the weights are
//     constant), reductions, element-wise ops and softmax become primitives,
//     each absorbing the element-wise ops that alone read its result as
//     post-ops (per-channel affine maps folded into constant weights and
//     bias); softmax and layer normalization decomposed into reductions and
//     element-wise ops become one primitive again;
//   - anything else is an error naming the op.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PROGRAM_PROGRAMBUILDER_H
#define AUTOCONFIG_BENCH_PROGRAM_PROGRAMBUILDER_H

#include "ConstantTensor.h"
#include "EpilogueChain.h"
#include "ScalarExpr.h"

#include "../onednn/MemoryViews.h"
#include "../onednn/PostOps.h"
#include "../onednn/PrimitiveSequence.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <map>
#include <vector>

namespace autoconfig::program {

using onednn::DimGroups;
using onednn::PostOp;
using onednn::PrimitiveSequence;
using onednn::Tensor;

/// "'linalg.generic' at model.mlir:12:5".
std::string describeOp(mlir::Operation *op);

class ProgramBuilder {
public:
  explicit ProgramBuilder(PrimitiveSequence &seq) : seq(seq) {}

  /// Builds the primitives of `entry` (sequence initialized by the caller).
  llvm::Error build(mlir::func::FuncOp entry);

  /// The buffers bound to the caller's inputs, one per argument.
  const std::vector<int> &inputBuffers() const { return inputs; }
  /// The buffers bound to the caller's outputs and their element counts.
  struct Output {
    int buffer = -1;
    size_t elements = 0;
  };
  const std::vector<Output> &outputBuffers() const { return outputs; }

private:
  // --- Values (ProgramBuilder.cpp) ---------------------------------------
  const ConstantTensor *constantOf(mlir::Value v) const;
  /// The value of a scalar constant, or of a constant tensor that holds one
  /// value.
  std::optional<double> scalarOf(mlir::Value v) const;
  bool isEmpty(mlir::Value v) const { return empties.contains(v); }
  /// Whether the value can be read now (computed, constant, or a view of
  /// such).
  bool available(mlir::Value v) const;
  /// The value as a tensor in some buffer: views and constants
  /// materialized on demand.
  llvm::Expected<Tensor> tensorOf(mlir::Value v);
  void define(mlir::Value v, const Tensor &t);
  /// `t` in format `want`: a view when the layouts agree, else a copy made
  /// in every run, once per tensor and format (two convolutions reading the
  /// program's NCHW input share its reorder).
  llvm::Expected<Tensor> inFormat(const Tensor &t,
                                  const dnnl_memory_desc_t &want,
                                  const llvm::Twine &why);
  /// `t` viewed with `groups` (reordered to row-major first if its format
  /// cannot be viewed so).
  llvm::Expected<Tensor> arranged(const Tensor &t, const DimGroups &groups,
                                  const llvm::Twine &why);
  /// The tensor `v` read through `map` (a projected permutation) in an index
  /// space of sizes `space`: broadcast dimensions have size 1.
  llvm::Expected<Tensor> readThrough(mlir::Value v, mlir::AffineMap map,
                                     llvm::ArrayRef<int64_t> space,
                                     const llvm::Twine &why);
  /// The ops that read `v`, seen through views.
  void readersOf(mlir::Value v, llvm::SmallVectorImpl<mlir::Operation *> &out);
  /// Whether a primitive executing `fused` may overwrite `buffer`: no op
  /// that still runs reads a value in it, and the caller does not own it.
  bool canOverwrite(int buffer, llvm::ArrayRef<mlir::Operation *> fused);

  bool isView(mlir::Operation *op) const;
  llvm::Expected<Tensor> materializeView(mlir::Operation *op);
  /// Whether everything `op` reads is a constant (or an empty tensor).
  bool isConstantInput(mlir::Operation *op) const;
  /// Evaluates an op all of whose operands are constants; false when it is
  /// not an op the evaluator knows (it is then mapped like any other).
  llvm::Expected<bool> evaluateConstant(mlir::Operation *op);
  llvm::Error visit(mlir::Operation *op);
  llvm::Error bindOutputs(mlir::func::ReturnOp ret);
  mlir::FailureOr<const Expr *>
  expressionOf(mlir::linalg::LinalgOp op, ExprBuilder &builder,
               llvm::SmallVectorImpl<mlir::Operation *> &inlined,
               llvm::ArrayRef<mlir::Operation *> exclude, std::string &why);

  // --- Epilogues (ProgramEpilogue.cpp) -----------------------------------
  /// Element-wise ops absorbed after a primitive, each a part of its chain.
  struct Part {
    llvm::SmallVector<mlir::Operation *> ops;
    std::vector<Step> steps;
    /// The value after this part, its dimensions, and how they make the
    /// primitive's logical destination dimensions.
    mlir::Value result;
    llvm::SmallVector<int64_t> dims;
    DimGroups groups;
  };
  /// How a primitive computes its destination, for a given epilogue.
  struct Producer {
    mlir::Operation *op = nullptr;
    /// The primitive's destination: logical dimensions; the value it
    /// computes before any epilogue, its dimensions and groups.
    llvm::SmallVector<int64_t> logicalDims;
    mlir::Value value;
    llvm::SmallVector<int64_t> valueDims;
    DimGroups groups;
    /// Steps of the op itself before any absorbed one (accumulation into a
    /// non-zero init, the scale of a sum pooling), in the value's space.
    std::vector<Step> ownSteps;
    /// Logical dimension of the output channels when per-channel scales and
    /// shifts fold into constant weights and bias; -1 otherwise.
    int channelDim = -1;
    /// The primitive applies the folded scale itself (a normalization's
    /// scale and shift) rather than to constant weights: `make` is then
    /// asked for both whenever either is not the identity.
    bool appliesScale = false;
    /// Buffers the primitive reads (never summed into in place).
    llvm::SmallVector<int> readBuffers;
    /// The destination format when the primitive has no choice (eltwise and
    /// binary write their source's).
    std::optional<dnnl_memory_desc_t> fixedDst;
    /// Creates the primitive descriptor for destination `dst` (format_kind
    /// any, or a given format), attributes and a bias (when folded).
    llvm::function_ref<dnnl_status_t(const dnnl_memory_desc_t &dst,
                                     const_dnnl_primitive_attr_t attr,
                                     bool withBias, onednn::PrimitiveDesc &pd)>
        make;
  };
  /// The chosen primitive descriptor, its post-ops, the folded per-channel
  /// scale and shift, the destination and what it absorbed.
  struct Produced {
    onednn::PrimitiveDesc pd;
    std::vector<PostOp> postOps;
    std::vector<double> scale, shift;
    bool withBias = false, folded = false;
    /// Set when the primitive writes in place (a sum into its residual
    /// operand, an eltwise into its source); allocated by emit() otherwise.
    Tensor dst;
    /// Set when the primitive sums into a copy of this residual operand,
    /// made in every run before it.
    Tensor sumCopyOf;
    std::vector<Part> parts;
  };
  std::vector<Part> collectEpilogue(const Producer &producer);
  llvm::Expected<Produced> produce(const Producer &producer);
  /// Where the steps of an epilogue live: per space, its dimensions and how
  /// they make the primitive's logical destination dimensions.
  struct Spaces {
    llvm::SmallVector<const DimGroups *> groups;
    llvm::SmallVector<llvm::ArrayRef<int64_t>> dims;
    llvm::ArrayRef<int64_t> logicalDims;
  };
  llvm::Expected<std::vector<PostOp>>
  lowerSteps(llvm::ArrayRef<Step> steps, const Spaces &spaces, int sumStep);
  /// A binary step's tensor operand as a tensor with the destination's
  /// logical dimensions.
  llvm::Expected<Tensor> operandTensor(const Step &step, const Spaces &spaces);

  // --- Ops (ProgramOps.cpp) -----------------------------------------------
  llvm::Error buildConvolution(mlir::linalg::LinalgOp op);
  llvm::Error buildPooling(mlir::linalg::LinalgOp op, bool isMax);
  llvm::Error buildContraction(mlir::linalg::LinalgOp op);
  llvm::Error buildElementwise(mlir::linalg::LinalgOp op);
  llvm::Error buildReduction(mlir::linalg::LinalgOp op);
  /// Maps the softmax or layer normalization a frontend decomposed into
  /// reductions and element-wise ops, starting from its first reduction
  /// (ProgramNormalizations.cpp); false when `op` starts no such pattern.
  llvm::Expected<bool> tryNormalization(mlir::linalg::LinalgOp op);
  llvm::Error buildSoftmaxOver(mlir::Value x, unsigned axis,
                               mlir::linalg::LinalgOp last,
                               llvm::ArrayRef<mlir::Operation *> pattern);
  llvm::Error buildLayerNormOver(mlir::Value x, float eps,
                                 mlir::linalg::LinalgOp last,
                                 llvm::ArrayRef<mlir::Operation *> pattern);
  llvm::Error buildSoftmax(mlir::linalg::SoftmaxOp op);
  /// The steps that add a non-zero init (or max with it, for max pooling).
  llvm::Expected<std::vector<Step>>
  initSteps(mlir::Value init, dnnl_alg_kind_t combine, double neutral);
  /// Records the step of a produced primitive.
  llvm::Error emit(const Producer &producer, Produced &produced,
                   std::vector<dnnl_exec_arg_t> args, const llvm::Twine &what,
                   const llvm::Twine &formats);

  PrimitiveSequence &seq;
  llvm::DenseMap<mlir::Value, ConstantTensor> constants;
  llvm::DenseSet<mlir::Value> empties;
  llvm::DenseMap<mlir::Value, Tensor> values;
  /// Ops executed, absorbed, folded or skipped.
  llvm::DenseSet<mlir::Operation *> done;
  /// Ops some result of the entry depends on.
  llvm::DenseSet<mlir::Operation *> needed;
  /// Per buffer: the values living in it.
  std::vector<std::vector<mlir::Value>> bufferValues;
  /// Buffers never written in place (the caller's inputs, constants, padded
  /// copies whose border is written once).
  llvm::DenseSet<int> readOnly;
  /// Copies made by inFormat(), by source memory object and format.
  std::map<std::pair<dnnl_memory_t, std::string>, Tensor> copies;
  std::vector<int> inputs;
  std::vector<Output> outputs;
};

} // namespace autoconfig::program

#endif
