//===- NodeContext.h - What an op converter sees of its node ----*- C++ -*-===//
//
// A converter turns one ONNX node into MLIR. It reads its inputs (runtime
// tensors, or values known at import time), its attributes (each read marks
// the attribute as understood: one left unread makes the node unsupported),
// and sets its outputs. Problems are reported through invalid() (the model
// is wrong) or unsupported() (the importer lacks something); the driver
// prefixes the node's name.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_LIB_ONNX_NODECONTEXT_H
#define AUTOCONFIG_LIB_ONNX_NODECONTEXT_H

#include "Proto.h"

#include "autoconfig/Onnx/OnnxModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"

#include <array>
#include <memory>
#include <optional>

namespace autoconfig {

/// An ONNX value during import: a runtime tensor, a value known at import
/// time, or both (a constant is materialized the first time an op needs it
/// at run time).
struct ImportedValue {
  mlir::Value tensor;
  std::shared_ptr<const OnnxTensor> constant;
  int32_t type = 0;
};

/// Where converters report problems and find shared state.
class GraphState;

class NodeContext {
public:
  NodeContext(GraphState &graph, const ::onnx::NodeProto &node, int64_t opset,
              mlir::OpBuilder &builder, mlir::Location loc);

  const ::onnx::NodeProto &node;
  /// The opset version of the node's domain the model imports.
  const int64_t opset;
  mlir::OpBuilder &b;
  const mlir::Location loc;

  // Inputs. Optional inputs may be absent or named "".
  unsigned numInputs() const { return node.input_size(); }
  bool hasInput(unsigned i) const;
  /// OnnxDataType of input i.
  int32_t inputType(unsigned i) const;
  /// The value of input i when known at import time, else null.
  const OnnxTensor *constant(unsigned i) const;
  /// Every present input is known at import time.
  bool allConstant() const;
  /// Input i as a runtime tensor (f32 or f64; a constant is materialized).
  /// Fails, with the error reported, for other element types.
  mlir::FailureOr<mlir::Value> tensor(unsigned i);
  /// tensor(i) for a converter that has read its attributes: fails, without
  /// building anything, when reading them reported an error.
  mlir::FailureOr<mlir::Value> tensorAfterAttributes(unsigned i);
  /// Inputs 0 to N-1 as runtime tensors, read in order as tensor() reads
  /// them; fails at the first that cannot be one.
  template <size_t N> mlir::FailureOr<std::array<mlir::Value, N>> tensors() {
    std::array<mlir::Value, N> values;
    for (size_t i = 0; i < N; ++i) {
      mlir::FailureOr<mlir::Value> value = tensor(i);
      if (mlir::failed(value))
        return mlir::failure();
      values[i] = *value;
    }
    return values;
  }
  /// The shape of input i when static (runtime tensor or constant).
  std::optional<llvm::SmallVector<int64_t>> staticShape(unsigned i) const;
  /// The rank of input i.
  std::optional<int64_t> rank(unsigned i) const;
  /// Integer values of input i, which must be known at import time (shapes,
  /// axes, pads); `what` names the operand in errors.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  constantInts(unsigned i, llvm::StringRef what);
  /// Integers (axes, a shape, pads, split sizes) that the op's later opsets
  /// take as input `input` instead of attribute `name`: the attribute before
  /// opset `inputSince`, the input (known at import time, as constantInts()
  /// reads it) from then on. nullopt when the node has neither, or when the
  /// one it has is malformed (reported: check failed()).
  std::optional<llvm::SmallVector<int64_t>>
  intsAttrOrInput(llvm::StringRef name, unsigned input, int64_t inputSince);
  /// The same for integers the op requires: a missing attribute or input is
  /// invalid. `attrName` names the attribute where an old opset named it
  /// otherwise.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  requiredIntsAttrOrInput(llvm::StringRef name, unsigned input,
                          int64_t inputSince, llvm::StringRef attrName = "");

