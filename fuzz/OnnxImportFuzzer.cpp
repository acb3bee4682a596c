//===- OnnxImportFuzzer.cpp - Fuzzing the ONNX importer -------------------===//
//
// Input: the bytes of an ONNX model. It is parsed, validated and imported.
// Invariants:
//  - a model that does not import gives an OnnxImportError with a message
//    (and, when unsupported, what is missing), never a crash;
//  - an imported module verifies and normalizes (TOSA/linalg to memrefs):
//    whatever the importer accepts, the rest of the pipeline takes.
// Seeds: fuzz/corpus/onnx, small models written by autoconfig-onnx-seeds
// (test/onnx/OnnxSeeds.cpp) with the ONNX C++ API.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "autoconfig/Import/Import.h"
#include "autoconfig/Onnx/OnnxModel.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include <cstddef>
#include <cstdint>

using namespace autoconfig;

namespace {

void checkError(llvm::Error err) {
  llvm::handleAllErrors(
      std::move(err),
      [](const OnnxImportError &e) {
        FUZZ_CHECK(!e.message.empty());
        FUZZ_CHECK(e.kind != OnnxErrorKind::Unsupported || !e.missing.empty());
      },
      [](const llvm::ErrorInfoBase &) {
        FUZZ_CHECK(false && "import errors are OnnxImportError");
      });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536)
    return -1;
  static std::unique_ptr<mlir::MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 500 == 0)
    context = createAutoConfigContext();
  unsigned errors = 0;
  mlir::ScopedDiagnosticHandler handler(
      context.get(), [&](mlir::Diagnostic &diag) {
        if (diag.getSeverity() == mlir::DiagnosticSeverity::Error) {
          ++errors;
          llvm::errs() << "diagnostic: " << diag.str() << "\n";
        }
        return mlir::success();
      });
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  llvm::Expected<OnnxModel> model = OnnxModel::parse(bytes, "fuzz.onnx");
  if (!model) {
    checkError(model.takeError());
    return 0;
  }
  (void)model->opTypes();
  OnnxImportOptions options;
  options.resourceThresholdBytes = 64;
  auto module = model->import(*context, options);
  if (!module) {
    // An internal error (a module that does not verify) is a finding.
    FUZZ_CHECK(errors == 0);
    checkError(module.takeError());
    return 0;
  }
  FUZZ_CHECK(errors == 0);
  FUZZ_CHECK(mlir::succeeded(mlir::verify(**module)));
  FUZZ_CHECK(mlir::succeeded(normalizeModule(**module)));
  return 0;
}
