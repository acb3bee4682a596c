//===- PrimitiveSequence.h - oneDNN primitives run in order -----*- C++ -*-===//
//
// The executable form of a network or program on oneDNN: an engine, a
// stream, the memory objects of every value and the primitives executed in
// order, with one plan line each. Values live in buffers; a view is another
// memory object over the same buffer. Buffers the caller owns (inputs,
// outputs) are bound to its pointers before a run. Constant operands are
// reordered into the formats the primitives chose once, when they are
// added; activations are reordered in every run only where two primitives
// disagree on a format.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_ONEDNN_PRIMITIVESEQUENCE_H
#define AUTOCONFIG_BENCH_ONEDNN_PRIMITIVESEQUENCE_H

#include "OneDnnApi.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace autoconfig::onednn {

/// A value: a memory object in some buffer.
struct Tensor {
  dnnl_memory_desc_t md{};
  dnnl_memory_t memory = nullptr;
  int buffer = -1;
};

class PrimitiveSequence {
public:
  /// Creates the engine and stream; sets libgomp's thread count first, as
  /// the JIT kernels split their work for omp_get_max_threads() when a
  /// primitive is created.
  llvm::Error init(unsigned threads);

  dnnl_engine_t engine() const { return engineHandle.get(); }

  /// A tensor in a buffer of its own, allocated by oneDNN.
  llvm::Expected<Tensor> allocate(const dnnl_memory_desc_t &md);
  /// A tensor in a buffer of its own at `handle` (may be null until bind()).
  llvm::Expected<Tensor> external(const dnnl_memory_desc_t &md, void *handle);
  /// `md` over the buffer of `t`.
  llvm::Expected<Tensor> viewOf(const Tensor &t, const dnnl_memory_desc_t &md);
  /// Points every memory object over `buffer` at `handle`.
  llvm::Error bind(int buffer, void *handle);
  int bufferCount() const { return int(buffers.size()); }
  /// The size of `buffer` as allocated.
  size_t bufferBytes(int buffer) const { return bytes[buffer]; }

  /// Appends a primitive to every run, with its plan line.
  llvm::Error addStep(const PrimitiveDesc &pd,
                      std::vector<dnnl_exec_arg_t> args,
                      const llvm::Twine &line);
  /// A plan line for something that executes nothing (views, folding).
  void addNote(const llvm::Twine &line) { planLines.push_back(line.str()); }

  /// Copies `from` into `to` in every run (timed) or once, now.
  llvm::Error reorder(const dnnl_memory_desc_t &fromMd, dnnl_memory_t from,
                      const dnnl_memory_desc_t &toMd, dnnl_memory_t to,
                      bool timed, const llvm::Twine &why);
  /// `t` in format `want`: itself (a view if the layouts differ only in
  /// addressing nothing), or a copy made in every run.
  llvm::Expected<Tensor> inFormat(const Tensor &t,
                                  const dnnl_memory_desc_t &want,
                                  const llvm::Twine &why);
  /// A constant given in layout `userMd` at `data`, reordered once into a
  /// buffer of its own in format `md`.
  llvm::Expected<dnnl_memory_t> constant(const dnnl_memory_desc_t &userMd,
                                         const float *data, size_t count,
                                         const dnnl_memory_desc_t &md);

  /// Executes every step, then waits for the stream.
  llvm::Error run();

  const std::vector<std::string> &plan() const { return planLines; }
  /// Reorders executed in every run.
  unsigned timedReorders() const { return reorders; }

  static std::string implName(const_dnnl_primitive_desc_t pd);
  static const dnnl_memory_desc_t &queryMd(const_dnnl_primitive_desc_t pd,
                                           dnnl_query_t what, int index = 0);

private:
  llvm::Expected<dnnl_memory_t> newMemory(const dnnl_memory_desc_t &md,
                                          void *handle, int buffer);

  Engine engineHandle;
  Stream stream;
  std::vector<Memory> memories;
  /// Per buffer: the memory objects over it.
  std::vector<std::vector<dnnl_memory_t>> buffers;
  std::vector<size_t> bytes;
  std::vector<Primitive> primitives;
  struct Step {
    dnnl_primitive_t primitive;
    std::vector<dnnl_exec_arg_t> args;
  };
  std::vector<Step> steps;
  std::vector<std::string> planLines;
  unsigned reorders = 0;
};

} // namespace autoconfig::onednn

#endif
