//===- OpenBlasPeer.cpp - OpenBLAS (cblas_sgemm) --------------------------===//

#include "CblasGemm.h"

namespace autoconfig {
namespace {

class OpenBlasPeer final : public CblasGemmPeer {
public:
  std::string name() const override { return "openblas"; }
  std::string note() const override {
    return coreName ? std::string("kernel: ") + coreName() : "";
  }

private:
  llvm::Error load() override {
    auto lib = DynamicLibrary::open({"libopenblas.so.0", "libopenblas.so"});
    if (!lib)
      return lib.takeError();
    auto s = lib->symbol<SgemmFn>("cblas_sgemm");
    if (!s)
      return s.takeError();
    auto d = lib->symbol<DgemmFn>("cblas_dgemm");
    if (!d)
      return d.takeError();
    sgemm = *s;
    dgemm = *d;
    setThreads = lib->optionalSymbol<SetThreadsFn>("openblas_set_num_threads");
    coreName = lib->optionalSymbol<const char *(*)()>("openblas_get_corename");
    library = std::move(*lib);
    return llvm::Error::success();
  }
  const char *(*coreName)() = nullptr;
};

PeerRegistration<OpenBlasPeer> registration;

} // namespace
} // namespace autoconfig
