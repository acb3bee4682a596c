//===- BackendTest.h - ONNX backend test cases ------------------*- C++ -*-===//
//
// The ONNX project's backend tests (libonnx-testdata): a directory with
// model.onnx and test_data_set_N/{input,output}_M.pb. Each case is
// imported, compiled with AutoConfig (normalization, layout propagation,
// configuration, generation, lowering, JIT), run on its inputs and compared
// with its expected outputs the way the ONNX test runner does:
// |actual - expected| <= atol + rtol * |expected| elementwise (numpy's
// assert_allclose, NaN equal to NaN), rtol 1e-3 and atol 1e-7 unless the
// case's data.json says otherwise.
//
// A case is `unsupported` when the importer refuses it (an op, attribute or
// type it lacks), decided before anything runs; `fail` is a wrong result or
// any other error.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_ONNX_BACKENDTEST_H
#define AUTOCONFIG_ONNX_BACKENDTEST_H

#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Target/TargetDesc.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace autoconfig {

struct OnnxTestCase {
  /// The case's directory.
  std::string directory;
  /// Its path relative to the parent of the directory searched
  /// ("node/test_conv_with_strides_padding").
  std::string name;
};

/// Every test case directory below each of `roots` (a directory holding
/// model.onnx, or data.json naming a model to download), sorted by name.
std::vector<OnnxTestCase> findOnnxTests(llvm::ArrayRef<std::string> roots);

struct OnnxTestOptions {
  TargetDesc target;
  Profile profile;
  unsigned threads = 1;
  /// Layout propagation (NCHW convolutions in NHWC where predicted faster).
  bool propagateLayout = true;
  double rtol = 1e-3;
  double atol = 1e-7;
};

struct OnnxTestResult {
  enum class Status { Pass, Fail, Unsupported };
  std::string test;
  Status status = Status::Fail;
  /// The largest |actual - expected| over every output of every data set
  /// compared (infinite for a NaN or an infinity where none is expected);
  /// meaningful once `compared`.
  double maxAbsError = 0;
  bool compared = false;
  /// For Unsupported: what is missing ("op Resize", "type int64"...).
  std::string missing;
  /// Why the case did not pass.
  std::string message;
  /// The model's op types.
  std::vector<std::string> ops;
  unsigned dataSets = 0;
  double compileSeconds = 0;

  llvm::json::Object toJSON() const;
};

llvm::StringRef statusName(OnnxTestResult::Status status);

/// Runs one case (every data set).
OnnxTestResult runOnnxTest(const OnnxTestCase &testCase,
                           const OnnxTestOptions &options);

/// The core op set of the ONNX frontend (docs/onnx.md): the CNN and
/// transformer ops the importer was written for.
llvm::ArrayRef<llvm::StringRef> coreOnnxOps();

/// Whether the case's model uses only `ops`, and, with `floatOnly`, has
/// float outputs and float or integer inputs (the f32 cases of an op set:
/// integer inputs are shapes, axes and indices). Unreadable models are
/// selected (they then fail).
bool onnxTestSelected(const OnnxTestCase &testCase,
                      llvm::ArrayRef<llvm::StringRef> ops, bool floatOnly);

} // namespace autoconfig

#endif
