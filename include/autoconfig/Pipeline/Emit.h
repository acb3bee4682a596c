//===- Emit.h - LLVM IR, assembly and object emission -----------*- C++ -*-===//
#ifndef AUTOCONFIG_PIPELINE_EMIT_H
#define AUTOCONFIG_PIPELINE_EMIT_H

#include "autoconfig/Target/TargetDesc.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

namespace autoconfig {

/// Translates an LLVM-dialect module to LLVM IR for the target and runs the
/// -O3 pipeline with the target's cost model.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateAndOptimize(mlir::ModuleOp llvmModule, const TargetDesc &target,
                     llvm::LLVMContext &context);

/// Writes optimized LLVM IR.
llvm::Error emitLLVMIR(mlir::ModuleOp llvmModule, const TargetDesc &target,
                       llvm::raw_ostream &os);

/// Writes target assembly (`assembly`) or an ELF object.
llvm::Error emitMachineCode(mlir::ModuleOp llvmModule, const TargetDesc &target,
                            bool assembly, llvm::raw_pwrite_stream &os);

} // namespace autoconfig

#endif
