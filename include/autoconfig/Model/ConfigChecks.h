//===- ConfigChecks.h - What every verify() checks alike --------*- C++ -*-===//
//
// The errors and warnings that several algorithms give a config in the same
// words: a rejected value, a vector wider than the target's, a register tile
// larger than its register file; and reading a config's parameters where a
// malformed one just means "nothing to offer" (neighbours, search spaces).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_CONFIGCHECKS_H
#define AUTOCONFIG_MODEL_CONFIGCHECKS_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FormatVariadic.h"

#include <optional>
#include <string>
#include <vector>

namespace autoconfig {

/// A config the model rejects, with the reason.
inline llvm::Error configError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Warns when `vl` lanes of `element` are more than the target's vector:
/// legal, but LLVM splits every vector op.
inline void warnVectorLength(int64_t vl, ElementKind element,
                             const TargetDesc &target,
                             std::vector<std::string> &warnings) {
  unsigned lanes = target.lanes(elementBits(element));
  if (unsigned(vl) > lanes)
    warnings.push_back(llvm::formatv("vl={0} is wider than the target's {1} "
                                     "lanes: LLVM splits each vector op",
                                     vl, lanes));
}

/// Warns when a register tile needs more vector registers than the target
/// has; `formula` says how the algorithm counts them ("ui*uj+uj+1").
inline void warnRegisters(llvm::StringRef formula, int64_t registers,
                          const TargetDesc &target,
                          std::vector<std::string> &warnings) {
  if (registers > int64_t(target.vectorRegisters))
    warnings.push_back(llvm::formatv("{0} = {1} vector registers exceed the "
                                     "target's {2}: accumulators will spill",
                                     formula, registers,
                                     target.vectorRegisters));
}

/// Vector registers of a GEMM micro-kernel's mr x nr tile of `vl`-lane
/// vectors: the accumulators, one row of B and a broadcast of A.
inline int64_t microTileRegisters(int64_t mr, int64_t nr, int64_t vl) {
  return mr * (nr / vl) + nr / vl + 1;
}

/// Rejects a micro-kernel width `nr` that is not whole vectors of `vl`
/// lanes, or more than 16 of them.
inline llvm::Error checkMicroTileWidth(int64_t nr, int64_t vl) {
  if (nr < vl || nr % vl || nr / vl > 16)
    return configError("nr must be a multiple of vl=" + llvm::Twine(vl) +
                       " with at most 16 vectors, got " + llvm::Twine(nr));
  return llvm::Error::success();
}

/// Rejects a block `name`=`value` that is not a positive multiple of the
/// tile `tileName`=`tile` it is made of.
inline llvm::Error checkWholeTiles(llvm::StringRef name, int64_t value,
                                   llvm::StringRef tileName, int64_t tile) {
  if (value < tile || value % tile)
    return configError(name + " must be a positive multiple of " + tileName +
                       "=" + llvm::Twine(tile) + ", got " + llvm::Twine(value));
  return llvm::Error::success();
}

/// Rejects scratch buffers of more than 4 GiB: `what` ("packing buffers")
/// of `bytes`, sized as `formula` says ("kc x (mc + nc)").
llvm::Error checkBufferBytes(llvm::StringRef what, double bytes,
                             llvm::StringRef formula);

/// The typed parameters of `config`, or nothing when it does not read as
/// `Params` (the error is dropped: there is nothing to offer around it).
template <typename Params>
std::optional<Params> paramsOrNothing(const Config &config) {
  auto params = Params::fromConfig(config);
  if (!params) {
    llvm::consumeError(params.takeError());
    return std::nullopt;
  }
  return *params;
}

} // namespace autoconfig

#endif
