//===- ImportTest.cpp - The ONNX importer on small models -----------------===//
//
// Bad input gets an error that says what is wrong and names the node, of
// the right kind (invalid model or unsupported feature), never a crash; and
// the imported IR has the shape the rest of the project expects (named
// kernels after tensor.pad, transposes as indexing maps, large weights as
// dense_resource, symbolic dims as '?').
//
//===----------------------------------------------------------------------===//

#include "OnnxModelBuilder.h"

#include "autoconfig/Import/Import.h"
#include "autoconfig/Onnx/OnnxModel.h"

#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace autoconfig;
using autoconfig::testing::OnnxModelBuilder;

namespace {

struct ImportOutcome {
  bool ok = false;
  OnnxErrorKind kind = OnnxErrorKind::Invalid;
  std::string message, missing, ir;
};

ImportOutcome importBytes(const std::string &bytes,
                          const OnnxImportOptions &options = {}) {
  ImportOutcome outcome;
  auto context = createAutoConfigContext();
  // Internal verifier errors would print here; none are expected.
  llvm::Expected<OnnxModel> model = OnnxModel::parse(bytes, "test.onnx");
  llvm::Error err = llvm::Error::success();
  if (model) {
    auto module = model->import(*context, options);
    if (module) {
      outcome.ok = true;
      llvm::raw_string_ostream os(outcome.ir);
      (*module)->print(os);
      return outcome;
    }
    err = module.takeError();
  } else {
    err = model.takeError();
  }
  llvm::handleAllErrors(std::move(err), [&](const OnnxImportError &e) {
    outcome.kind = e.kind;
    outcome.message = e.message;
    outcome.missing = e.missing;
  });
  return outcome;
}

ImportOutcome importModel(const OnnxModelBuilder &m,
                          const OnnxImportOptions &options = {}) {
  return importBytes(m.serialize(), options);
}

std::vector<float> ramp(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = 0.01f * float(i % 97) - 0.3f;
  return v;
}

/// x [1, 3, 8, 8] -> Conv 3x3 (4 filters, pads 1) -> Relu -> y.
OnnxModelBuilder smallConvModel(int64_t opset = 13) {
  OnnxModelBuilder m(opset);
  m.input("x", {1, 3, 8, 8});
  m.initializer("w", {4, 3, 3, 3}, ramp(4 * 3 * 3 * 3));
  m.initializer("b", {4}, ramp(4));
  auto &conv = m.node("Conv", {"x", "w", "b"}, {"c"}, "conv1");
  OnnxModelBuilder::attr(conv, "kernel_shape", std::vector<int64_t>{3, 3});
  OnnxModelBuilder::attr(conv, "pads", std::vector<int64_t>{1, 1, 1, 1});
  m.node("Relu", {"c"}, {"y"}, "relu1");
  m.output("y", {1, 4, 8, 8});
  return m;
}

TEST(OnnxImportErrors, CorruptProtobuf) {
  ImportOutcome r =
      importBytes(std::string("\xff\xff\xff\xff\x0f garbage", 14));
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.kind, OnnxErrorKind::Invalid);
  EXPECT_NE(r.message.find("not a valid ONNX model"), std::string::npos)
      << r.message;
}

TEST(OnnxImportErrors, EmptyFile) {
  ImportOutcome r = importBytes("");
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.message.find("is empty"), std::string::npos) << r.message;
}

TEST(OnnxImportErrors, EveryTruncationIsAnErrorOrAModel) {
  std::string bytes = smallConvModel().serialize();
  unsigned errors = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    ImportOutcome r = importBytes(bytes.substr(0, n));
    if (!r.ok) {
      ++errors;
      EXPECT_FALSE(r.message.empty()) << "truncated at " << n;
    }
  }
  // Cutting the model anywhere loses a required part: the graph, a node or
  // the weights' data.
  EXPECT_EQ(errors, bytes.size());
}

