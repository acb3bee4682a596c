//===- OnnxModel.cpp - Reading and validating an ONNX model ---------------===//
//
// The protobuf is parsed, then checked before any conversion: an opset of
// the default domain the importer knows, a main graph whose nodes are in
// topological order with every input defined (a graph input, an
// initializer or an earlier node's output), names defined once, tensors
// whose data match their dimensions. Errors name the node.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "TensorDecoding.h"

#include "autoconfig/Onnx/OnnxModel.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace autoconfig {

/// The newest opset of the default domain whose operators the converters
/// implement (ONNX 1.12, the version Debian packages).
static constexpr int64_t kMaxOpset = 17;

struct OnnxModel::Impl {
  ::onnx::ModelProto proto;
  std::string name;
  int64_t opset = 0;
  std::vector<OnnxValueInfo> inputs, outputs;
};

OnnxModel::OnnxModel(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
OnnxModel::OnnxModel(OnnxModel &&) = default;
OnnxModel &OnnxModel::operator=(OnnxModel &&) = default;
OnnxModel::~OnnxModel() = default;

StringRef OnnxModel::name() const { return impl->name; }
int64_t OnnxModel::opsetVersion() const { return impl->opset; }
const std::vector<OnnxValueInfo> &OnnxModel::inputs() const {
  return impl->inputs;
}
const std::vector<OnnxValueInfo> &OnnxModel::outputs() const {
  return impl->outputs;
}

std::vector<std::string> OnnxModel::opTypes() const {
  std::vector<std::string> types;
  for (const ::onnx::NodeProto &node : impl->proto.graph().node())
    if (!llvm::is_contained(types, node.op_type()))
      types.push_back(node.op_type());
  return types;
}

bool isOnnxPath(StringRef path) {
  return sys::path::extension(path).equals_insensitive(".onnx");
}

bool isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

std::string describeNode(const ::onnx::NodeProto &node, int index) {
  std::string text = "node ";
  if (!node.name().empty())
    text += "'" + node.name() + "' ";
  text += "#" + std::to_string(index) + " (";
  if (!isDefaultDomain(node.domain()))
    text += node.domain() + ".";
  return text + node.op_type() + ")";
}

static Error invalid(const Twine &message) {
  return make_error<OnnxImportError>(OnnxErrorKind::Invalid, message.str());
}

static OnnxValueInfo describeValue(const ::onnx::ValueInfoProto &v) {
  OnnxValueInfo info;
  info.name = v.name();
  if (!v.has_type() || !v.type().has_tensor_type())
    return info;
  const ::onnx::TypeProto::Tensor &t = v.type().tensor_type();
  info.type = t.elem_type();
  if (t.has_shape()) {
    info.hasShape = true;
    for (const ::onnx::TensorShapeProto::Dimension &d : t.shape().dim())
      info.shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
  }
  return info;
}

/// Adds `name`, the name of an initializer or a graph input, to `names`: it
/// must be set and not there yet. `article` and `kind` say what it names
/// ("an", "initializer"), `repeated` how a second one is described.
static Error addUniqueName(StringSet<> &names, const std::string &name,
                           StringRef article, StringRef kind,
                           StringRef repeated) {
  if (name.empty())
    return invalid(article + " " + kind + " has no name");
  if (!names.insert(name).second)
    return invalid(kind + " '" + name + "' is " + repeated);
  return Error::success();
}

/// Checks the graph's structure: unique definitions, topological order,
/// every use defined. Subgraphs (If, Loop) are the converters' concern.
static Error validateGraph(const ::onnx::GraphProto &graph) {
  StringSet<> defined;
  for (const ::onnx::TensorProto &init : graph.initializer())
    if (Error err = addUniqueName(defined, init.name(), "an", "initializer",
                                  "defined twice"))
      return err;
  if (graph.sparse_initializer_size())
    return make_error<OnnxImportError>(OnnxErrorKind::Unsupported,
                                       "sparse initializers are not supported",
                                       "sparse initializer");
  StringSet<> inputs;
  for (const ::onnx::ValueInfoProto &in : graph.input()) {
    if (Error err = addUniqueName(inputs, in.name(), "a", "graph input",
                                  "declared twice"))
      return err;
    // An input with an initializer of the same name is that initializer
    // (IR version 3 listed every weight as an input).
    defined.insert(in.name());
  }
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    for (const std::string &name : node.input())
      if (!name.empty() && !defined.contains(name))
        return invalid(describeNode(node, index) + ": input '" + name +
                       "' is not a graph input, an initializer or the output "
                       "of an earlier node");
    for (const std::string &name : node.output())
      if (!name.empty() && !defined.insert(name).second)
        return invalid(describeNode(node, index) + ": output '" + name +
                       "' is already defined");
  }
  if (graph.output_size() == 0)
    return invalid("the graph has no outputs");
  for (const ::onnx::ValueInfoProto &out : graph.output())
    if (!defined.contains(out.name()))
      return invalid("graph output '" + out.name() + "' is never defined");
  return Error::success();
}

