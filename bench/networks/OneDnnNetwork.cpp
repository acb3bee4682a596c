//===- OneDnnNetwork.cpp - A Network built layer by layer on oneDNN -------===//
//
// The C API of oneDNN 2.6 is used: the project builds without exceptions,
// and the C++ API then aborts on any error instead of reporting it.
//
// Activations follow oneDNN's logical dimension order (NCHW for the CNN,
// whatever the physical format; [rows, columns] and [batch, rows, columns]
// for the transformer). Every value of the graph is a memory object in some
// buffer; views (attention heads) share their input's buffer. A buffer may
// be written in place (residual sum, softmax, layer normalization) only when
// no later layer reads any value living in it.
//
//===----------------------------------------------------------------------===//

#include "OneDnnNetwork.h"

#include "../onednn/PostOps.h"
#include "../onednn/PrimitiveSequence.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <dnnl.h>
#include <dnnl_debug.h>

#include <algorithm>
#include <climits>
#include <numeric>
#include <optional>

using namespace llvm;

namespace autoconfig::netbench {
using namespace onednn;
namespace {

/// A reader index that no layer reaches: the caller reads the network's
/// output and owns its input.
constexpr int kCaller = INT_MAX;

} // namespace

struct OneDnnNetwork::Impl {
  PrimitiveSequence seq;

  // Build state.
  const Network *net = nullptr;
  /// Values and their consumers, indexed by layer + 1 (0: the input).
  std::vector<Tensor> values;
  std::vector<std::vector<int>> consumers;
  /// Per buffer: the layers that read a value living in it.
  std::vector<std::vector<int>> readers;
  std::vector<bool> done;

  Tensor &value(int v) { return values[v + 1]; }
  const std::vector<int64_t> &shapeOf(int v) const {
    return v < 0 ? net->inputShape : net->layers[v].shape;
  }
  const Layer &layer(int i) const { return net->layers[i]; }
  int lastLayer() const { return int(net->layers.size()) - 1; }

  /// The layer that alone reads value `v`, or -1.
  int soleConsumer(int v) const {
    const std::vector<int> &c = consumers[v + 1];
    if (v == lastLayer() || c.size() != 1)
      return -1;
    return c[0];
  }

  /// Whether layer `writer` may overwrite `buffer`: nothing after it reads
  /// the buffer, except `fused` (a layer executed by the writer itself).
  bool canOverwrite(int buffer, int writer, int fused) {
    return llvm::all_of(readersOf(buffer),
                        [&](int r) { return r <= writer || r == fused; });
  }

  std::vector<int> &readersOf(int buffer) {
    if (readers.size() <= size_t(buffer))
      readers.resize(buffer + 1);
    return readers[buffer];
  }

  void define(int v, const Tensor &t) {
    value(v) = t;
    std::vector<int> &r = readersOf(t.buffer);
    llvm::append_range(r, consumers[v + 1]);
    if (v == lastLayer())
      r.push_back(kCaller);
  }

  // The sequence's operations, as the layers call them.
  Expected<Tensor> allocate(const dnnl_memory_desc_t &md) {
    return seq.allocate(md);
  }
  Expected<Tensor> viewOf(const Tensor &t, const dnnl_memory_desc_t &md) {
    return seq.viewOf(t, md);
  }
  static std::string implName(const_dnnl_primitive_desc_t pd) {
    return PrimitiveSequence::implName(pd);
  }
  static const dnnl_memory_desc_t &queryMd(const_dnnl_primitive_desc_t pd,
                                           dnnl_query_t what, int index = 0) {
    return PrimitiveSequence::queryMd(pd, what, index);
  }
  Error addStep(const PrimitiveDesc &pd, std::vector<dnnl_exec_arg_t> args,
                const Twine &line) {
    return seq.addStep(pd, std::move(args), line);
  }
  Error reorder(const dnnl_memory_desc_t &fromMd, dnnl_memory_t from,
                const dnnl_memory_desc_t &toMd, dnnl_memory_t to, bool timed,
                const Twine &why) {
    return seq.reorder(fromMd, from, toMd, to, timed, why);
  }
  Expected<Tensor> inFormat(const Tensor &t, const dnnl_memory_desc_t &want,
                            const Twine &why) {
    return seq.inFormat(t, want, why);
  }
  /// A parameter given in layout `userMd`, reordered once into `md`.
  Expected<dnnl_memory_t> constant(const dnnl_memory_desc_t &userMd,
                                   const std::vector<float> &data,
                                   const dnnl_memory_desc_t &md) {
    return seq.constant(userMd, data.data(), data.size(), md);
  }

