//===- main.cpp - The autoconfig command-line tool ------------------------===//

#include "Options.h"

#include "autoconfig/Bench/OpenMPWaitPolicy.h"

#include "autoconfig/Version.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace autoconfig::cli;

int main(int argc, char **argv) {
  // Idle OpenMP threads sleep, in every command that runs generated code or
  // may calibrate: bench and run time AutoConfig (libomp) beside peers
  // (oneDNN: libgomp) whose spinning threads would take the cores, and the
  // calibration measures the fork/join cost the models use under the same
  // policy (the conservative one: a region wakes its workers).
  if (argc > 1 && !StringRef(argv[1]).starts_with("-") &&
      StringRef(argv[1]) != "example" && StringRef(argv[1]) != "report")
    autoconfig::ensurePassiveOpenMPWaiting(argv);
  InitLLVM init(argc, argv);
  cl::SetVersionPrinter([](raw_ostream &os) {
    os << "autoconfig " << AUTOCONFIG_VERSION_STRING << " (MLIR "
       << LLVM_VERSION_STRING << ")\n";
  });
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "AutoConfig: analytical configuration of matmul and convolution "
          "code generation\n\n"
          "  autoconfig explain FILE.mlir [--json]\n"
          "  autoconfig compile FILE.mlir --emit=mlir|llvm|asm|obj -o OUT\n"
          "  autoconfig bench (FILE.mlir | --gemm M,N,K | --suite CSV) "
          "[--peers LIST] [--json]\n"
          "  autoconfig target [--target PRESET] [--json]\n"
          "  autoconfig calibrate [--force] [--quick]\n"
          "  autoconfig tune (FILE.mlir | --gemm | --conv | --suite) "
          "[--trials N] [--time-budget S] [--log F] [--db]\n"
          "  autoconfig report --bench F.jsonl --tune F.jsonl -o report.html\n"
          "  autoconfig example resnet18|transformer -o MODEL.mlir\n"
          "  autoconfig run MODEL.mlir|MODEL.onnx [--compare] [--bench] "
          "[--profile] [--peers onednn]\n"
          "  autoconfig validate [--target PRESET] [--threads N] [--json]\n"
          "  autoconfig import MODEL.onnx -o MODEL.mlir\n"
          "  autoconfig onnx-test DIR... [--json]\n"
          "(every command taking FILE.mlir takes FILE.onnx)\n\n"
          "The compiling commands calibrate this machine on first use (once, "
          "cached);\n--nominal decides with the target's nominal figures "
          "instead.\n",
          &errs()))
    return 1;
  if (explainCommand())
    return runExplain();
  if (compileCommand())
    return runCompile();
  if (benchCommand())
    return runBench();
  if (targetCommand())
    return runTarget();
  if (algorithmsCommand())
    return runAlgorithms();
  if (calibrateCommand())
    return runCalibrate();
  if (tuneCommand())
    return runTune();
  if (reportCommand())
    return runReport();
  if (exampleCommand())
    return runExample();
  if (runCommand())
    return runRun();
  if (validateCommand())
    return runValidate();
  if (importCommand())
    return runImport();
  if (onnxTestCommand())
    return runOnnxTest();
  errs() << "autoconfig: a subcommand is required (explain, compile, bench, "
            "target, calibrate, tune, report, example, run, validate, import, "
            "onnx-test); see --help\n";
  return 1;
}
