//===- CHeader.cpp - C header for ahead-of-time compiled functions --------===//
//
// The descriptor layout and the calling convention of `_mlir_ciface_NAME`
// follow MLIR's documentation, "LLVM IR Target: C-compatible wrapper
// emission" (mlir/docs/TargetLLVMIR.md).
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Pipeline/CHeader.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <set>

using namespace mlir;
using llvm::formatv;
using llvm::raw_ostream;
using llvm::StringRef;

namespace autoconfig {

void addCInterfaceAttributes(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  module.walk([&](func::FuncOp fn) {
    if (fn.isPublic() && !fn.isExternal())
      fn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  UnitAttr::get(ctx));
  });
}

namespace {

std::string typeText(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

/// C type and short tag of a scalar MLIR type, or false when C has none.
bool scalarCType(Type type, std::string &cType, std::string &tag) {
  if (type.isF32()) {
    cType = "float", tag = "f32";
  } else if (type.isF64()) {
    cType = "double", tag = "f64";
  } else if (type.isF16() || type.isBF16()) {
    // No portable C type: the raw 16 bits.
    cType = "uint16_t", tag = type.isF16() ? "f16" : "bf16";
  } else if (type.isIndex()) {
    // MLIR's default index width on every 64-bit target AutoConfig emits for.
    cType = "int64_t", tag = "index";
  } else if (auto integer = dyn_cast<IntegerType>(type)) {
    unsigned width = integer.getWidth();
    if (width == 1) {
      cType = "bool", tag = "i1";
      return true;
    }
    if (width != 8 && width != 16 && width != 32 && width != 64)
      return false;
    bool isUnsigned = integer.isUnsigned();
    cType = (isUnsigned ? "uint" : "int") + std::to_string(width) + "_t";
    tag = (isUnsigned ? "u" : "i") + std::to_string(width);
  } else {
    return false;
  }
  return true;
}

/// Converts one argument or result type; an empty string on success, else
/// why C cannot express it.
std::string convertValue(Type type, CValue &value) {
  value.mlirType = typeText(type);
  // Why C cannot express a memref's elements, or "".
  auto elementProblem = [&](Type element) -> std::string {
    if (scalarCType(element, value.elementType, value.elementTag))
      return "";
    return "element type '" + typeText(element) + "' has no C equivalent";
  };
  if (auto memref = dyn_cast<MemRefType>(type)) {
    value.kind = CValue::Kind::RankedMemRef;
    for (int64_t d : memref.getShape())
      value.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
    value.identityLayout = memref.getLayout().isIdentity();
    return elementProblem(memref.getElementType());
  }
  if (auto unranked = dyn_cast<UnrankedMemRefType>(type)) {
    value.kind = CValue::Kind::UnrankedMemRef;
    return elementProblem(unranked.getElementType());
  }
  value.kind = CValue::Kind::Scalar;
  if (!scalarCType(type, value.elementType, value.elementTag))
    return "type '" + value.mlirType + "' has no C equivalent";
  return "";
}

bool isCIdentifier(StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

} // namespace

std::vector<CFunction> collectCFunctions(ModuleOp module) {
  std::vector<CFunction> functions;
  module.walk([&](func::FuncOp fn) {
    if (!fn.isPublic() || fn.isExternal())
      return;
    CFunction out;
    out.name = fn.getSymName().str();
    if (!isCIdentifier(out.name))
      out.unsupported = "its name is not a C identifier";
    FunctionType type = fn.getFunctionType();
    // The first value C cannot express makes the function unsupported.
    auto convertAll = [&](TypeRange types, StringRef role,
                          std::vector<CValue> &values) {
      for (auto [i, valueType] : llvm::enumerate(types)) {
        CValue value;
        std::string why = convertValue(valueType, value);
        if (!why.empty() && out.unsupported.empty())
          out.unsupported = formatv("{0} {1}: {2}", role, i, why).str();
        values.push_back(std::move(value));
      }
    };
    convertAll(type.getInputs(), "argument", out.arguments);
    convertAll(type.getResults(), "result", out.results);
    functions.push_back(std::move(out));
  });
  return functions;
}

std::string headerGuardFor(StringRef headerPath) {
  std::string guard = "AUTOCONFIG_";
  for (char c : llvm::sys::path::filename(headerPath))
    guard += llvm::isAlnum(c) ? llvm::toUpper(c) : '_';
  return guard;
}

void setVectorLengthRequirement(CHeaderOptions &options,
                                const TargetDesc &target) {
  if (!target.scalableVectors)
    return;
  IsaFamily family = target.isaFamily();
  if (family == IsaFamily::AArch64)
    options.scalableIsa = "sve";
  else if (family == IsaFamily::RiscV64)
    options.scalableIsa = "rvv";
  else
    return;
  options.minVectorBits = target.vectorBits;
}

namespace {

/// The vector length check of a scalable-vector object: the length is known
/// only at run time, and the code was built for a minimum.
void writeVectorLengthCheck(const CHeaderOptions &options, raw_ostream &os) {
  if (!options.minVectorBits)
    return;
  bool sve = options.scalableIsa == "sve";
  os << formatv(
      R"(/* The code uses {0} vectors of at least {1} bits; it computes wrong
 * results on a narrower implementation. Check that
 * autoconfig_vector_bits() >= {2}_MIN_VECTOR_BITS before calling. */
#define {2}_MIN_VECTOR_BITS {1}

)",
      sve ? "SVE" : "RVV", options.minVectorBits, options.guard);
  os << "#ifndef AUTOCONFIG_VECTOR_BITS_DEFINED\n"
        "#define AUTOCONFIG_VECTOR_BITS_DEFINED\n";
  if (sve)
    os << R"(/* The SVE vector length of this thread in bits, 0 without SVE. */
static inline int64_t autoconfig_vector_bits(void) {
#if defined(__aarch64__) && defined(__linux__)
  int vl = prctl(51 /* PR_SVE_GET_VL */, 0, 0, 0, 0);
  return vl < 0 ? 0 : (int64_t)(vl & 0xffff /* PR_SVE_VL_LEN_MASK */) * 8;
#else
  return 0;
#endif
}
)";
  else
    os << R"(/* VLEN in bits: the vlenb CSR (0xc22) times 8 (traps without V). */
static inline int64_t autoconfig_vector_bits(void) {
#if defined(__riscv)
  unsigned long vlenb;
  __asm__ volatile("csrr %0, 0xc22" : "=r"(vlenb));
  return (int64_t)vlenb * 8;
#else
  return 0;
#endif
}
)";
  os << "#endif\n\n";
}

