//===- BlisPeer.cpp - BLIS (its CBLAS compatibility layer) ----------------===//
//
// Debian's libblis.so.4 is whichever build the alternatives system selects
// (the OpenMP one here). It exports the same cblas_* symbols as OpenBLAS,
// hence the isolated load. BLIS's API is declared by hand rather than through
// blis.h, which would also declare those CBLAS symbols.
//
//===----------------------------------------------------------------------===//

#include "CblasGemm.h"

#include <cstdint>

namespace autoconfig {
namespace {

class BlisPeer final : public CblasGemmPeer {
public:
  std::string name() const override { return "blis"; }

  std::string note() const override {
    if (!library)
      return "";
    return "sub-configuration " + configuration + " (bli_arch_query_id), " +
           "BLIS " + version + " " + threading + " build, " +
           std::to_string(threads) + " thread" + (threads == 1 ? "" : "s");
  }

private:
  // BLIS 0.9 with 64-bit gint_t (checked at load): dim_t is int64_t, and
  // arch_t, ind_t and num_t are C enums (int).
  using DimT = int64_t;

  llvm::Error load() override {
    auto lib = DynamicLibrary::open({"libblis.so.4", "libblis.so"});
    if (!lib)
      return lib.takeError();
    int64_t (*intSize)() = nullptr, (*blasIntSize)() = nullptr,
            (*openmp)() = nullptr, (*pthreads)() = nullptr;
    void (*setNum)(DimT) = nullptr;
    int (*archId)() = nullptr;
    const char *(*archName)(int) = nullptr, *(*versionStr)() = nullptr;
    for (auto [name, slot] : {std::pair<const char *, int64_t (**)()>{
                                  "bli_info_get_int_type_size", &intSize},
                              {"bli_info_get_blas_int_type_size", &blasIntSize},
                              {"bli_info_get_enable_openmp", &openmp},
                              {"bli_info_get_enable_pthreads", &pthreads}})
      if (llvm::Error err = lib->bind(name, *slot))
        return err;
    if (llvm::Error err = lib->bind("bli_thread_set_num_threads", setNum))
      return err;
    if (llvm::Error err = lib->bind("bli_arch_query_id", archId))
      return err;
    if (llvm::Error err = lib->bind("bli_arch_string", archName))
      return err;
    if (llvm::Error err = lib->bind("bli_info_get_version_str", versionStr))
      return err;
    if (llvm::Error err = lib->bind("cblas_sgemm", sgemm))
      return err;
    if (llvm::Error err = lib->bind("cblas_dgemm", dgemm))
      return err;
    // The prototypes above and in CblasGemm.h assume these integer sizes.
    if (intSize() != 64 || blasIntSize() != 32)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "unexpected BLIS integer sizes (dim_t %d bits, BLAS int %d bits)",
          int(intSize()), int(blasIntSize()));
    // BLIS's own count applies to its parallel regions, whatever the OpenMP
    // runtime's default.
    setThreads = [setNum](unsigned n) { setNum(DimT(n)); };
    configuration = archName(archId());
    version = versionStr();
    threading = openmp()     ? "OpenMP"
                : pthreads() ? "pthreads"
                             : "single-threaded";
    library = std::move(*lib);
    return llvm::Error::success();
  }

  std::string configuration, version, threading;
};

PeerRegistration<BlisPeer> registration;

} // namespace
} // namespace autoconfig
