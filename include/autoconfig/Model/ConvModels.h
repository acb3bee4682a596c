//===- ConvModels.h - Analysis models of the convolution algorithms -*- C++
//-*-===//
#ifndef AUTOCONFIG_MODEL_CONVMODELS_H
#define AUTOCONFIG_MODEL_CONVMODELS_H

#include "autoconfig/Model/AlgorithmModel.h"

#include <memory>

namespace autoconfig {

std::unique_ptr<AlgorithmModel> createCbsmConvModel();

} // namespace autoconfig

#endif
