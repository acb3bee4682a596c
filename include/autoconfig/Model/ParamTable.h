//===- ParamTable.h - An algorithm's parameters, declared once --*- C++ -*-===//
//
// Each algorithm's parameter struct lists its parameters once, in a table
// of ParamDecl generated from AlgorithmParams.def: the name in the config's
// text form, the field it lands in, what it means, and the range any config
// may give it. Reading and writing configs, the plain range checks of
// verify(), the `--help`/`explain` parameter lists and the table in
// docs/models.md all come from that table;
// what only the model knows (constraints between parameters, what the
// target makes legal) stays in its verify().
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_MODEL_PARAMTABLE_H
#define AUTOCONFIG_MODEL_PARAMTABLE_H

#include "autoconfig/Model/Config.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MathExtras.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace autoconfig {

/// A parameter of an algorithm: its name, meaning and the values the tuner
/// may try (the generator accepts any legal value, not only these).
struct ParamSpec {
  std::string name;
  std::string help;
  /// The values any config may give it ("in [1, 64]", "0 or 1", ...).
  std::string range;
};

/// The maximum of a parameter with no upper bound.
inline constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max();

/// One parameter of the struct `Params`: its name, its field, its meaning
/// and its range [min, max].
template <typename Params> struct ParamDecl {
  llvm::StringLiteral name;
  int64_t Params::*field;
  llvm::StringLiteral help;
  int64_t min = 1;
  int64_t max = kUnbounded;
  /// Vector lengths: a power of two within the range.
  bool powerOfTwo = false;
};

/// The config conversions of a parameter struct `Params` that declares
///
///   static constexpr llvm::StringLiteral kName = "<algorithm>";
///   static llvm::ArrayRef<ParamDecl<Params>> decls();
///
/// (inherited by Params: `struct Params : DeclaredParams<Params>`).
template <typename Params> struct DeclaredParams {
  /// The typed parameters of `config`, defaults where it is silent. Fails if
  /// the config is for another algorithm or names an undeclared parameter.
  static llvm::Expected<Params> fromConfig(const Config &config) {
    Params p;
    llvm::SmallVector<std::pair<llvm::StringRef, int64_t *>> fields;
    for (const ParamDecl<Params> &decl : Params::decls())
      fields.push_back({decl.name, &(p.*decl.field)});
    if (llvm::Error err = config.readInto(Params::kName, fields))
      return std::move(err);
    return p;
  }

  /// Every declared parameter, in the declared order.
  Config toConfig() const {
    Config config(Params::kName.str());
    for (const ParamDecl<Params> &decl : Params::decls())
      config.set(decl.name, self().*decl.field);
    return config;
  }

  /// The first parameter outside its declared range, as an error naming it.
  llvm::Error checkRanges() const {
    for (const ParamDecl<Params> &decl : Params::decls()) {
      int64_t value = self().*decl.field;
      if (value >= decl.min && value <= decl.max &&
          (!decl.powerOfTwo || llvm::isPowerOf2_64(uint64_t(value))))
        continue;
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     decl.name + " must be " + rangeOf(decl) +
                                         ", got " + llvm::Twine(value));
    }
    return llvm::Error::success();
  }

  /// Names and meanings, for `--help`, `explain` and docs/models.md.
  static std::vector<ParamSpec> specs() {
    std::vector<ParamSpec> specs;
    for (const ParamDecl<Params> &decl : Params::decls())
      specs.push_back({decl.name.str(), decl.help.str(), rangeOf(decl)});
    return specs;
  }

private:
  static std::string rangeOf(const ParamDecl<Params> &decl) {
    if (decl.min == 0 && decl.max == 1)
      return "0 or 1";
    if (decl.max == kUnbounded)
      return ("at least " + llvm::Twine(decl.min)).str();
    return ((decl.powerOfTwo ? "a power of two in [" : "in [") +
            llvm::Twine(decl.min) + ", " + llvm::Twine(decl.max) + "]")
        .str();
  }
  const Params &self() const { return static_cast<const Params &>(*this); }
};

} // namespace autoconfig

#endif
