//===- Im2colConvModel.cpp - Models of the GEMM-based convolutions --------===//
//
// Both algorithms run the blocked GEMM generator on the convolution's
// equivalent GEMM (Im2colConvParams.h), so their models are the blocked GEMM
// model evaluated on that GEMM (its derivation, terms, legality and
// neighbourhood), renamed:
//  - gemm1x1: exactly that, times the images for NCHW (one GEMM per image).
//  - im2col: the same, with the packing of the virtual operand (B for NCHW,
//    A for NHWC) replaced by the im2col packing: the loads and stores of the
//    packed vectors (one masked load per output row a vector of columns
//    spans, a gather for strides > 1), the per-(vector, tap) or per-(row,
//    tap) set-up of the input positions, and the input's traffic from where
//    it lives. Its kc is aligned to whole taps (NCHW: a multiple of KH*KW;
//    NHWC: a multiple or a divisor of C) so that the fast packers apply.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Model/GemmModels.h"
#include "autoconfig/Model/Im2colConvParams.h"
#include "autoconfig/Support/Arithmetic.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <set>

using namespace llvm;

namespace autoconfig {

std::optional<GemmWorkload> equivalentGemm(const ConvWorkload &w) {
  GemmWorkload g;
  g.name = w.name;
  g.element = w.element;
  int64_t taps = w.kh * w.kw, pixels = w.outH() * w.outW();
  if (w.layout == ConvLayout::NchwFchw) {
    g.opName = "linalg.batch_matmul";
    g.batch = w.n;
    g.m = w.f;
    g.n = pixels;
    g.k = w.c * taps;
    g.constA = w.constWeights;
  } else if (w.layout == ConvLayout::NhwcHwcf ||
             w.layout == ConvLayout::NhwcFhwc) {
    g.m = w.n * pixels;
    g.n = w.f;
    g.k = taps * w.c;
    g.transB = w.layout == ConvLayout::NhwcFhwc;
    g.constB = w.constWeights;
  } else {
    return std::nullopt;
  }
  g.weightsReuseBytes = w.weightsReuseBytes;
  g.setDenseStrides();
  return g;
}

bool im2colPacksB(const ConvWorkload &w) {
  return w.layout == ConvLayout::NchwFchw;
}

int64_t im2colNhwcRunLength(const ConvWorkload &w) {
  // Below 64 channels a tap's run wastes part of its vectors and costs a
  // set-up per few elements; above, the per-vector masks cost more.
  return w.dilationW == 1 && w.kw > 1 && w.c < 64 ? w.kw * w.c : w.c;
}

namespace {

Config renamed(Config config, StringRef algorithm) {
  config.setAlgorithm(algorithm.str());
  return config;
}

/// The blocked GEMM model on a convolution's equivalent GEMM, as the
/// algorithm `algorithmName` (`algorithmSummary` says what it does).
class GemmConvModel : public AlgorithmModel {
public:
  GemmConvModel(StringRef algorithmName, StringRef algorithmSummary)
      : blocked(createBlockedGemmModel()), algorithmName(algorithmName),
        algorithmSummary(algorithmSummary) {}

  StringRef name() const final { return algorithmName; }
  StringRef summary() const final { return algorithmSummary; }

  std::vector<ParamSpec> params() const override { return blocked->params(); }

  bool applies(const Workload &workload, const TargetDesc &,
               std::string &whyNot) const override {
    const auto *w = workloadAs<ConvWorkload>(workload, whyNot);
    if (!w)
      return false;
    if (!takesElementOrSays(w->element, whyNot))
      return false;
    if (!equivalentGemm(*w))
      return notApplicable(whyNot,
                           ("layout '" + convLayoutName(w->layout) +
                            "' is not NCHW/FCHW, NHWC/HWCF or NHWC/FHWC")
                               .str());
    if (w->groups != 1)
      return notApplicable(whyNot, "grouped convolution");
    return appliesTo(*w, whyNot);
  }