std::string descriptorName(const CValue &v) {
  if (v.kind == CValue::Kind::UnrankedMemRef)
    return "autoconfig_unranked_memref";
  return formatv("autoconfig_memref_{0}_{1}d", v.elementTag, v.shape.size())
      .str();
}

/// The C type of a value as the `_mlir_ciface_` wrapper passes it.
std::string parameterType(const CValue &v) {
  if (v.kind == CValue::Kind::Scalar)
    return v.elementType;
  return descriptorName(v) + " *";
}

/// The C type of a value stored in a struct (results).
std::string fieldType(const CValue &v) {
  if (v.kind == CValue::Kind::Scalar)
    return v.elementType;
  return descriptorName(v);
}

void writeDescriptor(const CValue &v, raw_ostream &os) {
  std::string name = descriptorName(v);
  std::string macro = StringRef(name).upper();
  os << "#ifndef " << macro << "\n#define " << macro << "\n";
  if (v.kind == CValue::Kind::UnrankedMemRef) {
    os << "/* An unranked memref: its rank and a pointer to a ranked "
          "descriptor. */\n"
       << "typedef struct " << name << " {\n  int64_t rank;\n"
       << "  void *descriptor;\n} " << name << ";\n#endif\n\n";
    return;
  }
  os << "typedef struct " << name << " {\n"
     << "  " << v.elementType << " *allocated; /* what to free */\n"
     << "  " << v.elementType << " *aligned;   /* element 0 is at aligned + "
     << "offset */\n"
     << "  int64_t offset;\n";
  if (!v.shape.empty())
    os << "  int64_t sizes[" << v.shape.size() << "];\n"
       << "  int64_t strides[" << v.shape.size() << "]; /* in elements */\n";
  os << "} " << name << ";\n#endif\n\n";
}

