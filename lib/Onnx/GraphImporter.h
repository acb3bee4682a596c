//===- GraphImporter.h - An ONNX graph to one MLIR function -----*- C++ -*-===//
#ifndef AUTOCONFIG_LIB_ONNX_GRAPHIMPORTER_H
#define AUTOCONFIG_LIB_ONNX_GRAPHIMPORTER_H

#include "Proto.h"

#include "autoconfig/Onnx/OnnxModel.h"

namespace autoconfig {

/// Imports the main graph of a validated model (OnnxModel::parse).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importGraph(const ::onnx::ModelProto &model, llvm::StringRef name,
            int64_t opset, mlir::MLIRContext &context,
            const OnnxImportOptions &options);

/// "node 'conv1' #3 (Conv)", how errors name a node.
std::string describeNode(const ::onnx::NodeProto &node, int index);
/// "" and "ai.onnx".
bool isDefaultDomain(llvm::StringRef domain);

} // namespace autoconfig

#endif
