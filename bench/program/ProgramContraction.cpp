//===- ProgramContraction.cpp - Matmul and inner product ------------------===//
//
// Contractions (matmul, batch_matmul, transposed forms: the roles of the
// dimensions come from inferContractionDims): an inner product when the
// weights are constant and there is no batch (its weights reordered once,
// bias and per-column scales folded), the matmul primitive otherwise, on
// strided views of its operands.
//
//===----------------------------------------------------------------------===//

#include "ProgramBuilder.h"
#include "ProgramLayouts.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/Support/FormatVariadic.h"

#include <dnnl_debug.h>

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace llvm;

namespace autoconfig::program {

using onednn::dnnlError;
using onednn::formatOf;
using onednn::rowMajor;

// Matmul and inner product
//===----------------------------------------------------------------------===//

Error ProgramBuilder::buildContraction(linalg::LinalgOp op) {
  FailureOr<linalg::ContractionDimensions> cd =
      linalg::inferContractionDims(op);
  if (failed(cd) || cd->m.size() != 1 || cd->n.size() != 1 ||
      cd->k.size() != 1 || cd->batch.size() > 1)
    return error("a contraction with other than one M, N, K and at most one "
                 "batch dimension");
  SmallVector<int64_t> loops = op.getStaticLoopRanges();
  AffineMap mapA = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  AffineMap mapB = op.getMatchingIndexingMap(op.getDpsInputOperand(1));
  AffineMap mapC = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  int b = cd->batch.empty() ? -1 : int(cd->batch[0]);
  // A batch of one (TOSA's matmul is always batched) is no batch: an inner
  // product may then compute it.
  if (b >= 0 && loops[b] == 1)
    b = -1;
  unsigned m = cd->m[0], n = cd->n[0], k = cd->k[0];
  auto dimIn = [&](AffineMap map, int loop) {
    return loop < 0 ? -1 : tensorDimOf(map, unsigned(loop));
  };
  auto withBatch = [&](AffineMap map, int x, int y) {
    DimGroups g;
    if (b >= 0)
      g.push_back(groupOf({dimIn(map, b)}));
    g.push_back(groupOf({dimIn(map, x)}));
    g.push_back(groupOf({dimIn(map, y)}));
    return g;
  };
  DimGroups groupsA = withBatch(mapA, m, k), groupsB = withBatch(mapB, k, n),
            groupsC = withBatch(mapC, m, n);
  Value a = op.getDpsInputs()[0], bValue = op.getDpsInputs()[1];
  SmallVector<int64_t> resultDims = dimsOf(op->getResult(0));
  SmallVector<int64_t> dstDims = groupedDims(groupsC, resultDims);
  int64_t M = loops[m], N = loops[n], K = loops[k];
  const ConstantTensor *constantB = constantOf(bValue);
  auto init = initSteps(op.getDpsInits()[0], dnnl_binary_add, 0);
  if (!init)
    return init.takeError();

  Producer producer;
  producer.op = op;
  producer.logicalDims = dstDims;
  producer.value = op->getResult(0);
  producer.valueDims = resultDims;
  producer.groups = groupsC;
  producer.ownSteps = std::move(*init);

  if (b < 0 && constantB && !constantOf(a)) {
    // An inner product: weights [N, K] in the primitive's format. A source
    // that collapses an image ([N, C, H, W] -> [N, C*H*W]) is read as the
    // image, so that the producer's blocked format needs no reorder.
    ConstantTensor weights = arrangeConstant(
        *constantB,
        DimGroups{groupOf({dimIn(mapB, n)}), groupOf({dimIn(mapB, k)})},
        dimsOf(bValue), {N, K});
    SmallVector<int64_t> weightDims = {N, K};
    Value source = a;
    if (auto collapse = a.getDefiningOp<tensor::CollapseShapeOp>();
        collapse && dimIn(mapA, m) == 0 && dimIn(mapA, k) == 1 &&
        available(collapse.getSrc())) {
      auto reassociation = collapse.getReassociationIndices();
      SmallVector<int64_t> imageDims = dimsOf(collapse.getSrc());
      if (reassociation.size() == 2 && reassociation[0].size() == 1 &&
          imageDims.size() >= 3 && imageDims.size() <= 5) {
        source = collapse.getSrc();
        weightDims.assign({N});
        weightDims.append(imageDims.begin() + 1, imageDims.end());
      }
    }
    auto srcTensor = tensorOf(source);
    if (!srcTensor)
      return srcTensor.takeError();
    Tensor src = *srcTensor;
    if (source == a) {
      auto view = arranged(
          src, DimGroups{groupOf({dimIn(mapA, m)}), groupOf({dimIn(mapA, k)})},
          describeOp(op));
      if (!view)
        return view.takeError();
      src = *view;
    }
    producer.channelDim = 1;
    producer.readBuffers.push_back(src.buffer);
    SmallVector<int64_t> srcDims(src.md.dims, src.md.dims + src.md.ndims);
    dnnl_memory_desc_t anySrc = anyOf(srcDims), anyWeights = anyOf(weightDims),
                       biasMd = rowMajorOf({N});
    // The source as its producer wrote it when the inner product picks the
    // same kernel for it as for its own choice of format: no reorder.
    auto implFor = [&](const dnnl_memory_desc_t &srcMd) -> std::string {
      dnnl_memory_desc_t anyDst = anyOf({M, N});
      dnnl_inner_product_desc_t desc;
      onednn::PrimitiveDesc pd;
      if (dnnl_inner_product_forward_desc_init(&desc, dnnl_forward_inference,
                                               &srcMd, &anyWeights, nullptr,
                                               &anyDst) ||
          dnnl_primitive_desc_create(pd.slot(), &desc, nullptr, seq.engine(),
                                     nullptr))
        return "";
      return PrimitiveSequence::implName(pd.get());
    };
    std::string own = implFor(anySrc);
    if (!own.empty() && implFor(src.md) == own)
      anySrc = src.md;
    auto make = [&](const dnnl_memory_desc_t &dst,
                    const_dnnl_primitive_attr_t attr, bool withBias,
                    onednn::PrimitiveDesc &pd) {
      dnnl_inner_product_desc_t desc;
      dnnl_status_t s = dnnl_inner_product_forward_desc_init(
          &desc, dnnl_forward_inference, &anySrc, &anyWeights,
          withBias ? &biasMd : nullptr, &dst);
      if (s == dnnl_success)
        s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                       nullptr);
      return s;
    };
    producer.make = make;
    auto produced = produce(producer);
    if (!produced)
      return produced.takeError();
    const_dnnl_primitive_desc_t pd = produced->pd.get();
    auto srcIn = inFormat(
        src, PrimitiveSequence::queryMd(pd, dnnl_query_src_md), describeOp(op));
    if (!srcIn)
      return srcIn.takeError();
    std::vector<float> data = weights.toFloats();
    for (size_t i = 0; i < data.size(); ++i)
      data[i] *= float(produced->scale[i / K]);
    const dnnl_memory_desc_t &weightsMd =
        PrimitiveSequence::queryMd(pd, dnnl_query_weights_md);
    auto w = seq.constant(rowMajorOf(weightDims), data.data(), data.size(),
                          weightsMd);
    if (!w)
      return w.takeError();
    std::vector<dnnl_exec_arg_t> args = {{DNNL_ARG_SRC, srcIn->memory},
                                         {DNNL_ARG_WEIGHTS, *w}};
    if (produced->withBias) {
      std::vector<float> bias(produced->shift.begin(), produced->shift.end());
      auto memory = seq.constant(
          biasMd, bias.data(), bias.size(),
          PrimitiveSequence::queryMd(pd, dnnl_query_weights_md, 1));
      if (!memory)
        return memory.takeError();
      args.push_back({DNNL_ARG_BIAS, *memory});
    }
    return emit(producer, *produced, std::move(args), "inner_product",
                "src " + formatOf(srcIn->md) + ", weights " +
                    formatOf(weightsMd));
  }

