//===- CompileCommand.cpp - autoconfig compile ----------------------------===//

#include "Options.h"
#include "Program.h"

#include "autoconfig/Bench/Suite.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Pipeline/CHeader.h"
#include "autoconfig/Pipeline/Emit.h"
#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Pipeline/Lowering.h"
#include "autoconfig/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace autoconfig::cli {

enum class EmitKind {
  Input,
  Config,
  Mlir,
  LlvmDialect,
  Llvm,
  Asm,
  Obj,
  Header
};

static cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(EmitKind::Obj),
    cl::values(clEnumValN(EmitKind::Input, "input",
                          "the input program (for --gemm/--conv, the kernel "
                          "built for the workload) before configuration"),
               clEnumValN(EmitKind::Config, "config",
                          "the input with 'autoconfig.config' on every op"),
               clEnumValN(EmitKind::Mlir, "mlir",
                          "MLIR after code generation (scf/vector/memref)"),
               clEnumValN(EmitKind::LlvmDialect, "llvm-dialect",
                          "MLIR lowered to the LLVM dialect"),
               clEnumValN(EmitKind::Llvm, "llvm", "optimized LLVM IR"),
               clEnumValN(EmitKind::Asm, "asm", "target assembly"),
               clEnumValN(EmitKind::Obj, "obj", "ELF object file"),
               clEnumValN(EmitKind::Header, "header",
                          "C header declaring the public functions (MLIR's "
                          "C interface and dense-buffer wrappers)")),
    cl::sub(compileCommand()));
static cl::opt<std::string> outputFile("o",
                                       cl::desc("Output file ('-' = "
                                                "stdout)"),
                                       cl::value_desc("OUT"), cl::init("-"),
                                       cl::sub(compileCommand()));

static cl::opt<std::string> headerFile(
    "header",
    cl::desc("Also write a C header declaring the public functions of the "
             "object (with --emit=llvm-dialect|llvm|asm|obj)"),
    cl::value_desc("FILE.h"), cl::sub(compileCommand()));
static cl::opt<std::string>
    gemmSpec("gemm",
             cl::desc("Compile the kernel of GEMM workload M,N,K[,f64] "
                      "instead of a file (function @kernel(A, B, C))"),
             cl::value_desc("M,N,K"), cl::sub(compileCommand()));
static cl::opt<std::string> convSpec(
    "conv",
    cl::desc("Compile the kernel of convolution N,C,H,W,F,KH,KW,S,P,D,G "
             "instead of a file (function @kernel(input, weights, output))"),
    cl::value_desc("N,C,H,W,F,KH,KW,S,P,D,G"), cl::sub(compileCommand()));
static cl::opt<std::string>
    convLayout("layout",
               cl::desc("Layout of --conv: nchw (NCHW/FCHW) or nhwc "
                        "(NHWC/HWCF)"),
               cl::init("nchw"), cl::sub(compileCommand()));

/// The program to compile: FILE.mlir, or the standalone kernel of the
/// --gemm/--conv workload (the one `bench` times).
static std::optional<Program> loadCompileInput(const HardwareSetup &hardware) {
  if (gemmSpec.empty() && convSpec.empty()) {
    auto layout = layoutPropagation(hardware);
    return loadProgram(inputFile, layout ? &*layout : nullptr);
  }
  if (!inputFile.empty() || (!gemmSpec.empty() && !convSpec.empty())) {
    fail("give one input: FILE.mlir, --gemm or --conv");
    return std::nullopt;
  }
  Workload workload;
  if (!gemmSpec.empty()) {
    auto gemm = parseGemmSpec(gemmSpec);
    if (!gemm) {
      fail(toString(gemm.takeError()));
      return std::nullopt;
    }
    workload = *gemm;
  } else {
    auto conv = parseConvSpec(convSpec, convLayout);
    if (!conv) {
      fail(toString(conv.takeError()));
      return std::nullopt;
    }
    workload = *conv;
  }
  if (Error err = validateWorkload(workload)) {
    fail(toString(std::move(err)));
    return std::nullopt;
  }
  Program program;
  program.context = createAutoConfigContext();
  installDiagnosticPrinter(*program.context);
  program.module =
      parseInputString(kernelModuleText(workload), *program.context);
  if (!program.module || failed(normalizeModule(*program.module))) {
    fail("the kernel of workload '" + workloadName(workload) +
         "' failed to parse or normalize");
    return std::nullopt;
  }
  return program;
}

