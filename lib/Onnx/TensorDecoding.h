//===- TensorDecoding.h - onnx.TensorProto to OnnxTensor --------*- C++ -*-===//
#ifndef AUTOCONFIG_LIB_ONNX_TENSORDECODING_H
#define AUTOCONFIG_LIB_ONNX_TENSORDECODING_H

#include "Proto.h"

#include "autoconfig/Onnx/OnnxTensor.h"

namespace autoconfig {

/// The values of `proto`, checked against its dimensions; `what` names it
/// in errors (OnnxImportError).
llvm::Expected<OnnxTensor> decodeTensor(const ::onnx::TensorProto &proto,
                                        llvm::StringRef what);

} // namespace autoconfig

#endif
