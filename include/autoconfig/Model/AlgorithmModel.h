//===- AlgorithmModel.h - Analysis model of one algorithm --------*- C++
//-*-===//
//
// Each optimization algorithm has an analysis model (this interface) and a
// configurable code generator (CodeGen); the Select registry pairs them. The
// model says whether the algorithm applies, derives its parameters from the
// target and profile, predicts the time, and checks hand-written configs.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_ALGORITHMMODEL_H
#define AUTOCONFIG_MODEL_ALGORITHMMODEL_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Model/ParamTable.h"
#include "autoconfig/Model/Prediction.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace autoconfig {

/// A derived config together with the one-or-two-sentence reason for it.
struct Derivation {
  Config config;
  std::string rationale;
};

class AlgorithmModel {
public:
  virtual ~AlgorithmModel() = default;

  /// Short name used in configs ("broadcast", "blocked", ...).
  virtual llvm::StringRef name() const = 0;
  virtual llvm::StringRef summary() const = 0;
  virtual std::vector<ParamSpec> params() const = 0;

  /// Whether the algorithm can compute this workload on this target; when it
  /// cannot, `whyNot` says why in a few words.
  virtual bool applies(const Workload &workload, const TargetDesc &target,
                       std::string &whyNot) const = 0;

  /// The analytical configuration (before refinement).
  virtual Derivation derive(const Workload &workload,
                            const Machine &machine) const = 0;

  /// Predicted time of the generated code for `config`.
  virtual Prediction predict(const Workload &workload, const Config &config,
                             const Machine &machine) const = 0;

  /// Legality of a (possibly hand-written) config. Illegal configs are
  /// errors naming the parameter; legal but slow ones add warnings.
  virtual llvm::Error verify(const Workload &workload, const Config &config,
                             const TargetDesc &target,
                             std::vector<std::string> &warnings) const = 0;

  /// Configs next to `config` that the refinement step evaluates.
  virtual std::vector<Config> neighbours(const Workload &workload,
                                         const Config &config,
                                         const TargetDesc &target) const = 0;

  /// The tuner's search space (may be large; the tuner samples it).
  virtual std::vector<Config> searchSpace(const Workload &workload,
                                          const TargetDesc &target) const = 0;

  /// Fills the parameters a partial config leaves out with derived values.
  /// A size below 1 (a tile, block, unroll, vector length or thread count)
  /// is nothing to derive from: the partial config is only overlaid on the
  /// derivation, and verify() rejects it with the parameter's name.
  Config complete(const Workload &workload, const Config &partial,
                  const Machine &machine) const;

protected:
  /// complete() for sizes of at least 1. The default overlays the partial
  /// config on the derivation; models whose parameters depend on each other
  /// re-derive the dependent ones.
  virtual Config completeFrom(const Workload &workload, const Config &partial,
                              const Machine &machine) const;
  /// The derivation with the partial config's values on top.
  Config overlay(const Workload &workload, const Config &partial,
                 const Machine &machine) const;
};

/// An algorithm whose parameters are the declared struct `Params` and whose
/// workloads are `WorkloadT` (GemmWorkload or ConvWorkload): its name and
/// parameter list come from the declarations, and verify() reads the config,
/// checks the declared ranges, then asks verifyParams() for the rest.
template <typename Params, typename WorkloadT>
class ModelOf : public AlgorithmModel {
public:
  llvm::StringRef name() const final { return Params::kName; }
  std::vector<ParamSpec> params() const final { return Params::specs(); }

  llvm::Error verify(const Workload &workload, const Config &config,
                     const TargetDesc &target,
                     std::vector<std::string> &warnings) const final {
    auto params = Params::fromConfig(config);
    if (!params)
      return params.takeError();
    if (llvm::Error err = params->checkRanges())
      return err;
    return verifyParams(std::get<WorkloadT>(workload), *params, target,
                        warnings);
  }

protected:
  /// What the declared ranges do not say: constraints between parameters,
  /// against the workload and against the target (errors name the
  /// parameter; legal but slow values add warnings).
  virtual llvm::Error
  verifyParams(const WorkloadT &w, const Params &p, const TargetDesc &target,
               std::vector<std::string> &warnings) const = 0;
};

} // namespace autoconfig

#endif
