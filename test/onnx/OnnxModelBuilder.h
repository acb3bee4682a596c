//===- OnnxModelBuilder.h - ONNX models built with its C++ API --*- C++ -*-===//
//
// Tests (and the fuzz seed generator) write their models with onnx::ModelProto
// from libonnx-dev, the way an exporter does: graph inputs and outputs with
// their types, initializers, nodes with attributes.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_TEST_ONNX_ONNXMODELBUILDER_H
#define AUTOCONFIG_TEST_ONNX_ONNXMODELBUILDER_H

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wall"
#pragma clang diagnostic ignored "-Wextra"
#include "onnx/onnx_pb.h"
#pragma clang diagnostic pop

#include <cstdint>
#include <string>
#include <vector>

namespace autoconfig::testing {

class OnnxModelBuilder {
public:
  explicit OnnxModelBuilder(int64_t opset = 13, std::string name = "test") {
    model.set_ir_version(8);
    model.set_producer_name("autoconfig-tests");
    ::onnx::OperatorSetIdProto *set = model.add_opset_import();
    set->set_domain("");
    set->set_version(opset);
    model.mutable_graph()->set_name(std::move(name));
  }

  ::onnx::GraphProto &graph() { return *model.mutable_graph(); }

  /// A graph input or output; a negative dim is symbolic ("N", "N1"...).
  void input(const std::string &name, const std::vector<int64_t> &dims,
             int32_t type = ::onnx::TensorProto::FLOAT) {
    describe(graph().add_input(), name, dims, type);
  }
  void output(const std::string &name, const std::vector<int64_t> &dims,
              int32_t type = ::onnx::TensorProto::FLOAT) {
    describe(graph().add_output(), name, dims, type);
  }

  void initializer(const std::string &name, const std::vector<int64_t> &dims,
                   const std::vector<float> &values) {
    ::onnx::TensorProto *t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(::onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
      t->add_dims(d);
    for (float v : values)
      t->add_float_data(v);
  }
  void initializer(const std::string &name, const std::vector<int64_t> &dims,
                   const std::vector<int64_t> &values) {
    ::onnx::TensorProto *t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(::onnx::TensorProto::INT64);
    for (int64_t d : dims)
      t->add_dims(d);
    for (int64_t v : values)
      t->add_int64_data(v);
  }

  ::onnx::NodeProto &node(const std::string &op,
                          const std::vector<std::string> &inputs,
                          const std::vector<std::string> &outputs,
                          const std::string &name = "") {
    ::onnx::NodeProto *n = graph().add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const std::string &in : inputs)
      n->add_input(in);
    for (const std::string &out : outputs)
      n->add_output(out);
    return *n;
  }

  static void attr(::onnx::NodeProto &n, const std::string &name, int64_t v) {
    ::onnx::AttributeProto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attr(::onnx::NodeProto &n, const std::string &name, float v) {
    ::onnx::AttributeProto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  static void attr(::onnx::NodeProto &n, const std::string &name,
                   const std::vector<int64_t> &v) {
    ::onnx::AttributeProto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::INTS);
    for (int64_t x : v)
      a->add_ints(x);
  }
  static void attr(::onnx::NodeProto &n, const std::string &name,
                   const std::string &v) {
    ::onnx::AttributeProto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(::onnx::AttributeProto::STRING);
    a->set_s(v);
  }

  std::string serialize() const {
    std::string bytes;
    model.SerializeToString(&bytes);
    return bytes;
  }

  ::onnx::ModelProto model;

private:
  static void describe(::onnx::ValueInfoProto *v, const std::string &name,
                       const std::vector<int64_t> &dims, int32_t type) {
    v->set_name(name);
    ::onnx::TypeProto::Tensor *t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(type);
    ::onnx::TensorShapeProto *shape = t->mutable_shape();
    int symbols = 0;
    for (int64_t d : dims) {
      ::onnx::TensorShapeProto::Dimension *dim = shape->add_dim();
      if (d < 0)
        dim->set_dim_param(symbols++ ? "N" + std::to_string(symbols) : "N");
      else
        dim->set_dim_value(d);
    }
  }
};

} // namespace autoconfig::testing

#endif