  Derivation derive(const Workload &workload,
                    const Machine &machine) const override {
    const auto &w = std::get<ConvWorkload>(workload);
    GemmWorkload g = *equivalentGemm(w);
    Derivation d = blocked->derive(g, machine);
    std::string note;
    d.config = renamed(constrainDerived(w, g, d.config, machine, note), name());
    d.rationale = formatv("as the GEMM {0}{1}: {2}{3}", g.shapeString(),
                          g.batch > 1 ? " per image" : "", d.rationale, note)
                      .str();
    return d;
  }

  Prediction predict(const Workload &workload, const Config &config,
                     const Machine &machine) const override {
    const auto &w = std::get<ConvWorkload>(workload);
    GemmWorkload g = *equivalentGemm(w);
    Config gemmConfig = renamed(config, BlockedGemmParams::kName);
    if (config.getAlgorithm() != name().str()) {
      Prediction invalid;
      invalid.seconds = INFINITY;
      invalid.formula = "invalid config: not '" + name().str() + "'";
      return invalid;
    }
    Prediction pred = blocked->predict(g, gemmConfig, machine);
    if (!std::isfinite(pred.seconds))
      return pred;
    if (g.batch > 1) {
      // One GEMM per image.
      for (CostTerm &term : pred.terms)
        term.seconds *= double(g.batch);
      pred.seconds *= double(g.batch);
      pred.formula = formatv("{0} x ({1})", g.batch, pred.formula).str();
    }
    auto params = BlockedGemmParams::fromConfig(gemmConfig);
    if (params)
      adjustPrediction(w, g, *params, machine, pred);
    else
      consumeError(params.takeError());
    pred.reconcile();
    return pred;
  }

  Error verify(const Workload &workload, const Config &config,
               const TargetDesc &target,
               std::vector<std::string> &warnings) const override {
    if (config.getAlgorithm() != name().str())
      return createStringError(inconvertibleErrorCode(),
                               "config is for '" + config.getAlgorithm() +
                                   "', not '" + name() + "'");
    const auto &w = std::get<ConvWorkload>(workload);
    GemmWorkload g = *equivalentGemm(w);
    if (Error err = blocked->verify(
            g, renamed(config, BlockedGemmParams::kName), target, warnings))
      return err;
    return verifyMore(w, config, warnings);
  }

  std::vector<Config> neighbours(const Workload &workload, const Config &config,
                                 const TargetDesc &target) const override {
    const auto &w = std::get<ConvWorkload>(workload);
    GemmWorkload g = *equivalentGemm(w);
    return mapConfigs(
        w, config,
        blocked->neighbours(g, renamed(config, BlockedGemmParams::kName),
                            target));
  }

  std::vector<Config> searchSpace(const Workload &workload,
                                  const TargetDesc &target) const override {
    const auto &w = std::get<ConvWorkload>(workload);
    GemmWorkload g = *equivalentGemm(w);
    return mapConfigs(w, Config(), blocked->searchSpace(g, target));
  }