  /// Creates the primitive descriptor of an op writing `dst` with `attr`.
  using MakeDesc = function_ref<dnnl_status_t(const dnnl_memory_desc_t &dst,
                                              const_dnnl_primitive_attr_t attr,
                                              PrimitiveDesc &pd)>;

  /// A convolution or inner product with its epilogue.
  struct Produced {
    PrimitiveDesc pd;
    std::vector<PostOp> ops;
    Tensor dst;
    /// The value it computes: its own, or that of the residual addition it
    /// absorbed.
    int defines = -1;
  };

  /// Chooses the epilogue of layer `i` (ReLU; the residual addition that
  /// alone reads it, as a sum into the other operand's buffer when that may
  /// be overwritten, else as a binary post-op, else as a sum into a copy)
  /// and creates the primitive descriptor.
  Expected<Produced> produce(int i, const dnnl_memory_desc_t &anyDst,
                             MakeDesc make) {
    const Layer &l = layer(i);
    int add = soleConsumer(i), other = -1;
    if (add >= 0 && layer(add).kind == Layer::Kind::Add) {
      const std::vector<int> &in = layer(add).inputs;
      other = in[0] == i ? in[1] : in[0];
      // The other operand must be ready when this op runs.
      if (other >= i)
        add = -1;
    } else {
      add = -1;
    }
    auto chain = [&](std::optional<PostOp> residual) {
      std::vector<PostOp> ops;
      if (l.relu)
        ops.push_back(PostOp::eltwise(dnnl_eltwise_relu));
      if (residual) {
        ops.push_back(*residual);
        if (layer(add).relu)
          ops.push_back(PostOp::eltwise(dnnl_eltwise_relu));
      }
      return ops;
    };
    Produced out;
    // oneDNN's reference implementations are a last resort.
    auto attempt = [&](const dnnl_memory_desc_t &dst, std::vector<PostOp> ops,
                       bool acceptReference) -> Expected<bool> {
      auto attr = makeAttr(ops);
      if (!attr)
        return attr.takeError();
      PrimitiveDesc pd;
      if (make(dst, attr->get(), pd) != dnnl_success)
        return false;
      if (!acceptReference && StringRef(implName(pd.get())).starts_with("ref"))
        return false;
      out.pd = std::move(pd);
      out.ops = std::move(ops);
      return true;
    };
    auto ownDst = [&]() -> Error {
      auto dst = allocate(queryMd(out.pd.get(), dnnl_query_dst_md));
      if (!dst)
        return dst.takeError();
      out.dst = *dst;
      return Error::success();
    };
    if (add < 0) {
      auto ok = attempt(anyDst, chain(std::nullopt), true);
      if (!ok)
        return ok.takeError();
      if (!*ok)
        return createStringError(inconvertibleErrorCode(),
                                 "oneDNN has no primitive for it");
      out.defines = i;
      if (Error e = ownDst())
        return std::move(e);
      return std::move(out);
    }
    out.defines = add;
    const Tensor &o = value(other);
    bool inPlace = other >= 0 && o.buffer != value(l.inputs[0]).buffer &&
                   canOverwrite(o.buffer, i, add);
    if (inPlace) {
      auto ok = attempt(o.md, chain(PostOp::sum()), false);
      if (!ok)
        return ok.takeError();
      if (*ok) {
        out.dst = o;
        return std::move(out);
      }
    } else {
      PostOp binary = PostOp::binary(dnnl_binary_add, o.md, o.memory);
      auto ok = attempt(anyDst, chain(binary), false);
      if (!ok)
        return ok.takeError();
      if (*ok) {
        if (Error e = ownDst())
          return std::move(e);
        return std::move(out);
      }
    }
    // A copy of the other operand in the primitive's format, summed into.
    auto ok = attempt(anyDst, chain(PostOp::sum()), true);
    if (!ok)
      return ok.takeError();
    if (!*ok)
      return createStringError(inconvertibleErrorCode(),
                               "oneDNN has no primitive for it with the "
                               "residual addition");
    auto copy = inFormat(o, queryMd(out.pd.get(), dnnl_query_dst_md),
                         layer(add).name + " (residual operand)");
    if (!copy)
      return copy.takeError();
    if (copy->memory == o.memory) {
      // Same format after all, but the buffer is still read later.
      auto fresh = allocate(o.md);
      if (!fresh)
        return fresh.takeError();
      if (Error e = reorder(o.md, o.memory, o.md, fresh->memory, true,
                            layer(add).name + " (residual operand)"))
        return std::move(e);
      copy = *fresh;
    }
    out.dst = *copy;
    return std::move(out);
  }

