//===- WorkloadTest.cpp - Workload extraction from parsed MLIR ------------===//
//
// Each test parses a small module, finds its configurable op and checks the
// extracted GemmWorkload, or that extraction fails with a diagnostic at the
// op that names the problem.
//
//===----------------------------------------------------------------------===//

#include "autoconfig/Import/Import.h"
#include "autoconfig/Workload/Extraction.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace autoconfig;
using namespace mlir;

namespace {

/// A parsed module with every diagnostic of its context captured.
class ParsedModule {
public:
  /// Parses `text`; with `verify` false the IR verifier is skipped, so that
  /// ops the linalg verifier would reject reach the extraction checks.
  explicit ParsedModule(llvm::StringRef text, bool verify = true)
      : context(createAutoConfigContext()),
        handler(context.get(), [this](Diagnostic &diag) {
          messages.push_back(diag.str());
          locations.push_back(diag.getLocation());
          return success();
        }) {
    if (verify)
      module = parseInputString(text, *context);
    else
      module = parseSourceString<ModuleOp>(
          text, ParserConfig(context.get(), /*verifyAfterParse=*/false));
  }

  /// The first configurable op, or null.
  Operation *op() {
    Operation *found = nullptr;
    if (!module)
      return nullptr;
    module->walk([&](Operation *candidate) {
      if (!found && isConfigurableOp(candidate))
        found = candidate;
    });
    return found;
  }

  /// Extracts the first configurable op's workload as a GemmWorkload.
  FailureOr<GemmWorkload> gemm() {
    Operation *target = op();
    if (!target)
      return failure();
    FailureOr<Workload> workload = extractWorkload(target);
    if (failed(workload) || !isGemm(*workload))
      return failure();
    return std::get<GemmWorkload>(*workload);
  }

  std::string allMessages() const {
    std::string all;
    for (const std::string &m : messages)
      all += m + "\n";
    return all;
  }

