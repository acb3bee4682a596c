//===- ModuleRunner.cpp - JIT a whole program and call its entry ----------===//

#include "autoconfig/Pipeline/ModuleRunner.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Pipeline/Lowering.h"
#include "autoconfig/Workload/Extraction.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

using namespace llvm;
using namespace mlir;

namespace autoconfig {

size_t BufferShape::elements() const {
  size_t n = 1;
  for (int64_t d : dims)
    n *= size_t(d);
  return n;
}

/// The shape of a dense f32/f64/bf16 memref: static sizes as they are, dynamic
/// ones from `given` (an argument's run-time shape), or left -1 when
/// `dynamicAllowed` (a result, whose sizes come back in its descriptor).
static Expected<BufferShape> shapeOf(mlir::Type type, StringRef what,
                                     const std::vector<int64_t> *given,
                                     bool dynamicAllowed) {
  auto memref = dyn_cast<MemRefType>(type);
  // bf16 buffers hold 2-byte elements, which AlignedBuffer reads as bf16.
  if (!memref || !memref.getLayout().isIdentity() ||
      !(memref.getElementType().isF32() || memref.getElementType().isF64() ||
        memref.getElementType().isBF16()))
    return createStringError(inconvertibleErrorCode(),
                             what + " must be a dense f32, f64 or bf16 memref");
  BufferShape shape;
  shape.dims.assign(memref.getShape().begin(), memref.getShape().end());
  shape.elementBytes = memref.getElementType().getIntOrFloatBitWidth() / 8;
  std::string typeText;
  llvm::raw_string_ostream os(typeText);
  type.print(os);
  if (given) {
    auto text = [](ArrayRef<int64_t> dims) {
      std::string out;
      for (int64_t d : dims)
        out += (out.empty() ? "" : "x") + std::to_string(d);
      return out;
    };
    bool fits = given->size() == shape.dims.size();
    for (size_t i = 0; fits && i < given->size(); ++i)
      fits = (*given)[i] >= 1 && (*given)[i] <= kMaxOperandElements &&
             (ShapedType::isDynamic(shape.dims[i]) ||
              shape.dims[i] == (*given)[i]);
    if (!fits)
      return createStringError(inconvertibleErrorCode(),
                               "--shapes: " + what + " (" + typeText +
                                   ") cannot have the shape " + text(*given));
    shape.dims = *given;
    if (shape.elements() > size_t(kMaxOperandElements))
      return createStringError(
          inconvertibleErrorCode(),
          "--shapes: " + what + " would have " +
              std::to_string(shape.elements()) + " elements, more than the " +
              std::to_string(kMaxOperandElements) + " a buffer may have");
  } else if (!memref.hasStaticShape() && !dynamicAllowed) {
    return createStringError(inconvertibleErrorCode(),
                             what + " has dynamic sizes (" + typeText +
                                 "): give the arguments' shapes (--shapes)");
  }
  return shape;
}

/// The argument and result shapes of \p fn, which the C interface will
/// expose (marked here, before lowering).
static Error describe(func::FuncOp fn, std::vector<BufferShape> &args,
                      std::vector<BufferShape> &results,
                      ArrayRef<std::vector<int64_t>> argumentShapes = {}) {
  if (!argumentShapes.empty() && argumentShapes.size() != fn.getNumArguments())
    return createStringError(
        inconvertibleErrorCode(),
        formatv("--shapes: {0} shape(s) for the {1} argument(s) of @{2}",
                argumentShapes.size(), fn.getNumArguments(), fn.getName()));
  auto shapes = [&](TypeRange types, StringRef what,
                    std::vector<BufferShape> &into, bool isResult) -> Error {
    for (auto [i, type] : llvm::enumerate(types)) {
      auto shape = shapeOf(
          type, ("@" + fn.getName() + "'s " + what + " " + Twine(i)).str(),
          !isResult && !argumentShapes.empty() ? &argumentShapes[i] : nullptr,
          isResult);
      if (!shape)
        return shape.takeError();
      into.push_back(*shape);
    }
    return Error::success();
  };
  if (Error e = shapes(fn.getArgumentTypes(), "argument", args, false))
    return e;
  if (Error e = shapes(fn.getResultTypes(), "result", results, true))
    return e;
  fn->setAttr("llvm.emit_c_interface", UnitAttr::get(fn.getContext()));
  // A private function would not keep its C interface symbol.
  fn.setPublic();
  return Error::success();
}

static Expected<func::FuncOp> functionWithBody(ModuleOp module,
                                               StringRef name) {
  auto fn = module.lookupSymbol<func::FuncOp>(name);
  if (!fn || fn.isExternal())
    return createStringError(inconvertibleErrorCode(),
                             "no function @" + name + " with a body");
  return fn;
}

Expected<std::unique_ptr<ModuleRunner>>
ModuleRunner::create(ModuleOp module, StringRef entry, const TargetDesc &target,
                     unsigned threads,
                     const JitModule::HostSymbols &hostSymbols,
                     bool approximateMath, ArrayRef<std::string> alsoCallable,
                     ArrayRef<std::vector<int64_t>> argumentShapes) {
  auto runner = std::unique_ptr<ModuleRunner>(new ModuleRunner());
  auto fn = functionWithBody(module, entry);
  if (!fn)
    return fn.takeError();
  if (Error e = describe(*fn, runner->entryFunction.args,
                         runner->entryFunction.results, argumentShapes))
    return std::move(e);
  for (const std::string &name : alsoCallable) {
    auto other = functionWithBody(module, name);
    if (!other)
      return other.takeError();
    Function &function = runner->callable[name];
    if (Error e = describe(*other, function.args, function.results))
      return std::move(e);
  }
  LoweringOptions lowering;
  lowering.threads = threads;
  lowering.approximateMath = approximateMath;
  auto start = std::chrono::steady_clock::now();
  if (failed(lowerToLLVMDialect(module, target, lowering)))
    return createStringError(inconvertibleErrorCode(),
                             "lowering to the LLVM dialect failed");
  auto lowered = std::chrono::steady_clock::now();
  auto jit = JitModule::create(module, target, hostSymbols);
  runner->lowering = std::chrono::duration<double>(lowered - start).count();
  if (!jit)
    return jit.takeError();
  // The JIT materializes (optimizes and emits machine code) at the first
  // lookup: part of the LLVM phase.
  auto packed = (*jit)->packed(entry);
  runner->llvm =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - lowered)
          .count();
  if (!packed)
    return packed.takeError();
  runner->entryFunction.fn = *packed;
  for (auto &[name, function] : runner->callable) {
    auto found = (*jit)->packed(name);
    if (!found)
      return found.takeError();
    function.fn = *found;
  }
  runner->jit = std::move(*jit);
  return runner;
}

