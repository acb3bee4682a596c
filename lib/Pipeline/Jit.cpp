//===- Jit.cpp - JIT compilation for the target's CPU ---------------------===//

#include "autoconfig/Pipeline/Jit.h"
#include "autoconfig/Pipeline/Lowering.h"
#include "autoconfig/Version.h"

#include "mlir/ExecutionEngine/OptUtils.h"

#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

using namespace llvm;

namespace autoconfig {

void initializeLLVMTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    InitializeAllTargetInfos();
    InitializeAllTargets();
    InitializeAllTargetMCs();
    InitializeAllAsmPrinters();
    InitializeAllAsmParsers();
  });
}

Expected<std::unique_ptr<TargetMachine>>
createTargetMachine(const TargetDesc &target) {
  initializeLLVMTargets();
  Triple triple(target.triple);
  std::string error;
  const Target *llvmTarget = TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return createStringError(inconvertibleErrorCode(),
                             "no LLVM target for triple '" + target.triple +
                                 "': " + error);
  TargetOptions options;
  std::unique_ptr<TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.cpu, target.featureString(), options, Reloc::PIC_,
      std::nullopt, CodeGenOptLevel::Aggressive));
  if (!machine)
    return createStringError(inconvertibleErrorCode(),
                             "cannot create a target machine for '" +
                                 target.triple + "' cpu '" + target.cpu + "'");
  return machine;
}

/// libomp from the LLVM installation (the same one MLIR's OpenMP lowering
/// targets).
static std::string openMPRuntimePath() {
  for (const char *candidate : {AUTOCONFIG_LLVM_LIBDIR "/libomp.so",
                                "/usr/lib/x86_64-linux-gnu/libomp.so.5"})
    if (sys::fs::exists(candidate))
      return candidate;
  return "";
}

Expected<std::unique_ptr<JitModule>>
JitModule::create(mlir::ModuleOp module, const TargetDesc &target) {
  if (!target.runsOnHost)
    return createStringError(inconvertibleErrorCode(),
                             "target '" + target.name +
                                 "' cannot run on this machine: compile it "
                                 "with --emit=obj instead");
  auto result = std::unique_ptr<JitModule>(new JitModule());
  auto optimizer = createTargetMachine(target);
  if (!optimizer)
    return optimizer.takeError();
  result->optimizerMachine = std::move(*optimizer);
  auto codegen = createTargetMachine(target);
  if (!codegen)
    return codegen.takeError();

  auto transformer = mlir::makeOptimizingTransformer(
      /*optLevel=*/3, /*sizeLevel=*/0, result->optimizerMachine.get());
  mlir::ExecutionEngineOptions options;
  options.transformer = transformer;
  options.jitCodeGenOptLevel = CodeGenOptLevel::Aggressive;
  std::string omp;
  // MLIR's C runner utilities: memrefCopy for copies of strided memrefs
  // that the rest of a program (not AutoConfig's kernels) may contain.
  SmallVector<StringRef, 2> libs = {AUTOCONFIG_LLVM_LIBDIR
                                    "/libmlir_c_runner_utils.so"};
  if (usesOpenMP(module)) {
    omp = openMPRuntimePath();
    if (omp.empty())
      return createStringError(inconvertibleErrorCode(),
                               "the OpenMP runtime (libomp) is not installed; "
                               "run 'make deps'");
    libs.push_back(omp);
  }
  options.sharedLibPaths = libs;
  auto engine =
      mlir::ExecutionEngine::create(module, options, std::move(*codegen));
  if (!engine)
    return engine.takeError();
  result->engine = std::move(*engine);
  result->engine->initialize();
  return result;
}

Expected<JitModule::PackedFn> JitModule::packed(StringRef name) const {
  return engine->lookupPacked(("_mlir_ciface_" + name).str());
}

} // namespace autoconfig
