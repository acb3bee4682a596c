//===- Lowering.cpp - From generated code to the LLVM dialect -------------===//

#include "autoconfig/Pipeline/Lowering.h"
#include "autoconfig/CodeGen/MathApproximation.h"
#include "autoconfig/Transforms/OutlineKernels.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMPass.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace autoconfig {

bool usesOpenMP(ModuleOp module) {
  bool found = false;
  module.walk([&](Operation *op) {
    if (isa<omp::OpenMPDialect>(op->getDialect()))
      found = true;
  });
  return found;
}

/// scf-to-openmp wraps each parallel body in memref.alloca_scope, which must
/// stay a single block; once scf becomes cf it no longer is. Generated bodies
/// allocate on the heap, so the scope is dropped when it holds no alloca.
static void inlineAllocaFreeScopes(ModuleOp module) {
  SmallVector<memref::AllocaScopeOp> scopes;
  module.walk([&](memref::AllocaScopeOp scope) {
    bool hasAlloca = false;
    scope.walk([&](memref::AllocaOp) { hasAlloca = true; });
    if (!hasAlloca)
      scopes.push_back(scope);
  });
  IRRewriter rewriter(module.getContext());
  for (memref::AllocaScopeOp scope : scopes) {
    Block *body = &scope.getBodyRegion().front();
    auto ret = cast<memref::AllocaScopeReturnOp>(body->getTerminator());
    SmallVector<Value> results(ret.getResults());
    rewriter.eraseOp(ret);
    rewriter.inlineBlockBefore(body, scope);
    rewriter.replaceOp(scope, results);
  }
}

/// The vscale range of a scalable-vector target whose description fixes the
/// vector length: vscale >= vectorBits / granule, up to the architectural
/// maximum. The generators emit fixed-length vectors of vectorBits; with the
/// minimum known, the AArch64 backend lowers 256-bit (and wider) fixed vectors
/// to SVE instead of splitting them into NEON registers, and the RISC-V
/// backend sizes LMUL for VLEN >= vectorBits. The code stays correct on any
/// implementation at least that wide (it then uses vectorBits of each
/// register). Granules: SVE 128 bits, max 2048 (Arm ARM, ZCR_ELx.LEN); RVV
/// 64 bits (LLVM's RVVBitsPerBlock), max VLEN 2^16 (RVV 1.0 spec, section 2).
static LLVM::VScaleRangeAttr scalableVectorRange(MLIRContext *ctx,
                                                 const TargetDesc &target) {
  if (!target.scalableVectors)
    return {};
  IsaFamily family = target.isaFamily();
  unsigned granule = 0, maxBits = 0;
  if (family == IsaFamily::AArch64) {
    granule = 128;
    maxBits = 2048;
  } else if (family == IsaFamily::RiscV64) {
    granule = 64;
    maxBits = 65536;
  } else {
    return {};
  }
  unsigned minVscale = std::max(1u, target.vectorBits / granule);
  auto i32 = IntegerType::get(ctx, 32);
  return LLVM::VScaleRangeAttr::get(ctx, IntegerAttr::get(i32, minVscale),
                                    IntegerAttr::get(i32, maxBits / granule));
}

/// The dialects' ConvertToLLVM interfaces that the one-walk conversion uses;
/// registered here as well, since not every caller's context has all of the
/// upstream extensions.
static void registerToLLVMInterfaces(MLIRContext *ctx) {
  DialectRegistry registry;
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  registerConvertOpenMPToLLVMInterface(registry);
  ub::registerConvertUBToLLVMInterface(registry);
  vector::registerConvertVectorToLLVMInterface(registry);
  ctx->appendDialectRegistry(registry);
}

LogicalResult lowerToLLVMDialect(ModuleOp module, const TargetDesc &target,
                                 const LoweringOptions &options) {
  bool parallel = false;
  module.walk([&](scf::ParallelOp) { parallel = true; });

  {
    PassManager pm(module.getContext());
    pm.addPass(createCanonicalizerPass());
    // Weights repacked at compile time leave their original globals unused.
    pm.addPass(createSymbolDCEPass());
    pm.addPass(createCSEPass());
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
    if (parallel) {
      ConvertSCFToOpenMPPassOptions omp;
      omp.numThreads = options.threads;
      pm.addPass(createConvertSCFToOpenMPPass(omp));
    }
    if (failed(pm.run(module)))
      return failure();
  }
  inlineAllocaFreeScopes(module);
  if (options.approximateMath) {
    RewritePatternSet patterns(module.getContext());
    populateMathApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return failure();
  }

  registerToLLVMInterfaces(module.getContext());
  PassManager pm(module.getContext());
  pm.addPass(createLowerAffinePass());
  // bufferization.clone (returned arguments after buffer deallocation).
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  ConvertVectorToLLVMPassOptions vectorOptions;
  vectorOptions.reassociateFPReductions = true;
  // The dot-product micro-kernels' x86vector ops (vdpbf16ps) and the AMX
  // tile kernels' ops.
  vectorOptions.x86Vector = true;
  vectorOptions.amx = true;
  pm.addPass(createConvertVectorToLLVMPass(vectorOptions));
  // Everything else in one conversion (each dialect's ConvertToLLVM
  // interface): one walk of the module instead of one per dialect, which
  // took most of the lowering time of a program of unrolled kernels.
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  if (failed(pm.run(module)))
    return failure();
  // What has no LLVM intrinsic and no approximation (f64 tanh, erf) is left
  // as math ops: calls to libm, then lowered like the rest.
  bool mathLeft = false;
  module.walk([&](Operation *op) {
    if (isa<math::MathDialect>(op->getDialect()))
      mathLeft = true;
    return mathLeft ? WalkResult::interrupt() : WalkResult::advance();
  });
  if (mathLeft) {
    PassManager libm(module.getContext());
    libm.addPass(createConvertMathToLibmPass());
    libm.addPass(createConvertToLLVMPass());
    libm.addPass(createReconcileUnrealizedCastsPass());
    if (failed(libm.run(module)))
      return failure();
  }

  // The backend builds each function's subtarget from these attributes, so
  // a preset narrower than the host (x86-avx2 here) is honoured exactly.
  MLIRContext *ctx = module.getContext();
  auto cpu = StringAttr::get(ctx, target.cpu);
  SmallVector<StringRef> features(target.features.begin(),
                                  target.features.end());
  auto featureAttr = LLVM::TargetFeaturesAttr::get(ctx, features);
  LLVM::VScaleRangeAttr vscaleRange = scalableVectorRange(ctx, target);
  module.walk([&](LLVM::LLVMFuncOp fn) {
    if (fn.isExternal())
      return;
    // Outlined kernels and other ops stay functions: inlined back into the
    // program, LLVM would optimize and compile their code once per call
    // site again (their call costs nanoseconds; a kernel runs microseconds).
    if (fn.getSymName().starts_with(kKernelFunctionPrefix) ||
        fn.getSymName().starts_with(kStreamFunctionPrefix))
      fn.setNoInline(true);
    fn.setTargetCpuAttr(cpu);
    fn.setTargetFeaturesAttr(featureAttr);
    if (vscaleRange)
      fn.setVscaleRangeAttr(vscaleRange);
  });
  return success();
}

} // namespace autoconfig
