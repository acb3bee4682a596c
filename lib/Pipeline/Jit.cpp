//===- Jit.cpp - JIT compilation for the target's CPU ---------------------===//

#include "autoconfig/Pipeline/Jit.h"
#include "autoconfig/Pipeline/Lowering.h"
#include "autoconfig/Version.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

#if defined(__x86_64__) && defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

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

/// Constants of at least this size are handed to the JIT as host memory
/// instead of being translated to LLVM IR and assembled into the object:
/// LLVM handles an initializer element by element (nested constant arrays),
/// which made the compile time of a network grow with its weights (seconds
/// for ResNet-18's 45 MB). Smaller ones stay, for the optimizer to see.
static constexpr uint64_t kHostConstantBytes = 64 * 1024;

/// Moves every large constant global of `module` (LLVM dialect) into a host
/// buffer of `buffers`: the global becomes an external declaration that
/// `symbols` resolves to the buffer.
static void externalizeLargeConstants(
    mlir::ModuleOp module,
    std::vector<std::unique_ptr<char, JitModule::FreeDeleter>> &buffers,
    JitModule::HostSymbols &symbols) {
  module.walk([&](mlir::LLVM::GlobalOp global) {
    if (!global.getConstant() ||
        global.getLinkage() == mlir::LLVM::Linkage::External)
      return;
    auto elements = dyn_cast_or_null<mlir::ElementsAttr>(global.getValueAttr());
    if (!elements)
      return;
    mlir::Type elementType = elements.getElementType();
    unsigned bits = elementType.getIntOrFloatBitWidth();
    if (!elementType.isIntOrFloat() || bits % 8 != 0)
      return;
    uint64_t elementBytes = bits / 8;
    uint64_t bytes = uint64_t(elements.getNumElements()) * elementBytes;
    if (bytes < kHostConstantBytes)
      return;
    ArrayRef<char> raw;
    bool splat = false;
    if (auto dense = dyn_cast<mlir::DenseElementsAttr>(elements)) {
      raw = dense.getRawData();
      splat = dense.isSplat();
    } else if (auto resource =
                   dyn_cast<mlir::DenseResourceElementsAttr>(elements)) {
      if (mlir::AsmResourceBlob *blob = resource.getRawHandle().getBlob())
        raw = blob->getData();
    }
    if (raw.size() != (splat ? elementBytes : bytes))
      return; // not a layout this copies byte for byte
    uint64_t alignment =
        std::max<uint64_t>(64, global.getAlignment().value_or(elementBytes));
    char *data = static_cast<char *>(
        std::aligned_alloc(alignment, alignTo(bytes, alignment)));
    if (!data)
      return;
    if (splat)
      for (uint64_t offset = 0; offset < bytes; offset += elementBytes)
        std::memcpy(data + offset, raw.data(), elementBytes);
    else
      std::memcpy(data, raw.data(), bytes);
    buffers.emplace_back(data);
    global.setValueAttr(nullptr);
    global.setLinkage(mlir::LLVM::Linkage::External);
    global.setUnnamedAddr(std::nullopt);
    global.setDsoLocal(false);
    symbols.push_back({global.getSymName().str(), data});
  });
}

/// Linux hands out AMX tile state (XTILEDATA) only to a process that asks
/// for it (Documentation/arch/x86/xstate.rst): without it the first tile
/// instruction faults. Asked once per process.
static Error requestAmxTiles() {
#if defined(__x86_64__) && defined(__linux__)
  static const long status = [] {
    constexpr long kArchRequestXcompPerm = 0x1023, kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchRequestXcompPerm, kXfeatureXtiledata);
  }();
  if (status != 0)
    return createStringError(inconvertibleErrorCode(),
                             "the kernel uses AMX tiles, which Linux refused "
                             "this process (arch_prctl ARCH_REQ_XCOMP_PERM)");
#endif
  return Error::success();
}

Expected<std::unique_ptr<JitModule>>
JitModule::create(mlir::ModuleOp module, const TargetDesc &target,
                  const HostSymbols &hostSymbols) {
  if (!target.runsOnHost)
    return createStringError(inconvertibleErrorCode(),
                             "target '" + target.name +
                                 "' cannot run on this machine: compile it "
                                 "with --emit=obj instead");
  if (target.hasFeature("amx-tile"))
    if (Error err = requestAmxTiles())
      return std::move(err);
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
  // MLIR's runner utilities: memrefCopy for copies of strided memrefs that
  // the rest of a program (not AutoConfig's kernels) may contain, and what
  // programs written for mlir-runner call (printMemrefF32, rtclock...).
  SmallVector<StringRef, 3> libs = {
      AUTOCONFIG_LLVM_LIBDIR "/libmlir_c_runner_utils.so",
      AUTOCONFIG_LLVM_LIBDIR "/libmlir_runner_utils.so"};
  if (usesOpenMP(module)) {
    omp = openMPRuntimePath();
    if (omp.empty())
      return createStringError(inconvertibleErrorCode(),
                               "the OpenMP runtime (libomp) is not installed; "
                               "run 'make deps'");
    libs.push_back(omp);
  }
  options.sharedLibPaths = libs;
  HostSymbols allSymbols = hostSymbols;
  externalizeLargeConstants(module, result->hostConstants, allSymbols);
  auto engine =
      mlir::ExecutionEngine::create(module, options, std::move(*codegen));
  if (!engine)
    return engine.takeError();
  result->engine = std::move(*engine);
  if (!allSymbols.empty())
    result->engine->registerSymbols([&](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap map;
      for (const auto &[name, address] : allSymbols)
        map[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                               JITSymbolFlags::Exported};
      return map;
    });
  result->engine->initialize();
  return result;
}

Expected<JitModule::PackedFn> JitModule::packed(StringRef name) const {
  return engine->lookupPacked(("_mlir_ciface_" + name).str());
}

} // namespace autoconfig