  /// Records the step of a produced convolution or inner product.
  Error finishProduced(int i, Produced &p, const Tensor &src,
                       dnnl_memory_t weights, dnnl_memory_t bias,
                       StringRef kind) {
    std::vector<dnnl_exec_arg_t> args = {{DNNL_ARG_SRC, src.memory},
                                         {DNNL_ARG_WEIGHTS, weights},
                                         {DNNL_ARG_BIAS, bias},
                                         {DNNL_ARG_DST, p.dst.memory}};
    addPostOpArgs(p.ops, args);
    std::string line =
        formatv("{0}: {1} {2} (src {3}, weights {4}, dst {5}; post-ops {6}{7})",
                layer(i).name, kind, implName(p.pd.get()), formatOf(src.md),
                formatOf(queryMd(p.pd.get(), dnnl_query_weights_md)),
                formatOf(p.dst.md), describe(p.ops),
                p.defines != i ? ", absorbs " + layer(p.defines).name : "")
            .str();
    if (Error e = addStep(p.pd, std::move(args), line))
      return e;
    define(p.defines, p.dst);
    done[p.defines] = true;
    return Error::success();
  }

  Error conv(int i) {
    const Layer &l = layer(i);
    const std::vector<int64_t> &xs = shapeOf(l.inputs[0]);
    if (xs.size() != 4)
      return createStringError(inconvertibleErrorCode(),
                               "expects an NHWC input");
    int64_t c = xs[3], f = l.filters, k = l.kernel;
    dnnl_dims_t srcDims = {xs[0], c, xs[1], xs[2]}, weightDims = {f, c, k, k},
                dstDims = {xs[0], f, l.shape[1], l.shape[2]}, biasDims = {f},
                userStrides = {k * k * c, 1, k * c, c};
    dnnl_memory_desc_t anySrc, anyWeights, anyDst, biasMd, userWeights;
    dnnl_memory_desc_init_by_tag(&anySrc, 4, srcDims, dnnl_f32,
                                 dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&anyWeights, 4, weightDims, dnnl_f32,
                                 dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&anyDst, 4, dstDims, dnnl_f32,
                                 dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&biasMd, 1, biasDims, dnnl_f32, dnnl_a);
    // OHWI, as Network::parameters gives it.
    dnnl_memory_desc_init_by_strides(&userWeights, 4, weightDims, dnnl_f32,
                                     userStrides);
    dnnl_dims_t strides = {l.stride, l.stride}, pad = {l.pad, l.pad};
    auto make = [&](const dnnl_memory_desc_t &dst,
                    const_dnnl_primitive_attr_t attr, PrimitiveDesc &pd) {
      dnnl_convolution_desc_t desc;
      dnnl_status_t s = dnnl_convolution_forward_desc_init(
          &desc, dnnl_forward_inference, dnnl_convolution_auto, &anySrc,
          &anyWeights, &biasMd, &dst, strides, pad, pad);
      if (s == dnnl_success)
        s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                       nullptr);
      return s;
    };
    auto produced = produce(i, anyDst, make);
    if (!produced)
      return produced.takeError();
    std::vector<std::vector<float>> params = net->parameters(i);
    auto src = inFormat(value(l.inputs[0]),
                        queryMd(produced->pd.get(), dnnl_query_src_md), l.name);
    if (!src)
      return src.takeError();
    auto weights = constant(userWeights, params[0],
                            queryMd(produced->pd.get(), dnnl_query_weights_md));
    if (!weights)
      return weights.takeError();
    auto bias = constant(biasMd, params[1],
                         queryMd(produced->pd.get(), dnnl_query_weights_md, 1));
    if (!bias)
      return bias.takeError();
    return finishProduced(i, *produced, *src, *weights, *bias, "convolution");
  }