std::string shapeText(const CValue &v) {
  if (v.shape.empty())
    return "scalar";
  SmallVector<std::string> dims;
  for (int64_t d : v.shape)
    dims.push_back(d < 0 ? "?" : std::to_string(d));
  return llvm::join(dims, "x");
}

/// How results come back from the wrapper: directly (one scalar), through a
/// pointer passed first (a memref or several results), or not at all.
enum class ResultPassing { None, Direct, Pointer };

ResultPassing resultPassing(const CFunction &f) {
  if (f.results.empty())
    return ResultPassing::None;
  if (f.results.size() == 1 && f.results[0].kind == CValue::Kind::Scalar)
    return ResultPassing::Direct;
  return ResultPassing::Pointer;
}

std::string resultPointerType(const CFunction &f) {
  if (f.results.size() == 1)
    return fieldType(f.results[0]) + " *";
  return f.name + "_results *";
}

void writePrototype(const CFunction &f, raw_ostream &os) {
  SmallVector<std::string> types;
  for (const CValue &v : f.arguments)
    types.push_back(v.mlirType);
  SmallVector<std::string> results;
  for (const CValue &v : f.results)
    results.push_back(v.mlirType);
  os << "/* " << f.name << "(" << llvm::join(types, ", ") << ")";
  if (!results.empty())
    os << " -> (" << llvm::join(results, ", ") << ")";
  os << " */\n";

  ResultPassing passing = resultPassing(f);
  if (passing == ResultPassing::Pointer && f.results.size() > 1) {
    os << "typedef struct " << f.name << "_results {\n";
    for (auto [i, v] : llvm::enumerate(f.results))
      os << "  " << fieldType(v) << " result" << i << ";\n";
    os << "} " << f.name << "_results;\n";
  }
  SmallVector<std::string> params;
  if (passing == ResultPassing::Pointer)
    params.push_back(resultPointerType(f) + "result");
  for (auto [i, v] : llvm::enumerate(f.arguments)) {
    std::string type = parameterType(v);
    params.push_back(type + (StringRef(type).ends_with("*") ? "" : " ") +
                     "arg" + std::to_string(i));
  }
  std::string returnType =
      passing == ResultPassing::Direct ? f.results[0].elementType : "void";
  os << returnType << " _mlir_ciface_" << f.name << "("
     << (params.empty() ? "void" : llvm::join(params, ", ")) << ");\n\n";
}

/// One ranked memref of static shape: the dense wrapper copies it into the
/// caller's buffer and frees it (the function's caller owns a returned
/// buffer under MLIR's ownership-based deallocation).
bool hasCopyableMemRefResult(const CFunction &f) {
  if (f.results.size() != 1 || f.results[0].kind != CValue::Kind::RankedMemRef)
    return false;
  return llvm::all_of(f.results[0].shape, [](int64_t e) { return e >= 0; });
}

/// Why a function has no dense wrapper, or "" when it has one.
std::string whyNoDenseWrapper(const CFunction &f) {
  if (resultPassing(f) == ResultPassing::Pointer && !hasCopyableMemRefResult(f))
    return "it returns several results or a memref of dynamic shape; call "
           "_mlir_ciface_" +
           f.name + " and free what the descriptors' 'allocated' point to";
  for (auto [i, v] : llvm::enumerate(f.arguments)) {
    if (v.kind == CValue::Kind::UnrankedMemRef)
      return formatv("argument {0} is an unranked memref", i).str();
    if (v.kind == CValue::Kind::RankedMemRef && !v.identityLayout)
      return formatv("argument {0} ({1}) is not dense row-major", i, v.mlirType)
          .str();
  }
  return "";
}

