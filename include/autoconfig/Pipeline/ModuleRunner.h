//===- ModuleRunner.h - JIT a whole program and call its entry --*- C++ -*-===//
#ifndef AUTOCONFIG_PIPELINE_MODULERUNNER_H
#define AUTOCONFIG_PIPELINE_MODULERUNNER_H

#include "autoconfig/Bench/Buffers.h"
#include "autoconfig/Pipeline/Jit.h"
#include "autoconfig/Target/TargetDesc.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/StringMap.h"

#include <memory>
#include <vector>

namespace autoconfig {

/// Shape of an f32/f64 memref argument or result (a dynamic result's sizes
/// are -1 here: each call reads them from the returned descriptor).
struct BufferShape {
  std::vector<int64_t> dims;
  unsigned elementBytes = 4;
  size_t elements() const;
};

/// A program whose entry function takes statically shaped memrefs and
/// returns memrefs (after normalization), JIT-compiled.
class ModuleRunner {
public:
  /// `module` is normalized (and configured/generated, or not: the default
  /// lowering then handles everything). Lowers and JIT-compiles it; with
  /// approximateMath false, math functions call libm (the reference).
  /// `alsoCallable` names further functions `runFunction` can call (e.g. the
  /// callees of an entry that returns nothing, to compare their results).
  /// `argumentShapes` (one per entry argument, or none) gives the shapes the
  /// entry is called with: required for arguments of dynamic sizes, and
  /// checked against the static ones (`run --shapes`).
  static llvm::Expected<std::unique_ptr<ModuleRunner>>
  create(mlir::ModuleOp module, llvm::StringRef entry, const TargetDesc &target,
         unsigned threads, const JitModule::HostSymbols &hostSymbols = {},
         bool approximateMath = true,
         llvm::ArrayRef<std::string> alsoCallable = {},
         llvm::ArrayRef<std::vector<int64_t>> argumentShapes = {});

  /// The function `run` calls when none is named, as `mlir-runner -e` would
  /// be given: the only public function with a body that no other function
  /// of the module calls. Otherwise an error listing the candidates.
  static llvm::Expected<std::string> defaultEntry(mlir::ModuleOp module);

  const std::vector<BufferShape> &argumentShapes() const {
    return entryFunction.args;
  }
  /// Seconds spent lowering to the LLVM dialect and in LLVM (translation,
  /// optimization, code generation) when the runner was created.
  double loweringSeconds() const { return lowering; }
  double llvmSeconds() const { return llvm; }
  const std::vector<BufferShape> &resultShapes() const {
    return entryFunction.results;
  }

  /// Calls the entry; results (owned by the program) are copied out and
  /// freed.
  void run(llvm::ArrayRef<void *> arguments,
           std::vector<AlignedBuffer> &outputs) {
    call(entryFunction, arguments, outputs);
  }

  /// The shapes of one of the `alsoCallable` functions, and a call to it.
  const std::vector<BufferShape> &argumentShapes(llvm::StringRef name) const;
  void runFunction(llvm::StringRef name, llvm::ArrayRef<void *> arguments,
                   std::vector<AlignedBuffer> &outputs);

private:
  struct Function {
    JitModule::PackedFn fn = nullptr;
    std::vector<BufferShape> args, results;
  };
  static void call(const Function &function, llvm::ArrayRef<void *> arguments,
                   std::vector<AlignedBuffer> &outputs);

  std::unique_ptr<JitModule> jit;
  Function entryFunction;
  llvm::StringMap<Function> callable;
  double lowering = 0, llvm = 0;
};

} // namespace autoconfig

#endif
