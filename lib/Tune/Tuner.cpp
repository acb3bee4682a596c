//===- Tuner.cpp - Search tuner over the same configs and generators ------===//
//
// Strategy: exhaustive when the space is no larger than the budget; otherwise
// random sampling of 60% of the trials, then a local search from the best
// measured config through the models' neighbourhoods (the same moves the
// model's refinement makes, but measured), then random again if the
// neighbourhood is exhausted. The model's pick is measured first, and the
// final comparison re-times the best few and the model's pick interleaved,
// in two passes of opposite orders, so that the regret is not the artefact
// of one noisy sample. The local strategy skips the random sampling: the
// other algorithms' model-derived configs, then the neighbourhood steps.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Tune/Tuner.h"
#include "autoconfig/Bench/Reference.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Select/Registry.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

using namespace llvm;

namespace autoconfig {

static std::vector<double> ranks(ArrayRef<double> values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> result(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]])
      ++j;
    double rank = (double(i) + double(j)) / 2 + 1;
    for (size_t k = i; k <= j; ++k)
      result[order[k]] = rank;
    i = j + 1;
  }
  return result;
}

double spearmanCorrelation(ArrayRef<double> x, ArrayRef<double> y) {
  if (x.size() != y.size() || x.size() < 3)
    return 0;
  std::vector<double> rx = ranks(x), ry = ranks(y);
  double n = double(x.size());
  double mx = (n + 1) / 2, sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mx) * (ry[i] - mx);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - mx) * (ry[i] - mx);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
}

namespace {

/// Measures configs of one workload. Inputs are shared; each trial checks
/// its result on a fresh copy, then is timed on one shared set of buffers.
/// Only the kernels that may reach the final comparison are kept.
class TrialRunner {
public:
  TrialRunner(const Workload &workload, const TuneOptions &options)
      : workload(workload), options(options), initial(makeBuffers(workload)),
        reference(computeReference(workload, initial)),
        timingBuffers(cloneBuffers(initial)) {}

  /// Runs one trial; on success `kernel` holds its compiled kernel.
  Trial run(const Config &config, double predicted,
            std::unique_ptr<CompiledKernel> &kernel) {
    Trial trial;
    trial.config = config;
    trial.predictedSeconds = predicted;
    auto compiled = compileKernel(workload, config, options.target);
    if (!compiled) {
      trial.error = toString(compiled.takeError());
      return trial;
    }
    trial.compileSeconds = (*compiled)->compileSeconds;
    {
      WorkloadBuffers check = cloneBuffers(initial);
      (*compiled)->run(check.pointers());
      trial.verified =
          compareToReference(workload, check.outputBuffer(), reference).passed;
    }
    if (!trial.verified) {
      trial.error = "result differs from the reference";
      return trial;
    }
    CompiledKernel *k = compiled->get();
    std::vector<void *> pointers = timingBuffers.pointers();
    trial.measuredSeconds =
        timeInterleaved({[k, pointers] { k->run(pointers); }}, options.timing)
            .front()
            .medianSeconds;
    kernel = std::move(*compiled);
    return trial;
  }

  /// Re-times kernels interleaved in the same rounds, twice, the second
  /// time in the reverse order; each kernel keeps the lower of its two
  /// medians. A burst of noise on the host during one pass, or the place in
  /// the round, then no longer decides the regret (Zen 5 guest: the model's
  /// square_2048 pick timed 105 ms in one pass and 85-90 ms in others).
  std::vector<double> retime(ArrayRef<CompiledKernel *> kernels) {
    std::vector<std::function<void()>> calls;
    std::vector<void *> pointers = timingBuffers.pointers();
    for (CompiledKernel *k : kernels)
      calls.push_back([k, pointers] { k->run(pointers); });
    TimingOptions timing = options.timing;
    timing.samples = std::max(9u, timing.samples);
    timing.sampleSeconds = std::max(0.01, timing.sampleSeconds);
    std::vector<double> seconds;
    for (const TimingStats &s : timeInterleaved(calls, timing))
      seconds.push_back(s.medianSeconds);
    std::reverse(calls.begin(), calls.end());
    std::vector<TimingStats> reversed = timeInterleaved(calls, timing);
    for (size_t i = 0; i < seconds.size(); ++i)
      seconds[i] =
          std::min(seconds[i], reversed[seconds.size() - 1 - i].medianSeconds);
    return seconds;
  }

private:
  const Workload &workload;
  const TuneOptions &options;
  WorkloadBuffers initial;
  ReferenceResult reference;
  WorkloadBuffers timingBuffers;
};

/// One candidate of the space, with the model that predicts it.
struct SpacePoint {
  Config config;
  const AlgorithmModel *model;
};

} // namespace