  std::unique_ptr<MLIRContext> context;
  ScopedDiagnosticHandler handler;
  OwningOpRef<ModuleOp> module;
  std::vector<std::string> messages;
  std::vector<Location> locations;
};

/// Line of a file location (0 when the location has none).
unsigned lineOf(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return file.getLine();
  return 0;
}

/// A matmul on memrefs of the given types, the op on line 2.
std::string memrefMatmul(llvm::StringRef a, llvm::StringRef b,
                         llvm::StringRef c) {
  return ("func.func @f(%A: " + a + ", %B: " + b + ", %C: " + c +
          ") {\n"
          "  linalg.matmul ins(%A, %B : " +
          a + ", " + b + ") outs(%C : " + c +
          ")\n"
          "  return\n}\n")
      .str();
}

//===----------------------------------------------------------------------===//
// Successful extraction
//===----------------------------------------------------------------------===//

TEST(Workload, PlainMatmulOnMemrefs) {
  ParsedModule m(memrefMatmul("memref<13x17xf32>", "memref<17x35xf32>",
                              "memref<13x35xf32>"));
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  EXPECT_EQ(w->opName, "linalg.matmul");
  EXPECT_EQ(w->batch, 1);
  EXPECT_EQ(w->m, 13);
  EXPECT_EQ(w->n, 35);
  EXPECT_EQ(w->k, 17);
  EXPECT_EQ(w->element, ElementKind::F32);
  EXPECT_FALSE(w->transA);
  EXPECT_FALSE(w->transB);
  EXPECT_EQ(w->lda, 17);
  EXPECT_EQ(w->ldb, 35);
  EXPECT_EQ(w->ldc, 35);
  EXPECT_FALSE(w->constA);
  EXPECT_FALSE(w->constB);
  EXPECT_EQ(w->name, "matmul_13x35x17");
  EXPECT_DOUBLE_EQ(w->flops(), 2.0 * 13 * 35 * 17);
  EXPECT_TRUE(m.messages.empty()) << m.allMessages();
}

TEST(Workload, PlainMatmulOnTensorsF64) {
  ParsedModule m(R"mlir(
func.func @f(%A: tensor<4x8xf64>, %B: tensor<8x16xf64>,
             %C: tensor<4x16xf64>) -> tensor<4x16xf64> {
  %0 = linalg.matmul ins(%A, %B : tensor<4x8xf64>, tensor<8x16xf64>)
                     outs(%C : tensor<4x16xf64>) -> tensor<4x16xf64>
  return %0 : tensor<4x16xf64>
}
)mlir");
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  EXPECT_EQ(w->m, 4);
  EXPECT_EQ(w->n, 16);
  EXPECT_EQ(w->k, 8);
  EXPECT_EQ(w->element, ElementKind::F64);
  // Tensors have no layout: dense row-major strides.
  EXPECT_EQ(w->lda, 8);
  EXPECT_EQ(w->ldb, 16);
  EXPECT_EQ(w->ldc, 16);
  EXPECT_FALSE(w->constB);
}

TEST(Workload, NameAttributeOverridesDefaultName) {
  ParsedModule m(R"mlir(
func.func @f(%A: memref<2x3xf32>, %B: memref<3x4xf32>, %C: memref<2x4xf32>) {
  linalg.matmul {autoconfig.name = "layer7"}
    ins(%A, %B : memref<2x3xf32>, memref<3x4xf32>) outs(%C : memref<2x4xf32>)
  return
}
)mlir");
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  EXPECT_EQ(w->name, "layer7");
}

TEST(Workload, DynamicSizesTakeTheirDeclaredOrDefaultRanges) {
  // M dynamic with a declared range and likely size, K dynamic with the
  // default range (likely: its geometric middle), N fixed by B.
  ParsedModule m(R"mlir(
func.func @f(%A: memref<?x?xf32>, %B: memref<?x16xf32>, %C: memref<?x?xf32>) {
  linalg.matmul {autoconfig.sizes = {M = array<i64: 1, 2048, 128>}}
    ins(%A, %B : memref<?x?xf32>, memref<?x16xf32>) outs(%C : memref<?x?xf32>)
  return
}
)mlir");
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  ASSERT_TRUE(w->mRange && w->kRange);
  EXPECT_FALSE(w->nRange);
  EXPECT_EQ(w->mRange->min, 1);
  EXPECT_EQ(w->mRange->max, 2048);
  EXPECT_EQ(w->m, 128);
  EXPECT_EQ(w->n, 16);
  EXPECT_EQ(w->kRange->max, kDefaultSizeRange.max);
  EXPECT_EQ(w->k, 64);
  EXPECT_EQ(w->lda, 64); // the likely sizes' dense pitches
  EXPECT_EQ(w->ldc, 16);
  EXPECT_NE(w->shapeString().find("dynamic M=1:2048,K=1:4096"),
            std::string::npos)
      << w->shapeString();
}

TEST(Workload, TransposedA) {
  // A stored K x M = 7 x 5.
  ParsedModule m(R"mlir(
func.func @f(%A: memref<7x5xf32>, %B: memref<7x9xf32>, %C: memref<5x9xf32>) {
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>,
                                 affine_map<(d0, d1, d2) -> (d2, d1)>,
                                 affine_map<(d0, d1, d2) -> (d0, d1)>]
    ins(%A, %B : memref<7x5xf32>, memref<7x9xf32>) outs(%C : memref<5x9xf32>)
  return
}
)mlir");
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  EXPECT_TRUE(w->transA);
  EXPECT_FALSE(w->transB);
  EXPECT_EQ(w->m, 5);
  EXPECT_EQ(w->n, 9);
  EXPECT_EQ(w->k, 7);
  EXPECT_EQ(w->lda, 5); // row pitch of the stored K x M matrix
  EXPECT_EQ(w->ldb, 9);
  EXPECT_EQ(w->ldc, 9);
  EXPECT_NE(w->shapeString().find("A^T"), std::string::npos);
}

TEST(Workload, TransposedB) {
  // B stored N x K = 9 x 7.
  ParsedModule m(R"mlir(
func.func @f(%A: memref<5x7xf32>, %B: memref<9x7xf32>, %C: memref<5x9xf32>) {
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>,
                                 affine_map<(d0, d1, d2) -> (d1, d2)>,
                                 affine_map<(d0, d1, d2) -> (d0, d1)>]
    ins(%A, %B : memref<5x7xf32>, memref<9x7xf32>) outs(%C : memref<5x9xf32>)
  return
}
)mlir");
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  EXPECT_FALSE(w->transA);
  EXPECT_TRUE(w->transB);
  EXPECT_EQ(w->m, 5);
  EXPECT_EQ(w->n, 9);
  EXPECT_EQ(w->k, 7);
  EXPECT_EQ(w->lda, 7);
  EXPECT_EQ(w->ldb, 7); // row pitch of the stored N x K matrix
  EXPECT_NE(w->shapeString().find("B^T"), std::string::npos);
}

