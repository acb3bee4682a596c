//===- NodeContext.cpp - What an op converter sees of its node ------------===//

#include "NodeContext.h"
#include "GraphState.h"
#include "TensorBuilders.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace autoconfig {

NodeContext::NodeContext(GraphState &graph, const ::onnx::NodeProto &node,
                         int64_t opset, OpBuilder &builder, Location loc)
    : node(node), opset(opset), b(builder), loc(loc), graph(graph) {}

bool NodeContext::hasInput(unsigned i) const {
  return i < unsigned(node.input_size()) && !node.input(i).empty();
}

const ImportedValue *NodeContext::lookup(unsigned i) const {
  if (!hasInput(i))
    return nullptr;
  auto it = graph.values.find(node.input(i));
  return it == graph.values.end() ? nullptr : &it->second;
}

int32_t NodeContext::inputType(unsigned i) const {
  const ImportedValue *v = lookup(i);
  return v ? v->type : 0;
}

const OnnxTensor *NodeContext::constant(unsigned i) const {
  const ImportedValue *v = lookup(i);
  return v ? v->constant.get() : nullptr;
}

bool NodeContext::allConstant() const {
  for (unsigned i = 0; i < numInputs(); ++i)
    if (hasInput(i) && !constant(i))
      return false;
  return true;
}