  // Attributes. Reading one marks it understood. A value of the wrong
  // attribute type is reported as invalid and the default is returned.
  bool hasAttr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t fallback);
  float floatAttr(llvm::StringRef name, float fallback);
  std::string stringAttr(llvm::StringRef name, llvm::StringRef fallback);
  std::optional<llvm::SmallVector<int64_t>> intsAttr(llvm::StringRef name);
  const ::onnx::AttributeProto *rawAttr(llvm::StringRef name);
  /// An attribute that changes nothing for inference (consumed_inputs...).
  void ignoreAttr(llvm::StringRef name) { used.insert(name); }
  /// Attributes present but never read.
  llvm::SmallVector<std::string> unreadAttributes() const;

  // Outputs.
  unsigned numOutputs() const { return node.output_size(); }
  /// Output i is requested (present and named).
  bool wantsOutput(unsigned i) const;
  void setOutput(unsigned i, mlir::Value value);
  void setConstantOutput(unsigned i, OnnxTensor value);
  /// Outputs other than the first that the converter cannot produce: an
  /// unsupported error naming the first requested one, else success.
  mlir::LogicalResult onlyFirstOutput();
  /// Input 0 as a runtime tensor for a converter that produces output 0
  /// only: onlyFirstOutput(), then tensor(0).
  mlir::FailureOr<mlir::Value> onlyOutputOperand();
  /// The end of a converter: output 0 set to `result` and success, or the
  /// failure of building it (already reported).
  mlir::LogicalResult finish(mlir::FailureOr<mlir::Value> result);
  /// The end of a converter whose output 0 is known at import time: output
  /// 0 set to `value`, and success.
  mlir::LogicalResult finishConstant(OnnxTensor value);
  /// Output 0 is input i unchanged: a value known at import time stays
  /// known, a runtime tensor is forwarded.
  mlir::LogicalResult passThrough(unsigned i);

  // Errors: return failure() after recording the first one.
  mlir::LogicalResult invalid(const llvm::Twine &message);
  mlir::LogicalResult unsupported(const llvm::Twine &missing,
                                  const llvm::Twine &message = "");
  bool failed() const;
  /// Reports an OnnxImportError (or any error, as invalid).
  mlir::LogicalResult fail(llvm::Error error);

  /// A scalar constant of `element` type.
  mlir::Value scalar(mlir::Type element, double value);
  /// Tensor constant of `value` (f32/f64 as its type says, integers as i64).
  mlir::Value materialize(const OnnxTensor &value);

  GraphState &graph;

private:
  const ::onnx::AttributeProto *findAttr(llvm::StringRef name) const;
  const ::onnx::AttributeProto *
  typedAttr(llvm::StringRef name, ::onnx::AttributeProto::AttributeType type);
  const ImportedValue *lookup(unsigned i) const;

  llvm::StringSet<> used;
};

/// A converter: builds the node, or reports why not.
using OpConverter = mlir::LogicalResult (*)(NodeContext &);

/// The converter for `opType` of the default domain at `opset`, or null.
OpConverter findConverter(llvm::StringRef opType, int64_t opset);

/// The op families (one file each) register their converters here.
struct ConverterEntry {
  llvm::StringLiteral opType;
  OpConverter convert;
  /// The first opset whose semantics the converter implements.
  int64_t sinceOpset = 1;
};
llvm::ArrayRef<ConverterEntry> elementwiseConverters();
llvm::ArrayRef<ConverterEntry> matmulConverters();
llvm::ArrayRef<ConverterEntry> convConverters();
llvm::ArrayRef<ConverterEntry> poolingConverters();
llvm::ArrayRef<ConverterEntry> normalizationConverters();
llvm::ArrayRef<ConverterEntry> reductionConverters();
llvm::ArrayRef<ConverterEntry> shapeConverters();

} // namespace autoconfig

#endif