Expected<TuneResult> tune(const Workload &workload,
                          const TuneOptions &options) {
  double start = nowSeconds();
  TuneResult result;
  result.workload = workload;
  Machine machine{options.target, options.profile, options.threads};

  DecideOptions decideOptions;
  decideOptions.threads = options.threads;
  auto decision = decide(workload, machine, decideOptions);
  if (!decision)
    return decision.takeError();
  result.modelConfig = decision->config;
  result.modelConfigSeconds = decision->decideSeconds;
  result.modelPredictedSeconds = decision->winner().prediction.seconds;

  // The space: every applicable algorithm's, legal configs only (sampled
  // from only by the sampling strategy).
  bool sampling = options.strategy == TuneStrategy::Sampling;
  std::vector<SpacePoint> space;
  for (const Algorithm &algorithm : algorithms()) {
    if (!sampling)
      break;
    std::string whyNot;
    if (!algorithm.model->applies(workload, options.target, whyNot))
      continue;
    for (Config config :
         algorithm.model->searchSpace(workload, options.target)) {
      if (config.has("threads"))
        config.set("threads", options.threads);
      std::vector<std::string> warnings;
      if (Error err = algorithm.model->verify(workload, config, options.target,
                                              warnings)) {
        consumeError(std::move(err));
        continue;
      }
      space.push_back({config, algorithm.model.get()});
    }
  }

  TrialRunner runner(workload, options);
  std::set<std::string> tried;
  // The model's kernel and the three fastest trials' kernels, by trial.
  std::unique_ptr<CompiledKernel> modelKernel;
  std::vector<std::pair<size_t, std::unique_ptr<CompiledKernel>>> leaders;
  auto measure = [&](const Config &config, const AlgorithmModel &model,
                     bool modelPick) {
    tried.insert(config.str());
    std::unique_ptr<CompiledKernel> kernel;
    Trial trial = runner.run(
        config, model.predict(workload, config, machine).seconds, kernel);
    trial.modelPick = modelPick;
    trial.atSeconds = nowSeconds() - start;
    if (kernel && modelPick) {
      modelKernel = std::move(kernel);
    } else if (kernel) {
      leaders.emplace_back(result.trials.size(), std::move(kernel));
      std::sort(leaders.begin(), leaders.end(), [&](auto &a, auto &b) {
        double ta = a.first < result.trials.size()
                        ? result.trials[a.first].measuredSeconds
                        : trial.measuredSeconds;
        double tb = b.first < result.trials.size()
                        ? result.trials[b.first].measuredSeconds
                        : trial.measuredSeconds;
        return ta < tb;
      });
      if (leaders.size() > 3)
        leaders.pop_back();
    }
    if (trial.error.empty() && (result.bestSeconds == 0 ||
                                trial.measuredSeconds < result.bestSeconds)) {
      result.bestSeconds = trial.measuredSeconds;
      result.bestConfig = trial.config;
    }
    if (options.trialLog) {
      json::Object line{{"workload", workloadName(workload)}};
      json::Value fields = toJSON(trial);
      for (auto &kv : *fields.getAsObject())
        line[kv.first] = kv.second;
      *options.trialLog << formatv("{0}", json::Value(std::move(line))) << "\n";
      options.trialLog->flush();
    }
    result.trials.push_back(std::move(trial));
    if (options.progress)
      options.progress(unsigned(result.trials.size()), options.trials + 1,
                       result.bestSeconds);
  };
  auto outOfTime = [&] {
    return options.timeBudgetSeconds > 0 &&
           nowSeconds() - start > options.timeBudgetSeconds;
  };

  const AlgorithmModel &winnerModel =
      *findAlgorithm(decision->winner().algorithm)->model;
  measure(result.modelConfig, winnerModel, /*modelPick=*/true);
  if (!result.trials.front().error.empty())
    return createStringError(inconvertibleErrorCode(),
                             "the model's config '" + result.modelConfig.str() +
                                 "' failed: " + result.trials.front().error);
  result.modelSeconds = result.trials.front().measuredSeconds;

  std::mt19937_64 rng(options.seed);
  std::vector<size_t> order(space.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  size_t next = 0;
  auto randomCandidate = [&]() -> const SpacePoint * {
    while (next < order.size()) {
      const SpacePoint &c = space[order[next++]];
      if (!tried.count(c.config.str()))
        return &c;
    }
    return nullptr;
  };

  unsigned planned = options.trials;
  bool exhaustive = space.size() <= planned;
  unsigned randomPhase = !sampling    ? 0
                         : exhaustive ? planned
                                      : planned * 6 / 10;
  unsigned done = 0;
  if (!sampling) {
    // The algorithms the model ranked behind its pick, closest first; one
    // predicted several times slower would only be tried if the model were
    // off by as much, which its pick's own predicted/measured ratio shows.
    constexpr double kPlausibleFactor = 4;
    std::vector<const Candidate *> others;
    for (const Candidate &c : decision->candidates)
      if (c.applicable && &c != &decision->winner() &&
          c.prediction.seconds <
              kPlausibleFactor * result.modelPredictedSeconds)
        others.push_back(&c);
    std::sort(others.begin(), others.end(),
              [](const Candidate *a, const Candidate *b) {
                return a->prediction.seconds < b->prediction.seconds;
              });
    for (const Candidate *c : others) {
      if (done >= planned || outOfTime())
        break;
      const Algorithm *algorithm = findAlgorithm(c->algorithm);
      if (!algorithm || tried.count(c->config.str()))
        continue;
      measure(c->config, *algorithm->model, false);
      ++done;
    }
  }
  while (done < randomPhase && !outOfTime()) {
    const SpacePoint *c = randomCandidate();
    if (!c)
      break;
    measure(c->config, *c->model, false);
    ++done;
  }
  // Local search around the best measured config.
  while (done < planned && !outOfTime()) {
    const SpacePoint *pick = nullptr;
    SpacePoint neighbour;
    const Algorithm *bestAlgorithm =
        findAlgorithm(result.bestConfig.getAlgorithm());
    if (bestAlgorithm) {
      for (Config n : bestAlgorithm->model->neighbours(
               workload, result.bestConfig, options.target)) {
        if (n.has("threads"))
          n.set("threads", options.threads);
        std::vector<std::string> warnings;
        if (tried.count(n.str()))
          continue;
        if (Error err = bestAlgorithm->model->verify(
                workload, n, options.target, warnings)) {
          consumeError(std::move(err));
          continue;
        }
        neighbour = {n, bestAlgorithm->model.get()};
        pick = &neighbour;
        break;
      }
    }
    if (!pick && sampling)
      pick = randomCandidate();
    if (!pick)
      break;
    measure(pick->config, *pick->model, false);
    ++done;
  }

  // Final interleaved re-timing of the model's pick and the best three.
  std::vector<CompiledKernel *> finalists = {modelKernel.get()};
  for (auto &[trial, kernel] : leaders)
    finalists.push_back(kernel.get());
  std::vector<double> final = runner.retime(finalists);
  result.modelSeconds = final[0];
  result.bestSeconds = final[0];
  result.bestConfig = result.modelConfig;
  for (size_t i = 1; i < final.size(); ++i)
    if (final[i] < result.bestSeconds) {
      result.bestSeconds = final[i];
      result.bestConfig = result.trials[leaders[i - 1].first].config;
    }
  result.regret = result.modelSeconds / result.bestSeconds - 1;

  // When the search first matched the model's pick (within 1%).
  for (const Trial &t : result.trials)
    if (!t.modelPick && t.error.empty() &&
        t.measuredSeconds <= result.trials.front().measuredSeconds * 1.01) {
      result.secondsToMatchModel = t.atSeconds;
      break;
    }

  std::vector<double> predicted, measured;
  for (const Trial &t : result.trials)
    if (t.error.empty()) {
      predicted.push_back(t.predictedSeconds);
      measured.push_back(t.measuredSeconds);
    }
  result.spearman = spearmanCorrelation(predicted, measured);
  result.tuneWallSeconds = nowSeconds() - start;
  return result;
}

json::Value toJSON(const Trial &t) {
  json::Object o{{"config", t.config.str()},
                 {"algorithm", t.config.getAlgorithm()},
                 {"predicted_s", t.predictedSeconds},
                 {"compile_s", t.compileSeconds},
                 {"at_s", t.atSeconds},
                 {"model_pick", t.modelPick},
                 {"verified", t.verified}};
  if (t.error.empty())
    o["measured_s"] = t.measuredSeconds;
  else {
    o["measured_s"] = nullptr;
    o["error"] = t.error;
  }
  return o;
}

json::Value toJSON(const TuneResult &r) {
  size_t failed = 0;
  for (const Trial &t : r.trials)
    failed += !t.error.empty();
  return json::Object{
      {"workload", workloadName(r.workload)},
      {"kind", workloadKind(r.workload)},
      {"shape", workloadShape(r.workload)},
      {"flops", workloadFlops(r.workload)},
      {"trials", int64_t(r.trials.size())},
      {"failed_trials", int64_t(failed)},
      {"tune_wall_s", r.tuneWallSeconds},
      {"best_config", r.bestConfig.str()},
      {"best_measured_s", r.bestSeconds},
      {"model_config", r.modelConfig.str()},
      {"model_measured_s", r.modelSeconds},
      {"model_predicted_s", r.modelPredictedSeconds},
      {"model_config_s", r.modelConfigSeconds},
      {"tuner_s_to_match_model", r.secondsToMatchModel < 0
                                     ? json::Value(nullptr)
                                     : json::Value(r.secondsToMatchModel)},
      {"regret", r.regret},
      {"spearman", r.spearman}};
}

} // namespace autoconfig
