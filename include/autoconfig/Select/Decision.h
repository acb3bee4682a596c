//===- Decision.h - Algorithm selection and configuration -------*- C++ -*-===//
#ifndef AUTOCONFIG_SELECT_DECISION_H
#define AUTOCONFIG_SELECT_DECISION_H

#include "autoconfig/Model/AlgorithmModel.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace autoconfig {

/// One algorithm's evaluation for a workload.
struct Candidate {
  std::string algorithm;
  bool applicable = false;
  /// Why the algorithm does not apply (when !applicable).
  std::string whyNot;
  Config derived;
  /// After refinement on the model's neighbourhood.
  Config config;
  std::string rationale;
  Prediction prediction;
  /// Model evaluations spent refining.
  unsigned evaluations = 0;
};

/// One size class of a dynamic matmul: a part of its size ranges with its
/// own config (the generated code dispatches on the run-time sizes).
struct SizeClass {
  /// The matmul with the class's ranges, configured for their middles.
  GemmWorkload workload;
  /// This class's part of the range the classes split ("M 1:3").
  std::string part;
  Config config;
  /// At the class's middle sizes.
  Prediction prediction;
  /// Predicted time over each sample size's own best config: geometric
  /// mean and worst over the class's sample sizes.
  double score = 1, worst = 1;
};

struct Decision {
  Workload workload;
  /// Where the op is in the source ("file.mlir:3:5"), when known.
  std::string location;
  /// The fused elementwise epilogue, when one follows the op: what it does
  /// and the memory traffic fusing it saves (a separate pass would read and
  /// write the output once more).
  std::string epilogue;
  double epilogueSavedSeconds = 0;
  /// The layout decision for an NCHW convolution of a program on tensors
  /// (kept, or run in NHWC between reorders), when one was made.
  std::string layout;
  std::vector<Candidate> candidates;
  /// For a dynamic matmul whose ranges one config does not serve: the size
  /// classes, in order along the size they split (empty: one config).
  std::vector<SizeClass> sizeClasses;
  /// Index into candidates of the chosen one.
  int chosen = -1;
  Config config;
  /// One or two sentences: why this algorithm and these parameters.
  std::string reason;
  bool userOverride = false;
  std::vector<std::string> warnings;
  /// Wall time the decision took.
  double decideSeconds = 0;

  const Candidate &winner() const { return candidates[chosen]; }
};

struct DecideOptions {
  /// A user's (possibly partial) config; missing parameters are derived.
  std::optional<Config> override;
  /// Neighbourhood refinement rounds (0 = analytical derivation only).
  unsigned refineRounds = 4;
  /// Threads the generated code may use.
  unsigned threads = 1;
};

/// Evaluates every applicable algorithm's model and picks the least
/// predicted time, or validates and completes a user's override.
llvm::Expected<Decision> decide(const Workload &workload,
                                const Machine &machine,
                                const DecideOptions &options = {});

llvm::json::Value toJSON(const Candidate &candidate);
llvm::json::Value toJSON(const Decision &decision);

} // namespace autoconfig

#endif
