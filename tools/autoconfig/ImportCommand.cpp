//===- ImportCommand.cpp - autoconfig import ------------------------------===//

#include "Options.h"
#include "Program.h"

#include "autoconfig/Import/Import.h"
#include "autoconfig/Onnx/OnnxModel.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

namespace autoconfig::cli {

static cl::opt<std::string> importOut("o", cl::desc("Output file (MLIR)"),
                                      cl::value_desc("FILE"), cl::init("-"),
                                      cl::sub(importCommand()));
static cl::opt<std::string> importEntry("entry",
                                        cl::desc("Name of the function"),
                                        cl::init("forward"),
                                        cl::sub(importCommand()));
static cl::opt<int64_t> resourceBytes(
    "resource-bytes",
    cl::desc("Initializers of at least this many bytes become dense_resource "
             "blobs (smaller ones dense literals)"),
    cl::init(1024), cl::sub(importCommand()));

int runImport() {
  if (inputFile.empty())
    return fail("no input file given (autoconfig import MODEL.onnx -o "
                "MODEL.mlir)");
  OnnxImportOptions options;
  if (!onnxImportOptions(options))
    return 1;
  options.entry = importEntry;
  options.resourceThresholdBytes = std::max<int64_t>(resourceBytes, 1);
  auto context = createAutoConfigContext();
  installDiagnosticPrinter(*context);
  auto module = importOnnxFile(inputFile, *context, options);
  if (!module)
    return fail(toString(module.takeError()));
  std::error_code ec;
  ToolOutputFile out(importOut, ec, sys::fs::OF_Text);
  if (ec)
    return fail("cannot write '" + importOut + "': " + ec.message());
  (**module)->print(out.os());
  out.os() << "\n";
  out.keep();
  return 0;
}

} // namespace autoconfig::cli
