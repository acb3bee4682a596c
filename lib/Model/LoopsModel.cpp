//===- LoopsModel.cpp - Model of the scalar loop-nest fallback ------------===//
//
// The loop nest accumulates into the output element in memory at every
// reduction step: a scalar FMA, two loads and a store per multiply-add, bound
// by the store port, plus the loop control.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/LoopsParams.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace autoconfig {
namespace {

class LoopsModel final : public AlgorithmModel {
public:
  StringRef name() const override { return "loops"; }
  StringRef summary() const override {
    return "fallback: the op's plain scalar loop nest (no vectorization "
           "configured)";
  }
  std::vector<ParamSpec> params() const override { return {}; }
  bool takesDynamicSizes() const override { return true; }
  bool applies(const Workload &, const TargetDesc &,
               std::string &) const override {
    return true;
  }
  Derivation derive(const Workload &, const Machine &) const override {
    return {Config("loops"), "scalar loop nest: the fallback when no "
                             "vectorized algorithm applies"};
  }
  Prediction predict(const Workload &workload, const Config &,
                     const Machine &machine) const override {
    const Profile &p = machine.profile;
    const VectorCosts &v = p.forBits(128);
    double fmas = workloadFlops(workload) / 2;
    double perFma = 1 / v.storePerSecond + 3 * p.loopIterationSeconds;
    Prediction pred;
    pred.seconds = fmas * perFma + p.callOverheadSeconds;
    pred.formula = "multiply-adds x (store + loop control)";
    pred.add("compute", fmas * perFma,
             formatv("{0:e2} scalar multiply-adds through memory", fmas).str());
    pred.reconcile();
    return pred;
  }
  Error verify(const Workload &, const Config &config, const TargetDesc &,
               std::vector<std::string> &) const override {
    if (!config.params().empty())
      return createStringError(inconvertibleErrorCode(),
                               "'loops' takes no parameters");
    return Error::success();
  }
  std::vector<Config> neighbours(const Workload &, const Config &,
                                 const TargetDesc &) const override {
    return {};
  }
  std::vector<Config> searchSpace(const Workload &,
                                  const TargetDesc &) const override {
    return {Config("loops")};
  }
};

} // namespace

std::unique_ptr<AlgorithmModel> createLoopsModel() {
  return std::make_unique<LoopsModel>();
}

} // namespace autoconfig