void writeDenseWrapper(const CFunction &f, raw_ostream &os) {
  std::string why = whyNoDenseWrapper(f);
  if (!why.empty()) {
    os << "/* No " << f.name << "_dense: " << why << ". */\n\n";
    return;
  }
  SmallVector<std::string> params, shapes, body, callArgs;
  for (auto [i, v] : llvm::enumerate(f.arguments)) {
    std::string arg = "arg" + std::to_string(i);
    if (v.kind == CValue::Kind::Scalar) {
      params.push_back(v.elementType + " " + arg);
      callArgs.push_back(arg);
      continue;
    }
    params.push_back(v.elementType + " *" + arg);
    shapes.push_back(arg + " " + shapeText(v));
    // Sizes: the static ones as constants, the dynamic ones as parameters.
    SmallVector<std::string> sizes;
    for (auto [d, extent] : llvm::enumerate(v.shape)) {
      if (extent >= 0) {
        sizes.push_back(std::to_string(extent));
        continue;
      }
      std::string param = formatv("{0}_size{1}", arg, d).str();
      params.push_back("int64_t " + param);
      sizes.push_back(param);
    }
    // Row-major strides: the product of the sizes to the right.
    SmallVector<std::string> strides(v.shape.size());
    int64_t constant = 1;
    SmallVector<std::string> symbolic;
    for (int d = int(v.shape.size()) - 1; d >= 0; --d) {
      std::string stride = std::to_string(constant);
      for (const std::string &s : symbolic)
        stride += " * " + s;
      strides[d] = symbolic.empty() ? stride : "(" + stride + ")";
      if (v.shape[d] >= 0)
        constant *= v.shape[d];
      else
        symbolic.push_back(sizes[d]);
    }
    std::string init = formatv("{0}, {0}, 0", arg).str();
    if (!v.shape.empty())
      init += ", {" + llvm::join(sizes, ", ") + "}, {" +
              llvm::join(strides, ", ") + "}";
    body.push_back(
        formatv("  {0} {1}_desc = {{{2}};\n", descriptorName(v), arg, init)
            .str());
    callArgs.push_back("&" + arg + "_desc");
  }
  ResultPassing passing = resultPassing(f);
  std::string returnType =
      passing == ResultPassing::Direct ? f.results[0].elementType : "void";
  bool copiesResult = passing == ResultPassing::Pointer;
  if (copiesResult) {
    const CValue &r = f.results[0];
    params.insert(params.begin(), r.elementType + " *result");
    shapes.insert(shapes.begin(), "result " + shapeText(r));
    body.push_back("  " + descriptorName(r) + " r;\n");
    callArgs.insert(callArgs.begin(), "&r");
  }
  // Element counts, for the caller's allocations.
  std::string upper = StringRef(f.name).upper();
  auto countMacro = [&](const CValue &v, StringRef what) {
    if (v.kind != CValue::Kind::RankedMemRef ||
        llvm::any_of(v.shape, [](int64_t e) { return e < 0; }))
      return;
    int64_t count = 1;
    for (int64_t e : v.shape)
      count *= e;
    os << "#define " << upper << "_" << what << "_ELEMENTS " << count << "\n";
  };
  if (copiesResult)
    countMacro(f.results[0], "RESULT");
  for (auto [i, v] : llvm::enumerate(f.arguments))
    countMacro(v, "ARG" + std::to_string(i));
  os << "/* " << f.name << " on dense row-major buffers";
  if (!shapes.empty())
    os << " (" << llvm::join(shapes, ", ") << ")";
  os << ". */\nstatic inline " << returnType << " " << f.name << "_dense("
     << (params.empty() ? "void" : llvm::join(params, ", ")) << ") {\n";
  for (const std::string &line : body)
    os << line;
  os << "  " << (passing == ResultPassing::Direct ? "return " : "")
     << "_mlir_ciface_" << f.name << "(" << llvm::join(callArgs, ", ")
     << ");\n";
  if (copiesResult) {
    // The returned descriptor may be strided: copy element by element in
    // row-major order, then free the buffer the function allocated.
    const CValue &r = f.results[0];
    int64_t count = 1;
    for (int64_t e : r.shape)
      count *= e;
    os << "  for (int64_t i = 0; i < " << count << "; ++i) {\n"
       << "    int64_t rest = i, at = r.offset;\n";
    if (!r.shape.empty())
      os << "    for (int d = " << r.shape.size() - 1 << "; d >= 0; --d) {\n"
         << "      at += rest % r.sizes[d] * r.strides[d];\n"
         << "      rest /= r.sizes[d];\n"
         << "    }\n";
    os << "    result[i] = r.aligned[at];\n"
       << "  }\n"
       << "  free(r.allocated);\n";
  }
  os << "}\n\n";
}

} // namespace

