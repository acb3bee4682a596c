//===- OpProfile.h - Per-op timing of a whole program -----------*- C++ -*-===//
//
// `autoconfig run --profile` measures where a program's time goes, like
// ONEDNN_VERBOSE with timings. The instrumentation pass numbers every op that
// does work (each linalg op, a configured kernel together with its fused
// epilogue, memref copies), records what it is in a table, and brackets it
// with calls to two host functions that the JIT resolves to the timers below.
// Generators and lowerings replace an op in place, so whatever code an op
// becomes runs between its two calls.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_TRANSFORMS_OPPROFILE_H
#define AUTOCONFIG_TRANSFORMS_OPPROFILE_H

#include "autoconfig/Pipeline/Jit.h"

#include "mlir/Pass/Pass.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace autoconfig {

/// One instrumented op of the program.
struct ProfiledOp {
  /// The op's name ("linalg.conv_2d_nchw_fchw"), with "+ epilogue" when a
  /// fused elementwise op is part of it.
  std::string op;
  /// file:line:col of the op.
  std::string location;
  /// "kernel" for a configured matmul or convolution (its fused epilogue
  /// included); otherwise what the op does: "elementwise", "reduction",
  /// "pooling", "fill", "copy", "transpose", "contraction" (a matmul or
  /// convolution left unconfigured), "other".
  std::string kind;
  /// The kernel's config, or how the op is lowered.
  std::string lowering;
  /// Shapes of the op's operands, "1x64x56x56xf32, ...".
  std::string shapes;
  /// Useful floating-point operations (kernels), 0 otherwise.
  double flops = 0;
  /// Bytes the op reads and writes once each (operand footprints).
  double bytes = 0;
};

/// Inserts the timer calls and fills `table` (indexed by the id each op
/// gets). Runs after `autoconfig-configure` and before `autoconfig-generate`,
/// so that the table records the decisions.
std::unique_ptr<mlir::Pass>
createInstrumentProfilePass(std::vector<ProfiledOp> *table);

/// The timers the instrumented program calls. Not thread-safe: programs
/// call them from their sequential top level only (parallel regions are
/// inside the bracketed ops).
class OpTimers {
public:
  /// Clears the accumulated times for `ops` ops.
  static void reset(size_t ops);
  /// Seconds accumulated per op since the last reset.
  static std::vector<double> seconds();
  /// The host symbols to give JitModule::create.
  static JitModule::HostSymbols symbols();
};

} // namespace autoconfig

#endif