  Config completeFrom(const Workload &workload, const Config &partial,
                      const Machine &machine) const override {
    const auto &w = std::get<ConvWorkload>(workload);
    GemmWorkload g = *equivalentGemm(w);
    bool tile = partial.has("mr") || partial.has("nr") || partial.has("vl") ||
                partial.has("kc");
    Config completed;
    if (!tile) { // the derivation, with the given loop-level parameters
      completed = overlay(workload, partial, machine);
    } else {
      // A given register tile or kc changes the blocks the GEMM model
      // derives from it; a derived kc is then aligned as in derive().
      Config gemmPartial = renamed(partial, BlockedGemmParams::kName);
      completed = blocked->complete(g, gemmPartial, machine);
      if (!partial.has("kc")) {
        int64_t kc = alignKc(w, g, completed.get("kc", 1));
        if (kc != completed.get("kc", 1)) {
          gemmPartial.set("kc", kc);
          completed = blocked->complete(g, gemmPartial, machine);
        }
      }
      if (!partial.has("nc")) {
        std::string ignored;
        applyNcCap(w, g, completed, machine, ignored);
      }
      for (const auto &[key, value] : forcedParams(w))
        if (!partial.has(key))
          completed.set(key, value);
      completed = renamed(completed, name());
    }
    return refineUnset(workload, completed, partial, machine);
  }

protected:
  virtual bool appliesTo(const ConvWorkload &w, std::string &whyNot) const {
    return true;
  }
  /// kc adjusted to what the generator packs fastest (default: as is).
  virtual int64_t alignKc(const ConvWorkload &w, const GemmWorkload &g,
                          int64_t kc) const {
    return kc;
  }
  /// Caps nc (when not given by the user) for the algorithm; default none.
  virtual int64_t capNc(const ConvWorkload &w, const GemmWorkload &g,
                        int64_t kc, int64_t nr, int64_t nc,
                        const Machine &machine) const {
    return nc;
  }
  /// Parameters the algorithm's derived configs always set.
  virtual std::vector<std::pair<std::string, int64_t>>
  forcedParams(const ConvWorkload &w) const {
    return {};
  }
  virtual void adjustPrediction(const ConvWorkload &w, const GemmWorkload &g,
                                const BlockedGemmParams &p,
                                const Machine &machine,
                                Prediction &pred) const {}
  virtual Error verifyMore(const ConvWorkload &w, const Config &config,
                           std::vector<std::string> &warnings) const {
    return Error::success();
  }

private:
  /// A forced or partial config is not refined by the decision: refine the
  /// parameters the user left out here, on the model's neighbourhood (as
  /// the decision does for a derived config; the kernel is never run).
  Config refineUnset(const Workload &workload, Config config,
                     const Config &partial, const Machine &machine) const {
    double best = predict(workload, config, machine).seconds;
    std::set<std::string> seen = {config.str()};
    for (int round = 0; round < 4; ++round) {
      bool improved = false;
      for (const Config &next : neighbours(workload, config, machine.target)) {
        if (!seen.insert(next.str()).second)
          continue;
        bool keepsUserValues = llvm::all_of(partial.params(), [&](auto &kv) {
          return next.get(kv.first, kv.second - 1) == kv.second;
        });
        std::vector<std::string> warnings;
        Error err = verify(workload, next, machine.target, warnings);
        if (err || !warnings.empty() || !keepsUserValues) {
          consumeError(std::move(err));
          continue;
        }
        double seconds = predict(workload, next, machine).seconds;
        if (seconds < best * (1 - 1e-6)) {
          best = seconds;
          config = next;
          improved = true;
        }
      }
      if (!improved)
        break;
    }
    return config;
  }

  /// The blocked derivation with kc aligned (blocks re-derived for it) and
  /// the forced parameters set.
  Config constrainDerived(const ConvWorkload &w, const GemmWorkload &g,
                          Config gemmConfig, const Machine &machine,
                          std::string &note) const {
    int64_t kc = gemmConfig.get("kc", 1);
    int64_t aligned = alignKc(w, g, kc);
    if (aligned != kc) {
      Config partial(BlockedGemmParams::kName.str());
      for (StringRef key : {"vl", "mr", "nr"})
        partial.set(key, gemmConfig.get(key, 1));
      partial.set("kc", aligned);
      gemmConfig = blocked->complete(g, partial, machine);
      note = formatv("; kc {0} -> {1} (whole taps per kc block)", kc, aligned)
                 .str();
    }
    applyNcCap(w, g, gemmConfig, machine, note);
    for (const auto &[key, value] : forcedParams(w))
      gemmConfig.set(key, value);
    return gemmConfig;
  }

  void applyNcCap(const ConvWorkload &w, const GemmWorkload &g,
                  Config &gemmConfig, const Machine &machine,
                  std::string &note) const {
    int64_t nc = gemmConfig.get("nc", 1);
    int64_t capped = capNc(w, g, gemmConfig.get("kc", 1),
                           gemmConfig.get("nr", 1), nc, machine);
    if (capped != nc) {
      gemmConfig.set("nc", capped);
      note += formatv("; nc {0} -> {1} (the packed B block stays in L2)", nc,
                      capped)
                  .str();
    }
  }