TEST(Workload, BatchMatmul) {
  ParsedModule m(R"mlir(
func.func @f(%A: memref<3x5x7xf32>, %B: memref<3x7x11xf32>,
             %C: memref<3x5x11xf32>) {
  linalg.batch_matmul ins(%A, %B : memref<3x5x7xf32>, memref<3x7x11xf32>)
                      outs(%C : memref<3x5x11xf32>)
  return
}
)mlir");
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  EXPECT_EQ(w->opName, "linalg.batch_matmul");
  EXPECT_EQ(w->batch, 3);
  EXPECT_EQ(w->m, 5);
  EXPECT_EQ(w->n, 11);
  EXPECT_EQ(w->k, 7);
  EXPECT_EQ(w->lda, 7);
  EXPECT_EQ(w->ldb, 11);
  EXPECT_EQ(w->ldc, 11);
  EXPECT_DOUBLE_EQ(w->flops(), 2.0 * 3 * 5 * 11 * 7);
  EXPECT_EQ(w->shapeString(), "3x5x11x7");
}

TEST(Workload, BatchMatmulTransposedA) {
  ParsedModule m(R"mlir(
func.func @f(%A: memref<2x7x5xf64>, %B: memref<2x7x3xf64>,
             %C: memref<2x5x3xf64>) {
  linalg.batch_matmul
    indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>,
                     affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>,
                     affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]
    ins(%A, %B : memref<2x7x5xf64>, memref<2x7x3xf64>)
    outs(%C : memref<2x5x3xf64>)
  return
}
)mlir");
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  EXPECT_EQ(w->batch, 2);
  EXPECT_TRUE(w->transA);
  EXPECT_FALSE(w->transB);
  EXPECT_EQ(w->m, 5);
  EXPECT_EQ(w->n, 3);
  EXPECT_EQ(w->k, 7);
  EXPECT_EQ(w->lda, 5);
  EXPECT_EQ(w->element, ElementKind::F64);
}

TEST(Workload, StridedMemrefsGiveLeadingDimensions) {
  // Sub-matrices of larger buffers: the row pitch comes from the layout.
  ParsedModule m(memrefMatmul("memref<4x6xf32, strided<[10, 1]>>",
                              "memref<6x8xf32, strided<[24, 1], offset: 3>>",
                              "memref<4x8xf32, strided<[16, 1]>>"));
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  EXPECT_EQ(w->m, 4);
  EXPECT_EQ(w->n, 8);
  EXPECT_EQ(w->k, 6);
  EXPECT_EQ(w->lda, 10);
  EXPECT_EQ(w->ldb, 24);
  EXPECT_EQ(w->ldc, 16);
}

