//===- Decision.cpp - Algorithm selection by least predicted time ---------===//

#include "autoconfig/Select/Decision.h"
#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Select/Registry.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

using namespace llvm;

namespace autoconfig {

/// Applies the thread count to a config that has a `threads` parameter.
static Config withThreads(Config config, unsigned threads) {
  if (config.has("threads"))
    config.set("threads", threads);
  return config;
}

/// Hill-climbs on the model's neighbourhood: never runs the kernel.
static void refine(const AlgorithmModel &model, const Workload &workload,
                   const Machine &machine, Candidate &candidate,
                   unsigned rounds) {
  std::set<std::string> seen = {candidate.config.str()};
  for (unsigned round = 0; round < rounds; ++round) {
    bool improved = false;
    for (const Config &next :
         model.neighbours(workload, candidate.config, machine.target)) {
      if (!seen.insert(next.str()).second)
        continue;
      std::vector<std::string> ignored;
      if (Error err = model.verify(workload, next, machine.target, ignored)) {
        consumeError(std::move(err));
        continue;
      }
      if (!ignored.empty())
        continue; // refinement stays within configs that are not just slow
      Prediction p = model.predict(workload, next, machine);
      ++candidate.evaluations;
      if (p.seconds < candidate.prediction.seconds * (1 - 1e-6)) {
        candidate.config = next;
        candidate.prediction = std::move(p);
        improved = true;
      }
    }
    if (!improved)
      break;
  }
}

/// The sizes a dynamic matmul without declared likely sizes is judged at:
/// every combination of each such size's range ends and geometric middle
/// (the other sizes at their own).
static std::vector<GemmWorkload> rangeSamples(const GemmWorkload &w) {
  std::vector<GemmWorkload> samples = {w};
  auto spread = [&](int64_t GemmWorkload::*size,
                    const std::optional<SizeRange> &range) {
    if (!range || range->likely)
      return;
    int64_t middle = std::clamp<int64_t>(
        int64_t(
            std::llround(std::sqrt(double(range->min) * double(range->max)))),
        range->min, range->max);
    std::vector<GemmWorkload> next;
    for (const GemmWorkload &s : samples)
      for (int64_t v : {range->min, middle, range->max}) {
        GemmWorkload x = s;
        x.*size = v;
        if (llvm::none_of(next, [&](const GemmWorkload &y) {
              return y.m == x.m && y.n == x.n && y.k == x.k;
            }))
          next.push_back(x);
      }
    samples = std::move(next);
  };
  spread(&GemmWorkload::m, w.mRange);
  spread(&GemmWorkload::n, w.nRange);
  spread(&GemmWorkload::k, w.kRange);
  for (GemmWorkload &s : samples)
    s.setDenseStrides();
  return samples;
}

namespace {

/// A config judged over a box of sizes: its predicted time over each sample
/// size's own best config, on geometric mean and at worst.
struct RangeJudgement {
  Config config;
  double score = INFINITY, worst = 0;
  GemmWorkload worstAt;
  size_t samples = 0, configs = 0;
};

/// Judges configs over boxes of sizes (the ranges of a dynamic matmul, or
/// a size class of them), remembering each sample size's own best config:
/// the boxes a split compares share most of their samples.
class RangeJudge {
public:
  RangeJudge(const AlgorithmModel &model, const Machine &machine,
             unsigned refineRounds, const Candidate &seed)
      : model(model), machine(machine), refineRounds(refineRounds), seed(seed) {
  }

