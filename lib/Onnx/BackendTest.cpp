//===- BackendTest.cpp - ONNX backend test cases through AutoConfig -------===//
//
// How a case runs (see BackendTest.h): the model is imported once per data
// set, specialized to it: float inputs become arguments of the data's shapes
// (symbolic dims take the data's sizes), other inputs (integer shapes,
// axes, indices, exponents: what a runner could not pass to compiled float
// code) are bound to the data's values. The tolerance check is numpy's
// assert_allclose, which the ONNX runner (onnx/backend/test/runner) calls.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Onnx/BackendTest.h"
#include "autoconfig/Onnx/OnnxModel.h"

#include "autoconfig/Bench/Buffers.h"
#include "autoconfig/Bench/Timing.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Pipeline/ModuleRunner.h"
#include "autoconfig/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace llvm;

namespace autoconfig {

StringRef statusName(OnnxTestResult::Status status) {
  switch (status) {
  case OnnxTestResult::Status::Pass:
    return "pass";
  case OnnxTestResult::Status::Fail:
    return "fail";
  case OnnxTestResult::Status::Unsupported:
    return "unsupported";
  }
  return "fail";
}

json::Object OnnxTestResult::toJSON() const {
  json::Object o{{"test", test},
                 {"status", statusName(status)},
                 {"ops", json::Array(ops)},
                 {"data_sets", int64_t(dataSets)}};
  // JSON has no infinity: a non-finite error is null, as is the error of a
  // case that compared nothing (unsupported, or failed before running).
  if (compared && std::isfinite(maxAbsError))
    o["max_abs_err"] = maxAbsError;
  else
    o["max_abs_err"] = nullptr;
  if (status == Status::Unsupported)
    o["missing"] = missing;
  if (!message.empty())
    o["message"] = message;
  if (compileSeconds > 0)
    o["compile_s"] = compileSeconds;
  return o;
}

ArrayRef<StringRef> coreOnnxOps() {
  static const StringRef ops[] = {"Conv",
                                  "Gemm",
                                  "MatMul",
                                  "BatchNormalization",
                                  "Relu",
                                  "LeakyRelu",
                                  "Clip",
                                  "Sigmoid",
                                  "Tanh",
                                  "HardSigmoid",
                                  "HardSwish",
                                  "Erf",
                                  "Gelu",
                                  "Softmax",
                                  "LayerNormalization",
                                  "MaxPool",
                                  "AveragePool",
                                  "GlobalAveragePool",
                                  "Add",
                                  "Sub",
                                  "Mul",
                                  "Div",
                                  "Pow",
                                  "Sqrt",
                                  "Exp",
                                  "ReduceMean",
                                  "Transpose",
                                  "Reshape",
                                  "Flatten",
                                  "Concat",
                                  "Pad",
                                  "Unsqueeze",
                                  "Squeeze",
                                  "Gather",
                                  "Constant",
                                  "Identity"};
  return ops;
}

std::vector<OnnxTestCase> findOnnxTests(ArrayRef<std::string> roots) {
  std::vector<OnnxTestCase> cases;
  auto isCase = [](StringRef dir) {
    SmallString<256> model(dir), data(dir);
    sys::path::append(model, "model.onnx");
    sys::path::append(data, "data.json");
    return sys::fs::exists(model) || sys::fs::exists(data);
  };
  for (const std::string &root : roots) {
    SmallString<256> base(root);
    sys::path::remove_dots(base, /*remove_dot_dot=*/true);
    while (base.size() > 1 && sys::path::is_separator(base.back()))
      base.pop_back();
    StringRef parent = sys::path::parent_path(base);
    auto add = [&](StringRef dir) {
      StringRef relative = dir;
      if (!parent.empty() && relative.starts_with(parent))
        relative = relative.drop_front(parent.size()).ltrim("/");
      cases.push_back({dir.str(), relative.str()});
    };
    if (isCase(base)) {
      add(base);
      continue;
    }
    std::error_code ec;
    for (sys::fs::recursive_directory_iterator it(base, ec), end;
         it != end && !ec; it.increment(ec)) {
      if (it->type() != sys::fs::file_type::directory_file)
        continue;
      if (isCase(it->path())) {
        add(it->path());
        it.no_push();
      }
    }
  }
  llvm::sort(cases, [](const OnnxTestCase &a, const OnnxTestCase &b) {
    return a.name < b.name;
  });
  return cases;
}

static std::string joinPath(StringRef a, StringRef b) {
  SmallString<256> path(a);
  sys::path::append(path, b);
  return std::string(path);
}

bool onnxTestSelected(const OnnxTestCase &testCase, ArrayRef<StringRef> ops,
                      bool floatOnly) {
  Expected<OnnxModel> model =
      OnnxModel::load(joinPath(testCase.directory, "model.onnx"));
  if (!model) {
    consumeError(model.takeError());
    return true;
  }
  for (const std::string &op : model->opTypes())
    if (!llvm::is_contained(ops, op))
      return false;
  if (!floatOnly)
    return true;
  for (const OnnxValueInfo &out : model->outputs())
    if (out.type != int32_t(OnnxDataType::Float))
      return false;
  for (const OnnxValueInfo &in : model->inputs())
    if (in.type != int32_t(OnnxDataType::Float) && !isOnnxIntegerType(in.type))
      return false;
  return true;
}

namespace {

/// The numbered files PREFIX0.pb, PREFIX1.pb... of `dir`, in order.
std::vector<std::string> numberedFiles(StringRef dir, StringRef prefix) {
  std::vector<std::string> files;
  for (unsigned i = 0;; ++i) {
    std::string path = joinPath(dir, (prefix + Twine(i) + ".pb").str());
    if (!sys::fs::exists(path))
      return files;
    files.push_back(path);
  }
}

std::vector<std::string> dataSets(StringRef dir) {
  std::vector<std::pair<unsigned, std::string>> found;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef name = sys::path::filename(it->path());
    unsigned index;
    if (name.consume_front("test_data_set_") && !name.getAsInteger(10, index))
      found.push_back({index, it->path()});
  }
  llvm::sort(found);
  std::vector<std::string> dirs;
  for (auto &[index, path] : found)
    dirs.push_back(path);
  return dirs;
}

/// Fails the result with `message` (plus the MLIR diagnostics gathered).
OnnxTestResult &failWith(OnnxTestResult &r, const Twine &message,
                         const std::string &diagnostics = "") {
  r.status = OnnxTestResult::Status::Fail;
  r.message = message.str();
  if (!diagnostics.empty())
    r.message += ": " + diagnostics;
  return r;
}

/// Records an import error: Unsupported as such, anything else a failure.
void recordImportError(OnnxTestResult &r, Error err) {
  handleAllErrors(
      std::move(err),
      [&](const OnnxImportError &e) {
        if (e.kind == OnnxErrorKind::Unsupported) {
          r.status = OnnxTestResult::Status::Unsupported;
          r.missing = e.missing.empty() ? e.message : e.missing;
          r.message = e.message;
        } else {
          failWith(r, e.message);
        }
      },
      [&](const ErrorInfoBase &e) { failWith(r, e.message()); });
}

/// One data set: import, compile, run, compare. Returns false when the
/// result is decided (unsupported or failed).
bool runDataSet(const OnnxModel &model, StringRef dir,
                const OnnxTestOptions &options, OnnxTestResult &r) {
  std::vector<std::string> inputFiles = numberedFiles(dir, "input_");
  std::vector<std::string> outputFiles = numberedFiles(dir, "output_");
  const std::vector<OnnxValueInfo> &inputs = model.inputs();
  if (inputFiles.size() > inputs.size()) {
    failWith(r, Twine(inputFiles.size()) + " input files for " +
                    Twine(inputs.size()) + " graph inputs in " + dir);
    return false;
  }
  if (outputFiles.size() != model.outputs().size()) {
    failWith(r, Twine(outputFiles.size()) + " output files for " +
                    Twine(model.outputs().size()) + " graph outputs in " + dir);
    return false;
  }
  OnnxImportOptions importOptions;
  std::vector<OnnxTensor> arguments;
  for (size_t i = 0; i < inputFiles.size(); ++i) {
    const OnnxValueInfo &info = inputs[i];
    if (!info.type) {
      r.status = OnnxTestResult::Status::Unsupported;
      r.missing = "non-tensor input";
      r.message = "input '" + info.name + "' is not a tensor";
      return false;
    }
    Expected<OnnxTensor> value = readOnnxTensorFile(inputFiles[i]);
    if (!value) {
      recordImportError(r, value.takeError());
      return false;
    }
    // Inputs of other types are bound; the ONNX test generator stores
    // bfloat16 data as uint16, which says nothing about the values.
    if (value->type != info.type) {
      r.status = OnnxTestResult::Status::Unsupported;
      r.missing = "type " + onnxTypeName(info.type);
      r.message = "input '" + info.name + "' is " + onnxTypeName(info.type) +
                  ", its test data " + onnxTypeName(value->type);
      return false;
    }
    if (isOnnxComputeType(value->type) && !info.hasInitializer) {
      importOptions.inputShapes[info.name] = value->shape;
      arguments.push_back(std::move(*value));
    } else {
      importOptions.boundInputs[info.name] = std::move(*value);
    }
  }
  std::vector<OnnxTensor> expected;
  for (size_t i = 0; i < outputFiles.size(); ++i) {
    if (!model.outputs()[i].type) {
      r.status = OnnxTestResult::Status::Unsupported;
      r.missing = "non-tensor output";
      r.message = "output '" + model.outputs()[i].name + "' is not a tensor";
      return false;
    }
    Expected<OnnxTensor> value = readOnnxTensorFile(outputFiles[i]);
    if (!value) {
      recordImportError(r, value.takeError());
      return false;
    }
    expected.push_back(std::move(*value));
  }

  std::unique_ptr<mlir::MLIRContext> context = createAutoConfigContext();
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(
      context.get(), [&](mlir::Diagnostic &diag) {
        if (diag.getSeverity() == mlir::DiagnosticSeverity::Error)
          diagnostics += (diagnostics.empty() ? "" : "; ") + diag.str();
        return mlir::success();
      });
  double start = nowSeconds();
  Expected<mlir::OwningOpRef<mlir::ModuleOp>> module =
      model.import(*context, importOptions);
  if (!module) {
    recordImportError(r, module.takeError());
    return false;
  }
  // Every argument is a float input the data gives (the function takes the
  // unbound inputs without initializers in order).
  if (r.status == OnnxTestResult::Status::Unsupported)
    return false;
  LayoutPropagationOptions layout{options.target, options.profile,
                                  options.threads, false};
  if (failed(normalizeModule(**module,
                             options.propagateLayout ? &layout : nullptr))) {
    failWith(r, "normalization failed", diagnostics);
    return false;
  }
  ConfigureOptions configure;
  configure.target = options.target;
  configure.profile = options.profile;
  configure.threads = options.threads;
  mlir::PassManager pm(context.get());
  pm.addPass(createFuseEpiloguesPass());
  pm.addPass(createConfigurePass(configure));
  pm.addPass(createGeneratePass(options.target));
  if (failed(pm.run(**module))) {
    failWith(r, "configuration or code generation failed", diagnostics);
    return false;
  }
  auto runner = ModuleRunner::create(**module, "forward", options.target,
                                     options.threads);
  if (!runner) {
    failWith(r, toString(runner.takeError()), diagnostics);
    return false;
  }
  r.compileSeconds += nowSeconds() - start;

  const std::vector<BufferShape> &argShapes = (*runner)->argumentShapes();
  if (argShapes.size() != arguments.size()) {
    failWith(r, "the compiled function takes " + Twine(argShapes.size()) +
                    " arguments, the data set gives " +
                    Twine(arguments.size()));
    return false;
  }
  std::vector<AlignedBuffer> buffers;
  std::vector<void *> pointers;
  for (auto [value, shape] : llvm::zip(arguments, argShapes)) {
    if (shape.dims != value.shape ||
        (shape.elementBytes == 8) !=
            (value.type == int32_t(OnnxDataType::Double))) {
      failWith(r, "an argument's shape or type differs from the data's");
      return false;
    }
    AlignedBuffer buffer(value.floats.size(), shape.elementBytes);
    for (size_t k = 0; k < value.floats.size(); ++k) {
      if (shape.elementBytes == 8)
        buffer.as<double>()[k] = value.floats[k];
      else
        buffer.as<float>()[k] = float(value.floats[k]);
    }
    pointers.push_back(buffer.data());
    buffers.push_back(std::move(buffer));
  }
  std::vector<AlignedBuffer> outputs;
  (*runner)->run(pointers, outputs);
  const std::vector<BufferShape> &resultShapes = (*runner)->resultShapes();
  for (size_t i = 0; i < expected.size(); ++i) {
    const OnnxTensor &want = expected[i];
    if (resultShapes[i].dims != want.shape) {
      failWith(r, "output " + Twine(i) + " has shape " +
                      onnxShapeString(resultShapes[i].dims) + ", expected " +
                      onnxShapeString(want.shape));
      return false;
    }
    if (!want.isFloat()) {
      failWith(r, "output " + Twine(i) + " is expected as " +
                      onnxTypeName(want.type));
      return false;
    }
    size_t mismatches = 0, first = 0;
    for (size_t k = 0; k < want.floats.size(); ++k) {
      double got = resultShapes[i].elementBytes == 8
                       ? outputs[i].as<double>()[k]
                       : double(outputs[i].as<float>()[k]);
      double e = want.floats[k];
      bool ok;
      double err;
      if (std::isnan(e) || std::isnan(got)) {
        ok = std::isnan(e) && std::isnan(got);
        err = ok ? 0 : INFINITY;
      } else if (std::isinf(e) || std::isinf(got)) {
        ok = e == got;
        err = ok ? 0 : INFINITY;
      } else {
        err = std::fabs(got - e);
        ok = err <= options.atol + options.rtol * std::fabs(e);
      }
      r.maxAbsError = std::max(r.maxAbsError, err);
      r.compared = true;
      if (!ok && !mismatches++)
        first = k;
    }
    if (mismatches) {
      double got = resultShapes[i].elementBytes == 8
                       ? outputs[i].as<double>()[first]
                       : double(outputs[i].as<float>()[first]);
      failWith(r, "output " + Twine(i) + ": " + Twine(mismatches) + " of " +
                      Twine(want.floats.size()) +
                      " elements differ; first at flat index " + Twine(first) +
                      ": got " + formatv("{0:e}", got) + ", expected " +
                      formatv("{0:e}", want.floats[first]));
      return false;
    }
  }
  return true;
}

} // namespace

