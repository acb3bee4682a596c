//===- Suite.h - Workload suites from CSV and the command line --*- C++ -*-===//
#ifndef AUTOCONFIG_BENCH_SUITE_H
#define AUTOCONFIG_BENCH_SUITE_H

#include "autoconfig/Workload/Workload.h"

#include "llvm/Support/Error.h"

#include <vector>

namespace autoconfig {

/// Parses "M,N,K" (optionally "M,N,K,f64") into a GEMM workload.
llvm::Expected<GemmWorkload> parseGemmSpec(llvm::StringRef spec);

/// Reads a suite file: '#' comments, then "name,M,N,K[,dtype]" rows (GEMM)
/// or "name,N,C,H,W,F,KH,KW,S,P,D,G" rows (convolution).
llvm::Expected<std::vector<Workload>> loadSuite(llvm::StringRef path);

/// The workloads `make run` benchmarks when given nothing else.
std::vector<Workload> defaultWorkloads();

/// Checks sizes a benchmark can allocate and run (no zero, no overflow).
llvm::Error validateWorkload(const Workload &workload);

} // namespace autoconfig

#endif
