//===- Prediction.cpp - JSON form of predictions --------------------------===//

#include "autoconfig/Model/Prediction.h"
#include "autoconfig/Model/AlgorithmModel.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace llvm;

namespace autoconfig {

double Prediction::shownSeconds() const {
  double shown = 0;
  for (const CostTerm &t : terms)
    if (!t.overlapped)
      shown += t.seconds;
  return shown;
}

void Prediction::reconcile() {
  llvm::erase_if(terms,
                 [](const CostTerm &t) { return t.name == kOverlapRest; });
  if (!std::isfinite(seconds))
    return;
  double rest = seconds - shownSeconds();
  if (std::fabs(rest) <= 1e-9 * std::fabs(seconds))
    return;
  add(kOverlapRest, rest,
      rest > 0 ? "what the overlap formula adds to the terms shown (the part "
                 "of the hidden terms the larger ones leave uncovered)"
               : "what the overlap formula takes from the terms shown (they "
                 "run under one another)");
}

json::Value toJSON(const CostTerm &t) {
  return json::Object{{"name", t.name},
                      {"seconds", t.seconds},
                      {"detail", t.detail},
                      {"overlapped", t.overlapped}};
}

json::Value toJSON(const Prediction &p) {
  json::Array terms;
  for (const CostTerm &t : p.terms)
    terms.push_back(toJSON(t));
  return json::Object{{"seconds", p.seconds},
                      {"formula", p.formula},
                      {"terms", std::move(terms)}};
}

Config AlgorithmModel::overlay(const Workload &workload, const Config &partial,
                               const Machine &machine) const {
  Config full = derive(workload, machine).config;
  for (const auto &[key, value] : partial.params())
    full.set(key, value);
  return full;
}

Config AlgorithmModel::completeFrom(const Workload &workload,
                                    const Config &partial,
                                    const Machine &machine) const {
  return overlay(workload, partial, machine);
}

Config AlgorithmModel::complete(const Workload &workload, const Config &partial,
                                const Machine &machine) const {
  // Flags (mask, prefetch, packA, packB) may be 0; every other parameter is
  // a size.
  for (const auto &[key, value] : partial.params())
    if (key != "mask" && key != "prefetch" && key != "packA" &&
        key != "packB" && value < 1)
      return overlay(workload, partial, machine);
  return completeFrom(workload, partial, machine);
}

} // namespace autoconfig
