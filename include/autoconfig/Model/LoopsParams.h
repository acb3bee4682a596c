//===- LoopsParams.h - The fallback: linalg's own loop nest -----*- C++ -*-===//
#ifndef AUTOCONFIG_MODEL_LOOPSPARAMS_H
#define AUTOCONFIG_MODEL_LOOPSPARAMS_H

#include "autoconfig/Model/AlgorithmModel.h"

#include <memory>

namespace autoconfig {

/// "loops": the op lowered to its plain scalar loop nest (what MLIR gives
/// without configuration). It applies to every op AutoConfig extracts, so a
/// workload no vectorized algorithm handles still compiles; its model
/// predicts it slow, so it is chosen only then. No parameters.
std::unique_ptr<AlgorithmModel> createLoopsModel();

} // namespace autoconfig

#endif
