//===- ConfigFuzzer.cpp - Fuzzing the config text and its verification ----===//
//
// Input: the text of a config, as a user writes it in --config or in an
// `autoconfig.config` attribute. Invariants:
//  - Config::parse either fails with a message or returns a config whose
//    printed form parses back to the same config;
//  - every registered algorithm's verify() accepts or rejects the config's
//    parameters (with a message) on fixed workloads and targets, and a config
//    it accepts has a prediction that is a number, not NaN or negative;
//  - complete() of a partial config never crashes (for parameter values
//    below 2^31 in magnitude: the bound the tool enforces first).
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "autoconfig/Model/Config.h"
#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Select/Registry.h"

#include "llvm/Support/xxhash.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

using namespace autoconfig;
using namespace autoconfig::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return -1; // configs are one line; long inputs only slow the search
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<Config> parsed = Config::parse(text);
  if (!parsed) {
    std::string message = llvm::toString(parsed.takeError());
    FUZZ_CHECK(llvm::StringRef(message).starts_with("invalid config"));
    return 0;
  }
  llvm::Expected<Config> reparsed = Config::parse(parsed->str());
  FUZZ_CHECK(bool(reparsed));
  FUZZ_CHECK(*reparsed == *parsed);

  bool withinToolLimits = true;
  for (const auto &param : parsed->params())
    if (param.second <= -(int64_t(1) << 31) || param.second >= int64_t(1) << 31)
      withinToolLimits = false;

  static const std::vector<Profile> profiles = [] {
    std::vector<Profile> all;
    for (const TargetDesc &t : fixedTargets())
      all.push_back(Profile::nominal(t));
    return all;
  }();
  // One target per input (all of them over the corpus): each input already
  // costs every model's verify, predict and complete on every workload.
  {
    size_t ti = llvm::xxh3_64bits(text) % fixedTargets().size();
    const TargetDesc &target = fixedTargets()[ti];
    Machine machine{target, profiles[ti]};
    for (const Workload &workload : fixedWorkloads()) {
      for (const Algorithm &algorithm : algorithms()) {
        const AlgorithmModel &model = *algorithm.model;
        std::string whyNot;
        if (!model.applies(workload, target, whyNot))
          continue;
        // The parameters, whatever algorithm the text named, against every
        // model: each must check them all.
        Config config = *parsed;
        config.setAlgorithm(model.name().str());
        std::vector<std::string> warnings;
        if (llvm::Error err =
                model.verify(workload, config, target, warnings)) {
          FUZZ_CHECK(!llvm::toString(std::move(err)).empty());
        } else {
          Prediction p = model.predict(workload, config, machine);
          FUZZ_CHECK(!std::isnan(p.seconds) && p.seconds > 0);
        }
        // What `--config` does with a partial config: complete, then verify;
        // the tool first rejects values of 2^31 or more in magnitude
        // (checkConfigValues in tools/autoconfig/Program.cpp).
        if (!withinToolLimits)
          continue;
        Config completed = model.complete(workload, config, machine);
        FUZZ_CHECK(completed.getAlgorithm() == model.name());
        std::vector<std::string> ignored;
        if (llvm::Error err =
                model.verify(workload, completed, target, ignored)) {
          llvm::consumeError(std::move(err));
        } else {
          Prediction p = model.predict(workload, completed, machine);
          FUZZ_CHECK(!std::isnan(p.seconds) && p.seconds > 0);
        }
      }
    }
  }
  return 0;
}