Expected<OnnxModel> OnnxModel::parse(StringRef bytes, StringRef name) {
  auto impl = std::make_unique<Impl>();
  impl->name = name.str();
  if (bytes.empty())
    return invalid("'" + name + "' is empty: expected an ONNX model");
  if (bytes.size() > size_t(INT32_MAX))
    return invalid("'" + name + "' is larger than 2 GiB (protobuf's limit)");
  if (!impl->proto.ParseFromArray(bytes.data(), int(bytes.size())))
    return invalid("'" + name +
                   "' is not a valid ONNX model (corrupt or truncated "
                   "protobuf)");
  const ::onnx::ModelProto &model = impl->proto;
  if (!model.has_graph())
    return invalid("'" + name + "' has no graph (not an ONNX model?)");
  if (model.ir_version() < 3)
    return invalid("'" + name + "': IR version " + Twine(model.ir_version()) +
                   " (no opset imports; an ONNX model has IR version 3 or "
                   "newer)");
  bool haveDefault = false;
  for (const ::onnx::OperatorSetIdProto &set : model.opset_import()) {
    if (!isDefaultDomain(set.domain()))
      continue;
    if (haveDefault)
      return invalid("'" + name + "' imports the default opset twice");
    haveDefault = true;
    impl->opset = set.version();
  }
  // A model of other domains only (training operators) need not import
  // the default one; a node of the default domain then finds no converter.
  if (haveDefault && impl->opset < 1)
    return invalid("'" + name + "': opset version " + Twine(impl->opset) +
                   " is not a valid ONNX opset");
  if (impl->opset > kMaxOpset)
    return make_error<OnnxImportError>(
        OnnxErrorKind::Unsupported,
        ("'" + name + "': unknown opset " + Twine(impl->opset) +
         " (this importer knows the ONNX opsets up to " + Twine(kMaxOpset) +
         ")")
            .str(),
        "opset " + std::to_string(impl->opset));
  const ::onnx::GraphProto &graph = model.graph();
  if (Error err = validateGraph(graph))
    return std::move(err);
  StringSet<> initialized;
  for (const ::onnx::TensorProto &init : graph.initializer())
    initialized.insert(init.name());
  for (const ::onnx::ValueInfoProto &in : graph.input()) {
    OnnxValueInfo info = describeValue(in);
    info.hasInitializer = initialized.contains(in.name());
    impl->inputs.push_back(std::move(info));
  }
  for (const ::onnx::ValueInfoProto &out : graph.output())
    impl->outputs.push_back(describeValue(out));
  return OnnxModel(std::move(impl));
}

Expected<OnnxModel> OnnxModel::load(StringRef path) {
  auto buffer = MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false);
  if (!buffer)
    return invalid("cannot read '" + path +
                   "': " + buffer.getError().message());
  return parse((*buffer)->getBuffer(), path);
}

Expected<mlir::OwningOpRef<mlir::ModuleOp>>
OnnxModel::import(mlir::MLIRContext &context,
                  const OnnxImportOptions &options) const {
  return importGraph(impl->proto, impl->name, impl->opset, context, options);
}

Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxFile(StringRef path, mlir::MLIRContext &context,
               const OnnxImportOptions &options) {
  Expected<OnnxModel> model = OnnxModel::load(path);
  if (!model)
    return model.takeError();
  return model->import(context, options);
}

} // namespace autoconfig
