//===- Emit.cpp - LLVM IR, assembly and object emission -------------------===//

#include "autoconfig/Pipeline/Emit.h"
#include "autoconfig/Pipeline/Jit.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/Target/TargetMachine.h"

using namespace llvm;

namespace autoconfig {

Expected<std::unique_ptr<Module>> translateAndOptimize(mlir::ModuleOp module,
                                                       const TargetDesc &target,
                                                       LLVMContext &context) {
  auto machine = createTargetMachine(target);
  if (!machine)
    return machine.takeError();
  std::unique_ptr<Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context, "autoconfig");
  if (!llvmModule)
    return createStringError(inconvertibleErrorCode(),
                             "translation to LLVM IR failed");
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  llvmModule->setDataLayout((*machine)->createDataLayout());
  auto optimize = mlir::makeOptimizingTransformer(3, 0, machine->get());
  if (Error err = optimize(llvmModule.get()))
    return std::move(err);
  return llvmModule;
}

Error emitLLVMIR(mlir::ModuleOp module, const TargetDesc &target,
                 raw_ostream &os) {
  LLVMContext context;
  auto llvmModule = translateAndOptimize(module, target, context);
  if (!llvmModule)
    return llvmModule.takeError();
  (*llvmModule)->print(os, nullptr);
  return Error::success();
}

Error emitMachineCode(mlir::ModuleOp module, const TargetDesc &target,
                      bool assembly, raw_pwrite_stream &os) {
  LLVMContext context;
  auto llvmModule = translateAndOptimize(module, target, context);
  if (!llvmModule)
    return llvmModule.takeError();
  auto machine = createTargetMachine(target);
  if (!machine)
    return machine.takeError();
  legacy::PassManager pm;
  if ((*machine)->addPassesToEmitFile(pm, os, nullptr,
                                      assembly ? CodeGenFileType::AssemblyFile
                                               : CodeGenFileType::ObjectFile))
    return createStringError(inconvertibleErrorCode(),
                             "the target machine cannot emit this file type");
  pm.run(**llvmModule);
  return Error::success();
}

} // namespace autoconfig
