//===- Suite.h - Workload suites from CSV and the command line --*- C++ -*-===//
#ifndef AUTOCONFIG_BENCH_SUITE_H
#define AUTOCONFIG_BENCH_SUITE_H

#include "autoconfig/Workload/Workload.h"

#include "llvm/Support/Error.h"

#include <vector>

namespace autoconfig {

/// Parses "M,N,K" (optionally "M,N,K,f64") into a GEMM workload.
llvm::Expected<GemmWorkload> parseGemmSpec(llvm::StringRef spec);

/// Parses "N,C,H,W,F,KH,KW,S,P,D,G" into a convolution workload. `layout` is
/// "nchw" or "nhwc"; single-channel filters (N = C = F = 1, S = D = 1) use
/// linalg.conv_2d ("hw") and G = C = F a depthwise op.
llvm::Expected<ConvWorkload> parseConvSpec(llvm::StringRef spec,
                                           llvm::StringRef layout = "nchw");

/// Reads a suite file: '#' comments, then "name,M,N,K[,dtype]" rows (GEMM)
/// or "name,N,C,H,W,F,KH,KW,S,P,D,G" rows (convolution).
llvm::Expected<std::vector<Workload>>
loadSuite(llvm::StringRef path, llvm::StringRef convLayout = "nchw");

/// The workloads `make run` benchmarks when given nothing else.
std::vector<Workload> defaultWorkloads();

/// Checks sizes a benchmark can allocate and run (no zero, no overflow).
llvm::Error validateWorkload(const Workload &workload);

} // namespace autoconfig

#endif
