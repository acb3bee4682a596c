//===- Prediction.h - A predicted time as a sum of named terms ---*- C++
//-*-===//
#ifndef AUTOCONFIG_MODEL_PREDICTION_H
#define AUTOCONFIG_MODEL_PREDICTION_H

#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace autoconfig {

/// One named contribution to a predicted time, with the numbers behind it.
/// The reconciling term of Prediction::reconcile().
inline constexpr const char *kOverlapRest = "overlap rest";

struct CostTerm {
  std::string name;
  double seconds = 0;
  std::string detail;
  /// Overlapped terms (hidden behind compute) are shown but not summed.
  bool overlapped = false;
};

/// The model's prediction for one (workload, config): total and breakdown.
struct Prediction {
  double seconds = 0;
  std::vector<CostTerm> terms;
  /// How the terms combine, e.g. "max(compute, L2) + packing + overhead".
  std::string formula;

  void add(std::string name, double seconds, std::string detail,
           bool overlapped = false) {
    terms.push_back({std::move(name), seconds, std::move(detail), overlapped});
  }
  /// Makes the shown (not hidden) terms add up to `seconds`: the rest of an
  /// overlap formula (the part of the hidden terms the larger ones leave
  /// uncovered, or shown terms that run under others) becomes the term
  /// kOverlapRest. Every model's predict() ends with it, so that `explain`
  /// prints terms that add up to the total it prints.
  void reconcile();
  /// The sum of the terms not hidden.
  double shownSeconds() const;

  const CostTerm *term(const std::string &name) const {
    for (const CostTerm &t : terms)
      if (t.name == name)
        return &t;
    return nullptr;
  }
};

llvm::json::Value toJSON(const CostTerm &term);
llvm::json::Value toJSON(const Prediction &prediction);

} // namespace autoconfig

#endif
