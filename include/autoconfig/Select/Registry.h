//===- Registry.h - Algorithms: analysis model + code generator -*- C++ -*-===//
//
// The paper's common registry: every optimization algorithm registers its
// analysis model beside its configurable rewrite (generator).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_SELECT_REGISTRY_H
#define AUTOCONFIG_SELECT_REGISTRY_H

#include "autoconfig/Model/AlgorithmModel.h"

#include "mlir/IR/PatternMatch.h"

#include <functional>
#include <memory>
#include <vector>

namespace autoconfig {

using GenerateFn = std::function<mlir::LogicalResult(
    mlir::RewriterBase &, mlir::Operation *, const Workload &, const Config &,
    const TargetDesc &)>;

struct Algorithm {
  std::unique_ptr<AlgorithmModel> model;
  GenerateFn generate;

  llvm::StringRef name() const { return model->name(); }
};

/// All registered algorithms, in a fixed order.
const std::vector<Algorithm> &algorithms();
/// The algorithm named `name`, or nullptr.
const Algorithm *findAlgorithm(llvm::StringRef name);

} // namespace autoconfig

#endif