/// Writes the C header of `functions` for the lowered `llvmModule`; `path`
/// names the header (for its include guard).
static void writeHeader(raw_ostream &os, StringRef path,
                        ArrayRef<CFunction> functions,
                        mlir::ModuleOp llvmModule, const TargetDesc &target) {
  CHeaderOptions options;
  options.guard = headerGuardFor(path == "-" ? "kernels.h" : path);
  options.source = inputFile.empty() ? (gemmSpec.empty() ? "--conv " + convSpec
                                                         : "--gemm " + gemmSpec)
                                     : std::string(inputFile);
  options.target = target.name + " (" + target.triple + ")";
  setVectorLengthRequirement(options, target);
  llvmModule.walk([&](mlir::LLVM::LLVMFuncOp fn) {
    if (fn.isExternal())
      options.externalSymbols.push_back(fn.getSymName().str());
  });
  llvm::sort(options.externalSymbols);
  options.openMP = usesOpenMP(llvmModule);
  for (const CFunction &f : functions)
    if (!f.unsupported.empty())
      WithColor::warning(errs(), "autoconfig")
          << "'" << f.name << "' is left out of the C header: " << f.unsupported
          << "\n";
  writeCHeader(functions, options, os);
}

int runCompile() {
  auto hardware = resolveHardware();
  if (!hardware)
    return 1;
  std::optional<Config> override;
  if (!parseOverride(override))
    return 1;
  if (emitKind == EmitKind::Obj && outputFile == "-" &&
      sys::Process::StandardOutIsDisplayed())
    return fail("refusing to write an object file to the terminal; use -o");
  bool lowers = emitKind != EmitKind::Input && emitKind != EmitKind::Config &&
                emitKind != EmitKind::Mlir;
  if (!headerFile.empty() && (!lowers || emitKind == EmitKind::Header))
    return fail("--header goes with --emit=llvm-dialect|llvm|asm|obj (use "
                "--emit=header -o FILE.h for the header alone)");
  auto program = loadCompileInput(*hardware);
  if (!program)
    return 1;
  mlir::ModuleOp module = *program->module;
  if (emitKind == EmitKind::Input) {
    std::error_code ec;
    ToolOutputFile output(outputFile, ec, sys::fs::OF_Text);
    if (ec)
      return fail("cannot open '" + outputFile + "': " + ec.message());
    module.print(output.os());
    output.keep();
    return 0;
  }
  // Every public function becomes callable from C (`_mlir_ciface_NAME`),
  // which the header declares.
  std::vector<CFunction> cFunctions;
  if (lowers) {
    addCInterfaceAttributes(module);
    cFunctions = collectCFunctions(module);
  }

  ConfigureOptions options;
  options.target = hardware->target;
  options.profile = hardware->profile;
  options.override = override;
  if (!loadTunedConfigs(options.target, options))
    return 1;
  options.threads = threads;
  mlir::PassManager pm(program->context.get());
  pm.addPass(createFuseEpiloguesPass());
  pm.addPass(createConfigurePass(options));
  if (emitKind != EmitKind::Config)
    pm.addPass(createGeneratePass(hardware->target, /*outlineKernels=*/true));
  LowerStreamingOptions streaming;
  streaming.target = hardware->target;
  streaming.profile = hardware->profile;
  streaming.threads = threads;
  // --emit=config shows the decisions without rewriting.
  streaming.rewrite = emitKind != EmitKind::Config;
  streaming.outline = true;
  pm.addPass(createLowerStreamingPass(streaming));
  if (failed(pm.run(module)))
    return 1;

  std::error_code ec;
  auto output = std::make_unique<ToolOutputFile>(
      outputFile, ec,
      emitKind == EmitKind::Obj ? sys::fs::OF_None : sys::fs::OF_Text);
  if (ec)
    return fail("cannot open '" + outputFile + "': " + ec.message());

  if (emitKind == EmitKind::Config || emitKind == EmitKind::Mlir) {
    module.print(output->os());
    output->keep();
    return 0;
  }
  LoweringOptions lowering;
  lowering.threads = threads;
  if (failed(lowerToLLVMDialect(module, hardware->target, lowering)))
    return fail("lowering to the LLVM dialect failed");
  if (emitKind == EmitKind::Header) {
    writeHeader(output->os(), outputFile, cFunctions, module, hardware->target);
    output->keep();
    return 0;
  }
  std::optional<ToolOutputFile> header;
  if (!headerFile.empty()) {
    header.emplace(headerFile, ec, sys::fs::OF_Text);
    if (ec)
      return fail("cannot open '" + headerFile + "': " + ec.message());
    writeHeader(header->os(), headerFile, cFunctions, module, hardware->target);
  }
  if (emitKind == EmitKind::LlvmDialect) {
    module.print(output->os());
    output->keep();
    if (header)
      header->keep();
    return 0;
  }
  Error err = emitKind == EmitKind::Llvm
                  ? emitLLVMIR(module, hardware->target, output->os())
                  : emitMachineCode(module, hardware->target,
                                    emitKind == EmitKind::Asm, output->os());
  if (err)
    return fail(toString(std::move(err)));
  output->keep();
  if (header)
    header->keep();
  return 0;
}

} // namespace autoconfig::cli