TEST(OnnxImportErrors, UnknownOpset) {
  ImportOutcome r = importModel(smallConvModel(18));
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.kind, OnnxErrorKind::Unsupported);
  EXPECT_NE(r.message.find("unknown opset 18"), std::string::npos) << r.message;
  EXPECT_EQ(r.missing, "opset 18");
}

TEST(OnnxImportErrors, MissingInitializer) {
  OnnxModelBuilder m = smallConvModel();
  m.graph().mutable_initializer()->RemoveLast(); // "b"
  ImportOutcome r = importModel(m);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.kind, OnnxErrorKind::Invalid);
  EXPECT_NE(r.message.find("node 'conv1' #0 (Conv): input 'b'"),
            std::string::npos)
      << r.message;
}

TEST(OnnxImportErrors, InitializerDataDoesNotMatchItsShape) {
  OnnxModelBuilder m = smallConvModel();
  m.graph().mutable_initializer(0)->mutable_float_data()->RemoveLast();
  ImportOutcome r = importModel(m);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.kind, OnnxErrorKind::Invalid);
  EXPECT_NE(r.message.find("initializer 'w': holds 107 values for shape "
                           "[4, 3, 3, 3] (108 elements)"),
            std::string::npos)
      << r.message;
}

TEST(OnnxImportErrors, ShapeMismatchNamesTheNode) {
  OnnxModelBuilder m;
  m.input("a", {2, 3});
  m.input("b", {4, 5});
  m.node("Add", {"a", "b"}, {"y"}, "sum");
  m.output("y", {2, 3});
  ImportOutcome r = importModel(m);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.kind, OnnxErrorKind::Invalid);
  EXPECT_NE(r.message.find("node 'sum' #0 (Add): shapes [2, 3] and [4, 5] "
                           "do not broadcast"),
            std::string::npos)
      << r.message;

  OnnxModelBuilder mm;
  mm.input("a", {2, 3});
  mm.input("b", {4, 5});
  mm.node("MatMul", {"a", "b"}, {"y"}, "mm");
  mm.output("y", {2, 5});
  r = importModel(mm);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.message.find("node 'mm' #0 (MatMul): MatMul of shapes [2, 3] "
                           "and [4, 5]: inner dimensions differ"),
            std::string::npos)
      << r.message;
}

TEST(OnnxImportErrors, ConvGroupsThatDoNotDivide) {
  OnnxModelBuilder m = smallConvModel();
  OnnxModelBuilder::attr(*m.graph().mutable_node(0), "group", int64_t(2));
  ImportOutcome r = importModel(m);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.kind, OnnxErrorKind::Invalid);
  EXPECT_NE(r.message.find("node 'conv1' #0 (Conv): group 2 does not fit"),
            std::string::npos)
      << r.message;
}

TEST(OnnxImportErrors, UnsupportedOpAttributeAndType) {
  OnnxModelBuilder m;
  m.input("x", {1, 3, 4, 4});
  m.node("Resize", {"x"}, {"y"}, "up");
  m.output("y", {1, 3, 8, 8});
  ImportOutcome r = importModel(m);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.kind, OnnxErrorKind::Unsupported);
  EXPECT_EQ(r.missing, "op Resize");

  OnnxModelBuilder a = smallConvModel();
  OnnxModelBuilder::attr(*a.graph().mutable_node(1), "fancy", int64_t(1));
  r = importModel(a);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.kind, OnnxErrorKind::Unsupported);
  EXPECT_EQ(r.missing, "Relu attribute fancy");
  EXPECT_NE(r.message.find("node 'relu1' #1 (Relu)"), std::string::npos);

  OnnxModelBuilder t;
  t.input("x", {4}, ::onnx::TensorProto::INT64);
  t.node("Neg", {"x"}, {"y"});
  t.output("y", {4}, ::onnx::TensorProto::INT64);
  r = importModel(t);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.kind, OnnxErrorKind::Unsupported);
  EXPECT_EQ(r.missing, "type int64");
}