  Error dense(int i) {
    const Layer &l = layer(i);
    const std::vector<int64_t> &xs = shapeOf(l.inputs[0]);
    int64_t k = xs.back(), n = l.units, rows = l.shape[0];
    dnnl_memory_desc_t anySrc, anyWeights, anyDst, biasMd, userWeights;
    // Weights are [K, N] row-major: oneDNN's [N, K] with unit stride on N.
    if (xs.size() == 4) {
      // After global pooling: an NCHW source of 1x1 images.
      if (xs[1] != 1 || xs[2] != 1)
        return createStringError(inconvertibleErrorCode(),
                                 "a dense layer on images larger than 1x1 "
                                 "is not supported");
      dnnl_dims_t srcDims = {xs[0], k, 1, 1}, weightDims = {n, k, 1, 1},
                  strides = {1, n, n * k, n * k};
      dnnl_memory_desc_init_by_tag(&anySrc, 4, srcDims, dnnl_f32,
                                   dnnl_format_tag_any);
      dnnl_memory_desc_init_by_tag(&anyWeights, 4, weightDims, dnnl_f32,
                                   dnnl_format_tag_any);
      dnnl_memory_desc_init_by_strides(&userWeights, 4, weightDims, dnnl_f32,
                                       strides);
    } else if (xs.size() == 2) {
      dnnl_dims_t srcDims = {rows, k}, weightDims = {n, k}, strides = {1, n};
      dnnl_memory_desc_init_by_tag(&anySrc, 2, srcDims, dnnl_f32,
                                   dnnl_format_tag_any);
      dnnl_memory_desc_init_by_tag(&anyWeights, 2, weightDims, dnnl_f32,
                                   dnnl_format_tag_any);
      dnnl_memory_desc_init_by_strides(&userWeights, 2, weightDims, dnnl_f32,
                                       strides);
    } else {
      return createStringError(inconvertibleErrorCode(),
                               "a dense layer needs a 2D or 1x1-image input");
    }
    dnnl_dims_t dstDims = {rows, n}, biasDims = {n};
    dnnl_memory_desc_init_by_tag(&anyDst, 2, dstDims, dnnl_f32,
                                 dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&biasMd, 1, biasDims, dnnl_f32, dnnl_a);
    auto make = [&](const dnnl_memory_desc_t &dst,
                    const_dnnl_primitive_attr_t attr, PrimitiveDesc &pd) {
      dnnl_inner_product_desc_t desc;
      dnnl_status_t s = dnnl_inner_product_forward_desc_init(
          &desc, dnnl_forward_inference, &anySrc, &anyWeights, &biasMd, &dst);
      if (s == dnnl_success)
        s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                       nullptr);
      return s;
    };
    auto produced = produce(i, anyDst, make);
    if (!produced)
      return produced.takeError();
    std::vector<std::vector<float>> params = net->parameters(i);
    auto src = inFormat(value(l.inputs[0]),
                        queryMd(produced->pd.get(), dnnl_query_src_md), l.name);
    if (!src)
      return src.takeError();
    auto weights = constant(userWeights, params[0],
                            queryMd(produced->pd.get(), dnnl_query_weights_md));
    if (!weights)
      return weights.takeError();
    auto bias = constant(biasMd, params[1],
                         queryMd(produced->pd.get(), dnnl_query_weights_md, 1));
    if (!bias)
      return bias.takeError();
    return finishProduced(i, *produced, *src, *weights, *bias, "inner_product");
  }

  /// `t` as a plain strided 3D tensor (views stay views).
  Expected<Tensor> plain3d(const Tensor &t, const Twine &why) {
    if (t.md.ndims != 3)
      return createStringError(inconvertibleErrorCode(),
                               "expects a [batch, rows, columns] operand");
    if (isPlain(t.md))
      return t;
    dnnl_memory_desc_t md;
    dnnl_memory_desc_init_by_tag(&md, 3, t.md.dims, dnnl_f32, dnnl_abc);
    return inFormat(t, md, why);
  }

  /// Batched matmul; absorbs the scaling and the head merge that follow.
  Error matmul(int i) {
    const Layer &l = layer(i);
    auto a = plain3d(value(l.inputs[0]), l.name);
    if (!a)
      return a.takeError();
    auto b = plain3d(value(l.inputs[1]), l.name);
    if (!b)
      return b.takeError();
    Tensor weights = *b;
    if (l.transposeB) {
      const dnnl_dims_t &d = b->md.dims;
      const dnnl_dims_t &s = b->md.format_desc.blocking.strides;
      dnnl_dims_t dims = {d[0], d[2], d[1]}, strides = {s[0], s[2], s[1]};
      dnnl_memory_desc_t md;
      if (dnnl_status_t st =
              dnnl_memory_desc_init_by_strides(&md, 3, dims, dnnl_f32, strides))
        return dnnlError("transposed operand", st);
      auto view = viewOf(*b, md);
      if (!view)
        return view.takeError();
      weights = *view;
    }
    int64_t batch = l.shape[0], m = l.shape[1], n = l.shape[2];
    std::vector<PostOp> ops;
    int defines = i, next = soleConsumer(i);
    std::vector<int> absorbed;
    if (next >= 0 && layer(next).kind == Layer::Kind::Scale) {
      ops.push_back(PostOp::eltwise(dnnl_eltwise_linear, layer(next).scale));
      defines = next;
      absorbed.push_back(next);
      next = soleConsumer(next);
    }
    dnnl_dims_t dstDims = {batch, m, n};
    Tensor dst;
    std::optional<Tensor> merged;
    if (next >= 0 && layer(next).kind == Layer::Kind::MergeHeads) {
      // Written straight into the [rows, heads * columns] result.
      dnnl_dims_t mergedDims = {m, batch * n}, viewStrides = {n, batch * n, 1};
      dnnl_memory_desc_t mergedMd, viewMd;
      dnnl_memory_desc_init_by_tag(&mergedMd, 2, mergedDims, dnnl_f32, dnnl_ab);
      dnnl_memory_desc_init_by_strides(&viewMd, 3, dstDims, dnnl_f32,
                                       viewStrides);
      auto out = allocate(mergedMd);
      if (!out)
        return out.takeError();
      auto view = viewOf(*out, viewMd);
      if (!view)
        return view.takeError();
      dst = *view;
      merged = *out;
      absorbed.push_back(next);
    } else {
      dnnl_memory_desc_t md;
      dnnl_memory_desc_init_by_tag(&md, 3, dstDims, dnnl_f32, dnnl_abc);
      auto out = allocate(md);
      if (!out)
        return out.takeError();
      dst = *out;
    }
    auto attr = makeAttr(ops);
    if (!attr)
      return attr.takeError();
    dnnl_matmul_desc_t desc;
    if (dnnl_status_t s =
            dnnl_matmul_desc_init(&desc, &a->md, &weights.md, nullptr, &dst.md))
      return dnnlError("dnnl_matmul_desc_init", s);
    PrimitiveDesc pd;
    if (dnnl_status_t s = dnnl_primitive_desc_create(
            pd.slot(), &desc, attr->get(), seq.engine(), nullptr))
      return dnnlError("matmul primitive_desc", s);
    std::string names;
    for (int x : absorbed)
      names += ", absorbs " + layer(x).name;
    std::string line =
        formatv("{0}: matmul {1} (src {2}, weights {3}, dst {4}; post-ops "
                "{5}{6})",
                l.name, implName(pd.get()), formatOf(a->md),
                formatOf(weights.md), formatOf(dst.md), describe(ops), names)
            .str();
    if (Error e = addStep(pd,
                          {{DNNL_ARG_SRC, a->memory},
                           {DNNL_ARG_WEIGHTS, weights.memory},
                           {DNNL_ARG_DST, dst.memory}},
                          line))
      return e;
    define(defines, dst);
    done[defines] = true;
    if (merged) {
      define(next, *merged);
      done[next] = true;
    }
    return Error::success();
  }

  Error softmax(int i) {
    const Layer &l = layer(i);
    const Tensor x = value(l.inputs[0]);
    bool inPlace = canOverwrite(x.buffer, i, i);
    dnnl_memory_desc_t dstMd = x.md;
    if (!inPlace)
      dnnl_memory_desc_init_by_tag(&dstMd, x.md.ndims, x.md.dims, dnnl_f32,
                                   dnnl_format_tag_any);
    dnnl_softmax_v2_desc_t desc;
    if (dnnl_status_t s = dnnl_softmax_v2_forward_desc_init(
            &desc, dnnl_forward_inference, dnnl_softmax_accurate, &x.md, &dstMd,
            x.md.ndims - 1))
      return dnnlError("dnnl_softmax_v2_forward_desc_init", s);
    PrimitiveDesc pd;
    if (dnnl_status_t s = dnnl_primitive_desc_create(pd.slot(), &desc, nullptr,
                                                     seq.engine(), nullptr))
      return dnnlError("softmax primitive_desc", s);
    Tensor dst = x;
    if (!inPlace) {
      auto out = allocate(queryMd(pd.get(), dnnl_query_dst_md));
      if (!out)
        return out.takeError();
      dst = *out;
    }
    if (Error e = addStep(
            pd, {{DNNL_ARG_SRC, x.memory}, {DNNL_ARG_DST, dst.memory}},
            formatv("{0}: softmax {1} ({2}{3})", l.name, implName(pd.get()),
                    formatOf(x.md), inPlace ? ", in place" : "")))
      return e;
    define(i, dst);
    return Error::success();
  }

  Error layerNorm(int i) {
    const Layer &l = layer(i);
    const Tensor &in = value(l.inputs[0]);
    if (in.md.ndims != 2)
      return createStringError(inconvertibleErrorCode(),
                               "layer normalization expects [rows, width]");
    dnnl_memory_desc_t rowMajor;
    dnnl_memory_desc_init_by_tag(&rowMajor, 2, in.md.dims, dnnl_f32, dnnl_ab);
    auto x = inFormat(in, rowMajor, l.name);
    if (!x)
      return x.takeError();
    bool inPlace = canOverwrite(x->buffer, i, i);
    dnnl_layer_normalization_desc_t desc;
    // The emitter's epsilon (TosaEmitter.cpp).
    if (dnnl_status_t s = dnnl_layer_normalization_forward_desc_init(
            &desc, dnnl_forward_inference, &x->md, nullptr, 1e-5f,
            dnnl_use_scale | dnnl_use_shift))
      return dnnlError("dnnl_layer_normalization_forward_desc_init", s);
    PrimitiveDesc pd;
    if (dnnl_status_t s = dnnl_primitive_desc_create(pd.slot(), &desc, nullptr,
                                                     seq.engine(), nullptr))
      return dnnlError("layer normalization primitive_desc", s);
    std::vector<std::vector<float>> params = net->parameters(i);
    dnnl_dims_t width = {x->md.dims[1]};
    dnnl_memory_desc_t vectorMd;
    dnnl_memory_desc_init_by_tag(&vectorMd, 1, width, dnnl_f32, dnnl_a);
    auto scale =
        constant(vectorMd, params[0],
                 queryMd(pd.get(), dnnl_query_exec_arg_md, DNNL_ARG_SCALE));
    if (!scale)
      return scale.takeError();
    auto shift =
        constant(vectorMd, params[1],
                 queryMd(pd.get(), dnnl_query_exec_arg_md, DNNL_ARG_SHIFT));
    if (!shift)
      return shift.takeError();
    Tensor dst = *x;
    if (!inPlace) {
      auto out = allocate(x->md);
      if (!out)
        return out.takeError();
      dst = *out;
    }
    std::vector<dnnl_exec_arg_t> args = {{DNNL_ARG_SRC, x->memory},
                                         {DNNL_ARG_DST, dst.memory},
                                         {DNNL_ARG_SCALE, *scale},
                                         {DNNL_ARG_SHIFT, *shift}};
    // Statistics the primitive computes for itself, when it asks for room.
    for (int arg : {DNNL_ARG_MEAN, DNNL_ARG_VARIANCE}) {
      const dnnl_memory_desc_t &md =
          queryMd(pd.get(), dnnl_query_exec_arg_md, arg);
      if (dnnl_memory_desc_get_size(&md) == 0)
        continue;
      auto stats = allocate(md);
      if (!stats)
        return stats.takeError();
      args.push_back({arg, stats->memory});
    }
    if (Error e = addStep(pd, std::move(args),
                          formatv("{0}: layer_normalization {1} ({2}{3})",
                                  l.name, implName(pd.get()), formatOf(x->md),
                                  inPlace ? ", in place" : "")))
      return e;
    define(i, dst);
    return Error::success();
  }

  Error pooling(int i) {
    const Layer &l = layer(i);
    const Tensor &x = value(l.inputs[0]);
    const std::vector<int64_t> &xs = shapeOf(l.inputs[0]);
    bool global = l.kind == Layer::Kind::GlobalAvgPool;
    dnnl_dims_t dstDims = {xs[0], xs[3], l.shape[1], l.shape[2]};
    dnnl_dims_t kernel = {global ? xs[1] : l.kernel, global ? xs[2] : l.kernel},
                strides = {global ? 1 : l.stride, global ? 1 : l.stride},
                pad = {global ? 0 : l.pad, global ? 0 : l.pad};
    dnnl_memory_desc_t anyDst;
    dnnl_memory_desc_init_by_tag(&anyDst, 4, dstDims, dnnl_f32,
                                 dnnl_format_tag_any);
    // TOSA's average excludes nothing (no padding here); its maximum ignores
    // the padding, as oneDNN's does.
    dnnl_pooling_desc_t desc;
    if (dnnl_status_t s = dnnl_pooling_forward_desc_init(
            &desc, dnnl_forward_inference,
            global ? dnnl_pooling_avg_exclude_padding : dnnl_pooling_max, &x.md,
            &anyDst, strides, kernel, pad, pad))
      return dnnlError("dnnl_pooling_forward_desc_init", s);
    PrimitiveDesc pd;
    if (dnnl_status_t s = dnnl_primitive_desc_create(pd.slot(), &desc, nullptr,
                                                     seq.engine(), nullptr))
      return dnnlError("pooling primitive_desc", s);
    auto dst = allocate(queryMd(pd.get(), dnnl_query_dst_md));
    if (!dst)
      return dst.takeError();
    if (Error e = addStep(
            pd, {{DNNL_ARG_SRC, x.memory}, {DNNL_ARG_DST, dst->memory}},
            formatv("{0}: pooling {1} (src {2}, dst {3})", l.name,
                    implName(pd.get()), formatOf(x.md), formatOf(dst->md))))
      return e;
    define(i, *dst);
    return Error::success();
  }

  /// A residual addition no producer absorbed: the binary primitive.
  Error add(int i) {
    const Layer &l = layer(i);
    const Tensor &a = value(l.inputs[0]), &b = value(l.inputs[1]);
    dnnl_memory_desc_t anyDst;
    dnnl_memory_desc_init_by_tag(&anyDst, a.md.ndims, a.md.dims, dnnl_f32,
                                 dnnl_format_tag_any);
    dnnl_binary_desc_t desc;
    if (dnnl_status_t s = dnnl_binary_desc_init(&desc, dnnl_binary_add, &a.md,
                                                &b.md, &anyDst))
      return dnnlError("dnnl_binary_desc_init", s);
    std::vector<PostOp> ops;
    if (l.relu)
      ops.push_back(PostOp::eltwise(dnnl_eltwise_relu));
    auto attr = makeAttr(ops);
    if (!attr)
      return attr.takeError();
    PrimitiveDesc pd;
    if (dnnl_status_t s = dnnl_primitive_desc_create(
            pd.slot(), &desc, attr->get(), seq.engine(), nullptr))
      return dnnlError("binary primitive_desc", s);
    auto dst = allocate(queryMd(pd.get(), dnnl_query_dst_md));
    if (!dst)
      return dst.takeError();
    if (Error e = addStep(pd,
                          {{DNNL_ARG_SRC_0, a.memory},
                           {DNNL_ARG_SRC_1, b.memory},
                           {DNNL_ARG_DST, dst->memory}},
                          formatv("{0}: binary_add {1} (post-ops {2})", l.name,
                                  implName(pd.get()), describe(ops))))
      return e;
    define(i, *dst);
    return Error::success();
  }

  /// A scaling no matmul absorbed: the eltwise primitive.
  Error scale(int i) {
    const Layer &l = layer(i);
    const Tensor &x = value(l.inputs[0]);
    dnnl_eltwise_desc_t desc;
    if (dnnl_status_t s = dnnl_eltwise_forward_desc_init(
            &desc, dnnl_forward_inference, dnnl_eltwise_linear, &x.md, l.scale,
            0.0f))
      return dnnlError("dnnl_eltwise_forward_desc_init", s);
    PrimitiveDesc pd;
    if (dnnl_status_t s = dnnl_primitive_desc_create(pd.slot(), &desc, nullptr,
                                                     seq.engine(), nullptr))
      return dnnlError("eltwise primitive_desc", s);
    auto dst = allocate(queryMd(pd.get(), dnnl_query_dst_md));
    if (!dst)
      return dst.takeError();
    if (Error e = addStep(
            pd, {{DNNL_ARG_SRC, x.memory}, {DNNL_ARG_DST, dst->memory}},
            formatv("{0}: eltwise_linear {1}", l.name, implName(pd.get()))))
      return e;
    define(i, *dst);
    return Error::success();
  }

  /// [rows, heads * dh] viewed as [heads, rows, dh]: no copy.
  Error splitHeads(int i) {
    const Layer &l = layer(i);
    dnnl_memory_desc_t plainMd;
    const Tensor &in = value(l.inputs[0]);
    if (in.md.ndims != 2)
      return createStringError(inconvertibleErrorCode(),
                               "expects a [rows, width] input");
    dnnl_memory_desc_init_by_tag(&plainMd, 2, in.md.dims, dnnl_f32, dnnl_ab);
    auto x = isPlain(in.md) && in.md.format_desc.blocking.strides[1] == 1
                 ? Expected<Tensor>(in)
                 : inFormat(in, plainMd, l.name);
    if (!x)
      return x.takeError();
    int64_t rows = x->md.dims[0], dh = x->md.dims[1] / l.heads;
    dnnl_dims_t dims = {l.heads, rows, dh},
                strides = {dh, x->md.format_desc.blocking.strides[0], 1};
    dnnl_memory_desc_t md;
    if (dnnl_status_t s =
            dnnl_memory_desc_init_by_strides(&md, 3, dims, dnnl_f32, strides))
      return dnnlError("head view", s);
    auto view = viewOf(*x, md);
    if (!view)
      return view.takeError();
    define(i, *view);
    return Error::success();
  }

  /// [heads, rows, dh] to [rows, heads * dh] when no matmul wrote it so.
  Error mergeHeads(int i) {
    const Layer &l = layer(i);
    const Tensor &x = value(l.inputs[0]);
    int64_t heads = x.md.dims[0], rows = x.md.dims[1], dh = x.md.dims[2];
    dnnl_dims_t dims = {rows, heads * dh}, viewStrides = {dh, heads * dh, 1};
    dnnl_memory_desc_t md, viewMd;
    dnnl_memory_desc_init_by_tag(&md, 2, dims, dnnl_f32, dnnl_ab);
    dnnl_memory_desc_init_by_strides(&viewMd, 3, x.md.dims, dnnl_f32,
                                     viewStrides);
    auto out = allocate(md);
    if (!out)
      return out.takeError();
    auto view = viewOf(*out, viewMd);
    if (!view)
      return view.takeError();
    if (Error e = reorder(x.md, x.memory, viewMd, view->memory, true, l.name))
      return e;
    define(i, *out);
    return Error::success();
  }

  /// The caller's layout of a value of `shape`: NHWC for images (logical
  /// NCHW), row-major otherwise.
  static Expected<dnnl_memory_desc_t>
  callerLayout(const std::vector<int64_t> &shape) {
    dnnl_memory_desc_t md;
    dnnl_status_t s;
    if (shape.size() == 4) {
      int64_t h = shape[1], w = shape[2], c = shape[3];
      dnnl_dims_t dims = {shape[0], c, h, w},
                  strides = {h * w * c, 1, w * c, c};
      s = dnnl_memory_desc_init_by_strides(&md, 4, dims, dnnl_f32, strides);
    } else if (shape.size() >= 1 && shape.size() <= 3) {
      static const dnnl_format_tag_t tags[] = {dnnl_a, dnnl_ab, dnnl_abc};
      dnnl_dims_t dims = {};
      std::copy(shape.begin(), shape.end(), dims);
      s = dnnl_memory_desc_init_by_tag(&md, int(shape.size()), dims, dnnl_f32,
                                       tags[shape.size() - 1]);
    } else {
      return createStringError(inconvertibleErrorCode(),
                               "tensors of rank 1 to 4 only");
    }
    if (s != dnnl_success)
      return dnnlError("caller's layout", s);
    return md;
  }

  Error build(const Network &network, unsigned threads, const float *input,
              float *output) {
    net = &network;
    if (Error e = seq.init(threads))
      return e;
    size_t n = network.layers.size();
    if (n == 0)
      return createStringError(inconvertibleErrorCode(), "empty network");
    values.assign(n + 1, Tensor{});
    consumers.assign(n + 1, {});
    done.assign(n, false);
    for (size_t i = 0; i < n; ++i)
      for (int in : network.layers[i].inputs)
        consumers[in + 1].push_back(int(i));

    auto inputMd = callerLayout(network.inputShape);
    if (!inputMd)
      return inputMd.takeError();
    auto inputTensor = seq.external(*inputMd, const_cast<float *>(input));
    if (!inputTensor)
      return inputTensor.takeError();
    readersOf(inputTensor->buffer).push_back(kCaller);
    define(-1, *inputTensor);

    for (size_t i = 0; i < n; ++i) {
      if (done[i])
        continue;
      const Layer &l = network.layers[i];
      Error err = Error::success();
      switch (l.kind) {
      case Layer::Kind::Conv:
        err = conv(int(i));
        break;
      case Layer::Kind::Dense:
        err = dense(int(i));
        break;
      case Layer::Kind::MatMul:
        err = matmul(int(i));
        break;
      case Layer::Kind::MaxPool:
      case Layer::Kind::GlobalAvgPool:
        err = pooling(int(i));
        break;
      case Layer::Kind::Add:
        err = add(int(i));
        break;
      case Layer::Kind::Scale:
        err = scale(int(i));
        break;
      case Layer::Kind::Softmax:
        err = softmax(int(i));
        break;
      case Layer::Kind::LayerNorm:
        err = layerNorm(int(i));
        break;
      case Layer::Kind::SplitHeads:
        err = splitHeads(int(i));
        break;
      case Layer::Kind::MergeHeads:
        err = mergeHeads(int(i));
        break;
      }
      if (err)
        return createStringError(inconvertibleErrorCode(),
                                 "layer '" + l.name +
                                     "': " + toString(std::move(err)));
      done[i] = true;
    }

    auto outputMd = callerLayout(network.layers.back().shape);
    if (!outputMd)
      return outputMd.takeError();
    auto outputTensor = seq.external(*outputMd, output);
    if (!outputTensor)
      return outputTensor.takeError();
    const Tensor &result = value(lastLayer());
    return reorder(result.md, result.memory, *outputMd, outputTensor->memory,
                   true, "output into the caller's buffer");
  }
};

OneDnnNetwork::OneDnnNetwork() : impl(std::make_unique<Impl>()) {}
OneDnnNetwork::~OneDnnNetwork() = default;

Expected<std::unique_ptr<OneDnnNetwork>>
OneDnnNetwork::create(const Network &network, unsigned threads,
                      const float *input, float *output) {
  std::unique_ptr<OneDnnNetwork> result(new OneDnnNetwork());
  if (Error e = result->impl->build(network, threads, input, output))
    return std::move(e);
  result->impl->net = nullptr;
  return std::move(result);
}

Error OneDnnNetwork::run() { return impl->seq.run(); }

const std::vector<std::string> &OneDnnNetwork::plan() const {
  return impl->seq.plan();
}

unsigned OneDnnNetwork::timedReorders() const {
  return impl->seq.timedReorders();
}

} // namespace autoconfig::netbench