  /// The config, among the samples' own best ones and `extra`, whose
  /// predicted time over each sample's own best is least on geometric
  /// mean; nothing when no config is valid at every sample.
  std::optional<RangeJudgement> judge(const GemmWorkload &box,
                                      ArrayRef<Config> extra = {}) {
    std::vector<GemmWorkload> samples = rangeSamples(box);
    std::vector<double> own;
    std::vector<Config> configs(extra.begin(), extra.end());
    for (const GemmWorkload &s : samples) {
      const Candidate &best = ownBest(s);
      own.push_back(best.prediction.seconds);
      if (llvm::none_of(configs, [&](const Config &c) {
            return c.str() == best.config.str();
          }))
        configs.push_back(best.config);
    }
    std::optional<RangeJudgement> result;
    for (const Config &c : configs) {
      RangeJudgement j;
      j.config = c;
      double logSum = 0;
      bool valid = true;
      for (size_t i = 0; i < samples.size() && valid; ++i) {
        std::vector<std::string> warnings;
        if (Error err = model.verify(samples[i], c, machine.target, warnings)) {
          consumeError(std::move(err));
          valid = false;
          break;
        }
        double ratio = model.predict(samples[i], c, machine).seconds / own[i];
        logSum += std::log(std::max(ratio, 1e-9));
        if (ratio > j.worst) {
          j.worst = ratio;
          j.worstAt = samples[i];
        }
      }
      j.score = std::exp(logSum / double(samples.size()));
      if (valid && (!result || j.score < result->score))
        result = std::move(j);
    }
    if (result) {
      result->samples = samples.size();
      result->configs = configs.size();
    }
    return result;
  }

private:
  const Candidate &ownBest(const GemmWorkload &s) {
    auto key = std::make_tuple(s.m, s.n, s.k);
    auto it = memo.find(key);
    if (it != memo.end())
      return it->second;
    Candidate at = seed;
    Derivation derivation = model.derive(s, machine);
    at.config = withThreads(derivation.config, machine.threads);
    at.prediction = model.predict(s, at.config, machine);
    refine(model, s, machine, at, refineRounds);
    return memo.emplace(key, std::move(at)).first->second;
  }

