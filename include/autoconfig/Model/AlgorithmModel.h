//===- AlgorithmModel.h - Analysis model of one algorithm -------*- C++ -*-===//
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
#include "autoconfig/Model/ConfigChecks.h"
#include "autoconfig/Model/Neighbours.h"
#include "autoconfig/Model/ParamTable.h"
#include "autoconfig/Model/Prediction.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <type_traits>
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

  /// Whether the generator takes sizes known only at run time (a workload
  /// with size ranges).
  virtual bool takesDynamicSizes() const { return false; }

  /// Whether the generator takes inputs of this element type (every one
  /// takes f32 and f64; bf16 and i8 need their packed layouts and dot
  /// products).
  virtual bool takesElement(ElementKind element) const {
    return element == ElementKind::F32 || element == ElementKind::F64;
  }

  /// Whether the target has the instructions the generator emits (AMX
  /// tiles, say): an algorithm not available on a target applies to
  /// nothing there.
  virtual bool availableOn(const TargetDesc &) const { return true; }

  /// Whether the algorithm can compute this workload on this target; when it
  /// cannot, `whyNot` says why in a few words.
  virtual bool applies(const Workload &workload, const TargetDesc &target,
                       std::string &whyNot) const = 0;

protected:
  /// takesElement() as applies() asks it, with the reason when it does not.
  bool takesElementOrSays(ElementKind element, std::string &whyNot) const {
    if (takesElement(element))
      return true;
    whyNot = std::string("its generator takes no ") + elementName(element) +
             " inputs";
    return false;
  }

public:
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

/// The workload as a `WorkloadT`, or null with `whyNot` saying it is not a
/// matmul (or not a convolution).
template <typename WorkloadT>
const WorkloadT *workloadAs(const Workload &workload, std::string &whyNot) {
  static_assert(std::is_same_v<WorkloadT, GemmWorkload> ||
                std::is_same_v<WorkloadT, ConvWorkload>);
  const auto *w = std::get_if<WorkloadT>(&workload);
  if (!w)
    whyNot = std::is_same_v<WorkloadT, GemmWorkload> ? "not a matmul"
                                                     : "not a convolution";
  return w;
}

/// The vector registers a register tile holds, and how the algorithm counts
/// them ("ui*uj+uj+1").
struct RegisterUse {
  int64_t registers;
  llvm::StringLiteral formula;
};

/// For applies(): records why the algorithm does not apply; false.
inline bool notApplicable(std::string &whyNot, std::string why) {
  whyNot = std::move(why);
  return false;
}

/// An algorithm whose parameters are the declared struct `Params` and whose
/// workloads are `WorkloadT` (GemmWorkload or ConvWorkload): its name and
/// parameter list come from the declarations, and the interface's entry
/// points unpack the workload and read the config once, then hand the
/// typed values to the model's hooks below. verify() also checks the
/// declared ranges before verifyParams() and, after it, warns about vectors
/// wider than the target's and register tiles beyond its registers;
/// predict() reconciles the terms predictParams() gives
/// (Prediction::reconcile).
template <typename Params, typename WorkloadT>
class ModelOf : public AlgorithmModel {
public:
  /// deriveFor()'s answer: the derived parameters and why.
  struct DerivedParams {
    Params params;
    std::string rationale;
  };

  llvm::StringRef name() const final { return Params::kName; }
  llvm::StringRef summary() const final { return Params::kSummary; }
  std::vector<ParamSpec> params() const final { return Params::specs(); }

  bool applies(const Workload &workload, const TargetDesc &target,
               std::string &whyNot) const final {
    const WorkloadT *w = workloadAs<WorkloadT>(workload, whyNot);
    if (w && !takesElementOrSays(w->element, whyNot))
      return false;
    if constexpr (std::is_same_v<WorkloadT, GemmWorkload>)
      if (w && w->isDynamic() && !takesDynamicSizes())
        return notApplicable(whyNot, "its generator takes static sizes only");
    return w && appliesTo(*w, target, whyNot);
  }

  Derivation derive(const Workload &workload,
                    const Machine &machine) const final {
    DerivedParams derived = deriveFor(std::get<WorkloadT>(workload), machine);
    return {derived.params.toConfig(), std::move(derived.rationale)};
  }

  Prediction predict(const Workload &workload, const Config &config,
                     const Machine &machine) const final {
    const auto &w = std::get<WorkloadT>(workload);
    auto params = Params::fromConfig(config);
    if (!params)
      return invalidPrediction("invalid config: " +
                               llvm::toString(params.takeError()));
    Prediction pred = predictParams(w, *params, machine);
    pred.reconcile();
    return pred;
  }

  llvm::Error verify(const Workload &workload, const Config &config,
                     const TargetDesc &target,
                     std::vector<std::string> &warnings) const final {
    auto params = Params::fromConfig(config);
    if (!params)
      return params.takeError();
    if (llvm::Error err = params->checkRanges())
      return err;
    const auto &w = std::get<WorkloadT>(workload);
    if (llvm::Error err = verifyParams(w, *params, target, warnings))
      return err;
    if constexpr (requires { params->vl; })
      if (warnsWideVectors())
        warnVectorLength(params->vl, outputElement(w.element), target,
                         warnings);
    RegisterUse use = registerUse(w, *params);
    warnRegisters(use.formula, use.registers, target, warnings);
    return llvm::Error::success();
  }

