//===- DynamicLibrary.cpp - Peer libraries loaded in isolation ------------===//

#include "DynamicLibrary.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

namespace autoconfig {

static llvm::Error systemError(const std::string &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 what + ": " + std::strerror(errno));
}

/// Copies all of `from` into `to` (both at offset 0).
static bool copyFile(int from, int to) {
  struct stat st;
  if (fstat(from, &st) != 0)
    return false;
  off_t offset = 0;
  while (offset < st.st_size) {
    ssize_t n = sendfile(to, from, &offset, size_t(st.st_size - offset));
    if (n <= 0)
      return false;
  }
  return true;
}

llvm::Expected<DynamicLibrary>
DynamicLibrary::openPrivateCopy(const std::string &file) {
  if (const char *why = dynamicPeersUnavailable())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), why);
  int source = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (source < 0)
    return systemError("cannot read " + file);

  // An anonymous memory file leaves nothing behind. It stays open for the
  // life of the process: the loader recognizes libraries by name first, and
  // a reused descriptor number would name a different file the same way.
  int copy = memfd_create("autoconfig-peer-copy", MFD_CLOEXEC);
  std::string copyPath;
  bool unlinkAfterLoad = false;
  if (copy >= 0) {
    copyPath = "/proc/self/fd/" + std::to_string(copy);
  } else {
    const char *tmp = std::getenv("TMPDIR");
    copyPath = std::string(tmp && *tmp ? tmp : "/tmp") +
               "/autoconfig-peer-copy-XXXXXX.so";
    copy = mkstemps(copyPath.data(), 3);
    unlinkAfterLoad = true;
  }
  if (copy < 0) {
    ::close(source);
    return systemError("cannot create a private copy of " + file);
  }
  bool copied = copyFile(source, copy);
  ::close(source);
  if (!copied) {
    llvm::Error err = systemError("cannot copy " + file);
    ::close(copy);
    if (unlinkAfterLoad)
      ::unlink(copyPath.c_str());
    return std::move(err);
  }
  void *handle =
      dlopen(copyPath.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  std::string error = handle ? "" : dlerror();
  if (unlinkAfterLoad) {
    // The mapping outlives the name and the descriptor.
    ::unlink(copyPath.c_str());
    ::close(copy);
  } else if (!handle) {
    ::close(copy);
  }
  if (!handle)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot load a private copy of " + file +
                                       ": " + error);
  return DynamicLibrary(handle, file + " (private copy)");
}

std::string DynamicLibrary::loadedFile() const {
  struct link_map *map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name &&
      *map->l_name) {
    char resolved[PATH_MAX];
    return realpath(map->l_name, resolved) ? resolved : map->l_name;
  }
  return path;
}

} // namespace autoconfig
