//===- ConstantTensor.cpp - A program constant, on the host ---------------===//

#include "ConstantTensor.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace autoconfig::program {

ConstantTensor ConstantTensor::splat(llvm::ArrayRef<int64_t> shape,
                                     double value) {
  ConstantTensor c;
  c.shape.assign(shape.begin(), shape.end());
  c.splatValue = value;
  return c;
}

ConstantTensor ConstantTensor::dense(llvm::ArrayRef<int64_t> shape,
                                     std::vector<double> values) {
  ConstantTensor c;
  c.shape.assign(shape.begin(), shape.end());
  c.values = std::make_shared<const std::vector<double>>(std::move(values));
  return c;
}

int64_t ConstantTensor::elements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

bool ConstantTensor::isUniformly(double value) const {
  if (!values)
    return splatValue == value;
  return llvm::all_of(*values, [&](double v) { return v == value; });
}

llvm::SmallVector<int64_t, 4> ConstantTensor::strides() const {
  llvm::SmallVector<int64_t, 4> s(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

ConstantTensor ConstantTensor::withoutBroadcast() const {
  if (isSplat()) {
    llvm::SmallVector<int64_t, 4> ones(shape.size(), 1);
    return splat(ones, splatValue);
  }
  ConstantTensor c = *this;
  for (size_t d = 0; d < c.shape.size(); ++d) {
    if (c.shape[d] == 1)
      continue;
    llvm::SmallVector<int64_t, 4> s = c.strides();
    int64_t n = c.elements();
    bool constantAlong = true;
    for (int64_t i = 0; i < n && constantAlong; ++i) {
      int64_t along = (i / s[d]) % c.shape[d];
      constantAlong = c.at(i) == c.at(i - along * s[d]);
    }
    if (!constantAlong)
      continue;
    std::vector<double> kept;
    kept.reserve(n / c.shape[d]);
    for (int64_t i = 0; i < n; ++i)
      if ((i / s[d]) % c.shape[d] == 0)
        kept.push_back(c.at(i));
    llvm::SmallVector<int64_t, 4> reduced = c.shape;
    reduced[d] = 1;
    c = dense(reduced, std::move(kept));
  }
  if (c.elements() == 1)
    return splat(c.shape, c.at(0));
  return c;
}

std::vector<float> ConstantTensor::toFloats() const {
  if (!values)
    return std::vector<float>(elements(), float(splatValue));
  return std::vector<float>(values->begin(), values->end());
}

/// The elements of a dense_resource blob of element type T.
template <typename T>
static std::optional<ConstantTensor> fromResource(Attribute attr,
                                                  ArrayRef<int64_t> shape) {
  auto resource =
      llvm::dyn_cast<detail::DenseResourceElementsAttrBase<T>>(attr);
  if (!resource)
    return std::nullopt;
  std::optional<ArrayRef<T>> data = resource.tryGetAsArrayRef();
  if (!data)
    return std::nullopt;
  return ConstantTensor::dense(shape,
                               std::vector<double>(data->begin(), data->end()));
}

std::optional<ConstantTensor> ConstantTensor::fromAttribute(Attribute attr) {
  if (auto f = llvm::dyn_cast<FloatAttr>(attr))
    return splat({}, f.getValueAsDouble());
  if (auto b = llvm::dyn_cast<BoolAttr>(attr))
    return splat({}, b.getValue() ? 1 : 0);
  if (auto i = llvm::dyn_cast<IntegerAttr>(attr))
    return splat({}, double(i.getValue().getSExtValue()));
  auto shaped =
      llvm::dyn_cast<TypedAttr>(attr)
          ? llvm::dyn_cast<ShapedType>(llvm::cast<TypedAttr>(attr).getType())
          : ShapedType();
  if (!shaped || !shaped.hasStaticShape())
    return std::nullopt;
  ArrayRef<int64_t> shape = shaped.getShape();
  Type element = shaped.getElementType();
  if (auto dense = llvm::dyn_cast<DenseElementsAttr>(attr)) {
    auto scalar = [&](Attribute a) -> double {
      if (auto f = llvm::dyn_cast<FloatAttr>(a))
        return f.getValueAsDouble();
      if (auto b = llvm::dyn_cast<BoolAttr>(a))
        return b.getValue();
      return double(llvm::cast<IntegerAttr>(a).getValue().getSExtValue());
    };
    if (!llvm::isa<FloatType, IntegerType, IndexType>(element))
      return std::nullopt;
    if (dense.isSplat())
      return splat(shape, scalar(dense.getSplatValue<Attribute>()));
    std::vector<double> values;
    values.reserve(dense.getNumElements());
    if (llvm::isa<FloatType>(element)) {
      for (const llvm::APFloat &v : dense.getValues<llvm::APFloat>())
        values.push_back(v.convertToDouble());
    } else if (element.isInteger(1)) {
      for (bool v : dense.getValues<bool>())
        values.push_back(v);
    } else {
      for (const llvm::APInt &v : dense.getValues<llvm::APInt>())
        values.push_back(double(v.getSExtValue()));
    }
    return ConstantTensor::dense(shape, std::move(values));
  }
  if (element.isF32())
    return fromResource<float>(attr, shape);
  if (element.isF64())
    return fromResource<double>(attr, shape);
  return std::nullopt;
}

using llvm::ArrayRef;
using llvm::SmallVector;

/// `c` (in a space of sizes `spaceDims`, broadcast where its size is 1)
/// with the logical dimensions `groups` make.
ConstantTensor arrangeConstant(const ConstantTensor &c,
                               ArrayRef<SmallVector<int, 2>> groups,
                               ArrayRef<int64_t> spaceDims,
                               ArrayRef<int64_t> logicalDims) {
  SmallVector<int64_t> shape;
  for (auto [i, g] : llvm::enumerate(groups)) {
    bool broadcast = llvm::all_of(g, [&](int m) { return c.shape[m] == 1; });
    shape.push_back(broadcast ? 1 : logicalDims[i]);
  }
  if (c.isSplat())
    return ConstantTensor::splat(shape, c.splatValue);
  // The same row-major order (groups of one dimension each, in order, unit
  // dimensions aside): only the shape changes.
  int next = 0;
  bool sameOrder = true;
  for (const auto &g : groups)
    for (int m : g)
      sameOrder &= g.size() == 1 && m == next++ && c.shape[m] == spaceDims[m];
  if (sameOrder && next == int(c.shape.size())) {
    ConstantTensor out = c;
    out.shape.assign(shape.begin(), shape.end());
    return out;
  }
  SmallVector<int64_t> strides = c.strides();
  int64_t count = 1;
  for (int64_t s : shape)
    count *= s;
  std::vector<double> out(count);
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t offset = 0;
    for (auto [i, g] : llvm::enumerate(groups)) {
      int64_t rest = index[i];
      for (int m : llvm::reverse(g)) {
        int64_t member = rest % spaceDims[m];
        rest /= spaceDims[m];
        if (c.shape[m] != 1)
          offset += member * strides[m];
      }
    }
    out[n] = c.at(offset);
    for (int d = int(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return ConstantTensor::dense(shape, std::move(out));
}

} // namespace autoconfig::program
