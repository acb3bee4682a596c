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

// AddressSanitizer aborts the process on dlopen with RTLD_DEEPBIND, which the
// peers need to keep OpenBLAS and BLIS apart: under it they are unavailable.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AUTOCONFIG_PEERS_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(AUTOCONFIG_PEERS_UNDER_ASAN)
#define AUTOCONFIG_PEERS_UNDER_ASAN 1
#endif

namespace autoconfig {

/// Why dlopen-based peers are unavailable in this build, or nullptr.
inline const char *dynamicPeersUnavailable() {
#ifdef AUTOCONFIG_PEERS_UNDER_ASAN
  return "not loaded in an AddressSanitizer build (RTLD_DEEPBIND, which "
         "keeps OpenBLAS and BLIS apart, is incompatible with ASan)";
#else
  return nullptr;
#endif
}

class DynamicLibrary {
public:
  /// Opens the first of `candidates` that loads; the error lists them all.
  static llvm::Expected<DynamicLibrary>
  open(std::initializer_list<const char *> candidates) {
    if (const char *why = dynamicPeersUnavailable())
      return llvm::createStringError(llvm::inconvertibleErrorCode(), why);
    std::string tried;
    for (const char *name : candidates) {
      if (void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND))
        return DynamicLibrary(handle, name);
      tried += std::string(tried.empty() ? "" : ", ") + name;
    }
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "library not found (tried " + tried + ")");
  }

  /// Loads a second, independent instance of the shared object `file`, even
  /// when it is loaded already. The dynamic loader keeps one instance per
  /// file, so this loads a private copy of it (an anonymous memory file, or an
  /// unlinked temporary file): the copy has its own globals and runs its
  /// initialization again, under the environment of this moment. Load the
  /// ordinary instance first: a later dlopen by soname could otherwise find
  /// the copy, which carries the same soname.
  static llvm::Expected<DynamicLibrary>
  openPrivateCopy(const std::string &file);

  template <typename Fn> llvm::Expected<Fn> symbol(const char *name) const {
    if (void *address = dlsym(handle, name))
      return reinterpret_cast<Fn>(address);
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   std::string("symbol '") + name +
                                       "' missing in " + path);
  }
  /// symbol() into `out`.
  template <typename Fn> llvm::Error bind(const char *name, Fn &out) const {
    auto found = symbol<Fn>(name);
    if (!found)
      return found.takeError();
    out = *found;
    return llvm::Error::success();
  }
  template <typename Fn> Fn optionalSymbol(const char *name) const {
    return reinterpret_cast<Fn>(dlsym(handle, name));
  }

  /// The file the loader mapped, symbolic links resolved; the name we asked
  /// for if unknown.
  std::string loadedFile() const;

private:
  DynamicLibrary(void *handle, std::string path)
      : handle(handle), path(std::move(path)) {}
  void *handle = nullptr;
  std::string path;
};

} // namespace autoconfig

#endif