  // The matmul primitive: plain (strided) operands; constant weights in the
  // format it prefers.
  auto plainView = [&](Value v, const DimGroups &groups) -> Expected<Tensor> {
    auto t = tensorOf(v);
    if (!t)
      return t.takeError();
    auto view = arranged(*t, groups, describeOp(op));
    if (!view)
      return view.takeError();
    if (onednn::isPlain(view->md))
      return *view;
    return inFormat(*view, rowMajor(view->md.ndims, view->md.dims),
                    describeOp(op));
  };
  auto srcA = plainView(a, groupsA);
  if (!srcA)
    return srcA.takeError();
  SmallVector<int64_t> weightDims;
  if (b >= 0)
    weightDims.push_back(groupedDims(groupsB, dimsOf(bValue))[0]);
  weightDims.append({K, N});
  Tensor weightsTensor;
  if (!constantB) {
    auto view = plainView(bValue, groupsB);
    if (!view)
      return view.takeError();
    weightsTensor = *view;
    producer.readBuffers.push_back(view->buffer);
  } else {
    producer.channelDim = int(dstDims.size()) - 1;
  }
  producer.readBuffers.push_back(srcA->buffer);
  dnnl_memory_desc_t weightsMd =
      constantB ? anyOf(weightDims) : weightsTensor.md;
  SmallVector<int64_t> biasDims(dstDims.size(), 1);
  biasDims.back() = N;
  dnnl_memory_desc_t biasMd = rowMajorOf(biasDims);
  dnnl_memory_desc_t srcMd = srcA->md;
  auto make = [&](const dnnl_memory_desc_t &dst,
                  const_dnnl_primitive_attr_t attr, bool withBias,
                  onednn::PrimitiveDesc &pd) {
    dnnl_matmul_desc_t desc;
    dnnl_status_t s = dnnl_matmul_desc_init(&desc, &srcMd, &weightsMd,
                                            withBias ? &biasMd : nullptr, &dst);
    if (s == dnnl_success)
      s = dnnl_primitive_desc_create(pd.slot(), &desc, attr, seq.engine(),
                                     nullptr);
    return s;
  };
  producer.make = make;
  auto produced = produce(producer);
  if (!produced)
    return produced.takeError();
  const_dnnl_primitive_desc_t pd = produced->pd.get();
  dnnl_memory_t weights = weightsTensor.memory;
  const dnnl_memory_desc_t &chosenWeights =
      PrimitiveSequence::queryMd(pd, dnnl_query_weights_md);
  if (constantB) {
    ConstantTensor logical =
        arrangeConstant(*constantB, groupsB, dimsOf(bValue), weightDims);
    std::vector<float> data = logical.toFloats();
    for (size_t i = 0; i < data.size(); ++i)
      data[i] *= float(produced->scale[i % N]);
    auto w = seq.constant(rowMajorOf(weightDims), data.data(), data.size(),
                          chosenWeights);
    if (!w)
      return w.takeError();
    weights = *w;
  }
  std::vector<dnnl_exec_arg_t> args = {{DNNL_ARG_SRC, srcA->memory},
                                       {DNNL_ARG_WEIGHTS, weights}};
  if (produced->withBias) {
    std::vector<float> bias(produced->shift.begin(), produced->shift.end());
    auto memory = seq.constant(biasMd, bias.data(), bias.size(), biasMd);
    if (!memory)
      return memory.takeError();
    args.push_back({DNNL_ARG_BIAS, *memory});
  }
  return emit(producer, *produced, std::move(args), "matmul",
              "src " + formatOf(srcA->md) + ", weights " +
                  formatOf(chosenWeights));
}

//===----------------------------------------------------------------------===//
} // namespace autoconfig::program
