//===- Blis.cpp - BLIS as a GEMM peer, with a chosen sub-configuration ----===//

#include "Blis.h"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace autoconfig {

static const char *const kArchVariable = "BLIS_ARCH_TYPE";

namespace {

// BLIS 0.9 with 64-bit gint_t (checked at load): dim_t is int64_t, and
// arch_t is a C enum (int).
using DimT = int64_t;

/// The BLIS functions a peer calls, bound from one instance.
struct BlisApi {
  int64_t (*intSize)() = nullptr, (*blasIntSize)() = nullptr,
          (*openmp)() = nullptr, (*pthreads)() = nullptr;
  void (*setNumThreads)(DimT) = nullptr;
  void (*init)() = nullptr;
  int (*archId)() = nullptr;
  const char *(*archName)(int) = nullptr, *(*versionStr)() = nullptr;

  llvm::Error bind(const DynamicLibrary &lib) {
    for (auto [name, slot] : {std::pair<const char *, int64_t (**)()>{
                                  "bli_info_get_int_type_size", &intSize},
                              {"bli_info_get_blas_int_type_size", &blasIntSize},
                              {"bli_info_get_enable_openmp", &openmp},
                              {"bli_info_get_enable_pthreads", &pthreads}})
      if (llvm::Error err = lib.bind(name, *slot))
        return err;
    if (llvm::Error err = lib.bind("bli_thread_set_num_threads", setNumThreads))
      return err;
    if (llvm::Error err = lib.bind("bli_init", init))
      return err;
    if (llvm::Error err = lib.bind("bli_arch_query_id", archId))
      return err;
    if (llvm::Error err = lib.bind("bli_arch_string", archName))
      return err;
    return lib.bind("bli_info_get_version_str", versionStr);
  }

  /// The arch_t id of a sub-configuration name, or -1. blis.h declares
  /// arch_t with BLIS_ARCH_GENERIC last (before the count), so the names
  /// are read up to "generic".
  int archIdOf(llvm::StringRef name) const {
    for (int id = 0; id < 64; ++id) {
      llvm::StringRef known = archName(id);
      if (known == name)
        return id;
      if (known == "generic")
        break;
    }
    return -1;
  }
};

/// Whether a fresh instance of `file` initializes with BLIS_ARCH_TYPE=`id`.
/// BLIS aborts the process when the id names a sub-configuration its build
/// lacks, so a child process tries it first.
bool initializesWith(const std::string &file, int id) {
  pid_t child = fork();
  if (child < 0)
    return false;
  if (child == 0) {
    // BLIS's abort message and core are of no use here.
    int devNull = open("/dev/null", O_WRONLY);
    if (devNull >= 0)
      dup2(devNull, STDERR_FILENO);
    struct rlimit noCore = {0, 0};
    setrlimit(RLIMIT_CORE, &noCore);
    setenv(kArchVariable, std::to_string(id).c_str(), 1);
    auto copy = DynamicLibrary::openPrivateCopy(file);
    if (!copy) {
      llvm::consumeError(copy.takeError());
      _exit(2);
    }
    auto init = copy->optionalSymbol<void (*)()>("bli_init");
    auto query = copy->optionalSymbol<int (*)()>("bli_arch_query_id");
    if (!init || !query)
      _exit(3);
    init();
    _exit(query() == id ? 0 : 4);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int status = 0;
  while (waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace

llvm::Error BlisPeerBase::load() {
  auto lib = DynamicLibrary::open({"libblis.so.4", "libblis.so"});
  if (!lib)
    return lib.takeError();
  BlisApi api;
  if (llvm::Error err = api.bind(*lib))
    return err;
  // The prototypes above and in CblasGemm.h assume these integer sizes.
  if (api.intSize() != 64 || api.blasIntSize() != 32)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "unexpected BLIS integer sizes (dim_t %d bits, BLAS int %d bits)",
        int(api.intSize()), int(api.blasIntSize()));

  forced = chooseConfiguration();
  if (!forced.name.empty() && forced.name != api.archName(api.archId())) {
    int id = api.archIdOf(forced.name);
    std::string file = lib->loadedFile();
    if (id < 0 || !initializesWith(file, id))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "this BLIS build (" + file + ") has no '" +
                                         forced.name + "' sub-configuration");
    // BLIS reads the variable when it initializes, which bli_init() does
    // now, in the copy; setenv is not thread-safe, but peers are prepared on
    // the main thread while no library is running.
    const char *fromEnvironment = std::getenv(kArchVariable);
    std::string saved = fromEnvironment ? fromEnvironment : "";
    setenv(kArchVariable, std::to_string(id).c_str(), 1);
    auto copy = DynamicLibrary::openPrivateCopy(file);
    BlisApi copyApi;
    llvm::Error bound = copy ? copyApi.bind(*copy) : copy.takeError();
    if (!bound)
      copyApi.init();
    if (fromEnvironment)
      setenv(kArchVariable, saved.c_str(), 1);
    else
      unsetenv(kArchVariable);
    if (bound)
      return bound;
    ordinary = std::move(*lib);
    lib = std::move(*copy);
    api = copyApi;
    forcedId = id;
  }

  if (llvm::Error err = lib->bind("cblas_sgemm", sgemm))
    return err;
  if (llvm::Error err = lib->bind("cblas_dgemm", dgemm))
    return err;
  // BLIS's own count applies to its parallel regions, whatever the OpenMP
  // runtime's default.
  setThreads = [set = api.setNumThreads](unsigned n) { set(DimT(n)); };
  configuration = api.archName(api.archId());
  version = api.versionStr();
  threading = api.openmp()     ? "OpenMP"
              : api.pthreads() ? "pthreads"
                               : "single-threaded";
  loaded = std::move(*lib);
  return llvm::Error::success();
}

std::string BlisPeerBase::note() const {
  if (!loaded)
    return "";
  std::string how;
  if (ordinary)
    how = std::string(kArchVariable) + "=" + std::to_string(forcedId) +
          " forced for " + forced.why + ", private copy of " +
          ordinary->loadedFile();
  else if (!forced.name.empty())
    how = "BLIS's own choice, the one for " + forced.why;
  else
    how = "detected by BLIS" +
          (forced.why.empty() ? "" : "; nothing forced: " + forced.why);
  return "sub-configuration " + configuration + " (" + how + "), BLIS " +
         version + " " + threading + " build, " + std::to_string(threads) +
         " thread" + (threads == 1 ? "" : "s");
}

} // namespace autoconfig
