//===- Suite.cpp - Workload suites from CSV and the command line ----------===//

#include "autoconfig/Bench/Suite.h"
#include "autoconfig/Workload/Extraction.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace autoconfig {

static Error specError(StringRef spec, const Twine &why) {
  return createStringError(inconvertibleErrorCode(),
                           "invalid workload '" + spec + "': " + why);
}

/// Parses comma-separated positive integers.
static Error parseDims(StringRef spec, ArrayRef<StringRef> fields,
                       ArrayRef<StringRef> names, SmallVectorImpl<int64_t> &out,
                       int64_t minimum) {
  for (auto [field, name] : zip(fields, names)) {
    int64_t value = 0;
    if (field.trim().getAsInteger(10, value))
      return specError(spec,
                       name + " is not an integer: '" + field.trim() + "'");
    if (value < minimum)
      return specError(spec, name + " must be >= " + Twine(minimum) + ", got " +
                                 Twine(value));
    out.push_back(value);
  }
  return Error::success();
}

Error validateWorkload(const Workload &workload) {
  auto tooBig = [&](double elements, StringRef what) -> Error {
    if (elements > double(kMaxOperandElements))
      return createStringError(
          inconvertibleErrorCode(),
          formatv("workload '{0}': {1} has {2:e2} elements, above the "
                  "supported 2^31-1",
                  workloadName(workload), what, elements)
              .str());
    return Error::success();
  };
  if (const auto *g = std::get_if<GemmWorkload>(&workload)) {
    if (g->m < 1 || g->n < 1 || g->k < 1 || g->batch < 1)
      return createStringError(inconvertibleErrorCode(),
                               "workload '" + g->name +
                                   "': dimensions must be >= 1");
    if (Error e = tooBig(double(g->batch) * g->m * g->k, "A"))
      return e;
    if (Error e = tooBig(double(g->batch) * g->k * g->n, "B"))
      return e;
    return tooBig(double(g->batch) * g->m * g->n, "C");
  }
  const auto &c = std::get<ConvWorkload>(workload);
  if (Error e = tooBig(double(c.n) * c.c * (c.h + c.padTop + c.padBottom) *
                           (c.w + c.padLeft + c.padRight),
                       "the (padded) input"))
    return e;
  if (Error e =
          tooBig(double(c.f) * (c.c / c.groups) * c.kh * c.kw, "the filter"))
    return e;
  return tooBig(double(c.n) * c.f * c.outH() * c.outW(), "the output");
}

Expected<GemmWorkload> parseGemmSpec(StringRef spec) {
  SmallVector<StringRef> fields;
  spec.split(fields, ',');
  if (fields.size() != 3 && fields.size() != 4)
    return specError(spec, "expected M,N,K or M,N,K,dtype");
  SmallVector<int64_t> dims;
  if (Error e = parseDims(spec, ArrayRef(fields).take_front(3), {"M", "N", "K"},
                          dims, 1))
    return std::move(e);
  GemmWorkload w;
  w.m = dims[0];
  w.n = dims[1];
  w.k = dims[2];
  if (fields.size() == 4) {
    StringRef type = fields[3].trim();
    std::optional<ElementKind> element = parseElementKind(type);
    if (!element)
      return specError(spec, "unsupported element type '" + type +
                                 "' (supported: f32, f64, bf16, i8)");
    w.element = *element;
  }
  w.setDenseStrides();
  w.name = formatv("gemm_{0}x{1}x{2}", w.m, w.n, w.k).str();
  if (Error e = validateWorkload(w))
    return std::move(e);
  return w;
}

