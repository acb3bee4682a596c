//===- CompileCommand.cpp - autoconfig compile ----------------------------===//

#include "Options.h"
#include "Program.h"

#include "autoconfig/Pipeline/Emit.h"
#include "autoconfig/Pipeline/Lowering.h"
#include "autoconfig/Pipeline/Passes.h"

#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

namespace autoconfig::cli {

enum class EmitKind { Config, Mlir, LlvmDialect, Llvm, Asm, Obj };

static cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(EmitKind::Obj),
    cl::values(clEnumValN(EmitKind::Config, "config",
                          "the input with 'autoconfig.config' on every op"),
               clEnumValN(EmitKind::Mlir, "mlir",
                          "MLIR after code generation (scf/vector/memref)"),
               clEnumValN(EmitKind::LlvmDialect, "llvm-dialect",
                          "MLIR lowered to the LLVM dialect"),
               clEnumValN(EmitKind::Llvm, "llvm", "optimized LLVM IR"),
               clEnumValN(EmitKind::Asm, "asm", "target assembly"),
               clEnumValN(EmitKind::Obj, "obj", "ELF object file")),
    cl::sub(compileCommand()));
static cl::opt<std::string> outputFile("o",
                                       cl::desc("Output file ('-' = "
                                                "stdout)"),
                                       cl::value_desc("OUT"), cl::init("-"),
                                       cl::sub(compileCommand()));

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
  auto program = loadProgram(inputFile);
  if (!program)
    return 1;
  mlir::ModuleOp module = *program->module;

  ConfigureOptions options;
  options.target = hardware->target;
  options.profile = hardware->profile;
  options.override = override;
  options.threads = threads;
  mlir::PassManager pm(program->context.get());
  pm.addPass(createConfigurePass(options));
  if (emitKind != EmitKind::Config)
    pm.addPass(createGeneratePass(hardware->target));
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
  if (emitKind == EmitKind::LlvmDialect) {
    module.print(output->os());
    output->keep();
    return 0;
  }
  Error err = emitKind == EmitKind::Llvm
                  ? emitLLVMIR(module, hardware->target, output->os())
                  : emitMachineCode(module, hardware->target,
                                    emitKind == EmitKind::Asm, output->os());
  if (err)
    return fail(toString(std::move(err)));
  output->keep();
  return 0;
}

} // namespace autoconfig::cli
