//===- ProgramPeer.h - A whole program run by a peer library ----*- C++ -*-===//
//
// The yardstick of whole-program latency: the same MLIR program (linalg on
// tensors, TOSA lowered to it) executed op by op on a peer library, used as
// an expert framework would use it, beside AutoConfig's compiled code. The
// oneDNN peer (bench/program/) maps every op onto oneDNN primitives; an op
// it cannot map is an error naming the op and its location.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PROGRAMPEER_H
#define AUTOCONFIG_BENCH_PROGRAMPEER_H

#include "autoconfig/Bench/Buffers.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace autoconfig {

class ProgramPeer {
public:
  virtual ~ProgramPeer();
  /// "onednn".
  virtual std::string name() const = 0;
  /// One inference: `inputs` dense row-major, one per argument of the entry;
  /// `outputs` receive its results dense row-major (resized and allocated
  /// when they do not fit).
  virtual llvm::Error run(llvm::ArrayRef<const void *> inputs,
                          std::vector<AlignedBuffer> &outputs) = 0;
  /// One line per primitive in execution order: the op (name and location),
  /// the primitive, its implementation, formats and post-ops; also the ops
  /// folded at build time and those skipped.
  virtual std::vector<std::string> plan() const = 0;
};

/// Lowers TOSA to linalg on tensors (then canonicalizes) when `module` has
/// TOSA ops; leaves it on tensors otherwise. What the peers take.
mlir::LogicalResult prepareProgramForPeers(mlir::ModuleOp module);

/// The oneDNN peer of function `entry` of `module` (prepared), for
/// `threads` threads. Constant operands are evaluated and reordered into
/// the primitives' formats here, once.
llvm::Expected<std::unique_ptr<ProgramPeer>>
createOneDnnProgramPeer(mlir::ModuleOp module, llvm::StringRef entry,
                        unsigned threads);

} // namespace autoconfig

#endif
