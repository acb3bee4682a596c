//===- OnnxModel.h - ONNX models in: parse, validate, import ----*- C++ -*-===//
//
// The ONNX frontend. An ONNX model (protobuf) is parsed and validated, then
// imported as one function @forward on tensors in the idiom the rest of the
// project handles best (what torch-mlir emits): linalg named ops for the
// kernels (conv_2d_nchw_fchw after a tensor.pad, matmul, batch_matmul,
// pooling), linalg.generic for elementwise ops and reductions, tensor ops for
// data movement, initializers as dense constants (large ones as
// dense_resource blobs). See docs/onnx.md.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_ONNX_ONNXMODEL_H
#define AUTOCONFIG_ONNX_ONNXMODEL_H

#include "autoconfig/Onnx/OnnxTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/Support/Error.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace autoconfig {

/// Why an import stopped.
enum class OnnxErrorKind {
  /// Not a valid ONNX model: corrupt or truncated protobuf, unknown opset,
  /// missing initializer, inconsistent shapes or attributes.
  Invalid,
  /// Valid ONNX that the importer does not handle: an op, an attribute value,
  /// an element type.
  Unsupported,
};

/// An import error. The message names the node ("node 'conv1' (Conv): ...");
/// for Unsupported, `missing` names what is missing in a few words ("op
/// Resize", "type int64", "Conv attribute auto_pad=VALID"...).
class OnnxImportError : public llvm::ErrorInfo<OnnxImportError> {
public:
  static char ID;
  OnnxImportError(OnnxErrorKind kind, std::string message,
                  std::string missing = "")
      : kind(kind), message(std::move(message)), missing(std::move(missing)) {}
  void log(llvm::raw_ostream &os) const override { os << message; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

  OnnxErrorKind kind;
  std::string message;
  std::string missing;
};

struct OnnxImportOptions {
  /// Name of the imported function.
  std::string entry = "forward";
  /// Graph inputs replaced by constants of these values (specialization:
  /// shape operands, indices, or inputs of types the runner cannot pass).
  std::map<std::string, OnnxTensor> boundInputs;
  /// Static shapes for graph inputs, replacing symbolic dimensions; a static
  /// dimension of the graph must agree.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Initializers (and folded constants) of at least this many bytes become
  /// dense_resource blobs; smaller ones are dense literals.
  int64_t resourceThresholdBytes = 1024;
};

/// A graph input or output as the model declares it.
struct OnnxValueInfo {
  std::string name;
  /// OnnxDataType; Undefined when not a tensor (sequence, map, optional).
  int32_t type = 0;
  bool hasShape = false;
  /// -1 for a symbolic (dim_param) or unknown dimension.
  std::vector<int64_t> shape;
  /// An initializer of the same name gives the input a default value.
  bool hasInitializer = false;
};

/// A parsed and validated ONNX model.
class OnnxModel {
public:
  /// Parses serialized bytes; `name` names the model in errors and
  /// locations. Errors are OnnxImportError (Invalid).
  static llvm::Expected<OnnxModel> parse(llvm::StringRef bytes,
                                         llvm::StringRef name);
  static llvm::Expected<OnnxModel> load(llvm::StringRef path);

  OnnxModel(OnnxModel &&);
  OnnxModel &operator=(OnnxModel &&);
  ~OnnxModel();

  llvm::StringRef name() const;
  /// The default domain's opset version.
  int64_t opsetVersion() const;
  /// Graph inputs in declaration order, those with initializers included.
  const std::vector<OnnxValueInfo> &inputs() const;
  const std::vector<OnnxValueInfo> &outputs() const;
  /// Distinct op types of the main graph in order of first use.
  std::vector<std::string> opTypes() const;

  /// The model as a module with one function (options.entry) taking the
  /// unbound graph inputs without initializers, in order, and returning the
  /// graph outputs. Errors are OnnxImportError.
  llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
  import(mlir::MLIRContext &context,
         const OnnxImportOptions &options = {}) const;

private:
  struct Impl;
  explicit OnnxModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

/// A path the command line treats as ONNX (extension ".onnx").
bool isOnnxPath(llvm::StringRef path);

/// load() then import().
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxFile(llvm::StringRef path, mlir::MLIRContext &context,
               const OnnxImportOptions &options = {});

/// The dialects an imported module uses (to register before import).
void registerOnnxImportDialects(mlir::DialectRegistry &registry);

} // namespace autoconfig

#endif
