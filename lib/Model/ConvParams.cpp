//===- ConvParams.cpp - Config <-> typed convolution parameters -----------===//

#include "autoconfig/Model/ConvParams.h"

using namespace llvm;

namespace autoconfig {

ArrayRef<ParamDecl<CbsmConvParams>> CbsmConvParams::decls() {
  using P = CbsmConvParams;
  static const ParamDecl<P> table[] = {
      {"vl", &P::vl, "vector lanes along OW", 1, 64, true},
      {"sv", &P::sv, "vectors per strip", 1, 32},
      {"fb", &P::fb, "output channels per register tile", 1, 32},
      {"threads", &P::threads, "threads over output rows", 1, 1024}};
  return table;
}

} // namespace autoconfig
