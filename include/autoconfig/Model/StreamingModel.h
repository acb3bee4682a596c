//===- StreamingModel.h - Model of the streaming ops ------------*- C++ -*-===//
//
// Every op that is not a matmul or a convolution (elementwise and broadcast
// generics, reductions, pooling, transposes, copies, fills) moves more bytes
// than it computes on. It is lowered as one loop nest with one loop carrying
// vectors (CodeGen/StreamingGenerator.h). This model predicts that nest's
// time from the bytes it moves at the cache level its working set lives in
// and the vector operations it issues, and picks the vectorized loop, how
// many inner loops fuse with it, the vector length, the unroll and the
// threads. The decision's text form is the `autoconfig.lowering` attribute:
//
//     vector dim=3 collapse=2 vl=16 unroll=2 threads=1
//     default                  (left to MLIR's scalar lowering)
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_STREAMINGMODEL_H
#define AUTOCONFIG_MODEL_STREAMINGMODEL_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Model/Prediction.h"
#include "autoconfig/Profile/Profile.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <string>
#include <vector>

namespace autoconfig {

/// Name of the attribute carrying a streaming op's lowering.
inline constexpr llvm::StringLiteral kLoweringAttrName = "autoconfig.lowering";

struct StreamingLoop {
  int64_t extent = 1;
  bool reduction = false;
};

/// One operand of the nest, as the model sees it.
struct StreamingOperand {
  unsigned elementBytes = 4;
  bool output = false;
  /// An output whose old value the body reads (reductions, accumulation).
  bool readsOutput = false;
  /// Elements moved in memory per step of each loop (0: the loop does not
  /// index this operand, so it is broadcast along it).
  std::vector<int64_t> strides;
  /// Per loop: stepping it moves only along the operand's innermost
  /// dimension (a strided window stays inside one row).
  std::vector<bool> rowLocal;
  /// Distinct elements the op touches (a broadcast operand counts once).
  int64_t footprintElements = 0;
};

/// What kind of vector access an operand gets along the vectorized loop.
enum class LaneAccess {
  Uniform,    ///< does not vary along it: one scalar load, broadcast
  Contiguous, ///< unit stride: plain vector loads and stores
  Strided,    ///< small stride inside a row: wide load + shuffle
  Gather,     ///< any other stride: gather (scatter for an output)
};

/// The nest of one op: its loops, operands and the body's work per element.
struct StreamingWorkload {
  /// "linalg.generic", "linalg.pooling_nchw_max", "memref.copy", ...
  std::string opName;
  std::vector<StreamingLoop> loops;
  std::vector<StreamingOperand> operands;
  /// The widest element: it sets the lanes of a vector register.
  unsigned elementBits = 32;
  /// Vector operations per vector of results that the body issues on values
  /// varying along the vectorized loop; a transcendental function counts
  /// the operations of its polynomial approximation.
  double bodyOps = 0;
  /// What bodyOps counts ("2 arith, exp (14 ops)").
  std::string bodyDetail;
  /// loops[i] and loops[i + 1] can fuse into one loop: every operand indexes
  /// both or neither, contiguously (the inner loop's extent times its stride
  /// is the outer loop's stride), and both iterate the same way.
  std::vector<bool> fusesWithNext;
  /// Which loops may carry the vector (a reduction loop needs a combiner the
  /// generator recognizes and a single output).
  std::vector<bool> vectorizable;

  int64_t totalIterations() const;
  std::string shape() const;
};

/// A lowering of the nest: which loop carries vectors of `vl` lanes, fused
/// with `collapse - 1` loops outside it, `unroll` vectors per iteration,
/// over `threads` threads (the outermost parallel loop of more than one
/// iteration is shared out; if none, the vectorized loop).
struct StreamingConfig {
  bool vectorize = false;
  unsigned dim = 0;
  unsigned collapse = 1;
  unsigned vl = 1;
  unsigned unroll = 1;
  unsigned threads = 1;

  Config toConfig() const;
  std::string str() const { return toConfig().str(); }
  /// Reads "vector dim=.. collapse=.. vl=.. unroll=.. threads=.." or
  /// "default". Missing parameters stay 0 (completed by the model).
  static llvm::Expected<StreamingConfig> fromConfig(const Config &config);
};

/// The nest after fusing loops [dim - collapse + 1, dim] into one.
struct FusedNest {
  std::vector<StreamingLoop> loops;
  /// Per operand, strides over the fused loops and whether each stays in
  /// the operand's innermost dimension.
  std::vector<std::vector<int64_t>> strides;
  std::vector<std::vector<bool>> rowLocal;
  unsigned dim = 0;
};
FusedNest fuseLoops(const StreamingWorkload &workload, unsigned dim,
                    unsigned collapse);

/// How an operand with stride `stride` along the vectorized loop is read or
/// written with `vl` lanes (shared by the model and the generator).
LaneAccess laneAccess(int64_t stride, bool rowLocal);

/// The loop shared out over threads, in the fused nest's numbering: the
/// outermost parallel loop with more than one iteration other than the
/// vectorized one, else the vectorized loop if parallel, else none (-1).
int parallelLoop(const FusedNest &nest);

/// The nest of a linalg.transpose of a dense row-major `inputShape` by
/// `permutation` (result dimension i is input dimension permutation[i]), as
/// StreamingNest sees it: for costing a reorder before it exists.
StreamingWorkload transposeWorkload(llvm::ArrayRef<int64_t> inputShape,
                                    llvm::ArrayRef<int64_t> permutation,
                                    unsigned elementBytes);

struct StreamingDecision {
  StreamingConfig config;
  Prediction prediction;
  /// Why this lowering (or why the default one).
  std::string reason;
  /// Bytes moved and the level they live in (0: memory).
  double bytes = 0;
  unsigned level = 0;
  /// Filled by the pass for explain.
  std::string opName, location, shape;
  bool fromUser = false;
};

llvm::json::Value toJSON(const StreamingDecision &decision);

/// The model.
class StreamingModel {
public:
  explicit StreamingModel(const Machine &machine) : machine(machine) {}

  /// Predicted time of `config` (a vector lowering) on the workload.
  Prediction predict(const StreamingWorkload &w,
                     const StreamingConfig &config) const;
  /// Predicted time of MLIR's default scalar loops (for explain).
  Prediction predictScalar(const StreamingWorkload &w) const;

  /// The least predicted lowering over the legal configs; a user's partial
  /// config (`fixed`, zero fields free) restricts the choice.
  StreamingDecision decide(const StreamingWorkload &w,
                           const StreamingConfig *fixed = nullptr) const;

  /// Legality of a (possibly hand-written) config on this workload.
  llvm::Error verify(const StreamingWorkload &w,
                     const StreamingConfig &config) const;

  /// Bytes the op moves and the level (1..3, 0 = memory) they live in.
  double bytesMoved(const StreamingWorkload &w, unsigned &level) const;

private:
  const Machine &machine;
};

} // namespace autoconfig

#endif