TEST(OnnxImportErrors, MissingRequiredInput) {
  // Found by autoconfig-fuzz-onnx: opset 13 takes Unsqueeze's axes as an
  // input, which is required.
  for (const char *op : {"Unsqueeze", "Reshape", "Expand", "Tile"}) {
    OnnxModelBuilder m;
    m.input("x", {2, 3});
    m.node(op, {"x"}, {"y"}, "it");
    m.output("y", {2, 3});
    ImportOutcome r = importModel(m);
    ASSERT_FALSE(r.ok) << op;
    EXPECT_EQ(r.kind, OnnxErrorKind::Invalid) << op;
    EXPECT_NE(r.message.find("node 'it' #0 (" + std::string(op) + "): "),
              std::string::npos)
        << r.message;
    EXPECT_NE(r.message.find("(input 1) is missing"), std::string::npos)
        << r.message;
  }
}

TEST(OnnxImportErrors, AxesOfScalars) {
  // Found by autoconfig-fuzz-onnx: an axis of a rank-0 tensor.
  for (const char *op : {"Concat", "Split", "Gather", "Softmax"}) {
    OnnxModelBuilder m;
    m.input("x", {});
    m.initializer("i", {}, std::vector<int64_t>{0});
    std::string name = op;
    std::vector<std::string> inputs = {"x"};
    if (name == "Concat" || name == "Gather")
      inputs.push_back(name == "Gather" ? "i" : "x");
    auto &node = m.node(op, inputs, {"y"}, "it");
    OnnxModelBuilder::attr(node, "axis", int64_t(0));
    m.output("y", {});
    ImportOutcome r = importModel(m);
    ASSERT_FALSE(r.ok) << op;
    EXPECT_EQ(r.kind, OnnxErrorKind::Invalid) << op;
    EXPECT_NE(r.message.find("axis 0 is out of range for rank 0"),
              std::string::npos)
        << r.message;
  }
}

TEST(OnnxImportErrors, OutOfRangeAttributes) {
  OnnxModelBuilder m = smallConvModel();
  OnnxModelBuilder::attr(*m.graph().mutable_node(0), "strides",
                         std::vector<int64_t>{0, 1});
  ImportOutcome r = importModel(m);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.kind, OnnxErrorKind::Invalid);
  EXPECT_NE(r.message.find("must be positive"), std::string::npos) << r.message;

  OnnxModelBuilder g;
  g.input("x", {3, 4});
  g.initializer("i", {2}, std::vector<int64_t>{0, 3});
  g.node("Gather", {"x", "i"}, {"y"}, "pick");
  g.output("y", {2, 4});
  r = importModel(g);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.message.find("node 'pick' #0 (Gather): index 3 is out of range "
                           "[-3, 3)"),
            std::string::npos)
      << r.message;
}

TEST(OnnxImportIR, ConvIsANamedKernelAfterTensorPad) {
  ImportOutcome r = importModel(smallConvModel());
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.ir.find("tensor.pad"), std::string::npos);
  EXPECT_NE(r.ir.find("linalg.conv_2d_nchw_fchw {autoconfig.name = \"conv1\""),
            std::string::npos)
      << r.ir;
  // 4 x 3 x 3 x 3 floats = 432 bytes: below the threshold, a literal.
  EXPECT_NE(r.ir.find("dense<"), std::string::npos);
  EXPECT_EQ(r.ir.find("dense_resource"), std::string::npos);
  OnnxImportOptions options;
  options.resourceThresholdBytes = 256;
  r = importModel(smallConvModel(), options);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.ir.find("dense_resource<onnx_const"), std::string::npos) << r.ir;
}

