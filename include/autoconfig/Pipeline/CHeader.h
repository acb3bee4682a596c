//===- CHeader.h - C header for AOT-compiled functions ----------*- C++ -*-===//
//
// `autoconfig compile --emit=obj --header k.h` writes, next to the object, a C
// header through which a C program calls the compiled functions. The ABI is
// MLIR's C interface: a function marked `llvm.emit_c_interface` gets a wrapper
// `_mlir_ciface_NAME` that takes each memref as a pointer to its descriptor
//
//   struct { T *allocated; T *aligned; int64_t offset;
//            int64_t sizes[R]; int64_t strides[R]; }
//
// (strides and offset in elements), scalars by value, and returns a memref or
// several results through a pointer passed first. The header declares the
// descriptor structs and these prototypes, plus an inline NAME_dense wrapper
// taking plain pointers to dense row-major buffers (and the dynamic sizes).
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_PIPELINE_CHEADER_H
#define AUTOCONFIG_PIPELINE_CHEADER_H

#include "autoconfig/Target/TargetDesc.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace autoconfig {

/// One argument or result of a function as C sees it.
struct CValue {
  enum class Kind { Scalar, RankedMemRef, UnrankedMemRef };
  Kind kind = Kind::Scalar;
  /// C element type ("float", "int64_t", ...): the scalar's own type or the
  /// memref's element type.
  std::string elementType;
  /// Short element name for descriptor type names ("f32", "i64").
  std::string elementTag;
  /// Memref shape, -1 for dynamic sizes.
  std::vector<int64_t> shape;
  /// The memref has the identity (dense row-major) layout.
  bool identityLayout = true;
  /// The MLIR type, for comments.
  std::string mlirType;
};

/// A public function callable from C, or the reason it is not.
struct CFunction {
  std::string name;
  std::vector<CValue> arguments;
  std::vector<CValue> results;
  /// Non-empty when the function cannot be declared in C (its name or a
  /// type has no C form); the header then carries this note instead.
  std::string unsupported;
};

/// Marks every public func.func with a body `llvm.emit_c_interface`, so that
/// lowering emits its `_mlir_ciface_` wrapper.
void addCInterfaceAttributes(mlir::ModuleOp module);

/// The public functions with a body of a module on memrefs (before lowering),
/// in program order.
std::vector<CFunction> collectCFunctions(mlir::ModuleOp module);

struct CHeaderOptions {
  /// Include guard macro; derived from nothing, so the caller picks it.
  std::string guard = "AUTOCONFIG_KERNELS_H";
  /// Where the functions came from and for which target, for the banner.
  std::string source;
  std::string target;
  /// Symbols the object leaves undefined (malloc, free, OpenMP runtime),
  /// listed so the user knows what to link.
  std::vector<std::string> externalSymbols;
  /// The object calls the OpenMP runtime (kernels built with threads > 1);
  /// its calls appear only when the LLVM dialect is translated to LLVM IR.
  bool openMP = false;
  /// For scalable-vector targets (SVE, RVV), the vector length in bits the
  /// code assumes at least, and the ISA ("sve" or "rvv"): the header then
  /// defines GUARD_MIN_VECTOR_BITS and autoconfig_vector_bits() so that a
  /// program can check the machine before calling (narrower hardware would
  /// compute wrong results). 0 for fixed-width ISAs.
  unsigned minVectorBits = 0;
  std::string scalableIsa;
};

/// Fills minVectorBits and scalableIsa from the target.
void setVectorLengthRequirement(CHeaderOptions &options,
                                const TargetDesc &target);

/// A header guard macro from a file name: "out/k.h" -> "AUTOCONFIG_K_H".
std::string headerGuardFor(llvm::StringRef headerPath);

/// Writes the C header declaring `functions`.
void writeCHeader(llvm::ArrayRef<CFunction> functions,
                  const CHeaderOptions &options, llvm::raw_ostream &os);

} // namespace autoconfig

#endif
