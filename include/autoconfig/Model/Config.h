//===- Config.h - An algorithm and its parameters ---------------*- C++ -*-===//
//
// A Config names an optimization algorithm and gives its integer parameters.
// Its text form is what a user reads in `explain`, writes by hand to override
// a decision, and what the compiler stores on the op as the string attribute
// `autoconfig.config`:
//
//     blocked mr=6 nr=32 kc=256 mc=96 nc=2048 packA=1 packB=1
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_CONFIG_H
#define AUTOCONFIG_MODEL_CONFIG_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace autoconfig {

/// Name of the discardable attribute carrying a Config on an op.
inline constexpr llvm::StringLiteral kConfigAttrName = "autoconfig.config";

class Config {
public:
  Config() = default;
  explicit Config(std::string algorithm) : algorithm(std::move(algorithm)) {}

  const std::string &getAlgorithm() const { return algorithm; }
  void setAlgorithm(std::string name) { algorithm = std::move(name); }

  /// Sets a parameter, keeping the first-set order for printing.
  void set(llvm::StringRef key, int64_t value);
  std::optional<int64_t> find(llvm::StringRef key) const;
  /// The value of `key`, or `fallback` when it is absent.
  int64_t get(llvm::StringRef key, int64_t fallback = 0) const;
  bool has(llvm::StringRef key) const { return find(key).has_value(); }
  const llvm::SmallVector<std::pair<std::string, int64_t>> &params() const {
    return values;
  }

  /// "algorithm key=value ...".
  std::string str() const;

  /// Copies the listed parameters into typed fields. Fails if the config is
  /// for another algorithm or names a parameter not in `fields`.
  llvm::Error
  readInto(llvm::StringRef expectedAlgorithm,
           llvm::ArrayRef<std::pair<llvm::StringRef, int64_t *>> fields) const;

  /// Parses the text form. Errors name the offending token.
  static llvm::Expected<Config> parse(llvm::StringRef text);

  bool operator==(const Config &other) const {
    return algorithm == other.algorithm && values == other.values;
  }
  bool operator!=(const Config &other) const { return !(*this == other); }
  bool operator<(const Config &other) const { return str() < other.str(); }

private:
  std::string algorithm;
  llvm::SmallVector<std::pair<std::string, int64_t>> values;
};

} // namespace autoconfig

#endif
