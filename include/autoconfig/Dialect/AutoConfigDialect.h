//===- AutoConfigDialect.h - The autoconfig dialect -------------*- C++ -*-===//
//
// The dialect of AutoConfig's decision attributes (AutoConfig.td), and the
// accessors every pass uses to read and write them on an op.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_DIALECT_AUTOCONFIGDIALECT_H
#define AUTOCONFIG_DIALECT_AUTOCONFIGDIALECT_H

#include "autoconfig/Model/Config.h"

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <optional>

#include "autoconfig/Dialect/AutoConfigDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "autoconfig/Dialect/AutoConfigAttrs.h.inc"

namespace autoconfig {

/// Name of the discardable attribute carrying the layout decision on a
/// convolution (a LayoutAttr).
inline constexpr llvm::StringLiteral kLayoutAttrName = "autoconfig.layout";

/// The config on `op` (kConfigAttrName): a ConfigAttr, or a string in the
/// config's text form (a user's override). Nothing when there is none; an
/// error at the op's location when the attribute is neither or malformed.
mlir::FailureOr<std::optional<Config>> readOpConfig(mlir::Operation *op);

/// Records `config` on `op` as a ConfigAttr.
void writeOpConfig(mlir::Operation *op, const Config &config);

/// Name of the discardable attribute carrying the size classes of a dynamic
/// matmul: an array of {sizes = {M = array<i64: min, max>, ...}, config =
/// #autoconfig.config<...>} dictionaries, split along one size and covering
/// its range in order (docs/dynamic-shapes.md).
inline constexpr llvm::StringLiteral kSizeClassesAttrName =
    "autoconfig.size_classes";

/// One size class on an op: its ranges (as an autoconfig.sizes dictionary)
/// and its config.
struct OpSizeClass {
  mlir::DictionaryAttr sizes;
  Config config;
};

/// The size classes on `op` (empty when there are none); an error at the
/// op's location when the attribute is malformed.
mlir::FailureOr<llvm::SmallVector<OpSizeClass>>
readOpSizeClasses(mlir::Operation *op);

/// Records `classes` on `op`.
void writeOpSizeClasses(mlir::Operation *op,
                        llvm::ArrayRef<OpSizeClass> classes);

/// The layout decision on `op`, if one was made.
std::optional<LayoutAttr> readOpLayout(mlir::Operation *op);

} // namespace autoconfig

#endif