TEST(Workload, ConstantTensorB) {
  ParsedModule m(R"mlir(
func.func @f(%A: tensor<4x8xf32>, %C: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %B = arith.constant dense<0.5> : tensor<8x16xf32>
  %0 = linalg.matmul ins(%A, %B : tensor<4x8xf32>, tensor<8x16xf32>)
                     outs(%C : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
)mlir");
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  EXPECT_FALSE(w->constA);
  EXPECT_TRUE(w->constB);
}

TEST(Workload, ConstantGlobalB) {
  ParsedModule m(R"mlir(
memref.global "private" constant @weights : memref<8x16xf32> = dense<0.5>
memref.global "private" @state : memref<4x8xf32> = dense<0.0>
func.func @f(%C: memref<4x16xf32>) {
  %A = memref.get_global @state : memref<4x8xf32>
  %B = memref.get_global @weights : memref<8x16xf32>
  linalg.matmul ins(%A, %B : memref<4x8xf32>, memref<8x16xf32>)
                outs(%C : memref<4x16xf32>)
  return
}
)mlir");
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  // A mutable global is not a compile-time constant; a constant one is.
  EXPECT_FALSE(w->constA);
  EXPECT_TRUE(w->constB);
  // Its weights come back after all of the program's constants: its own
  // 512 bytes (the mutable global is not one).
  EXPECT_DOUBLE_EQ(w->weightsReuseBytes, 8 * 16 * 4);
}

TEST(Workload, WeightsComeBackAfterAllOfTheProgramsConstants) {
  ParsedModule m(R"mlir(
memref.global "private" constant @weights : memref<8x16xf32> = dense<0.5>
memref.global "private" constant @other : memref<1024x1024xf32> = dense<1.0>
func.func @f(%A: memref<4x8xf32>, %C: memref<4x16xf32>) {
  %B = memref.get_global @weights : memref<8x16xf32>
  linalg.matmul ins(%A, %B : memref<4x8xf32>, memref<8x16xf32>)
                outs(%C : memref<4x16xf32>)
  return
}
)mlir");
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  EXPECT_DOUBLE_EQ(w->weightsReuseBytes, 8 * 16 * 4 + 1024.0 * 1024 * 4);
}

TEST(Workload, NonConfigurableOpsAreSkipped) {
  ParsedModule m(R"mlir(
func.func @f(%A: memref<4x4xf32>, %B: memref<4x4xf32>) {
  linalg.copy ins(%A : memref<4x4xf32>) outs(%B : memref<4x4xf32>)
  return
}
)mlir");
  ASSERT_TRUE(m.module);
  EXPECT_EQ(m.op(), nullptr);
}

//===----------------------------------------------------------------------===//
// Rejected workloads: extraction fails with a message naming the problem,
// located at the op.
//===----------------------------------------------------------------------===//

struct RejectCase {
  const char *name;
  std::string text;
  /// Substrings the error message must contain.
  std::vector<std::string> expected;
  bool verify = true;
};

void PrintTo(const RejectCase &c, std::ostream *os) { *os << c.name; }

class WorkloadRejects : public ::testing::TestWithParam<RejectCase> {};

TEST_P(WorkloadRejects, FailsWithMessageAtTheOp) {
  const RejectCase &c = GetParam();
  ParsedModule m(c.text, c.verify);
  ASSERT_TRUE(m.module) << "the test input must parse: " << m.allMessages();
  Operation *op = m.op();
  ASSERT_NE(op, nullptr);
  m.messages.clear();
  m.locations.clear();
  FailureOr<Workload> workload = extractWorkload(op);
  EXPECT_TRUE(failed(workload));
  ASSERT_EQ(m.messages.size(), 1u) << m.allMessages();
  for (const std::string &part : c.expected)
    EXPECT_NE(m.messages[0].find(part), std::string::npos)
        << "message '" << m.messages[0] << "' lacks '" << part << "'";
  EXPECT_EQ(m.locations[0], op->getLoc());
  EXPECT_EQ(lineOf(m.locations[0]), 2u);
}

INSTANTIATE_TEST_SUITE_P(
    Workload, WorkloadRejects,
    ::testing::Values(
        RejectCase{"DynamicBatch",
                   "func.func @f(%A: memref<?x4x8xf32>, %B: memref<?x8x16xf32>,"
                   " %C: memref<?x4x16xf32>) {\n"
                   "  linalg.batch_matmul ins(%A, %B : memref<?x4x8xf32>, "
                   "memref<?x8x16xf32>) outs(%C : memref<?x4x16xf32>)\n"
                   "  return\n}\n",
                   {"dynamic batch size", "?x4x8xf32"}},
        RejectCase{"I32",
                   memrefMatmul("memref<4x8xi32>", "memref<8x16xi32>",
                                "memref<4x16xi32>"),
                   {"i32 inputs and an output of i32 are not supported",
                    "i8 inputs with an i32 output"}},
        RejectCase{"I8Output",
                   memrefMatmul("memref<4x8xi8>", "memref<8x16xi8>",
                                "memref<4x16xi8>"),
                   {"i8 inputs and an output of i8 are not supported"}},
        RejectCase{"Bf16Output",
                   memrefMatmul("memref<4x8xbf16>", "memref<8x16xbf16>",
                                "memref<4x16xbf16>"),
                   {"bf16 inputs and an output of bf16 are not supported"}},
        RejectCase{"F16",
                   memrefMatmul("memref<4x8xf16>", "memref<8x16xf16>",
                                "memref<4x16xf16>"),
                   {"unsupported element type", "f16"}},
        RejectCase{"MixedF32F64",
                   memrefMatmul("memref<4x8xf32>", "memref<8x16xf64>",
                                "memref<4x16xf32>"),
                   {"mixed element types", "f32", "f64"}},
        RejectCase{"ZeroSizedDimension",
                   memrefMatmul("memref<0x8xf32>", "memref<8x16xf32>",
                                "memref<0x16xf32>"),
                   {"zero-sized dimension", "operand A", "0x8xf32"}},
        RejectCase{"ZeroSizedReduction",
                   memrefMatmul("memref<4x0xf32>", "memref<0x16xf32>",
                                "memref<4x16xf32>"),
                   {"zero-sized dimension"}},
        // The linalg verifier rejects these shapes; extraction must too, for
        // IR built without verification.
        RejectCase{"MismatchedK",
                   memrefMatmul("memref<4x8xf32>", "memref<9x16xf32>",
                                "memref<4x16xf32>"),
                   {"mismatched matmul operand shapes", "4x8xf32", "9x16xf32"},
                   /*verify=*/false},
        RejectCase{"MismatchedM",
                   memrefMatmul("memref<5x8xf32>", "memref<8x16xf32>",
                                "memref<4x16xf32>"),
                   {"mismatched matmul operand shapes", "5x8xf32", "4x16xf32"},
                   /*verify=*/false},
        RejectCase{"MismatchedBatch",
                   "func.func @f(%A: memref<2x4x8xf32>, %B: memref<3x8x16xf32>,"
                   " %C: memref<2x4x16xf32>) {\n"
                   "  linalg.batch_matmul ins(%A, %B : memref<2x4x8xf32>, "
                   "memref<3x8x16xf32>) outs(%C : memref<2x4x16xf32>)\n"
                   "  return\n}\n",
                   {"mismatched matmul operand shapes", "3x8x16xf32"},
                   /*verify=*/false},
        RejectCase{"TooManyElements",
                   // 65536 * 32769 = 2^31 + 2^16 elements in B and C.
                   memrefMatmul("memref<4x65536xf32>",
                                "memref<65536x32769xf32>",
                                "memref<4x32769xf32>"),
                   {"operand B", "65536x32769xf32", "2147549184",
                    "more than the supported 2^31-1"}},
        RejectCase{"NonUnitInnerStride",
                   memrefMatmul("memref<4x8xf32, strided<[16, 2]>>",
                                "memref<8x16xf32>", "memref<4x16xf32>"),
                   {"non-unit innermost stride"}},
        RejectCase{"BroadcastIndexingMap",
                   "func.func @f(%A: memref<8xf32>, %B: memref<8x16xf32>, "
                   "%C: memref<4x16xf32>) {\n"
                   "  linalg.matmul indexing_maps = ["
                   "affine_map<(d0, d1, d2) -> (d2)>, "
                   "affine_map<(d0, d1, d2) -> (d2, d1)>, "
                   "affine_map<(d0, d1, d2) -> (d0, d1)>] "
                   "ins(%A, %B : memref<8xf32>, memref<8x16xf32>) "
                   "outs(%C : memref<4x16xf32>)\n"
                   "  return\n}\n",
                   {"unsupported matmul indexing maps"}}),
    [](const ::testing::TestParamInfo<RejectCase> &info) {
      return std::string(info.param.name);
    });

TEST(Workload, ExactlyTheElementLimitIsAccepted) {
  // 2^31-1 is prime: only a 1 x (2^31-1) operand reaches the bound exactly.
  ParsedModule m(memrefMatmul("memref<1x1xf32>", "memref<1x2147483647xf32>",
                              "memref<1x2147483647xf32>"));
  auto w = m.gemm();
  ASSERT_TRUE(succeeded(w)) << m.allMessages();
  EXPECT_EQ(w->n, kMaxOperandElements);
}

TEST(Workload, UnsupportedOpIsRejectedByName) {
  ParsedModule m(R"mlir(
func.func @f(%A: memref<4x4xf32>, %B: memref<4x4xf32>) {
  linalg.copy ins(%A : memref<4x4xf32>) outs(%B : memref<4x4xf32>)
  return
}
)mlir");
  ASSERT_TRUE(m.module);
  Operation *copy = nullptr;
  m.module->walk([&](Operation *op) {
    if (op->getName().getStringRef() == "linalg.copy")
      copy = op;
  });
  ASSERT_NE(copy, nullptr);
  EXPECT_TRUE(failed(extractWorkload(copy)));
  ASSERT_EQ(m.messages.size(), 1u);
  EXPECT_NE(m.messages[0].find("unsupported op 'linalg.copy'"),
            std::string::npos)
      << m.messages[0];
}

TEST(Workload, ParseErrorsAreDiagnosedNotCrashing) {
  ParsedModule empty("   \n");
  EXPECT_FALSE(empty.module);
  ASSERT_EQ(empty.messages.size(), 1u);
  EXPECT_NE(empty.messages[0].find("empty"), std::string::npos);

  ParsedModule garbage("this is not MLIR\n");
  EXPECT_FALSE(garbage.module);
  EXPECT_FALSE(garbage.messages.empty());
}

} // namespace
