//===- KernelCompiler.h - One workload, one JIT kernel ----------*- C++ -*-===//
//
// Builds a standalone kernel function for a workload, configures it with a
// given config, generates, lowers and JIT-compiles it. The benchmarks, the
// tuner, the calibration and the end-to-end tests all call kernels this way.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_PIPELINE_KERNELCOMPILER_H
#define AUTOCONFIG_PIPELINE_KERNELCOMPILER_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Pipeline/Jit.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace autoconfig {

/// The MLIR text of `func.func @kernel(...)` computing the workload with one
/// linalg op on memrefs, operands in the op's order (A, B, C / input,
/// weights, output), C interface emitted.
std::string kernelModuleText(const Workload &workload);

/// A memref descriptor as the C interface expects it: allocated and aligned
/// pointers, offset, sizes, strides (dense row-major).
class MemRefDescriptor {
public:
  MemRefDescriptor(void *data, llvm::ArrayRef<int64_t> shape);
  void *get() { return storage.data(); }

private:
  std::vector<int64_t> storage;
};

/// A compiled kernel: call it with one pointer per operand buffer.
class CompiledKernel {
public:
  /// Runs the kernel on dense row-major buffers of the workload's shapes.
  void run(llvm::ArrayRef<void *> buffers);
  /// Runs a kernel of dynamic sizes on dense buffers of other shapes; an
  /// error, and no call, when the shapes do not fit the op or a size is
  /// outside its declared range.
  llvm::Error runAt(llvm::ArrayRef<void *> buffers,
                    llvm::ArrayRef<std::vector<int64_t>> shapes);
  /// Operand shapes in call order.
  const std::vector<std::vector<int64_t>> &shapes() const {
    return operandShapes;
  }
  double compileSeconds = 0;

private:
  /// Calls the entry with dense descriptors of `shapes`.
  void call(llvm::ArrayRef<void *> buffers,
            llvm::ArrayRef<std::vector<int64_t>> shapes);
  friend llvm::Expected<std::unique_ptr<CompiledKernel>>
  compileKernel(const Workload &, const Config &, const TargetDesc &,
                llvm::ArrayRef<SizeClass>);
  std::unique_ptr<JitModule> jit;
  JitModule::PackedFn entry = nullptr;
  std::vector<std::vector<int64_t>> operandShapes;
  std::optional<Workload> compiledFor;
};

/// Whether `shapes` (operands in call order) are shapes the kernel compiled
/// for `workload` takes: its static sizes, and its dynamic sizes within
/// their ranges, consistent across the operands.
llvm::Error checkOperandShapes(const Workload &workload,
                               llvm::ArrayRef<std::vector<int64_t>> shapes);

/// Operand shapes of the kernel for `workload`, in call order.
std::vector<std::vector<int64_t>> kernelOperandShapes(const Workload &workload);

/// Compiles the workload's kernel with `config` for a target that runs here;
/// a dynamic matmul with size classes (Decision::sizeClasses) dispatches to
/// each class's config instead.
llvm::Expected<std::unique_ptr<CompiledKernel>>
compileKernel(const Workload &workload, const Config &config,
              const TargetDesc &target,
              llvm::ArrayRef<SizeClass> sizeClasses = {});

} // namespace autoconfig

#endif