TEST(OnnxImportIR, DepthwiseConv) {
  OnnxModelBuilder m;
  m.input("x", {1, 6, 9, 9});
  m.initializer("w", {6, 1, 3, 3}, ramp(54));
  auto &conv = m.node("Conv", {"x", "w"}, {"y"});
  OnnxModelBuilder::attr(conv, "group", int64_t(6));
  OnnxModelBuilder::attr(conv, "strides", std::vector<int64_t>{2, 2});
  m.output("y", {1, 6, 4, 4});
  ImportOutcome r = importModel(m);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.ir.find("linalg.depthwise_conv_2d_nchw_chw"), std::string::npos)
      << r.ir;
}

TEST(OnnxImportIR, GemmTransposesAreIndexingMaps) {
  OnnxModelBuilder m;
  m.input("a", {5, 8});
  m.initializer("w", {3, 8}, ramp(24));
  m.initializer("c", {3}, ramp(3));
  auto &gemm = m.node("Gemm", {"a", "w", "c"}, {"y"});
  OnnxModelBuilder::attr(gemm, "transB", int64_t(1));
  m.output("y", {5, 3});
  ImportOutcome r = importModel(m);
  ASSERT_TRUE(r.ok) << r.message;
  // B (3 x 8) read as its transpose: B[n, k].
  EXPECT_NE(r.ir.find("#map1 = affine_map<(d0, d1, d2) -> (d1, d2)>"),
            std::string::npos)
      << r.ir;
  EXPECT_NE(r.ir.find("linalg.matmul indexing_maps = [#map, #map1, #map2]"),
            std::string::npos)
      << r.ir;
  EXPECT_EQ(r.ir.find("linalg.transpose"), std::string::npos);
}

TEST(OnnxImportIR, BatchedMatMulWithSharedWeightsIsOneMatmul) {
  OnnxModelBuilder m;
  m.input("x", {2, 5, 4});
  m.initializer("w", {4, 3}, ramp(12));
  m.node("MatMul", {"x", "w"}, {"y"});
  m.output("y", {2, 5, 3});
  ImportOutcome r = importModel(m);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.ir.find("ins(%collapsed, %cst_0 : tensor<10x4xf32>, "
                      "tensor<4x3xf32>)"),
            std::string::npos)
      << r.ir;
  EXPECT_EQ(r.ir.find("batch_matmul"), std::string::npos);
}

TEST(OnnxImportIR, SymbolicDimsAndSpecialization) {
  OnnxModelBuilder m;
  m.input("x", {-1, 3, 8, 8});
  m.initializer("w", {4, 3, 1, 1}, ramp(12));
  m.node("Conv", {"x", "w"}, {"c"});
  m.node("Relu", {"c"}, {"y"});
  m.output("y", {-1, 4, 8, 8});
  ImportOutcome r = importModel(m);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.ir.find("@forward(%arg0: tensor<?x3x8x8xf32>) -> "
                      "tensor<?x4x8x8xf32>"),
            std::string::npos)
      << r.ir;
  OnnxImportOptions options;
  options.inputShapes["x"] = {2, 3, 8, 8};
  r = importModel(m, options);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.ir.find("@forward(%arg0: tensor<2x3x8x8xf32>) -> "
                      "tensor<2x4x8x8xf32>"),
            std::string::npos)
      << r.ir;
  options.inputShapes["x"] = {2, 5, 8, 8};
  r = importModel(m, options);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.message.find("graph input 'x' of shape [?, 3, 8, 8] cannot "
                           "take shape [2, 5, 8, 8]"),
            std::string::npos)
      << r.message;
}