  const AlgorithmModel &model;
  Machine machine;
  unsigned refineRounds;
  Candidate seed;
  std::map<std::tuple<int64_t, int64_t, int64_t>, Candidate> memo;
};

/// One dynamic size of a matmul: its name, value and range members.
struct DynamicSize {
  const char *name;
  int64_t GemmWorkload::*size;
  std::optional<SizeRange> GemmWorkload::*range;
};
constexpr DynamicSize kDynamicSizes[] = {
    {"M", &GemmWorkload::m, &GemmWorkload::mRange},
    {"N", &GemmWorkload::n, &GemmWorkload::nRange},
    {"K", &GemmWorkload::k, &GemmWorkload::kRange}};

/// `box` with the range of `size` narrowed to [lo, hi], configured for its
/// geometric middle.
GemmWorkload narrowed(const GemmWorkload &box, const DynamicSize &size,
                      int64_t lo, int64_t hi) {
  GemmWorkload part = box;
  SizeRange range{lo, hi};
  part.*size.range = range;
  part.*size.size = std::clamp<int64_t>(
      int64_t(std::llround(std::sqrt(double(lo) * double(hi)))), lo, hi);
  part.setDenseStrides();
  return part;
}

std::string sizesText(const GemmWorkload &s) {
  return formatv("{0}x{1}x{2}", s.m, s.n, s.k).str();
}

std::string rangeText(const GemmWorkload &box, const DynamicSize &size) {
  const SizeRange &r = *(box.*size.range);
  return formatv("{0} {1}:{2}", size.name, r.min, r.max).str();
}

} // namespace

/// A size class is split off where one config is predicted this much slower
/// than a size's own best config (docs/dynamic-shapes.md): below it, the
/// extra code of one more class (compile time, code size) is not worth it.
static constexpr double kSplitWorstRatio = 1.25;
/// At most this many classes per op: each is one more generated nest.
static constexpr size_t kMaxSizeClasses = 3;

/// For a dynamic matmul used over whole ranges (no likely size declared):
/// among the configs the model derives at each sample size of the ranges
/// and the one it derived at the middle, keeps the one whose predicted time
/// over each sample's own best is least on geometric mean. Where that
/// config is still predicted more than kSplitWorstRatio slower than a
/// sample's own best, splits one size's range at a power of four into size
/// classes, each judged the same way (the split that lowers the worst ratio
/// most), up to kMaxSizeClasses. Returns what it did, for the rationale
/// (empty when there is nothing to judge).
static std::string decideOverRanges(const AlgorithmModel &model,
                                    const GemmWorkload &w,
                                    const Machine &onMachine,
                                    unsigned refineRounds, Candidate &winner,
                                    std::vector<SizeClass> &classes) {
  std::vector<GemmWorkload> samples = rangeSamples(w);
  if (samples.size() < 2)
    return "";
  // At the winner's thread count.
  Machine machine{onMachine.target, onMachine.profile,
                  unsigned(std::max<int64_t>(
                      1, winner.config.get("threads", onMachine.threads)))};
  RangeJudge judge(model, machine, refineRounds, winner);
  std::optional<RangeJudgement> whole = judge.judge(w, {winner.config});
  if (!whole)
    return "";
  std::string text =
      formatv("judged over the size ranges at {0} sizes from {1} to {2}: "
              "{3:f1}% slower than each size's own best config on "
              "geometric mean, {4:f1}% at worst ({5}), among {6} configs",
              whole->samples, sizesText(samples.front()),
              sizesText(samples.back()), (whole->score - 1) * 100,
              (whole->worst - 1) * 100, sizesText(whole->worstAt),
              whole->configs)
          .str();

  // Size classes, all split along the size whose first split helps most.
  struct Part {
    GemmWorkload box;
    RangeJudgement judgement;
  };
  std::vector<Part> parts = {{w, *whole}};
  const DynamicSize *along = nullptr;
  while (parts.size() < kMaxSizeClasses) {
    auto worst = llvm::max_element(parts, [](const Part &a, const Part &b) {
      return a.judgement.worst < b.judgement.worst;
    });
    if (worst->judgement.worst <= kSplitWorstRatio)
      break;
    std::optional<std::pair<Part, Part>> bestSplit;
    const DynamicSize *bestSize = nullptr;
    double bestWorst = INFINITY;
    for (const DynamicSize &size : kDynamicSizes) {
      const std::optional<SizeRange> &range = worst->box.*size.range;
      if ((along && &size != along) || !range || range->likely)
        continue;
      for (int64_t at = 4; at <= range->max; at *= 4) {
        if (at <= range->min)
          continue;
        GemmWorkload low = narrowed(worst->box, size, range->min, at - 1);
        GemmWorkload high = narrowed(worst->box, size, at, range->max);
        std::optional<RangeJudgement> lowJudged = judge.judge(low);
        std::optional<RangeJudgement> highJudged = judge.judge(high);
        if (!lowJudged || !highJudged)
          continue;
        double splitWorst = std::max(lowJudged->worst, highJudged->worst);
        if (splitWorst < bestWorst) {
          bestWorst = splitWorst;
          bestSplit = {Part{low, *lowJudged}, Part{high, *highJudged}};
          bestSize = &size;
        }
      }
    }
    // A split must pay for its nest: lower the worst ratio by a tenth.
    if (!bestSplit || bestWorst > worst->judgement.worst / 1.1)
      break;
    along = bestSize;
    size_t at = size_t(worst - parts.begin());
    parts[at] = std::move(bestSplit->first);
    parts.insert(parts.begin() + at + 1, std::move(bestSplit->second));
  }

  auto contains = [&](const GemmWorkload &box) {
    return llvm::all_of(kDynamicSizes, [&](const DynamicSize &size) {
      const std::optional<SizeRange> &range = box.*size.range;
      return !range || range->contains(w.*size.size);
    });
  };
  if (parts.size() == 1) {
    winner.config = whole->config;
    winner.prediction = model.predict(w, winner.config, machine);
    return text;
  }
  std::string list;
  for (const Part &part : parts) {
    SizeClass c;
    c.workload = part.box;
    c.config = part.judgement.config;
    c.prediction = model.predict(part.box, c.config, machine);
    c.score = part.judgement.score;
    c.worst = part.judgement.worst;
    c.part = rangeText(part.box, *along);
    list += formatv("{0}{1} ({2}: {3:f1}% on geometric mean, {4:f1}% at "
                    "worst)",
                    list.empty() ? "" : "; ", c.part, c.config.str(),
                    (c.score - 1) * 100, (c.worst - 1) * 100)
                .str();
    if (contains(part.box)) {
      winner.config = c.config;
      winner.prediction = model.predict(w, c.config, machine);
    }
    classes.push_back(std::move(c));
  }
  return text +
         formatv(". One config is predicted more than {0:f0}% slower than a "
                 "size's own best there, so the range of {1} is split into "
                 "{2} size classes, the kernel dispatching on it at run "
                 "time: {3}",
                 (kSplitWorstRatio - 1) * 100, along->name, parts.size(), list)
             .str();
}

Expected<Decision> decide(const Workload &workload, const Machine &hardware,
                          const DecideOptions &options) {
  Machine machine{hardware.target, hardware.profile, options.threads};
  auto start = std::chrono::steady_clock::now();
  Decision d;
  d.workload = workload;
  const Algorithm *forced = nullptr;
  if (options.override) {
    forced = findAlgorithm(options.override->getAlgorithm());
    if (!forced) {
      std::string known;
      for (const Algorithm &a : algorithms())
        known += (known.empty() ? "" : ", ") + a.name().str();
      return createStringError(inconvertibleErrorCode(),
                               "unknown algorithm '" +
                                   options.override->getAlgorithm() +
                                   "' (known: " + known + ")");
    }
  }

  // Threads are a decision: --threads is an upper bound, and each algorithm
  // is derived, refined and predicted for every count from 1 up to it
  // (powers of two and the bound itself), with the calibrated fork/join
  // cost in its prediction; the fastest count is kept.
  std::vector<unsigned> threadCounts;
  for (unsigned t = 1; t < std::max(1u, options.threads); t *= 2)
    threadCounts.push_back(t);
  threadCounts.push_back(std::max(1u, options.threads));
  for (const Algorithm &algorithm : algorithms()) {
    const AlgorithmModel &model = *algorithm.model;
    Candidate c;
    c.algorithm = model.name().str();
    c.applicable = model.applies(workload, machine.target, c.whyNot);
    if (c.applicable && &algorithm != forced) {
      std::optional<Candidate> best;
      std::string alternatives;
      for (unsigned t : threadCounts) {
        Machine m{hardware.target, hardware.profile, t};
        Candidate trial = c;
        Derivation derivation = model.derive(workload, m);
        trial.derived = withThreads(derivation.config, t);
        trial.rationale = derivation.rationale;
        trial.config = trial.derived;
        trial.prediction = model.predict(workload, trial.config, m);
        trial.evaluations = 1;
        refine(model, workload, m, trial, options.refineRounds);
        if (threadCounts.size() > 1)
          alternatives +=
              formatv("{0}{1} thread(s) {2}", alternatives.empty() ? "" : ", ",
                      t, formatSeconds(trial.prediction.seconds))
                  .str();
        if (!best || trial.prediction.seconds < best->prediction.seconds)
          best = std::move(trial);
        // An algorithm without a thread parameter runs on one.
        if (!derivation.config.has("threads"))
          break;
      }
      c = std::move(*best);
      if (!alternatives.empty() && c.config.has("threads"))
        c.rationale =
            (StringRef(c.rationale).rtrim('.') +
             formatv("; threads={0} of up to {1} ({2}; fork/join {3})",
                     c.config.get("threads", 1), options.threads, alternatives,
                     formatSeconds(hardware.profile.forkJoinSeconds)))
                .str();
    }
    if (&algorithm == forced) {
      if (!c.applicable)
        return createStringError(inconvertibleErrorCode(),
                                 "algorithm '" + c.algorithm +
                                     "' does not apply to " +
                                     workloadName(workload) + ": " + c.whyNot);
      // A thread count the user did not give is decided as for the models'
      // own configs.
      std::optional<Candidate> best;
      for (unsigned t : options.override->has("threads")
                            ? std::vector<unsigned>{options.threads}
                            : threadCounts) {
        Machine m{hardware.target, hardware.profile, t};
        Candidate trial = c;
        trial.config = model.complete(workload, *options.override, m);
        if (!options.override->has("threads"))
          trial.config = withThreads(trial.config, t);
        // An illegal override is rejected before any model reads it.
        std::vector<std::string> warnings;
        if (Error err =
                model.verify(workload, trial.config, machine.target, warnings))
          return createStringError(
              inconvertibleErrorCode(),
              "config '" + trial.config.str() +
                  "' rejected: " + toString(std::move(err)));
        trial.prediction = model.predict(workload, trial.config, m);
        if (!best || trial.prediction.seconds < best->prediction.seconds)
          best = std::move(trial);
      }
      c = std::move(*best);
      if (Error err =
              model.verify(workload, c.config, machine.target, d.warnings))
        return createStringError(inconvertibleErrorCode(),
                                 "config '" + c.config.str() +
                                     "' rejected: " + toString(std::move(err)));
    }
    d.candidates.push_back(std::move(c));
  }

  int best = -1;
  for (int i = 0, e = int(d.candidates.size()); i < e; ++i) {
    const Candidate &c = d.candidates[i];
    if (forced) {
      if (c.algorithm == forced->name())
        best = i;
      continue;
    }
    if (c.applicable && (best < 0 || c.prediction.seconds <
                                         d.candidates[best].prediction.seconds))
      best = i;
  }
  if (best < 0)
    return createStringError(inconvertibleErrorCode(),
                             "no algorithm applies to " +
                                 workloadName(workload));
  d.userOverride = forced != nullptr;
  std::string overRanges;
  if (const auto *gemm = std::get_if<GemmWorkload>(&workload);
      gemm && gemm->isDynamic() && !d.userOverride)
    overRanges = decideOverRanges(
        *findAlgorithm(d.candidates[best].algorithm)->model, *gemm, machine,
        options.refineRounds, d.candidates[best], d.sizeClasses);
  d.chosen = best;
  d.config = d.candidates[best].config;

  const Candidate &win = d.candidates[best];
  if (d.userOverride) {
    d.reason = "user-specified config '" + options.override->str() +
               "', completed by the model; predicted " +
               formatSeconds(win.prediction.seconds) + ".";
  } else {
    std::string runnerUp;
    for (const Candidate &c : d.candidates)
      if (c.applicable && &c != &win)
        runnerUp += formatv("{0} {1}, ", c.algorithm,
                            formatSeconds(c.prediction.seconds))
                        .str();
    // The rationale explains the analytical derivation; say what the
    // refinement changed, so the text matches the chosen config.
    std::string rationale = win.rationale;
    if (win.config.str() != win.derived.str()) {
      SmallVector<StringRef> before, after, changed;
      std::string derivedText = win.derived.str(),
                  chosenText = win.config.str();
      StringRef(derivedText).split(before, ' ');
      StringRef(chosenText).split(after, ' ');
      for (StringRef token : after)
        if (!llvm::is_contained(before, token))
          changed.push_back(token);
      const AlgorithmModel &model = *findAlgorithm(win.algorithm)->model;
      double derivedSeconds =
          model.predict(workload, win.derived, machine).seconds;
      rationale =
          formatv("Derived: {0}. Refined on the model's "
                  "neighbourhood to {1} (predicted {2} instead of {3})",
                  StringRef(rationale).rtrim('.'), llvm::join(changed, " "),
                  formatSeconds(win.prediction.seconds),
                  formatSeconds(derivedSeconds))
              .str();
    }
    d.reason =
        formatv("{0}: least predicted time {1}{2}. {3}.", win.algorithm,
                formatSeconds(win.prediction.seconds),
                runnerUp.empty()
                    ? std::string(" (the only applicable algorithm)")
                    : " (others: " + runnerUp.substr(0, runnerUp.size() - 2) +
                          ")",
                StringRef(rationale).rtrim('.'))
            .str();
    if (!overRanges.empty())
      d.reason += " Then " + overRanges + ".";
  }
  d.decideSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return d;
}

json::Value toJSON(const Candidate &c) {
  json::Object o{{"algorithm", c.algorithm}, {"applicable", c.applicable}};
  if (!c.applicable) {
    o["why_not"] = c.whyNot;
    return o;
  }
  o["derived"] = c.derived.str();
  o["config"] = c.config.str();
  o["rationale"] = c.rationale;
  o["prediction"] = toJSON(c.prediction);
  o["evaluations"] = c.evaluations;
  return o;
}

json::Value toJSON(const Decision &d) {
  json::Array candidates;
  for (const Candidate &c : d.candidates)
    candidates.push_back(toJSON(c));
  json::Array warnings;
  for (const std::string &w : d.warnings)
    warnings.push_back(w);
  json::Array classes;
  for (const SizeClass &c : d.sizeClasses)
    classes.push_back(json::Object{{"workload", toJSON(c.workload)},
                                   {"part", c.part},
                                   {"config", c.config.str()},
                                   {"predicted_s", c.prediction.seconds},
                                   {"geomean_over_own_best", c.score},
                                   {"worst_over_own_best", c.worst}});
  return json::Object{{"workload", toJSON(d.workload)},
                      {"size_classes", std::move(classes)},
                      {"location", d.location},
                      {"epilogue", d.epilogue},
                      {"layout", d.layout},
                      {"epilogue_saved_s", d.epilogueSavedSeconds},
                      {"algorithm", d.winner().algorithm},
                      {"config", d.config.str()},
                      {"predicted_s", d.winner().prediction.seconds},
                      {"reason", d.reason},
                      {"user_override", d.userOverride},
                      {"warnings", std::move(warnings)},
                      {"candidates", std::move(candidates)},
                      {"decide_s", d.decideSeconds}};
}

} // namespace autoconfig
