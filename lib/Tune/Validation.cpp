//===- Validation.cpp - Checking the model on the machine at hand ---------===//

#include "autoconfig/Tune/Validation.h"
#include "autoconfig/Bench/Suite.h"
#include "autoconfig/Support/Statistics.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace autoconfig {

static ConvWorkload conv(const char *name, StringRef spec, StringRef layout) {
  // The specs are fixed and valid: a failure is a programming error.
  ConvWorkload w = cantFail(parseConvSpec(spec, layout));
  w.name = name;
  return w;
}

std::vector<Workload> validationWorkloads() {
  // Shapes from the suites in ../shared/workloads (ResNet-50, MobileNetV2,
  // BERT), scaled so that the double-precision reference of each takes well
  // under a second.
  return {
      GemmWorkload::dense("gemm_small_64", 64, 64, 64),
      GemmWorkload::dense("gemm_large_256x1024x1024", 256, 1024, 1024),
      GemmWorkload::dense("gemv_1x4096x1024", 1, 4096, 1024),
      GemmWorkload::dense("gemm_bt_128x768x768", 128, 768, 768,
                          /*transB=*/true),
      conv("conv3x3_resnet50_l2", "1,128,28,28,128,3,3,1,1,1,1", "nchw"),
      conv("conv1x1_resnet50_l1", "1,256,56,56,64,1,1,1,0,1,1", "nhwc"),
      conv("depthwise3x3_mobilenetv2", "1,144,56,56,144,3,3,1,1,1,144", "nhwc"),
  };
}

ValidationRecord validateWorkload(const Workload &workload,
                                  const TuneOptions &options) {
  ValidationRecord record;
  record.workload = workload;
  TuneOptions local = options;
  local.strategy = TuneStrategy::Local;
  Expected<TuneResult> result = tune(workload, local);
  if (!result) {
    record.error = toString(result.takeError());
    return record;
  }
  record.modelConfig = result->modelConfig;
  record.predictedSeconds = result->modelPredictedSeconds;
  record.measuredSeconds = result->modelSeconds;
  record.bestConfig = result->bestConfig;
  record.bestSeconds = result->bestSeconds;
  record.regret = result->regret;
  record.trials = unsigned(result->trials.size());
  record.wallSeconds = result->tuneWallSeconds;
  return record;
}

ValidationSummary summarizeValidation(ArrayRef<ValidationRecord> records,
                                      double tolerance) {
  ValidationSummary s;
  s.tolerance = tolerance;
  std::vector<double> ratios, regrets;
  for (const ValidationRecord &r : records) {
    ++s.workloads;
    s.trials += r.trials;
    s.wallSeconds += r.wallSeconds;
    if (!r.ok()) {
      ++s.failed;
      continue;
    }
    double ratio = r.predictedOverMeasured();
    ratios.push_back(ratio);
    s.withinTolerance += std::fabs(ratio - 1) <= tolerance;
    regrets.push_back(r.regret);
    if (s.worstWorkload.empty() || r.regret > s.maxRegret) {
      s.maxRegret = r.regret;
      s.worstWorkload = workloadName(r.workload);
    }
  }
  s.medianPredictedOverMeasured = ratios.empty() ? 0 : median(ratios);
  s.medianRegret = regrets.empty() ? 0 : median(regrets);
  return s;
}

std::string ValidationSummary::verdict() const {
  unsigned ran = workloads - failed;
  if (ran == 0)
    return formatv("no workload ran ({0} failed)", failed).str();
  std::string text =
      formatv("pred/meas within ±{0}% on {1} of {2} (median {3:f2}); median "
              "regret {4:f1}%, max {5:f1}% ({6})",
              std::lround(tolerance * 100), withinTolerance, ran,
              medianPredictedOverMeasured, medianRegret * 100, maxRegret * 100,
              worstWorkload)
          .str();
  if (failed)
    text += formatv("; {0} failed", failed).str();
  return text;
}

json::Value toJSON(const ValidationRecord &r) {
  json::Object o{{"workload", workloadName(r.workload)},
                 {"kind", workloadKind(r.workload)},
                 {"shape", workloadShape(r.workload)},
                 {"flops", workloadFlops(r.workload)},
                 {"trials", int64_t(r.trials)},
                 {"wall_s", r.wallSeconds}};
  if (!r.ok()) {
    o["error"] = r.error;
    return o;
  }
  o["algorithm"] = r.modelConfig.getAlgorithm();
  o["model_config"] = r.modelConfig.str();
  o["predicted_s"] = r.predictedSeconds;
  o["measured_s"] = r.measuredSeconds;
  o["predicted_over_measured"] = r.predictedOverMeasured();
  o["best_config"] = r.bestConfig.str();
  o["best_measured_s"] = r.bestSeconds;
  o["regret"] = r.regret;
  return o;
}

json::Value toJSON(const ValidationSummary &s) {
  return json::Object{
      {"summary", json::Object{{"workloads", int64_t(s.workloads)},
                               {"failed", int64_t(s.failed)},
                               {"tolerance", s.tolerance},
                               {"within_tolerance", int64_t(s.withinTolerance)},
                               {"median_predicted_over_measured",
                                s.medianPredictedOverMeasured},
                               {"median_regret", s.medianRegret},
                               {"max_regret", s.maxRegret},
                               {"worst_workload", s.worstWorkload},
                               {"trials", int64_t(s.trials)},
                               {"wall_s", s.wallSeconds},
                               {"verdict", s.verdict()}}}};
}

} // namespace autoconfig