TEST(OnnxImportIR, SymbolicBatchThroughACnn) {
  OnnxModelBuilder m(13);
  m.input("x", {-1, 3, 8, 8});
  m.initializer("w", {4, 3, 3, 3}, ramp(108));
  m.initializer("b", {4}, ramp(4));
  auto &conv = m.node("Conv", {"x", "w", "b"}, {"c"});
  OnnxModelBuilder::attr(conv, "pads", std::vector<int64_t>{1, 1, 1, 1});
  m.node("Relu", {"c"}, {"r"});
  auto &pool = m.node("MaxPool", {"r"}, {"p"});
  OnnxModelBuilder::attr(pool, "kernel_shape", std::vector<int64_t>{2, 2});
  OnnxModelBuilder::attr(pool, "strides", std::vector<int64_t>{2, 2});
  m.node("GlobalAveragePool", {"p"}, {"g"});
  m.node("Flatten", {"g"}, {"f"});
  m.initializer("fc", {4, 10}, ramp(40));
  m.node("Gemm", {"f", "fc"}, {"logits"});
  m.node("Softmax", {"logits"}, {"y"});
  m.output("y", {-1, 10});
  ImportOutcome r = importModel(m);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.ir.find("@forward(%arg0: tensor<?x3x8x8xf32>) -> "
                      "tensor<?x10xf32>"),
            std::string::npos)
      << r.ir;
  EXPECT_NE(r.ir.find("linalg.conv_2d_nchw_fchw"), std::string::npos);
  EXPECT_NE(r.ir.find("linalg.pooling_nchw_max"), std::string::npos);
  EXPECT_NE(r.ir.find("linalg.matmul"), std::string::npos);
}

TEST(OnnxImportIR, SymbolicBatchAgainstABroadcastOne) {
  // Found by autoconfig-fuzz-onnx: [1, 3, 4] x [?, 2, 4, 3] made an
  // expand_shape of a static batch into a symbolic one.
  OnnxModelBuilder m;
  m.input("a", {1, 3, 4});
  m.input("b", {-1, 2, 4, 3});
  m.node("MatMul", {"a", "b"}, {"c"});
  m.output("c", {-1, 2, 3, 3});
  ImportOutcome r = importModel(m);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.ir.find("-> tensor<?x2x3x3xf32>"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("linalg.batch_matmul"), std::string::npos) << r.ir;

  // And a symbolic batch against a static one: it must be that size.
  OnnxModelBuilder s;
  s.input("a", {-1, 3, 4});
  s.input("b", {2, 4, 3});
  s.node("MatMul", {"a", "b"}, {"c"});
  s.output("c", {2, 3, 3});
  r = importModel(s);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.ir.find("tensor.cast %arg0 : tensor<?x3x4xf32> to "
                      "tensor<2x3x4xf32>"),
            std::string::npos)
      << r.ir;
}

TEST(OnnxImportIR, ShapeArithmeticIsEvaluatedAtImport) {
  // What exporters write for x.view(x.size(0), -1).
  OnnxModelBuilder m;
  m.input("x", {2, 3, 4});
  m.node("Shape", {"x"}, {"s"});
  m.initializer("zero", {}, std::vector<int64_t>{0});
  auto &gather = m.node("Gather", {"s", "zero"}, {"n"});
  OnnxModelBuilder::attr(gather, "axis", int64_t(0));
  auto &unsq = m.node("Unsqueeze", {"n", "axes"}, {"n1"});
  (void)unsq;
  m.initializer("axes", {1}, std::vector<int64_t>{0});
  m.initializer("minus", {1}, std::vector<int64_t>{-1});
  auto &cat = m.node("Concat", {"n1", "minus"}, {"shape"});
  OnnxModelBuilder::attr(cat, "axis", int64_t(0));
  m.node("Reshape", {"x", "shape"}, {"y"});
  m.output("y", {2, 12});
  ImportOutcome r = importModel(m);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.ir.find("tensor.collapse_shape"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("-> tensor<2x12xf32>"), std::string::npos) << r.ir;
}

TEST(OnnxImportIR, ErfCallsTheCLibrary) {
  OnnxModelBuilder m;
  m.input("x", {7});
  m.node("Erf", {"x"}, {"y"});
  m.output("y", {7});
  ImportOutcome r = importModel(m);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.ir.find("func.func private @erff(f32) -> f32"), std::string::npos)
      << r.ir;
  EXPECT_NE(r.ir.find("call @erff"), std::string::npos) << r.ir;
}

} // namespace
