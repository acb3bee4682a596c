//===- GraphImporter.cpp - An ONNX graph to one MLIR function -------------===//
//
// Initializers and bound inputs become values known at import time, the
// other graph inputs the function's arguments; each node, in order, goes to
// its op's converter; the graph outputs are returned. Ops are located at
// "MODEL:N:1" (N the node's position in the graph, from 1) under the node's
// name, so that `explain` and errors point at the node.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "GraphState.h"
#include "NodeContext.h"
#include "TensorDecoding.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using llvm::Error;
using llvm::Expected;
using llvm::Twine;

namespace autoconfig {

void registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, tensor::TensorDialect>();
}

namespace {

Error importError(OnnxErrorKind kind, const Twine &message,
                  const Twine &missing = "") {
  return llvm::make_error<OnnxImportError>(kind, message.str(), missing.str());
}

/// The math ops the project's lowering (Lowering.cpp, MLIR's math-to-llvm)
/// has no rule for call the C library, as MLIR's math-to-libm would.
template <typename MathOp>
void callLibm(ModuleOp module, StringRef f32Name, StringRef f64Name) {
  SmallVector<MathOp> ops;
  module.walk([&](MathOp op) { ops.push_back(op); });
  OpBuilder b(module.getContext());
  for (MathOp op : ops) {
    Type type = op.getType();
    StringRef name = type.isF64() ? f64Name : f32Name;
    auto fn = module.lookupSymbol<func::FuncOp>(name);
    if (!fn) {
      b.setInsertionPointToStart(module.getBody());
      fn = func::FuncOp::create(b, module.getLoc(), name,
                                b.getFunctionType({type}, {type}));
      fn.setPrivate();
    }
    b.setInsertionPoint(op);
    auto call =
        func::CallOp::create(b, op.getLoc(), fn, ValueRange{op.getOperand()});
    op.replaceAllUsesWith(call.getResult(0));
    op.erase();
  }
}

void callLibmWhereNeeded(ModuleOp module) {
  callLibm<math::ErfOp>(module, "erff", "erf");
  callLibm<math::AsinhOp>(module, "asinhf", "asinh");
  callLibm<math::AcoshOp>(module, "acoshf", "acosh");
  callLibm<math::AtanhOp>(module, "atanhf", "atanh");
}

class GraphImporter {
public:
  GraphImporter(const ::onnx::ModelProto &model, StringRef name, int64_t opset,
                MLIRContext &context, const OnnxImportOptions &options)
      : graph(model.graph()), name(name), opset(opset), context(context),
        options(options) {}

  Expected<OwningOpRef<ModuleOp>> run();

private:
  Error addInitializers(GraphState &state);
  Expected<SmallVector<std::string>> addInputs(GraphState &state,
                                               SmallVector<Type> &argTypes);
  Error convertNode(GraphState &state, OpBuilder &b, int index);