Expected<ConvWorkload> parseConvSpec(StringRef spec, StringRef layout) {
  SmallVector<StringRef> fields;
  spec.split(fields, ',');
  if (fields.size() != 11)
    return specError(spec, "expected N,C,H,W,F,KH,KW,S,P,D,G");
  SmallVector<int64_t> d;
  if (Error e = parseDims(spec, ArrayRef(fields).take_front(8),
                          {"N", "C", "H", "W", "F", "KH", "KW", "S"}, d, 1))
    return std::move(e);
  if (Error e = parseDims(spec, ArrayRef(fields).slice(8, 1), {"P"}, d, 0))
    return std::move(e);
  if (Error e = parseDims(spec, ArrayRef(fields).slice(9, 2), {"D", "G"}, d, 1))
    return std::move(e);
  if (layout != "nchw" && layout != "nhwc")
    return specError(spec, "layout must be nchw or nhwc, got '" + layout + "'");
  ConvWorkload w;
  w.n = d[0], w.c = d[1], w.h = d[2], w.w = d[3], w.f = d[4], w.kh = d[5],
  w.kw = d[6];
  w.strideH = w.strideW = d[7];
  w.padTop = w.padLeft = w.padBottom = w.padRight = d[8];
  w.dilationH = w.dilationW = d[9];
  w.groups = d[10];
  if (w.c % w.groups || w.f % w.groups)
    return specError(spec, "C and F must be multiples of G");
  bool depthwise = w.groups > 1 && w.groups == w.c && w.f == w.c;
  if (w.groups > 1 && !depthwise)
    return specError(spec, "grouped convolution with 1 < G < C is not "
                           "supported (only G = 1 and depthwise G = C = F)");
  if (w.n == 1 && w.c == 1 && w.f == 1 && w.strideH == 1 && w.dilationH == 1)
    w.layout = ConvLayout::Hw;
  else if (depthwise)
    w.layout = layout == "nhwc" ? ConvLayout::NhwcHwc : ConvLayout::NchwChw;
  else
    w.layout = layout == "nhwc" ? ConvLayout::NhwcHwcf : ConvLayout::NchwFchw;
  if (w.outH() < 1 || w.outW() < 1)
    return specError(spec, "the kernel is larger than the padded input");
  w.opName = w.layout == ConvLayout::Hw ? "linalg.conv_2d" : "linalg.conv";
  w.name = formatv("conv_{0}x{1}x{2}x{3}_f{4}_k{5}x{6}_s{7}_p{8}", w.n, w.c,
                   w.h, w.w, w.f, w.kh, w.kw, w.strideH, w.padTop)
               .str();
  if (Error e = validateWorkload(w))
    return std::move(e);
  return w;
}

Expected<std::vector<Workload>> loadSuite(StringRef path,
                                          StringRef convLayout) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return createStringError(buffer.getError(),
                             "cannot read suite '" + path +
                                 "': " + buffer.getError().message());
  std::vector<Workload> suite;
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  unsigned lineNo = 0;
  for (StringRef line : lines) {
    ++lineNo;
    line = line.trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    SmallVector<StringRef> fields;
    line.split(fields, ',');
    auto where = [&](Error e) {
      return createStringError(
          inconvertibleErrorCode(),
          formatv("{0}:{1}: {2}", path, lineNo, toString(std::move(e))).str());
    };
    if (fields.size() == 4 || fields.size() == 5) {
      std::string spec = join(ArrayRef(fields).drop_front(), ",");
      auto gemm = parseGemmSpec(spec);
      if (!gemm)
        return where(gemm.takeError());
      gemm->name = fields[0].trim().str();
      suite.push_back(*gemm);
      continue;
    }
    if (fields.size() == 12) {
      std::string spec = join(ArrayRef(fields).drop_front(), ",");
      auto conv = parseConvSpec(spec, convLayout);
      if (!conv)
        return where(conv.takeError());
      conv->name = fields[0].trim().str();
      suite.push_back(*conv);
      continue;
    }
    return where(
        createStringError(inconvertibleErrorCode(),
                          "expected 'name,M,N,K[,dtype]' (GEMM) or "
                          "'name,N,C,H,W,F,KH,KW,S,P,D,G' (convolution), got " +
                              Twine(fields.size()) + " fields"));
  }
  if (suite.empty())
    return createStringError(inconvertibleErrorCode(),
                             "suite '" + path + "' has no workloads");
  return suite;
}

std::vector<Workload> defaultWorkloads() {
  std::vector<Workload> result;
  for (auto [name, m, n, k] :
       {std::tuple{"square_256", 256, 256, 256},
        std::tuple{"square_512", 512, 512, 512},
        std::tuple{"odd_255x257x253", 255, 257, 253},
        std::tuple{"bert_qkv_128", 128, 768, 768},
        std::tuple{"skinny_8x1024x1024", 8, 1024, 1024}}) {
    result.push_back(GemmWorkload::dense(name, m, n, k));
  }
  return result;
}

} // namespace autoconfig