  /// GEMM configs as this algorithm's, kc aligned and forced parameters set,
  /// without duplicates or `self`.
  std::vector<Config> mapConfigs(const ConvWorkload &w, const Config &self,
                                 const std::vector<Config> &gemmConfigs) const {
    GemmWorkload g = *equivalentGemm(w);
    std::vector<Config> result;
    std::set<std::string> seen = {self.str()};
    for (Config config : gemmConfigs) {
      config.set("kc", alignKc(w, g, config.get("kc", 1)));
      for (const auto &[key, value] : forcedParams(w))
        config.set(key, value);
      config = renamed(config, name());
      if (seen.insert(config.str()).second)
        result.push_back(std::move(config));
    }
    return result;
  }

protected:
  std::unique_ptr<AlgorithmModel> blocked;

private:
  StringRef algorithmName, algorithmSummary;
};

//===----------------------------------------------------------------------===//
// gemm1x1
//===----------------------------------------------------------------------===//

class Gemm1x1ConvModel final : public GemmConvModel {
public:
  Gemm1x1ConvModel()
      : GemmConvModel(kGemm1x1Name, "1x1 convolution as a blocked GEMM on "
                                    "views of the tensors (no im2col)") {}

protected:
  bool appliesTo(const ConvWorkload &w, std::string &whyNot) const override {
    if (w.kh != 1 || w.kw != 1)
      return notApplicable(whyNot, "kernel is not 1x1");
    if (w.strideH != 1 || w.strideW != 1)
      return notApplicable(whyNot, "stride is not 1");
    if (w.padTop || w.padLeft || w.padBottom || w.padRight)
      return notApplicable(whyNot,
                           "padded (the GEMM reads the input tensor as it is)");
    return true;
  }
};

//===----------------------------------------------------------------------===//
// im2col
//===----------------------------------------------------------------------===//

class Im2colConvModel final : public GemmConvModel {
public:
  Im2colConvModel()
      : GemmConvModel(kIm2colName,
                      "im2col fused into the packing of a blocked GEMM, in kc "
                      "x nc (NCHW) or mc x kc (NHWC) tiles") {}

protected:
  int64_t alignKc(const ConvWorkload &w, const GemmWorkload &g,
                  int64_t kc) const override {
    if (kc >= g.k || kc < 1)
      return kc;
    if (im2colPacksB(w)) { // whole (c, kh, kw) channel groups
      int64_t taps = w.kh * w.kw;
      return std::max<int64_t>(taps, (kc + taps / 2) / taps * taps);
    }
    int64_t run = im2colNhwcRunLength(w);
    if (kc >= run) // whole runs
      return std::min(g.k, (kc + run / 2) / run * run);
    for (int64_t d = kc; d > 1; --d) // inside one run: a divisor of it
      if (run % d == 0)
        return d;
    return 1;
  }

  /// NCHW: the packed im2col block (kc x nc) is written by the packer just
  /// before the micro-kernel reads it, once per ic block: sized to a quarter
  /// of the L2 it stays there, instead of making a round trip through L3
  /// (the GEMM model sizes nc for a B packed once and reused from L3).
  int64_t capNc(const ConvWorkload &w, const GemmWorkload &g, int64_t kc,
                int64_t nr, int64_t nc, const Machine &machine) const override {
    if (!im2colPacksB(w) || nr < 1 || kc < 1)
      return nc;
    const CacheLevel *l2 = machine.target.cache(2);
    double bytes = l2 ? double(l2->sizeBytes) / 4 : 256.0 * 1024;
    int64_t ebytes = elementBits(w.element) / 8;
    int64_t most = std::max<int64_t>(
        nr, int64_t(bytes / double(std::min(kc, g.k) * ebytes)) / nr * nr);
    if (nc <= most)
      return nc;
    int64_t blocks = ceilDiv(g.n, most); // even blocks
    return std::min(most, ceilDiv(ceilDiv(g.n, blocks), nr) * nr);
  }

  std::vector<std::pair<std::string, int64_t>>
  forcedParams(const ConvWorkload &w) const override {
    // The micro-kernel must read the virtual operand packed.
    return {{im2colPacksB(w) ? "packB" : "packA", 1}};
  }

  bool fastPacking(const ConvWorkload &w, const GemmWorkload &g,
                   int64_t kc) const {
    int64_t kcb = std::min(kc, g.k);
    if (im2colPacksB(w))
      return kcb % (w.kh * w.kw) == 0;
    for (int64_t run : {im2colNhwcRunLength(w), w.c})
      if (kcb % run == 0 || run % kcb == 0)
        return true;
    return false;
  }