std::optional<SmallVector<int64_t>> NodeContext::staticShape(unsigned i) const {
  const ImportedValue *v = lookup(i);
  if (!v)
    return std::nullopt;
  if (v->constant)
    return SmallVector<int64_t>(v->constant->shape.begin(),
                                v->constant->shape.end());
  auto type = dyn_cast<RankedTensorType>(v->tensor.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  return SmallVector<int64_t>(type.getShape());
}

std::optional<int64_t> NodeContext::rank(unsigned i) const {
  const ImportedValue *v = lookup(i);
  if (!v)
    return std::nullopt;
  if (v->constant)
    return int64_t(v->constant->shape.size());
  return cast<RankedTensorType>(v->tensor.getType()).getRank();
}

FailureOr<Value> NodeContext::tensor(unsigned i) {
  if (!hasInput(i)) {
    (void)invalid("input " + Twine(i) + " is missing");
    return failure();
  }
  auto it = graph.values.find(node.input(i));
  if (it == graph.values.end()) {
    (void)invalid("input '" + node.input(i) + "' is not defined");
    return failure();
  }
  ImportedValue &v = it->second;
  if (!isOnnxComputeType(v.type)) {
    (void)unsupported("type " + onnxTypeName(v.type),
                      "input '" + node.input(i) + "' has element type " +
                          onnxTypeName(v.type) +
                          " at run time (only float and double are computed)");
    return failure();
  }
  if (!v.tensor) {
    for (int64_t d : v.constant->shape)
      if (d == 0) {
        (void)unsupported("zero-size tensor",
                          "input '" + node.input(i) +
                              "' has a zero-size dimension");
        return failure();
      }
    v.tensor = graph.materialize(b, loc, *v.constant);
  }
  return v.tensor;
}

FailureOr<Value> NodeContext::tensorAfterAttributes(unsigned i) {
  if (failed())
    return failure();
  return tensor(i);
}

FailureOr<SmallVector<int64_t>> NodeContext::constantInts(unsigned i,
                                                          StringRef what) {
  if (!hasInput(i)) {
    (void)invalid(Twine(what) + " (input " + Twine(i) + ") is missing");
    return failure();
  }
  const OnnxTensor *c = constant(i);
  if (!c) {
    (void)unsupported(Twine(node.op_type()) + " with " + what +
                          " computed at run time",
                      Twine(what) + " (input '" + node.input(i) +
                          "') must be known at import time");
    return failure();
  }
  if (c->isFloat()) {
    (void)invalid(Twine(what) + " must be an integer tensor, got " +
                  onnxTypeName(c->type));
    return failure();
  }
  return SmallVector<int64_t>(c->ints.begin(), c->ints.end());
}

std::optional<SmallVector<int64_t>>
NodeContext::intsAttrOrInput(StringRef name, unsigned input,
                             int64_t inputSince) {
  if (opset < inputSince)
    return intsAttr(name);
  if (!hasInput(input))
    return std::nullopt;
  FailureOr<SmallVector<int64_t>> values = constantInts(input, name);
  if (mlir::failed(values))
    return std::nullopt;
  return std::move(*values);
}

FailureOr<SmallVector<int64_t>>
NodeContext::requiredIntsAttrOrInput(StringRef name, unsigned input,
                                     int64_t inputSince, StringRef attrName) {
  if (opset >= inputSince)
    return constantInts(input, name);
  std::optional<SmallVector<int64_t>> values =
      intsAttr(attrName.empty() ? name : attrName);
  if (!values) {
    (void)invalid("attribute " + name + " is required");
    return failure();
  }
  return std::move(*values);
}

const ::onnx::AttributeProto *NodeContext::findAttr(StringRef name) const {
  for (const ::onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

bool NodeContext::hasAttr(StringRef name) const {
  return findAttr(name) != nullptr;
}

const ::onnx::AttributeProto *NodeContext::rawAttr(StringRef name) {
  used.insert(name);
  return findAttr(name);
}

/// The ONNX attribute type a proto holds: its `type` field, or for protos
/// written without it (old exporters), the field that is set.
static int attributeType(const ::onnx::AttributeProto &a) {
  using Proto = ::onnx::AttributeProto;
  if (a.has_type() && a.type() != Proto::UNDEFINED)
    return a.type();
  // The first field set, in this order, says the type.
  const std::pair<bool, Proto::AttributeType> fields[] = {
      {a.has_f(), Proto::FLOAT},        {a.has_i(), Proto::INT},
      {a.has_s(), Proto::STRING},       {a.has_t(), Proto::TENSOR},
      {a.has_g(), Proto::GRAPH},        {a.floats_size() > 0, Proto::FLOATS},
      {a.ints_size() > 0, Proto::INTS}, {a.strings_size() > 0, Proto::STRINGS}};
  for (auto [set, type] : fields)
    if (set)
      return type;
  return Proto::UNDEFINED;
}

static StringRef attributeTypeName(int type) {
  return ::onnx::AttributeProto::AttributeType_Name(
      ::onnx::AttributeProto::AttributeType(type));
}

const ::onnx::AttributeProto *
NodeContext::typedAttr(StringRef name,
                       ::onnx::AttributeProto::AttributeType type) {
  const ::onnx::AttributeProto *a = rawAttr(name);
  if (!a)
    return nullptr;
  int actual = attributeType(*a);
  if (actual != type) {
    (void)invalid("attribute '" + name + "' must be " +
                  attributeTypeName(type) + ", got " +
                  attributeTypeName(actual));
    return nullptr;
  }
  return a;
}

int64_t NodeContext::intAttr(StringRef name, int64_t fallback) {
  const auto *a = typedAttr(name, ::onnx::AttributeProto::INT);
  return a ? a->i() : fallback;
}

float NodeContext::floatAttr(StringRef name, float fallback) {
  const auto *a = typedAttr(name, ::onnx::AttributeProto::FLOAT);
  return a ? a->f() : fallback;
}

std::string NodeContext::stringAttr(StringRef name, StringRef fallback) {
  const auto *a = typedAttr(name, ::onnx::AttributeProto::STRING);
  return a ? a->s() : fallback.str();
}

std::optional<SmallVector<int64_t>> NodeContext::intsAttr(StringRef name) {
  const auto *a = typedAttr(name, ::onnx::AttributeProto::INTS);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

SmallVector<std::string> NodeContext::unreadAttributes() const {
  SmallVector<std::string> unread;
  for (const ::onnx::AttributeProto &a : node.attribute())
    if (!used.contains(a.name()))
      unread.push_back(a.name());
  return unread;
}

bool NodeContext::wantsOutput(unsigned i) const {
  return i < unsigned(node.output_size()) && !node.output(i).empty();
}

void NodeContext::setOutput(unsigned i, Value value) {
  if (!wantsOutput(i))
    return;
  ImportedValue v;
  v.tensor = value;
  Type element = cast<ShapedType>(value.getType()).getElementType();
  v.type =
      int32_t(element.isF64() ? OnnxDataType::Double : OnnxDataType::Float);
  graph.values[node.output(i)] = std::move(v);
}

void NodeContext::setConstantOutput(unsigned i, OnnxTensor value) {
  if (!wantsOutput(i))
    return;
  ImportedValue v;
  v.type = value.type;
  v.constant = std::make_shared<const OnnxTensor>(std::move(value));
  graph.values[node.output(i)] = std::move(v);
}

LogicalResult NodeContext::onlyFirstOutput() {
  for (unsigned i = 1; i < numOutputs(); ++i)
    if (wantsOutput(i))
      return unsupported(node.op_type() + " output " + Twine(i),
                         "output " + Twine(i) + " ('" + node.output(i) +
                             "') is not supported");
  return success();
}

FailureOr<Value> NodeContext::onlyOutputOperand() {
  if (mlir::failed(onlyFirstOutput()))
    return failure();
  return tensor(0);
}

LogicalResult NodeContext::finish(FailureOr<Value> result) {
  if (mlir::failed(result))
    return failure();
  setOutput(0, *result);
  return success();
}

LogicalResult NodeContext::finishConstant(OnnxTensor value) {
  setConstantOutput(0, std::move(value));
  return success();
}

LogicalResult NodeContext::passThrough(unsigned i) {
  if (const OnnxTensor *c = constant(i))
    return finishConstant(*c);
  return finish(tensor(i));
}

LogicalResult NodeContext::invalid(const Twine &message) {
  graph.report(OnnxErrorKind::Invalid, message);
  return failure();
}

LogicalResult NodeContext::unsupported(const Twine &missing,
                                       const Twine &message) {
  std::string text = message.str();
  graph.report(OnnxErrorKind::Unsupported,
               text.empty() ? missing + " is not supported" : Twine(text),
               missing);
  return failure();
}

bool NodeContext::failed() const { return graph.problem.has_value(); }

LogicalResult NodeContext::fail(llvm::Error error) {
  llvm::handleAllErrors(
      std::move(error),
      [&](const OnnxImportError &e) {
        graph.report(e.kind, e.message, e.missing);
      },
      [&](const llvm::ErrorInfoBase &e) {
        graph.report(OnnxErrorKind::Invalid, e.message());
      });
  return failure();
}

Value NodeContext::scalar(Type element, double value) {
  return floatConstant(b, loc, element, value);
}

Value NodeContext::materialize(const OnnxTensor &value) {
  return graph.materialize(b, loc, value);
}

} // namespace autoconfig
