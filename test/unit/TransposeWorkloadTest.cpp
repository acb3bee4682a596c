//===- TransposeWorkloadTest.cpp - A reorder costed before it exists ------===//
//
// Layout propagation costs the reorders it would insert with the streaming
// model on transposeWorkload(); the nest it builds must be the one the
// streaming lowering analyzes from the linalg.transpose it then lowers.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/CodeGen/StreamingNest.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Model/StreamingModel.h"

#include "mlir/IR/BuiltinOps.h"

#include "gtest/gtest.h"

#include <string>

using namespace autoconfig;
using namespace mlir;

namespace {

struct Case {
  std::vector<int64_t> shape, permutation;
};

std::string memrefType(const std::vector<int64_t> &shape) {
  std::string text = "memref<";
  for (int64_t e : shape)
    text += std::to_string(e) + "x";
  return text + "f32>";
}

class TransposeWorkload : public testing::TestWithParam<Case> {};

TEST_P(TransposeWorkload, IsTheNestTheLoweringAnalyzes) {
  const Case &c = GetParam();
  std::vector<int64_t> outShape;
  std::string perm;
  for (int64_t p : c.permutation) {
    outShape.push_back(c.shape[p]);
    perm += (perm.empty() ? "" : ", ") + std::to_string(p);
  }
  std::string text = "func.func @t(%a: " + memrefType(c.shape) +
                     ", %b: " + memrefType(outShape) +
                     ") {\n  linalg.transpose ins(%a : " + memrefType(c.shape) +
                     ") outs(%b : " + memrefType(outShape) +
                     ") permutation = [" + perm + "]\n  return\n}\n";
  auto context = createAutoConfigContext();
  OwningOpRef<ModuleOp> module = parseInputString(text, *context);
  ASSERT_TRUE(module) << text;
  linalg::LinalgOp op;
  module->walk([&](linalg::TransposeOp t) { op = t; });
  ASSERT_TRUE(op);
  std::string whyNot;
  FailureOr<StreamingNest> nest = StreamingNest::analyze(op, whyNot);
  ASSERT_TRUE(succeeded(nest)) << whyNot;
  const StreamingWorkload &want = nest->workload();
  StreamingWorkload got = transposeWorkload(c.shape, c.permutation, 4);

  EXPECT_EQ(got.shape(), want.shape());
  EXPECT_EQ(got.elementBits, want.elementBits);
  EXPECT_EQ(got.fusesWithNext, want.fusesWithNext);
  EXPECT_EQ(got.vectorizable, want.vectorizable);
  ASSERT_EQ(got.operands.size(), want.operands.size());
  for (size_t i = 0; i < got.operands.size(); ++i) {
    SCOPED_TRACE("operand " + std::to_string(i));
    EXPECT_EQ(got.operands[i].output, want.operands[i].output);
    EXPECT_EQ(got.operands[i].strides, want.operands[i].strides);
    EXPECT_EQ(got.operands[i].rowLocal, want.operands[i].rowLocal);
    EXPECT_EQ(got.operands[i].footprintElements,
              want.operands[i].footprintElements);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Reorders, TransposeWorkload,
    testing::Values(Case{{1, 4, 19, 19}, {0, 2, 3, 1}},  // NCHW -> NHWC
                    Case{{2, 7, 7, 32}, {0, 3, 1, 2}},   // NHWC -> NCHW
                    Case{{8, 3, 3, 3}, {2, 3, 1, 0}},    // FCHW -> HWCF
                    Case{{16, 3, 3}, {1, 2, 0}},         // CHW -> HWC
                    Case{{1, 64, 1, 1}, {0, 2, 3, 1}})); // unit spatial

} // namespace
