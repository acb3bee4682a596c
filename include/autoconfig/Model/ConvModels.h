//===- ConvModels.h - Models of the convolutions ----------------*- C++ -*-===//
#ifndef AUTOCONFIG_MODEL_CONVMODELS_H
#define AUTOCONFIG_MODEL_CONVMODELS_H

#include "autoconfig/Model/AlgorithmModel.h"

#include <memory>

namespace autoconfig {

std::unique_ptr<AlgorithmModel> createCbsmConvModel();

} // namespace autoconfig

#endif
