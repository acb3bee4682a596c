//===- OnnxTestCommand.cpp - autoconfig onnx-test -------------------------===//

#include "Options.h"

#include "autoconfig/Bench/Timing.h"
#include "autoconfig/Onnx/BackendTest.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Regex.h"

#include <map>

using namespace llvm;

namespace autoconfig::cli {

static cl::list<std::string> testRoots(cl::Positional, cl::desc("<DIR...>"),
                                       cl::sub(onnxTestCommand()));
static cl::opt<std::string> opsFilter(
    "ops",
    cl::desc("Only the cases whose ops are all in this comma-separated list "
             "('core': the frontend's core op set, docs/onnx.md)"),
    cl::value_desc("LIST"), cl::sub(onnxTestCommand()));
static cl::opt<bool> floatOnly(
    "float-only",
    cl::desc("Only the cases with float outputs and float or integer inputs "
             "(integer inputs are shapes, axes and indices)"),
    cl::sub(onnxTestCommand()));
static cl::opt<std::string>
    nameFilter("filter",
               cl::desc("Only the cases whose name matches this regex"),
               cl::value_desc("REGEX"), cl::sub(onnxTestCommand()));
static cl::opt<std::string>
    excludeFilter("exclude",
                  cl::desc("Skip the cases whose name matches this regex"),
                  cl::value_desc("REGEX"), cl::sub(onnxTestCommand()));
static cl::opt<bool> requirePass(
    "require-pass",
    cl::desc("Exit with an error unless every case run passes (by default "
             "only a failing case is an error; unsupported ones are not)"),
    cl::sub(onnxTestCommand()));
static cl::opt<bool> listOnly("list",
                              cl::desc("Print the selected cases, run none"),
                              cl::sub(onnxTestCommand()));

namespace {

struct Counts {
  unsigned pass = 0, fail = 0, unsupported = 0;
  void add(OnnxTestResult::Status s) {
    if (s == OnnxTestResult::Status::Pass)
      ++pass;
    else if (s == OnnxTestResult::Status::Fail)
      ++fail;
    else
      ++unsupported;
  }
};

void printTable(raw_ostream &os, StringRef title,
                const std::map<std::string, Counts> &rows) {
  os << formatv("{0,-28} {1,6} {2,6} {3,12}\n", title, "pass", "fail",
                "unsupported");
  for (const auto &[name, c] : rows)
    os << formatv("{0,-28} {1,6} {2,6} {3,12}\n", name, c.pass, c.fail,
                  c.unsupported);
}

} // namespace

int runOnnxTest() {
  if (testRoots.empty())
    return fail("no test directory given (autoconfig onnx-test DIR...)");
  auto hardware = resolveHardware();
  if (!hardware)
    return 1;
  if (!hardware->target.runsOnHost)
    return fail("target '" + hardware->target.name + "' cannot run here");
  std::vector<std::string> roots(testRoots.begin(), testRoots.end());
  std::vector<OnnxTestCase> cases = findOnnxTests(roots);
  if (cases.empty())
    return fail("no ONNX test case (a directory with model.onnx) below " +
                join(roots, ", "));
  SmallVector<StringRef> ops;
  std::vector<std::string> opStorage;
  if (opsFilter == "core") {
    ops.assign(coreOnnxOps().begin(), coreOnnxOps().end());
  } else if (!opsFilter.empty()) {
    SmallVector<StringRef> parts;
    StringRef(opsFilter).split(parts, ',', -1, false);
    for (StringRef p : parts)
      opStorage.push_back(p.trim().str());
    for (const std::string &p : opStorage)
      ops.push_back(p);
  }
  std::optional<Regex> pattern, excluded;
  std::string error;
  if (!nameFilter.empty()) {
    pattern.emplace(nameFilter);
    if (!pattern->isValid(error))
      return fail("--filter: " + error);
  }
  if (!excludeFilter.empty()) {
    excluded.emplace(excludeFilter);
    if (!excluded->isValid(error))
      return fail("--exclude: " + error);
  }
  std::vector<OnnxTestCase> selected;
  for (const OnnxTestCase &c : cases) {
    if ((pattern && !pattern->match(c.name)) ||
        (excluded && excluded->match(c.name)))
      continue;
    if ((!ops.empty() || floatOnly) &&
        !onnxTestSelected(c, ops.empty() ? ArrayRef<StringRef>() : ops,
                          floatOnly))
      continue;
    selected.push_back(c);
  }
  if (listOnly) {
    for (const OnnxTestCase &c : selected)
      outs() << c.name << "\n";
    return 0;
  }

  OnnxTestOptions options;
  options.target = hardware->target;
  options.profile = hardware->profile;
  options.threads = threads;
  options.propagateLayout = layoutPropagation(*hardware).has_value();

  double start = nowSeconds();
  std::map<std::string, Counts> byOp, byDirectory;
  std::map<std::string, unsigned> missing;
  std::vector<OnnxTestResult> failures;
  Counts total;
  for (const OnnxTestCase &c : selected) {
    OnnxTestResult r = runOnnxTest(c, options);
    if (json) {
      outs() << formatv("{0}", json::Value(r.toJSON())) << "\n";
      outs().flush();
    }
    total.add(r.status);
    byDirectory[StringRef(r.test).split('/').first.str()].add(r.status);
    for (const std::string &op : r.ops)
      byOp[op].add(r.status);
    if (r.ops.empty())
      byOp["(no model)"].add(r.status);
    if (r.status == OnnxTestResult::Status::Unsupported)
      ++missing[r.missing];
    if (r.status == OnnxTestResult::Status::Fail)
      failures.push_back(r);
  }
  double seconds = nowSeconds() - start;
  if (!json) {
    raw_ostream &os = outs();
    printTable(os, "op (cases using it)", byOp);
    os << "\n";
    printTable(os, "directory", byDirectory);
    os << formatv("{0,-28} {1,6} {2,6} {3,12}\n", "total", total.pass,
                  total.fail, total.unsupported);
    if (!missing.empty()) {
      os << "\nunsupported, by what is missing:\n";
      for (const auto &[what, n] : missing)
        os << formatv("  {0,4}  {1}\n", n, what);
    }
    if (!failures.empty()) {
      os << "\nfailures:\n";
      for (const OnnxTestResult &r : failures)
        os << "  " << r.test << ": " << r.message << "\n";
    }
    os << formatv("\n{0} cases in {1:f1} s\n", selected.size(), seconds);
  }
  if (total.fail)
    return 2;
  if (requirePass && total.unsupported)
    return fail(Twine(total.unsupported) +
                " case(s) unsupported with --require-pass");
  return 0;
}

} // namespace autoconfig::cli
