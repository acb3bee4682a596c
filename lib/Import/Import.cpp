//===- Import.cpp - Context set-up, parsing and normalization -------------===//

#include "autoconfig/Import/Import.h"
#include "autoconfig/Dialect/AutoConfigDialect.h"
#include "autoconfig/Import/Idioms.h"
#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/ExtractionUtils.h"

#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace autoconfig {

void registerAutoConfigDialects(DialectRegistry &registry) {
  // Every upstream dialect and its interfaces (bufferization models of
  // ml_program, tensor, ...): whatever mlir-opt parses, autoconfig parses.
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<AutoConfigDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
}

std::unique_ptr<MLIRContext> createAutoConfigContext() {
  DialectRegistry registry;
  registerAutoConfigDialects(registry);
  auto context =
      std::make_unique<MLIRContext>(registry, MLIRContext::Threading::DISABLED);
  // The dialects the pipeline creates ops of; others load when parsed.
  context->loadDialect<
      affine::AffineDialect, arith::ArithDialect,
      bufferization::BufferizationDialect, cf::ControlFlowDialect,
      func::FuncDialect, index::IndexDialect, LLVM::LLVMDialect,
      linalg::LinalgDialect, math::MathDialect, memref::MemRefDialect,
      omp::OpenMPDialect, scf::SCFDialect, tensor::TensorDialect,
      tosa::TosaDialect, ub::UBDialect, vector::VectorDialect>();
  // Errors are one line with a location; the op's generic form after each
  // would bury them.
  context->printOpOnDiagnostic(false);
  return context;
}

/// Brackets nested deeper than this are refused before parsing: MLIR's
/// recursive-descent parser (and every recursive walk after it) runs out of
/// stack and crashes at a few thousand levels. Real programs nest a few
/// dozen.
static constexpr unsigned kMaxNestingDepth = 256;

/// The position of the next token at or after `pos`: past what the MLIR
/// lexer skips (blanks, NUL bytes, `//` comments); npos at the end.
static size_t skipToToken(StringRef text, size_t pos) {
  const StringRef blank(" \t\r\n\0", 5);
  while ((pos = text.find_first_not_of(blank, pos)) != StringRef::npos &&
         text.substr(pos).starts_with("//"))
    pos = text.find('\n', pos);
  return pos;
}

/// The custom form of a linalg structured op takes properties as `<{...}>`;
/// MLIR 22's parser casts whatever attribute stands there to a dictionary
/// and crashes on anything else (`linalg.matmul <1> ins(...)`). Returns the
/// position of such a '<' after the op name starting at `i`, else npos.
static size_t nonDictionaryLinalgProperties(StringRef text, size_t i) {
  if (!text.substr(i).starts_with("linalg."))
    return StringRef::npos;
  if (i > 0 && (llvm::isAlnum(text[i - 1]) ||
                StringRef("_.$#!%@^-").contains(text[i - 1])))
    return StringRef::npos; // part of another name, an attribute or a type
  size_t end = i + 7;
  while (end < text.size() && (llvm::isAlnum(text[end]) || text[end] == '_'))
    ++end;
  size_t angle = skipToToken(text, end);
  if (angle == StringRef::npos || text[angle] != '<')
    return StringRef::npos;
  size_t next = skipToToken(text, angle + 1);
  return next != StringRef::npos && text[next] == '{' ? StringRef::npos : angle;
}

/// Scans the only buffer of `sourceMgr` for (, [, { and < (not in strings
/// or comments; "->" does not close) and for input that crashes the MLIR
/// parser; errors at the first offending character.
static LogicalResult screenInput(const llvm::SourceMgr &sourceMgr,
                                 MLIRContext &context) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  StringRef text = buffer->getBuffer();
  auto errorAt = [&](size_t i) {
    auto [line, column] = sourceMgr.getLineAndColumn(
        llvm::SMLoc::getFromPointer(text.data() + i));
    return emitError(FileLineColLoc::get(
        &context, buffer->getBufferIdentifier(), line, column));
  };
  unsigned depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == 'l') {
      size_t angle = nonDictionaryLinalgProperties(text, i);
      if (angle != StringRef::npos) {
        errorAt(angle) << "expected '<{' (the properties of a linalg op are "
                          "a dictionary)";
        return failure();
      }
    }
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      i = text.find('\n', i);
      if (i == StringRef::npos)
        break;
      continue;
    }
    if (c == '(' || c == '[' || c == '{' || c == '<') {
      if (++depth <= kMaxNestingDepth)
        continue;
      errorAt(i) << "brackets nested deeper than " << kMaxNestingDepth
                 << " levels are not supported";
      return failure();
    }
    if ((c == ')' || c == ']' || c == '}' ||
         (c == '>' && (i == 0 || text[i - 1] != '-'))) &&
        depth)
      --depth;
  }
  return success();
}

