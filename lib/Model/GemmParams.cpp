//===- GemmParams.cpp - The matmul algorithms' parameters, declared ------===//

#include "autoconfig/Model/GemmParams.h"

using namespace llvm;

namespace autoconfig {

ArrayRef<ParamDecl<BroadcastGemmParams>> BroadcastGemmParams::decls() {
  using P = BroadcastGemmParams;
  static const ParamDecl<P> table[] = {
      {"vl", &P::vl, "vector lanes", 1, 64, true},
      {"ui", &P::ui, "rows of C in the register tile", 1, 64},
      {"uj", &P::uj, "vectors of C per row in the register tile", 1, 64},
      {"ku", &P::ku, "unroll factor of the k loop", 1, 64},
      {"mask", &P::mask, "N tail: 1 masked vectors, 0 scalar remainder", 0, 1},
      {"threads", &P::threads, "threads over the row blocks", 1, 1024}};
  return table;
}

ArrayRef<ParamDecl<BlockedGemmParams>> BlockedGemmParams::decls() {
  using P = BlockedGemmParams;
  static const ParamDecl<P> table[] = {
      {"vl", &P::vl, "vector lanes", 1, 64, true},
      {"mr", &P::mr, "rows of the register tile", 1, 32},
      {"nr", &P::nr, "columns of the register tile (multiple of vl)"},
      {"kc", &P::kc, "depth of a packed panel (L1 blocking)", 1, 65536},
      {"mc", &P::mc, "rows of the packed A block (L2 blocking)"},
      {"nc", &P::nc, "columns of the packed B block (L3 blocking)"},
      {"ku", &P::ku, "unroll factor of the micro-kernel's k loop", 1, 64},
      {"packA", &P::packA, "pack A into mr-tall panels (0/1)", 0, 1},
      {"packB", &P::packB, "pack B into nr-wide panels (0/1)", 0, 1},
      {"prefetch", &P::prefetch, "software prefetch distance of A, in k steps",
       0, 1024},
      {"threads", &P::threads, "threads over the jc blocks", 1, 1024}};
  return table;
}

ArrayRef<ParamDecl<DotGemmParams>> DotGemmParams::decls() {
  using P = DotGemmParams;
  static const ParamDecl<P> table[] = {
      {"vl", &P::vl, "vector lanes along K", 1, 64, true},
      {"ui", &P::ui, "rows of A per block", 1, 32},
      {"uj", &P::uj, "rows of B^T per block", 1, 32},
      {"ku", &P::ku, "unroll factor of the K loop", 1, 64},
      {"mask", &P::mask, "K tail: 1 masked vector, 0 scalar remainder", 0, 1},
      {"threads", &P::threads, "threads over the row blocks", 1, 1024}};
  return table;
}

} // namespace autoconfig