OnnxTestResult runOnnxTest(const OnnxTestCase &testCase,
                           const OnnxTestOptions &options) {
  OnnxTestResult r;
  r.test = testCase.name;
  std::string modelPath = joinPath(testCase.directory, "model.onnx");
  if (!sys::fs::exists(modelPath)) {
    // The ONNX runner downloads these (the "real" models).
    std::string url;
    if (auto buffer =
            MemoryBuffer::getFile(joinPath(testCase.directory, "data.json"))) {
      if (Expected<json::Value> data = json::parse((*buffer)->getBuffer())) {
        if (const json::Object *o = data->getAsObject())
          if (std::optional<StringRef> u = o->getString("url"))
            url = u->str();
      } else {
        consumeError(data.takeError());
      }
    }
    r.status = OnnxTestResult::Status::Unsupported;
    r.missing = "model to download";
    r.message = "no model.onnx: the ONNX runner downloads it" +
                (url.empty() ? std::string() : " from " + url);
    return r;
  }
  OnnxTestOptions caseOptions = options;
  if (auto buffer =
          MemoryBuffer::getFile(joinPath(testCase.directory, "data.json"))) {
    if (Expected<json::Value> data = json::parse((*buffer)->getBuffer())) {
      if (const json::Object *o = data->getAsObject()) {
        if (std::optional<double> rtol = o->getNumber("rtol"))
          caseOptions.rtol = *rtol;
        if (std::optional<double> atol = o->getNumber("atol"))
          caseOptions.atol = *atol;
      }
    } else {
      consumeError(data.takeError());
    }
  }
  Expected<OnnxModel> model = OnnxModel::load(modelPath);
  if (!model) {
    recordImportError(r, model.takeError());
    return r;
  }
  r.ops = model->opTypes();
  std::vector<std::string> sets = dataSets(testCase.directory);
  if (sets.empty())
    return failWith(r, "no test_data_set_N directory");
  for (const std::string &dir : sets) {
    ++r.dataSets;
    if (!runDataSet(*model, dir, caseOptions, r))
      return r;
  }
  r.status = OnnxTestResult::Status::Pass;
  return r;
}

} // namespace autoconfig
