//===- Jit.h - JIT compilation for the target's CPU -------------*- C++ -*-===//
#ifndef AUTOCONFIG_PIPELINE_JIT_H
#define AUTOCONFIG_PIPELINE_JIT_H

#include "autoconfig/Target/TargetDesc.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/Target/TargetMachine.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace autoconfig {

/// Initializes every LLVM target once (host JIT and cross emission).
void initializeLLVMTargets();

/// A target machine for the target's triple, CPU and features at -O3.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetDesc &target);

/// A module of LLVM-dialect code compiled in-process for the target, which
/// must run on the host. Functions marked `llvm.emit_c_interface` are called
/// through `packed(name)` with an array of pointers to their arguments.
class JitModule {
public:
  /// Host functions the program may call, by symbol name (the per-op timers
  /// of `run --profile`, for instance).
  using HostSymbols = std::vector<std::pair<std::string, void *>>;

  /// Compiles `llvmModule`. MLIR's runner utility libraries are loaded, so a
  /// program may call `printMemrefF32`, `rtclock` and the like as it would
  /// under `mlir-runner`.
  static llvm::Expected<std::unique_ptr<JitModule>>
  create(mlir::ModuleOp llvmModule, const TargetDesc &target,
         const HostSymbols &hostSymbols = {});

  using PackedFn = void (*)(void **);
  /// The packed entry of the C interface of `name`.
  llvm::Expected<PackedFn> packed(llvm::StringRef name) const;

  struct FreeDeleter {
    void operator()(char *p) const { std::free(p); }
  };

private:
  std::unique_ptr<llvm::TargetMachine> optimizerMachine;
  /// The program's large constants, which its code reads in place (declared
  /// before the engine: they outlive the code).
  std::vector<std::unique_ptr<char, FreeDeleter>> hostConstants;
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

} // namespace autoconfig

#endif