OwningOpRef<ModuleOp> parseInputString(StringRef text, MLIRContext &context) {
  if (text.trim().empty()) {
    emitError(UnknownLoc::get(&context), "input is empty: expected an MLIR "
                                         "module");
    return nullptr;
  }
  // The MLIR lexer reads up to a terminating NUL: a StringRef into a larger
  // buffer (or one without a terminator) would be read past its end.
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text),
                               llvm::SMLoc());
  if (failed(screenInput(sourceMgr, context)))
    return nullptr;
  return parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
}

OwningOpRef<ModuleOp> parseInputFile(StringRef path, MLIRContext &context) {
  std::string errorMessage;
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer) {
    emitError(UnknownLoc::get(&context))
        << "cannot read '" << path << "': " << buffer.getError().message();
    return nullptr;
  }
  if ((*buffer)->getBuffer().trim().empty()) {
    // Named like the parser names it ("<stdin>" for "-").
    emitError(
        FileLineColLoc::get(&context, (*buffer)->getBufferIdentifier(), 1, 1))
        << "input file is empty: expected an MLIR module";
    return nullptr;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  if (failed(screenInput(sourceMgr, context)))
    return nullptr;
  return parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
}

/// One-shot bufferization makes a memref.global of each tensor constant as it
/// visits the functions, in an order that follows pointer hashes (its
/// call-graph walk iterates a DenseMap): the globals' order and the numbers
/// that tell same-typed ones apart changed from run to run. Renames them in
/// the order the module first reads them and puts them at its top in that
/// order, so that the same input gives the same output.
static void orderConstantGlobals(ModuleOp module) {
  constexpr StringLiteral prefix = "__constant_";
  SymbolTable symbols(module);
  SmallVector<memref::GlobalOp> order;
  llvm::SmallPtrSet<Operation *, 16> seen;
  module.walk([&](memref::GetGlobalOp get) {
    auto global = symbols.lookup<memref::GlobalOp>(get.getName());
    if (global && global.getConstant() && global.isPrivate() &&
        global.getSymName().starts_with(prefix) && seen.insert(global).second)
      order.push_back(global);
  });
  // All at once: one walk rewrites the reads, then the globals take their
  // new names (no new name can meet an old one midway).
  llvm::StringMap<unsigned> uses;
  llvm::StringMap<StringAttr> renamed;
  for (memref::GlobalOp global : order) {
    std::string base = (prefix + shapeText(global.getType())).str();
    unsigned n = uses[base]++;
    std::string name = n ? base + "_" + std::to_string(n - 1) : base;
    renamed[global.getSymName()] = StringAttr::get(module.getContext(), name);
  }
  module.walk([&](memref::GetGlobalOp get) {
    auto it = renamed.find(get.getName());
    if (it != renamed.end())
      get.setNameAttr(FlatSymbolRefAttr::get(it->second));
  });
  for (memref::GlobalOp global : order)
    global.setSymNameAttr(renamed.lookup(global.getSymName()));
  for (memref::GlobalOp global : llvm::reverse(order))
    global->moveBefore(&module.getBody()->front());
}

LogicalResult normalizeModule(ModuleOp module,
                              const LayoutPropagationOptions *layout) {
  bool hasTosa = false, hasTensors = false;
  module.walk([&](Operation *op) {
    if (isa<tosa::TosaDialect>(op->getDialect()))
      hasTosa = true;
    for (Type t : op->getResultTypes())
      if (isa<TensorType>(t))
        hasTensors = true;
    for (Type t : op->getOperandTypes())
      if (isa<TensorType>(t))
        hasTensors = true;
  });
  PassManager pm(module.getContext());
  if (hasTosa) {
    tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions(),
                                TosaToLinalgNamedOptions());
    pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
    pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
    pm.addPass(createCanonicalizerPass());
  }
  if (hasTensors || hasTosa) {
    // Frontend idioms in the kernels' forms first (transposes as operand
    // layouts, batch norm in the weights), so that the layout propagation
    // and the fusions below see the kernels as they will run.
    pm.addPass(createNormalizeIdiomsPass());
    pm.addPass(createCanonicalizerPass());
    // Chains of elementwise ops (a residual add then a ReLU) become one
    // generic, which can then fuse into the producing kernel's stores;
    // contractions stay named.
    // NCHW convolutions the models prefer in NHWC, before elementwise
    // fusion so that bias and activation ops are still separate generics.
    if (layout) {
      pm.addPass(createPropagateLayoutPass(*layout));
      pm.addPass(createCanonicalizerPass());
    }
    pm.addPass(createFuseElementwisePass());
    bufferization::OneShotBufferizePassOptions options;
    options.bufferizeFunctionBoundaries = true;
    options.functionBoundaryTypeConversion =
        bufferization::LayoutMapOption::IdentityLayoutMap;
    options.unknownTypeConversion =
        bufferization::LayoutMapOption::IdentityLayoutMap;
    pm.addPass(bufferization::createOneShotBufferizePass(options));
    // Free every temporary buffer bufferization introduced (a compiled
    // network runs many times); results stay owned by the caller.
    bufferization::buildBufferDeallocationPipeline(pm);
    pm.addPass(createCanonicalizerPass());
  }
  if (failed(pm.run(module)))
    return failure();
  orderConstantGlobals(module);
  return success();
}

} // namespace autoconfig
