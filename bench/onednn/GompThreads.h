//===- GompThreads.h - oneDNN's thread count --------------------*- C++ -*-===//
#ifndef AUTOCONFIG_BENCH_ONEDNN_GOMPTHREADS_H
#define AUTOCONFIG_BENCH_ONEDNN_GOMPTHREADS_H

namespace autoconfig::onednn {

/// oneDNN's OpenMP build (Debian) uses libgomp: its thread count is set
/// through libgomp, not through the libomp our generated code uses. False if
/// libgomp is not in the process.
bool setGompThreads(unsigned threads);

} // namespace autoconfig::onednn

#endif