void writeCHeader(llvm::ArrayRef<CFunction> functions,
                  const CHeaderOptions &options, raw_ostream &os) {
  os << "/* Generated by autoconfig compile";
  if (!options.source.empty())
    os << " from '" << options.source << "'";
  if (!options.target.empty())
    os << " for " << options.target;
  os << ". Do not edit.\n"
     << " *\n"
     << " * ABI: MLIR's C interface. _mlir_ciface_NAME takes every memref as "
        "a\n"
     << " * pointer to its descriptor (allocated and aligned pointers, "
        "offset,\n"
     << " * sizes and strides in elements), scalars by value; a memref result\n"
     << " * or several results come back through a pointer passed first.\n"
     << " * The sizes, strides and offset that the memref type fixes are\n"
     << " * compiled in: a descriptor must agree with them (for "
        "memref<4x8xf32>:\n"
     << " * offset 0, sizes {4, 8}, strides {8, 1}). NAME_dense wraps the "
        "call\n"
     << " * for dense row-major buffers (a memref result is copied into the\n"
     << " * caller's buffer and freed); NAME_ARGi_ELEMENTS and\n"
     << " * NAME_RESULT_ELEMENTS give their sizes. Buffers need only the\n"
     << " * alignment of their element type. */\n"
     << "#ifndef " << options.guard << "\n#define " << options.guard << "\n\n"
     << "#include <stdbool.h>\n#include <stdint.h>\n#include <stdlib.h>\n";
  if (options.minVectorBits && options.scalableIsa == "sve")
    os << "#if defined(__aarch64__) && defined(__linux__)\n"
       << "#include <sys/prctl.h>\n#endif\n";
  os << "\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  if (!options.externalSymbols.empty() || options.openMP) {
    os << "/* The object needs at link time: ";
    if (!options.externalSymbols.empty())
      os << llvm::join(options.externalSymbols, ", ")
         << (options.openMP ? ", and " : "");
    if (options.openMP)
      os << "the OpenMP runtime (__kmpc_*: link with -lomp)";
    os << ". */\n\n";
  }
  writeVectorLengthCheck(options, os);

  std::set<std::string> written;
  for (const CFunction &f : functions) {
    if (!f.unsupported.empty())
      continue;
    for (const CValue &v : llvm::concat<const CValue>(f.arguments, f.results))
      if (v.kind != CValue::Kind::Scalar &&
          written.insert(descriptorName(v)).second)
        writeDescriptor(v, os);
  }
  for (const CFunction &f : functions) {
    if (!f.unsupported.empty()) {
      os << "/* " << f.name << " is not declared: " << f.unsupported
         << ". */\n\n";
      continue;
    }
    writePrototype(f, os);
    writeDenseWrapper(f, os);
  }
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << options.guard
     << " */\n";
}

} // namespace autoconfig