  const ::onnx::GraphProto &graph;
  StringRef name;
  int64_t opset;
  MLIRContext &context;
  const OnnxImportOptions &options;
};

Error GraphImporter::addInitializers(GraphState &state) {
  for (const ::onnx::TensorProto &init : graph.initializer()) {
    Expected<OnnxTensor> value =
        decodeTensor(init, "initializer '" + init.name() + "'");
    if (!value)
      return value.takeError();
    ImportedValue v;
    v.type = value->type;
    v.constant = std::make_shared<const OnnxTensor>(std::move(*value));
    state.values[init.name()] = std::move(v);
  }
  return Error::success();
}

Expected<SmallVector<std::string>>
GraphImporter::addInputs(GraphState &state, SmallVector<Type> &argTypes) {
  SmallVector<std::string> argNames;
  llvm::StringSet<> inputNames;
  for (const ::onnx::ValueInfoProto &in : graph.input())
    inputNames.insert(in.name());
  for (const auto &[bound, value] : options.boundInputs)
    if (!inputNames.contains(bound))
      return importError(OnnxErrorKind::Invalid,
                         "no graph input named '" + bound + "' to bind");
  for (const auto &[shaped, shape] : options.inputShapes)
    if (!inputNames.contains(shaped))
      return importError(OnnxErrorKind::Invalid,
                         "no graph input named '" + shaped + "' to shape");
  for (const ::onnx::ValueInfoProto &in : graph.input()) {
    std::string what = "graph input '" + in.name() + "'";
    if (!in.type().has_tensor_type())
      return importError(OnnxErrorKind::Unsupported,
                         what + " is not a tensor (sequence, map or optional)",
                         "non-tensor input");
    const ::onnx::TypeProto::Tensor &t = in.type().tensor_type();
    SmallVector<int64_t> declared;
    bool hasShape = t.has_shape();
    for (const ::onnx::TensorShapeProto::Dimension &d : t.shape().dim()) {
      if (d.has_dim_value() && d.dim_value() < 0)
        return importError(OnnxErrorKind::Invalid,
                           what + " has a negative dimension");
      declared.push_back(d.has_dim_value() ? d.dim_value()
                                           : ShapedType::kDynamic);
    }
    auto agrees = [&](ArrayRef<int64_t> given) {
      if (!hasShape)
        return true;
      if (given.size() != declared.size())
        return false;
      for (auto [g, d] : llvm::zip(given, declared))
        if (!ShapedType::isDynamic(d) && g != d)
          return false;
      return true;
    };
    auto bound = options.boundInputs.find(in.name());
    if (bound != options.boundInputs.end()) {
      const OnnxTensor &value = bound->second;
      if (t.elem_type() != value.type)
        return importError(OnnxErrorKind::Invalid,
                           what + " is " + onnxTypeName(t.elem_type()) +
                               ", bound to a value of type " +
                               onnxTypeName(value.type));
      if (!agrees(value.shape))
        return importError(OnnxErrorKind::Invalid,
                           what + " of shape " + onnxShapeString(declared) +
                               " bound to a value of shape " +
                               onnxShapeString(value.shape));
      ImportedValue v;
      v.type = value.type;
      v.constant = std::make_shared<const OnnxTensor>(value);
      state.values[in.name()] = std::move(v);
      continue;
    }
    if (state.values.count(in.name()))
      continue; // its initializer
    if (!isOnnxComputeType(t.elem_type()))
      return importError(OnnxErrorKind::Unsupported,
                         what + " has element type " +
                             onnxTypeName(t.elem_type()) +
                             " (only float and double are computed; bind it "
                             "to a value)",
                         "type " + onnxTypeName(t.elem_type()));
    SmallVector<int64_t> shape = declared;
    auto given = options.inputShapes.find(in.name());
    if (given != options.inputShapes.end()) {
      if (!agrees(given->second))
        return importError(OnnxErrorKind::Invalid,
                           what + " of shape " + onnxShapeString(declared) +
                               " cannot take shape " +
                               onnxShapeString(given->second));
      shape.assign(given->second.begin(), given->second.end());
    } else if (!hasShape) {
      return importError(OnnxErrorKind::Unsupported,
                         what + " has no shape (not even a rank); give one",
                         "input of unknown rank");
    }
    for (int64_t d : shape)
      if (d == 0)
        return importError(OnnxErrorKind::Unsupported,
                           what + " has a zero-size dimension",
                           "zero-size tensor");
    if (shape.size() > kMaxOnnxRank)
      return importError(OnnxErrorKind::Unsupported,
                         what + " has rank " + Twine(shape.size()),
                         "rank above " + Twine(kMaxOnnxRank));
    SmallVector<int64_t> known;
    for (int64_t d : shape)
      if (!ShapedType::isDynamic(d))
        known.push_back(d);
    if (Expected<int64_t> n = checkedElementCount(known); !n)
      return llvm::handleErrors(n.takeError(), [&](const OnnxImportError &e) {
        return importError(e.kind, what + ": " + e.message, e.missing);
      });
    Type element = t.elem_type() == int32_t(OnnxDataType::Double)
                       ? Type(Float64Type::get(&context))
                       : Float32Type::get(&context);
    argTypes.push_back(RankedTensorType::get(shape, element));
    argNames.push_back(in.name());
    ImportedValue v;
    v.type = t.elem_type();
    state.values[in.name()] = std::move(v);
  }
  return argNames;
}

Error GraphImporter::convertNode(GraphState &state, OpBuilder &b, int index) {
  const ::onnx::NodeProto &node = graph.node(index);
  std::string label = describeNode(node, index);
  std::string nodeName = node.name().empty()
                             ? node.op_type() + "#" + std::to_string(index)
                             : node.name();
  Location loc =
      NameLoc::get(StringAttr::get(&context, nodeName),
                   FileLineColLoc::get(&context, name, unsigned(index + 1), 1));
  if (!isDefaultDomain(node.domain()))
    return importError(OnnxErrorKind::Unsupported,
                       label + ": operators of domain '" + node.domain() +
                           "' are not supported",
                       "op " + node.domain() + "." + node.op_type());
  if (opset == 0)
    return importError(OnnxErrorKind::Invalid,
                       label + ": the model does not import the default ONNX "
                               "opset its operators need");
  OpConverter convert = findConverter(node.op_type(), opset);
  if (!convert)
    return importError(OnnxErrorKind::Unsupported,
                       label + ": operator " + node.op_type() + " of opset " +
                           Twine(opset) + " is not supported",
                       "op " + node.op_type());
  NodeContext ctx(state, node, opset, b, loc);
  LogicalResult result = convert(ctx);
  if (state.problem)
    return importError(state.problem->kind,
                       label + ": " + state.problem->message,
                       state.problem->missing);
  if (failed(result))
    return importError(OnnxErrorKind::Invalid,
                       label + ": internal error: conversion failed silently");
  for (const std::string &attr : ctx.unreadAttributes())
    return importError(OnnxErrorKind::Unsupported,
                       label + ": attribute '" + attr + "' is not supported",
                       node.op_type() + " attribute " + attr);
  for (int i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty() && !state.values.count(node.output(i)))
      return importError(OnnxErrorKind::Invalid,
                         label + ": internal error: output '" + node.output(i) +
                             "' was not produced");
  return Error::success();
}

Expected<OwningOpRef<ModuleOp>> GraphImporter::run() {
  DialectRegistry registry;
  registerOnnxImportDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadDialect<arith::ArithDialect, func::FuncDialect,
                      linalg::LinalgDialect, math::MathDialect,
                      tensor::TensorDialect>();
  Location fileLoc = FileLineColLoc::get(&context, name, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  GraphState state(*module, options);
  if (Error err = addInitializers(state))
    return std::move(err);
  SmallVector<Type> argTypes;
  Expected<SmallVector<std::string>> argNames = addInputs(state, argTypes);
  if (!argNames)
    return argNames.takeError();

  OpBuilder b(&context);
  b.setInsertionPointToEnd(module->getBody());
  auto fn = func::FuncOp::create(b, fileLoc, options.entry,
                                 b.getFunctionType(argTypes, {}));
  Block *body = fn.addEntryBlock();
  for (auto [argName, arg] : llvm::zip(*argNames, body->getArguments()))
    state.values[argName].tensor = arg;
  b.setInsertionPointToEnd(body);

  for (int i = 0; i < graph.node_size(); ++i)
    if (Error err = convertNode(state, b, i))
      return std::move(err);

  SmallVector<Value> results;
  for (const ::onnx::ValueInfoProto &out : graph.output()) {
    std::string what = "graph output '" + out.name() + "'";
    ImportedValue &v = state.values[out.name()];
    if (!isOnnxComputeType(v.type))
      return importError(OnnxErrorKind::Unsupported,
                         what + " has element type " + onnxTypeName(v.type) +
                             " (only float and double are computed)",
                         "type " + onnxTypeName(v.type));
    if (!v.tensor) {
      for (int64_t d : v.constant->shape)
        if (d == 0)
          return importError(OnnxErrorKind::Unsupported,
                             what + " is a zero-size tensor",
                             "zero-size tensor");
      v.tensor = state.materialize(b, fileLoc, *v.constant);
    }
    results.push_back(v.tensor);
  }
  func::ReturnOp::create(b, fileLoc, results);
  fn.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  callLibmWhereNeeded(*module);

  if (failed(verify(*module)))
    return importError(OnnxErrorKind::Invalid,
                       "internal error: the imported module does not verify "
                       "(see the errors above)");
  // Folds the reshapes of constants and the back-to-back reshapes the
  // converters leave, and drops what no output uses. No CSE: merging the
  // tensor.empty of different ops makes bufferization reuse one buffer
  // across layers, and the convolution generators' folding of a padded
  // input then reads the buffer a fused epilogue writes (reported).
  PassManager pm(&context);
  pm.addPass(createCanonicalizerPass());
  if (failed(pm.run(*module)))
    return importError(OnnxErrorKind::Invalid,
                       "internal error: canonicalizing the imported module "
                       "failed (see the errors above)");
  return module;
}

} // namespace

Expected<OwningOpRef<ModuleOp>> importGraph(const ::onnx::ModelProto &model,
                                            StringRef name, int64_t opset,
                                            MLIRContext &context,
                                            const OnnxImportOptions &options) {
  return GraphImporter(model, name, opset, context, options).run();
}

} // namespace autoconfig
