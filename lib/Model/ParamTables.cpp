//===- ParamTables.cpp - The parameter tables of AlgorithmParams.def ------===//

#include "autoconfig/Model/ConvParams.h"
#include "autoconfig/Model/DepthwiseConvParams.h"
#include "autoconfig/Model/DirectConvParams.h"
#include "autoconfig/Model/GemmParams.h"
#include "autoconfig/Model/WinogradConvParams.h"

using namespace llvm;

namespace autoconfig {

#define AUTOCONFIG_PARAMS(Struct)                                              \
  ArrayRef<ParamDecl<Struct>> Struct::decls() {                                \
    using P = Struct;                                                          \
    static const ParamDecl<P> table[] = {
#define AUTOCONFIG_PARAM(field, meaning, min, max, powerOfTwo)                 \
  {#field, &P::field, meaning, min, max, powerOfTwo},
#define AUTOCONFIG_END_PARAMS                                                  \
  }                                                                            \
  ;                                                                            \
  return table;                                                                \
  }
#include "autoconfig/Model/AlgorithmParams.def"

} // namespace autoconfig
