//===- Proto.h - The ONNX protobuf definitions (libonnx-dev) ----*- C++ -*-===//
//
// onnx/onnx_pb.h with ONNX_NAMESPACE=onnx and ONNX_ML=1 (the definitions
// the Debian package's CMake targets give). Only lib/Onnx includes it: the
// public headers do not expose protobuf types. Inside namespace autoconfig,
// spell the protobuf types ::onnx::...
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_LIB_ONNX_PROTO_H
#define AUTOCONFIG_LIB_ONNX_PROTO_H

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wall"
#pragma clang diagnostic ignored "-Wextra"
#include "onnx/onnx_pb.h"
#pragma clang diagnostic pop

#endif
