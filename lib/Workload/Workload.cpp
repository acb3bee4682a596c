//===- Workload.cpp - Workload helpers and JSON ---------------------------===//

#include "autoconfig/Workload/Workload.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace autoconfig {

unsigned elementBits(ElementKind kind) {
  switch (kind) {
  case ElementKind::F64:
    return 64;
  case ElementKind::BF16:
    return 16;
  case ElementKind::I8:
    return 8;
  case ElementKind::F32:
  case ElementKind::I32:
    break;
  }
  return 32;
}

const char *elementName(ElementKind kind) {
  switch (kind) {
  case ElementKind::F64:
    return "f64";
  case ElementKind::BF16:
    return "bf16";
  case ElementKind::I8:
    return "i8";
  case ElementKind::I32:
    return "i32";
  case ElementKind::F32:
    break;
  }
  return "f32";
}

std::optional<ElementKind> parseElementKind(StringRef name) {
  for (ElementKind kind :
       {ElementKind::F32, ElementKind::F64, ElementKind::BF16, ElementKind::I8})
    if (name == elementName(kind))
      return kind;
  return std::nullopt;
}

GemmWorkload GemmWorkload::dense(StringRef name, int64_t m, int64_t n,
                                 int64_t k, bool transB) {
  GemmWorkload w;
  w.name = name.str();
  w.m = m;
  w.n = n;
  w.k = k;
  w.transB = transB;
  w.setDenseStrides();
  return w;
}

void GemmWorkload::setDenseStrides() {
  lda = transA ? m : k;
  ldb = transB ? k : n;
  ldc = n;
}

std::string GemmWorkload::shapeString() const {
  std::string s = batch > 1 ? formatv("{0}x", batch).str() : "";
  s += formatv("{0}x{1}x{2}", m, n, k).str();
  if (transA)
    s += " A^T";
  if (transB)
    s += " B^T";
  std::string dynamic;
  for (auto [name, range] :
       {std::pair{"M", mRange}, std::pair{"N", nRange}, std::pair{"K", kRange}})
    if (range)
      dynamic += formatv("{0}{1}={2}:{3}", dynamic.empty() ? "" : ",", name,
                         range->min, range->max)
                     .str();
  if (!dynamic.empty())
    s += " dynamic " + dynamic;
  return s;
}

static constexpr std::pair<ConvLayout, llvm::StringLiteral> kLayoutNames[] = {
    {ConvLayout::Hw, "hw"},
    {ConvLayout::NchwFchw, "nchw_fchw"},
    {ConvLayout::NchwChw, "nchw_chw"},
    {ConvLayout::NhwcHwcf, "nhwc_hwcf"},
    {ConvLayout::NhwcFhwc, "nhwc_fhwc"},
    {ConvLayout::NhwcHwc, "nhwc_hwc"}};

StringRef convLayoutName(ConvLayout layout) {
  for (const auto &[value, name] : kLayoutNames)
    if (value == layout)
      return name;
  return "unknown";
}

std::optional<ConvLayout> parseConvLayout(StringRef name) {
  for (const auto &[value, known] : kLayoutNames)
    if (known == name)
      return value;
  return std::nullopt;
}

std::string ConvWorkload::shapeString() const {
  return formatv("N{0} C{1} {2}x{3} F{4} {5}x{6} s{7} p{8} d{9} g{10} {11}", n,
                 c, h, w, f, kh, kw, strideH, padTop, dilationH, groups,
                 convLayoutName(layout))
      .str();
}

const std::string &workloadName(const Workload &w) {
  return std::visit([](const auto &x) -> const std::string & { return x.name; },
                    w);
}

std::string workloadShape(const Workload &w) {
  return std::visit([](const auto &x) { return x.shapeString(); }, w);
}

double workloadFlops(const Workload &w) {
  return std::visit([](const auto &x) { return x.flops(); }, w);
}

ElementKind workloadElement(const Workload &w) {
  return std::visit([](const auto &x) { return x.element; }, w);
}

const char *workloadKind(const Workload &w) {
  return isGemm(w) ? "gemm" : "conv";
}

json::Value toJSON(const GemmWorkload &w) {
  json::Value result = json::Object{{"kind", "gemm"},
                                    {"name", w.name},
                                    {"op", w.opName},
                                    {"batch", w.batch},
                                    {"m", w.m},
                                    {"n", w.n},
                                    {"k", w.k},
                                    {"element", elementName(w.element)},
                                    {"trans_a", w.transA},
                                    {"trans_b", w.transB},
                                    {"lda", w.lda},
                                    {"ldb", w.ldb},
                                    {"ldc", w.ldc},
                                    {"const_a", w.constA},
                                    {"const_b", w.constB},
                                    {"flops", w.flops()}};
  json::Object *o = result.getAsObject();
  for (auto [name, range] :
       {std::pair{"m_range", w.mRange}, std::pair{"n_range", w.nRange},
        std::pair{"k_range", w.kRange}})
    if (range)
      (*o)[name] = json::Array{range->min, range->max};
  return result;
}

json::Value toJSON(const ConvWorkload &w) {
  return json::Object{
      {"kind", "conv"},
      {"name", w.name},
      {"op", w.opName},
      {"n", w.n},
      {"c", w.c},
      {"h", w.h},
      {"w", w.w},
      {"f", w.f},
      {"kh", w.kh},
      {"kw", w.kw},
      {"stride", json::Array{w.strideH, w.strideW}},
      {"padding", json::Array{w.padTop, w.padLeft, w.padBottom, w.padRight}},
      {"dilation", json::Array{w.dilationH, w.dilationW}},
      {"groups", w.groups},
      {"layout", convLayoutName(w.layout)},
      {"element", elementName(w.element)},
      {"const_weights", w.constWeights},
      {"out_h", w.outH()},
      {"out_w", w.outW()},
      {"flops", w.flops()}};
}

json::Value toJSON(const Workload &w) {
  return std::visit([](const auto &x) { return toJSON(x); }, w);
}

} // namespace autoconfig