  /// None around a config that does not read as `Params`.
  std::vector<Config> neighbours(const Workload &workload, const Config &config,
                                 const TargetDesc &target) const final {
    std::optional<Params> params = paramsOrNothing<Params>(config);
    if (!params)
      return {};
    return neighboursOf(std::get<WorkloadT>(workload), config, *params, target);
  }

  std::vector<Config> searchSpace(const Workload &workload,
                                  const TargetDesc &target) const final {
    std::vector<Config> space;
    for (const Params &p : searchSpaceOf(std::get<WorkloadT>(workload), target))
      space.push_back(p.toConfig());
    return space;
  }

protected:
  /// Where derivations and search spaces start: the declared defaults with
  /// `vl` the target's lanes for the workload's elements and, for an
  /// algorithm with a `mask` for its tails, masking where the target masks
  /// loads and stores cheaply (natively, or with AVX's masked moves).
  static Params startingParams(const WorkloadT &w, const TargetDesc &target) {
    Params p;
    // Lanes of the accumulators (f32 for bf16 inputs).
    if constexpr (requires { p.vl; })
      p.vl = target.lanes(elementBits(outputElement(w.element)));
    if constexpr (requires { p.mask; })
      p.mask = target.nativeMasking || target.hasFeature("avx") ? 1 : 0;
    return p;
  }
  /// Whether the algorithm computes this workload of its kind (say why not
  /// in `whyNot`); by default every one.
  virtual bool appliesTo(const WorkloadT &, const TargetDesc &,
                         std::string &) const {
    return true;
  }
  virtual DerivedParams deriveFor(const WorkloadT &w,
                                  const Machine &machine) const = 0;
  /// predict() for a config that reads as `Params` (its values may still be
  /// out of range: a hand-written config is predicted before it is
  /// verified), before predict() reconciles its terms.
  virtual Prediction predictParams(const WorkloadT &w, const Params &p,
                                   const Machine &machine) const = 0;
  /// What the declared ranges and the register count do not say:
  /// constraints between parameters, against the workload and against the
  /// target (errors name the parameter; legal but slow values add warnings).
  virtual llvm::Error verifyParams(const WorkloadT &, const Params &,
                                   const TargetDesc &,
                                   std::vector<std::string> &) const {
    return llvm::Error::success();
  }
  /// Whether verify() warns about a `vl` wider than the target's vectors
  /// (warnVectorLength): LLVM splits every vector op of such a config.
  virtual bool warnsWideVectors() const { return true; }
  /// The vector registers the register tile of `p` holds on `w`, counted
  /// once for verify()'s warning and for the neighbourhood's bound.
  virtual RegisterUse registerUse(const WorkloadT &w,
                                  const Params &p) const = 0;
  /// Whether the register tile of `p` fits the target's vector registers.
  bool fitsRegisters(const WorkloadT &w, const Params &p,
                     const TargetDesc &target) const {
    return registerUse(w, p).registers <= int64_t(target.vectorRegisters);
  }
  /// The moves of addTileSteps() around `p` along the register tile's
  /// dimensions `a` and `b` that keep the tile within the registers.
  std::vector<Config> fittingTileSteps(const WorkloadT &w, const Params &p,
                                       int64_t Params::*a, int64_t Params::*b,
                                       const TargetDesc &target) const {
    std::vector<Config> result;
    addTileSteps(result, p, a, b,
                 [&](const Params &q) { return fitsRegisters(w, q, target); });
    return result;
  }
  /// neighbours() of `config`, which reads as `p`.
  virtual std::vector<Config> neighboursOf(const WorkloadT &w,
                                           const Config &config,
                                           const Params &p,
                                           const TargetDesc &target) const = 0;
  virtual std::vector<Params> searchSpaceOf(const WorkloadT &w,
                                            const TargetDesc &target) const = 0;

  /// complete() re-derives in `p`, the derivation with `partial` on top,
  /// the parameters that depend on those `partial` gives, and says whether
  /// it did; by default none depends on another.
  virtual bool rederive(const WorkloadT &, const Config & /*partial*/, Params &,
                        const Machine &) const {
    return false;
  }
  Config completeFrom(const Workload &workload, const Config &partial,
                      const Machine &machine) const override {
    Config merged = overlay(workload, partial, machine);
    // A merged config that does not read as `Params`: verify() reports it.
    std::optional<Params> params = paramsOrNothing<Params>(merged);
    if (!params ||
        !rederive(std::get<WorkloadT>(workload), partial, *params, machine))
      return merged;
    return params->toConfig();
  }
};

/// A model whose register tile is a GEMM micro-kernel's: mr x nr of
/// vl-lane vectors (microTileRegisters), with blocks of nc columns and
/// kc-deep reduction passes (the blocked GEMM, Winograd's batched GEMMs).
template <typename Params, typename WorkloadT>
class MicroKernelModelOf : public ModelOf<Params, WorkloadT> {
protected:
  RegisterUse registerUse(const WorkloadT &, const Params &p) const final {
    return {microTileRegisters(p.mr, p.nr, p.vl), "mr*nr/vl + nr/vl + 1"};
  }
  /// Whether the neighbour `q` has a micro-kernel to offer: a tile of at
  /// least one row and vector, passes of at least 8, within the registers;
  /// nc is cut to whole tiles on the way.
  bool keepMicroKernelMove(const WorkloadT &w, Params &q,
                           const TargetDesc &target) const {
    if (q.mr < 1 || q.nr < q.vl || q.kc < 8)
      return false;
    q.nc = wholeTiles(q.nc, q.nr);
    return this->fitsRegisters(w, q, target);
  }
};

} // namespace autoconfig

#endif