  Error verifyMore(const ConvWorkload &w, const Config &config,
                   std::vector<std::string> &warnings) const override {
    GemmWorkload g = *equivalentGemm(w);
    bool packsB = im2colPacksB(w);
    if (config.get(packsB ? "packB" : "packA", 1) == 0)
      warnings.push_back(formatv("{0}=0 reads the im2col matrix unpacked: "
                                 "every micro-kernel step recomputes input "
                                 "positions (slow)",
                                 packsB ? "packB" : "packA"));
    int64_t kc = config.get("kc", 1);
    if (kc >= 1 && !fastPacking(w, g, kc))
      warnings.push_back(
          packsB ? formatv("kc={0} is not a multiple of KH*KW={1}: im2col "
                           "packs with the generic (slower) packer",
                           kc, w.kh * w.kw)
                       .str()
                 : formatv("kc={0} is neither a multiple nor a divisor of "
                           "C={1}: im2col packs with the generic (slower) "
                           "packer",
                           kc, w.c)
                       .str());
    return Error::success();
  }

  void adjustPrediction(const ConvWorkload &w, const GemmWorkload &g,
                        const BlockedGemmParams &p, const Machine &machine,
                        Prediction &pred) const override;
};

void Im2colConvModel::adjustPrediction(const ConvWorkload &w,
                                       const GemmWorkload &g,
                                       const BlockedGemmParams &p,
                                       const Machine &machine,
                                       Prediction &pred) const {
  const TargetDesc &t = machine.target;
  const Profile &prof = machine.profile;
  unsigned ebytes = elementBits(w.element) / 8;
  const VectorCosts &v = prof.forBits(unsigned(p.vl) * ebytes * 8);
  // Scalar set-up work (index arithmetic, masks): the calibrated empty
  // counted loop runs about three instructions an iteration (increment,
  // compare, branch), so a third of it stands for one such instruction.
  double cycle = prof.loopIterationSeconds > 0
                     ? prof.loopIterationSeconds
                     : 1 / (std::max(prof.frequencyGHz, 1.0) * 1e9);
  double instruction = cycle / 3;
  int64_t nc = std::min(p.nc, ceilDiv(g.n, p.nr) * p.nr);
  int64_t kc = std::min(p.kc, g.k);
  double jcBlocks = double(ceilDiv(g.n, nc));
  double kBlocks = double(ceilDiv(g.k, kc));
  int64_t threads = std::max<int64_t>(1, p.threads);
  double perThread = std::ceil(jcBlocks / double(threads));
  double parallel = jcBlocks / perThread; // as the GEMM model's balance
  int64_t taps = w.kh * w.kw;
  int64_t ow = w.outW();
  bool fast = fastPacking(w, g, p.kc);
  double images = double(g.batch);
  double inputBytes = double(w.n) * w.c * w.h * w.w * ebytes;
  double inputTime =
      inputBytes / prof.bandwidthFor(uint64_t(inputBytes / images), t);

  std::string termName, detail;
  double time = 0;
  bool packed = im2colPacksB(w) ? p.packB : p.packA;
  if (im2colPacksB(w)) {
    // Vectors of vl output columns, each spanning 1 + (vl-1)/OW rows.
    double segments = std::min(double(p.vl), 1 + double(p.vl - 1) / ow);
    double vectors = double(g.k) * ceilDiv(g.n, p.vl) * images;
    // Stride 1: a masked load per row; 2-4: s loads, a shuffle and a
    // blend; else a gather (measured here at about two scalar loads a lane).
    double loadTime =
        w.strideW == 1 ? segments / v.loadPerSecond
        : w.strideW <= 4
            ? segments * (double(w.strideW) / v.loadPerSecond + 2 * cycle)
            : segments * 2 * p.vl / v.broadcastPerSecond;
    double perVector = std::max(loadTime, 1 / v.storePerSecond) + cycle;
    double setupInstructions = 8 + 14 * segments;
    double setups =
        fast ? double(ceilDiv(g.n, p.vl)) * taps * kBlocks * images : vectors;
    if (!fast)
      setupInstructions += 20; // decoding (c, kh, kw) for every vector
    double copy = vectors * perVector;
    double setup = setups * setupInstructions * instruction;
    termName = "pack B (im2col)";
    if (packed) {
      // A packed block beyond the L2 goes out to the next level and back:
      // write-allocate and write-back of every packed line.
      const CacheLevel *l2 = t.cache(2);
      double blockBytes = double(kc) * nc * ebytes;
      double spill = 0;
      if (l2 && blockBytes > double(l2->sizeBytes) / 2)
        spill = 2 * vectors * p.vl * ebytes /
                prof.bandwidthFor(uint64_t(blockBytes), t);
      time = copy + setup + inputTime + spill;
      // Each jc block reads its own output rows' input (halo aside).
      detail =
          formatv("{0:e2} vectors of Xcol, {1:f2} {2} each; {3:e2} "
                  "(vector, tap) set-ups{4}; input {5}{6}",
                  vectors, segments,
                  w.strideW == 1   ? "masked loads"
                  : w.strideW <= 4 ? "shuffled spans"
                                   : "gathers",
                  setups, fast ? "" : " (generic packer: kc not whole taps)",
                  formatBytes(inputBytes),
                  spill > 0
                      ? formatv("; B block {0} beyond L2: {1} "
                                "round trip",
                                formatBytes(blockBytes), formatSeconds(spill))
                            .str()
                      : std::string())
              .str();
    } else {
      // The micro-kernel loads B through the source every k step.
      double loads =
          double(ceilDiv(g.m, p.mr)) * g.k * ceilDiv(g.n, p.vl) * images;
      time = loads * (loadTime + (setupInstructions + 20) * instruction);
      detail = formatv("packB=0: {0:e2} im2col vectors built in the "
                       "micro-kernel",
                       loads)
                   .str();
    }
  } else {
    // Runs per (row, tap) or (row, window row), as the generator picks
    // them; a window row masks its columns per vector, a tap selects.
    int64_t unit = 0;
    for (int64_t candidate : {im2colNhwcRunLength(w), w.c})
      if (kc % candidate == 0 || candidate % kc == 0) {
        unit = candidate;
        break;
      }
    bool windowRows = unit && unit != w.c;
    int64_t run = unit ? std::min(unit, kc) : p.vl;
    double runs = double(g.m) * (double(g.k) / run) * jcBlocks;
    double vectorsPerRun = double(ceilDiv(run, p.vl));
    double perVector = std::max(1 / v.loadPerSecond, 1 / v.storePerSecond) +
                       (windowRows ? 6 : 1) * instruction;
    double setupInstructions = !fast ? 40 : windowRows ? 18 : 14;
    termName = "pack A (im2col)";
    if (packed) {
      time =
          runs * (vectorsPerRun * perVector + setupInstructions * instruction) +
          inputTime * jcBlocks;
      detail =
          formatv("{0:e2} runs of {1} elements ({2}, {3:f0} vector(s) "
                  "each){4}; input {5} read {6:f0} time(s)",
                  runs, run, windowRows ? "window rows" : "taps", vectorsPerRun,
                  fast ? "" : " (generic packer: kc splits runs)",
                  formatBytes(inputBytes), jcBlocks)
              .str();
    } else {
      double loads = double(g.m) * g.k * ceilDiv(g.n, p.nr);
      time = loads * 20 * instruction;
      detail = formatv("packA=0: {0:e2} im2col elements computed in the "
                       "micro-kernel",
                       loads)
                   .str();
    }
  }
  time /= parallel;
  // Replace the GEMM model's packing of the operand im2col builds.
  const char *gemmTerm = im2colPacksB(w) ? "pack B" : "pack A";
  for (auto it = pred.terms.begin(); it != pred.terms.end(); ++it)
    if (it->name == gemmTerm) {
      if (!it->overlapped)
        pred.seconds -= it->seconds;
      pred.terms.erase(it);
      break;
    }
  pred.seconds += time;
  pred.add(termName, time, detail);
  pred.formula += formatv(", with {0} replaced by {1}", gemmTerm, termName);
}

} // namespace

std::unique_ptr<AlgorithmModel> createIm2colConvModel() {
  return std::make_unique<Im2colConvModel>();
}

std::unique_ptr<AlgorithmModel> createGemm1x1ConvModel() {
  return std::make_unique<Gemm1x1ConvModel>();
}

} // namespace autoconfig
