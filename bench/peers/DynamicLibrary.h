//===- DynamicLibrary.h - Peer libraries loaded in isolation ----*- C++ -*-===//
//
// OpenBLAS and BLIS export the same CBLAS symbols; each is opened with
// RTLD_LOCAL | RTLD_DEEPBIND so that its calls, and ours, bind to the library
// we mean and never to the other one.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_BENCH_PEERS_DYNAMICLIBRARY_H
#define AUTOCONFIG_BENCH_PEERS_DYNAMICLIBRARY_H

#include "llvm/Support/Error.h"

#include <dlfcn.h>
#include <initializer_list>
#include <string>

namespace autoconfig {

class DynamicLibrary {
public:
  /// Opens the first of `candidates` that loads; the error lists them all.
  static llvm::Expected<DynamicLibrary>
  open(std::initializer_list<const char *> candidates) {
    std::string tried;
    for (const char *name : candidates) {
      if (void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND))
        return DynamicLibrary(handle, name);
      tried += std::string(tried.empty() ? "" : ", ") + name;
    }
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "library not found (tried " + tried + ")");
  }

  template <typename Fn> llvm::Expected<Fn> symbol(const char *name) const {
    if (void *address = dlsym(handle, name))
      return reinterpret_cast<Fn>(address);
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   std::string("symbol '") + name +
                                       "' missing in " + path);
  }
  template <typename Fn> Fn optionalSymbol(const char *name) const {
    return reinterpret_cast<Fn>(dlsym(handle, name));
  }

private:
  DynamicLibrary(void *handle, std::string path)
      : handle(handle), path(std::move(path)) {}
  void *handle = nullptr;
  std::string path;
};

} // namespace autoconfig

#endif
