//===- Prediction.h - A predicted time as a sum of named terms --*- C++ -*-===//
#ifndef AUTOCONFIG_MODEL_PREDICTION_H
#define AUTOCONFIG_MODEL_PREDICTION_H

#include "llvm/Support/JSON.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
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
  /// The "threads" term, costless itself (its cost is in the others'
  /// division and in the fork/join overhead): how `threads` share `units`
  /// (e.g. "jc blocks") and the balance of that split.
  template <typename Count>
  void addThreads(int64_t threads, Count count, llvm::StringRef units,
                  double balance) {
    add("threads", 0,
        llvm::formatv("{0} thread(s) over {1} {2}: balance {3:f2}", threads,
                      count, units, balance)
            .str(),
        true);
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

/// The prediction for a config the model cannot cost: an infinite time and
/// `formula` saying why.
inline Prediction invalidPrediction(std::string formula) {
  Prediction pred;
  pred.seconds = INFINITY;
  pred.formula = std::move(formula);
  return pred;
}

llvm::json::Value toJSON(const CostTerm &term);
llvm::json::Value toJSON(const Prediction &prediction);

} // namespace autoconfig

#endif
