//===- HostEvaluation.cpp - Data movement on tensors known at import ------===//

#include "HostEvaluation.h"

#include <cmath>

using namespace llvm;

namespace autoconfig {

bool hostEvaluable(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d && n > kMaxHostElements / d))
      return false;
    n *= d;
  }
  return n <= kMaxHostElements;
}

SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

OnnxTensor hostRemap(const OnnxTensor &source, ArrayRef<int64_t> shape,
                     function_ref<int64_t(ArrayRef<int64_t>)> offsetOf) {
  OnnxTensor out;
  out.type = source.type;
  out.shape.assign(shape.begin(), shape.end());
  int64_t count = out.elements();
  if (source.isFloat())
    out.floats.reserve(count);
  else
    out.ints.reserve(count);
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t offset = offsetOf(index);
    if (source.isFloat())
      out.floats.push_back(source.floats[offset]);
    else
      out.ints.push_back(source.ints[offset]);
    for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

OnnxTensor hostTranspose(const OnnxTensor &t, ArrayRef<int64_t> permutation) {
  SmallVector<int64_t> shape, strides = rowMajorStrides(t.shape);
  for (int64_t p : permutation)
    shape.push_back(t.shape[p]);
  return hostRemap(t, shape, [&](ArrayRef<int64_t> index) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d)
      offset += index[d] * strides[permutation[d]];
    return offset;
  });
}

OnnxTensor hostConcat(ArrayRef<const OnnxTensor *> parts, int64_t axis) {
  OnnxTensor out;
  out.type = parts.front()->type;
  out.shape = parts.front()->shape;
  out.shape[axis] = 0;
  for (const OnnxTensor *p : parts)
    out.shape[axis] += p->shape[axis];
  // outer x (part's axis x inner) blocks, one part after the other.
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= out.shape[d];
  for (size_t d = axis + 1; d < out.shape.size(); ++d)
    inner *= out.shape[d];
  for (int64_t o = 0; o < outer; ++o)
    for (const OnnxTensor *p : parts) {
      int64_t block = p->shape[axis] * inner;
      if (p->isFloat())
        out.floats.insert(out.floats.end(), p->floats.begin() + o * block,
                          p->floats.begin() + (o + 1) * block);
      else
        out.ints.insert(out.ints.end(), p->ints.begin() + o * block,
                        p->ints.begin() + (o + 1) * block);
    }
  return out;
}

OnnxTensor hostGather(const OnnxTensor &data, ArrayRef<int64_t> indices,
                      ArrayRef<int64_t> indexShape, int64_t axis) {
  SmallVector<int64_t> shape(data.shape.begin(), data.shape.begin() + axis);
  shape.append(indexShape.begin(), indexShape.end());
  shape.append(data.shape.begin() + axis + 1, data.shape.end());
  SmallVector<int64_t> strides = rowMajorStrides(data.shape);
  SmallVector<int64_t> indexStrides = rowMajorStrides(indexShape);
  int64_t q = indexShape.size();
  return hostRemap(data, shape, [&](ArrayRef<int64_t> index) {
    int64_t offset = 0, position = 0;
    for (int64_t d = 0; d < axis; ++d)
      offset += index[d] * strides[d];
    for (int64_t d = 0; d < q; ++d)
      position += index[axis + d] * indexStrides[d];
    offset += indices[position] * strides[axis];
    for (size_t d = axis + 1; d < data.shape.size(); ++d)
      offset += index[d + q - 1] * strides[d];
    return offset;
  });
}

OnnxTensor hostSlice(const OnnxTensor &t, ArrayRef<int64_t> starts,
                     ArrayRef<int64_t> steps, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides = rowMajorStrides(t.shape);
  return hostRemap(t, shape, [&](ArrayRef<int64_t> index) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d)
      offset += (starts[d] + index[d] * steps[d]) * strides[d];
    return offset;
  });
}

OnnxTensor hostBroadcast(const OnnxTensor &t, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides = rowMajorStrides(t.shape);
  size_t lead = shape.size() - t.shape.size();
  return hostRemap(t, shape, [&](ArrayRef<int64_t> index) {
    int64_t offset = 0;
    for (size_t d = 0; d < t.shape.size(); ++d)
      if (t.shape[d] != 1)
        offset += index[lead + d] * strides[d];
    return offset;
  });
}

OnnxTensor hostCast(const OnnxTensor &t, int32_t type) {
  OnnxTensor out;
  out.type = type;
  out.shape = t.shape;
  bool toFloat = !isOnnxIntegerType(type);
  for (int64_t i = 0, n = t.elements(); i < n; ++i) {
    if (toFloat) {
      double v = t.isFloat() ? t.floats[i] : double(t.ints[i]);
      if (type == int32_t(OnnxDataType::Float))
        v = double(float(v));
      out.floats.push_back(v);
      continue;
    }
    int64_t v;
    if (t.isFloat()) {
      double f = t.floats[i];
      if (type == int32_t(OnnxDataType::Bool))
        v = f != 0;
      else if (!std::isfinite(f) || std::fabs(f) >= 9.2e18)
        v = 0; // undefined in C and numpy alike; pick something stable
      else
        v = int64_t(f);
    } else {
      v = t.ints[i];
    }
    out.ints.push_back(wrapToOnnxInteger(v, type));
  }
  return out;
}

} // namespace autoconfig