const std::vector<BufferShape> &
ModuleRunner::argumentShapes(StringRef name) const {
  auto it = callable.find(name);
  assert(it != callable.end() && "not one of the alsoCallable functions");
  return it->second.args;
}

void ModuleRunner::runFunction(StringRef name, ArrayRef<void *> arguments,
                               std::vector<AlignedBuffer> &outputs) {
  auto it = callable.find(name);
  assert(it != callable.end() && "not one of the alsoCallable functions");
  call(it->second, arguments, outputs);
}

Expected<std::string> ModuleRunner::defaultEntry(ModuleOp module) {
  llvm::DenseSet<StringRef> called;
  module.walk([&](func::CallOp call) { called.insert(call.getCallee()); });
  SmallVector<StringRef> publicFns, roots;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (fn.isExternal() || !fn.isPublic())
      continue;
    publicFns.push_back(fn.getName());
    if (!called.contains(fn.getName()))
      roots.push_back(fn.getName());
  }
  if (roots.size() == 1)
    return roots.front().str();
  if (publicFns.empty())
    return createStringError(inconvertibleErrorCode(),
                             "the program has no public function with a body "
                             "to run");
  std::string list;
  for (StringRef name : roots.empty() ? publicFns : roots)
    list += (list.empty() ? "@" : ", @") + name.str();
  return createStringError(inconvertibleErrorCode(),
                           "several functions could be the entry (" + list +
                               "): name one with --entry");
}

void ModuleRunner::call(const Function &function, ArrayRef<void *> arguments,
                        std::vector<AlignedBuffer> &outputs) {
  const std::vector<BufferShape> &args = function.args;
  const std::vector<BufferShape> &results = function.results;
  // C interface: the results come back through a struct of memref
  // descriptors ({allocated, aligned, offset, sizes[R], strides[R]}, all
  // 8-byte fields, so one after the other) passed first; every memref
  // argument is passed as a pointer to its descriptor.
  std::vector<MemRefDescriptor> descriptors;
  for (auto [data, shape] : llvm::zip(arguments, args))
    descriptors.emplace_back(data, shape.dims);
  size_t words = 0;
  for (const BufferShape &shape : results)
    words += 3 + 2 * shape.dims.size();
  std::vector<int64_t> result(words);
  std::vector<void *> pointers;
  if (!results.empty())
    pointers.push_back(result.data());
  for (MemRefDescriptor &d : descriptors)
    pointers.push_back(d.get());
  std::vector<void *> packedArgs;
  for (void *&p : pointers)
    packedArgs.push_back(&p);
  function.fn(packedArgs.data());
  outputs.clear();
  // The program allocated each result with malloc (the lowering's default)
  // and gave up ownership. A result that aliases an argument or a global
  // would not be freed by the program either, and two results may share
  // one allocation: free fresh memory, once.
  std::vector<void *> freed;
  size_t at = 0;
  for (const BufferShape &shape : results) {
    void *allocated, *aligned;
    std::memcpy(&allocated, &result[at], sizeof(void *));
    std::memcpy(&aligned, &result[at + 1], sizeof(void *));
    int64_t offset = result[at + 2];
    // A dynamic result's sizes come back in its descriptor.
    BufferShape actual = shape;
    for (size_t d = 0; d < actual.dims.size(); ++d)
      actual.dims[d] = result[at + 3 + d];
    at += 3 + 2 * shape.dims.size();
    AlignedBuffer out(actual.elements(), actual.elementBytes);
    std::memcpy(out.data(),
                static_cast<char *>(aligned) + offset * shape.elementBytes,
                out.bytes());
    outputs.push_back(std::move(out));
    bool isArgument = false;
    for (void *a : arguments)
      isArgument |= a == aligned;
    if (!isArgument && !llvm::is_contained(freed, allocated)) {
      freed.push_back(allocated);
      std::free(allocated);
    }
  }
}

} // namespace autoconfig
