//===- PostOps.cpp - The epilogue of a oneDNN primitive -------------------===//

#include "PostOps.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FormatVariadic.h"

#include <dnnl_debug.h>

#include <cfloat>
#include <cstdio>

using namespace llvm;

namespace autoconfig::onednn {

PostOp PostOp::eltwise(dnnl_alg_kind_t alg, float alpha, float beta) {
  PostOp op;
  op.kind = Kind::Eltwise;
  op.alg = alg;
  op.alpha = alpha;
  op.beta = beta;
  return op;
}

PostOp PostOp::sum() {
  PostOp op;
  op.kind = Kind::Sum;
  return op;
}

PostOp PostOp::binary(dnnl_alg_kind_t alg, const dnnl_memory_desc_t &src1,
                      dnnl_memory_t memory) {
  PostOp op;
  op.kind = Kind::Binary;
  op.alg = alg;
  op.src1 = src1;
  op.src1Memory = memory;
  return op;
}

/// A bound as written: FLT_MAX is no bound.
static std::string bound(float v) {
  if (v >= FLT_MAX)
    return "inf";
  if (v <= -FLT_MAX)
    return "-inf";
  char text[32];
  snprintf(text, sizeof text, "%g", double(v));
  return text;
}

std::string describe(const PostOp &op) {
  switch (op.kind) {
  case PostOp::Kind::Sum:
    return "sum";
  case PostOp::Kind::Binary:
    return dnnl_alg_kind2str(op.alg);
  case PostOp::Kind::Eltwise:
    break;
  }
  StringRef name = dnnl_alg_kind2str(op.alg);
  name.consume_front("eltwise_");
  switch (op.alg) {
  case dnnl_eltwise_linear:
    return op.beta == 0
               ? "linear(" + bound(op.alpha) + ")"
               : "linear(" + bound(op.alpha) + "," + bound(op.beta) + ")";
  case dnnl_eltwise_clip:
  case dnnl_eltwise_clip_v2:
  case dnnl_eltwise_pow:
    return (name + "(" + bound(op.alpha) + "," + bound(op.beta) + ")").str();
  case dnnl_eltwise_swish:
    return op.alpha == 1 ? name.str() : "swish(" + bound(op.alpha) + ")";
  case dnnl_eltwise_relu:
    return op.alpha == 0 ? name.str() : "relu(" + bound(op.alpha) + ")";
  default:
    return name.str();
  }
}

std::string describe(ArrayRef<PostOp> ops) {
  std::string text;
  for (const PostOp &op : ops)
    text += (text.empty() ? "" : "+") + describe(op);
  return text.empty() ? "none" : text;
}

Expected<Attr> makeAttr(ArrayRef<PostOp> ops) {
  Attr attr;
  dnnl_status_t s = dnnl_primitive_attr_create(attr.slot());
  if (s == dnnl_success && !ops.empty()) {
    PostOpList list;
    s = dnnl_post_ops_create(list.slot());
    for (const PostOp &op : ops) {
      if (s != dnnl_success)
        break;
      switch (op.kind) {
      case PostOp::Kind::Eltwise:
        s = dnnl_post_ops_append_eltwise(list.get(), 1.0f, op.alg, op.alpha,
                                         op.beta);
        break;
      case PostOp::Kind::Sum:
        s = dnnl_post_ops_append_sum(list.get(), 1.0f);
        break;
      case PostOp::Kind::Binary:
        s = dnnl_post_ops_append_binary(list.get(), op.alg, &op.src1);
        break;
      }
    }
    if (s == dnnl_success)
      s = dnnl_primitive_attr_set_post_ops(attr.get(), list.get());
  }
  if (s != dnnl_success)
    return dnnlError("post-ops " + describe(ops), s);
  return std::move(attr);
}

void addPostOpArgs(ArrayRef<PostOp> ops, std::vector<dnnl_exec_arg_t> &args) {
  for (auto [index, op] : llvm::enumerate(ops))
    if (op.kind == PostOp::Kind::Binary)
      args.push_back(
          {int(DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1),
           op.src1Memory});
}

} // namespace autoconfig::onednn
