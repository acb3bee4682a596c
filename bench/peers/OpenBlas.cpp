//===- OpenBlas.cpp - OpenBLAS as a GEMM peer, with a chosen core ---------===//

#include "OpenBlas.h"

#include <cstdlib>

namespace autoconfig {

static const char *const kCoreVariable = "OPENBLAS_CORETYPE";

static llvm::Expected<DynamicLibrary> openOrdinary() {
  return DynamicLibrary::open({"libopenblas.so.0", "libopenblas.so"});
}

llvm::Error OpenBlasPeerBase::load() {
  auto lib = openOrdinary();
  if (!lib)
    return lib.takeError();
  const char *fromEnvironment = std::getenv(kCoreVariable);
  environmentCore = fromEnvironment ? fromEnvironment : "";
  forced = chooseCore();
  if (const char *coreType = forced.core) {
    // setenv is not thread-safe; peers are prepared on the main thread while
    // no library is running.
    std::string file = lib->loadedFile();
    setenv(kCoreVariable, coreType, /*overwrite=*/1);
    auto copy = DynamicLibrary::openPrivateCopy(file);
    if (fromEnvironment)
      setenv(kCoreVariable, environmentCore.c_str(), 1);
    else
      unsetenv(kCoreVariable);
    if (!copy)
      return copy.takeError();
    ordinary = std::move(*lib);
    lib = std::move(*copy);
  }
  auto s = lib->symbol<SgemmFn>("cblas_sgemm");
  if (!s)
    return s.takeError();
  auto d = lib->symbol<DgemmFn>("cblas_dgemm");
  if (!d)
    return d.takeError();
  auto set = lib->symbol<void (*)(int)>("openblas_set_num_threads");
  if (!set)
    return set.takeError();
  sgemm = *s;
  dgemm = *d;
  setThreads = [fn = *set](unsigned n) { fn(int(n)); };
  coreName = lib->optionalSymbol<const char *(*)()>("openblas_get_corename");
  loaded = std::move(*lib);
  return llvm::Error::success();
}

std::string OpenBlasPeerBase::implementation() const {
  if (!loaded)
    return "";
  return coreName ? coreName() : "unknown";
}

std::string OpenBlasPeerBase::note() const {
  if (!loaded)
    return "";
  std::string note = "kernel " + implementation();
  if (forced.core) {
    note += std::string(" (") + kCoreVariable + "=" + forced.core +
            (forced.why.empty() ? "" : " forced for " + forced.why) +
            ", private copy of " + ordinary->loadedFile() + ")";
  } else if (!forced.why.empty()) {
    note += " (detected by OpenBLAS; nothing forced: " + forced.why + ")";
  } else {
    note += environmentCore.empty()
                ? " (detected by OpenBLAS)"
                : std::string(" (") + kCoreVariable + "=" + environmentCore +
                      " from the environment)";
  }
  return note + ", " + std::to_string(threads) + " thread" +
         (threads == 1 ? "" : "s");
}

} // namespace autoconfig
