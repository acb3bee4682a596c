//===- Passes.td - AutoConfig's passes ---------------------*- tablegen -*-===//
//
// Every pass of the pipeline, in the order `autoconfig compile` runs them:
// normalization of frontend idioms, layout propagation, elementwise fusion,
// then configure (the models decide), generate (the generators emit), and
// the streaming lowering of every other op. Each is also available to
// autoconfig-opt and to textual pass pipelines with the options below; the
// tools construct them with richer options (a calibrated profile, a tuning
// database, a decision log) through the create functions in Passes.h.
//
//===----------------------------------------------------------------------===//

#ifndef AUTOCONFIG_TRANSFORMS_PASSES_TD
#define AUTOCONFIG_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

/// The target every deciding pass resolves: a preset or the host, or a JSON
/// target description.
defvar TargetOptions = [
  Option<"targetName", "target", "std::string", /*default=*/"\"host\"",
         "Target preset or 'host'">,
  Option<"targetFile", "target-file", "std::string", /*default=*/"\"\"",
         "Target description JSON (overrides target=)">
];

def NormalizeIdiomsPass : Pass<"autoconfig-normalize-idioms", "::mlir::ModuleOp"> {
  let summary = "Bring frontend idioms to the kernels' forms";
  let description = [{
    Contraction generics become named ops; transposes feeding a matmul
    become its operand layout; per-channel affine ops on constants after a
    convolution (batch norm) fold into its weights and bias; taps that read
    only padding are dropped.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def PropagateLayoutPass : Pass<"autoconfig-propagate-layout", "::mlir::ModuleOp"> {
  let summary = "Run NCHW convolutions in NHWC where the models predict it "
                "faster";
  let description = [{
    Costs every NCHW convolution of a program on tensors in both layouts
    with its models and, per chain of convolutions, the reorders at the
    chain's ends with the streaming model; records the choice on each
    convolution as `#autoconfig.layout<...>`.
  }];
  let options = TargetOptions # [
    Option<"threads", "threads", "unsigned", /*default=*/"1",
           "Threads the generated code may use">,
    Option<"always", "always", "bool", /*default=*/"false",
           "Convert every NCHW convolution whatever the models predict">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def FuseElementwisePass : Pass<"autoconfig-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg ops and fold reshapes into them";
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def FuseEpiloguesPass : Pass<"autoconfig-fuse-epilogues", "::mlir::ModuleOp"> {
  let summary = "Mark the elementwise op after a kernel for fusion into its "
                "stores";
}

def ConfigurePass : Pass<"autoconfig-configure", "::mlir::ModuleOp"> {
  let summary = "Choose an algorithm and config for every matmul and "
                "convolution by the analytical models";
  let description = [{
    Records each decision on the op as `#autoconfig.config<...>`. A config
    already on the op (that attribute, or a string in the config's text
    form) is the user's override: it is validated and completed.
  }];
  let options = TargetOptions # [
    Option<"configText", "config", "std::string", /*default=*/"\"\"",
           "Config for every op without one (may be partial)">,
    Option<"threads", "threads", "unsigned", /*default=*/"1",
           "Threads the generated code may use">
  ];
  let dependentDialects = ["::autoconfig::AutoConfigDialect"];
}

def GeneratePass : Pass<"autoconfig-generate", "::mlir::ModuleOp"> {
  let summary = "Replace every configured op by its generator's code";
  let options = TargetOptions # [
    Option<"outline", "outline", "bool", /*default=*/"false",
           "Generate each kernel as a private function, one per distinct "
           "kernel (shorter compile times for networks)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::x86vector::X86VectorDialect",
                           "::mlir::amx::AMXDialect"];
}

def LowerStreamingPass : Pass<"autoconfig-lower-streaming", "::mlir::ModuleOp"> {
  let summary = "Lower every other linalg op as a vector loop nest chosen by "
                "the streaming model";
  let description = [{
    Elementwise ops, reductions, pooling, transposes, copies and fills, on
    memrefs after autoconfig-generate; each decision is recorded in
    `autoconfig.lowering`. AUTOCONFIG_NO_STREAMING=1 in the environment
    turns it off (for measurements).
  }];
  let options = TargetOptions # [
    Option<"threads", "threads", "unsigned", /*default=*/"1",
           "Threads the generated code may use">,
    Option<"rewrite", "rewrite", "bool", /*default=*/"true",
           "Rewrite the ops (false: record the decisions only)">,
    Option<"outline", "outline", "bool", /*default=*/"false",
           "Outline each rewritten op into a private function, one per "
           "distinct op, shapes and lowering">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def InstrumentProfilePass : Pass<"autoconfig-instrument-profile",
                             "::mlir::ModuleOp"> {
  let summary = "Bracket every op that does work with per-op timer calls";
  let description = [{
    What `autoconfig run --profile` measures: each configured kernel (with
    its fused epilogue), fused group and other op between two calls of a
    timer, by the order of the ops in the program.
  }];
}

#endif
