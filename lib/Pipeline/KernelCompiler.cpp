//===- KernelCompiler.cpp - One workload, one config, one JIT kernel ------===//

#include "autoconfig/Pipeline/KernelCompiler.h"
#include "autoconfig/Dialect/AutoConfigDialect.h"
#include "autoconfig/Import/Import.h"
#include "autoconfig/Pipeline/CollectedErrors.h"
#include "autoconfig/Pipeline/Lowering.h"
#include "autoconfig/Transforms/Passes.h"
#include "autoconfig/Workload/Extraction.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <tuple>

using namespace llvm;

namespace autoconfig {

/// The memref type of `shape` (a negative size is dynamic).
static std::string memrefType(ArrayRef<int64_t> shape, ElementKind element) {
  std::string text = "memref<";
  for (int64_t d : shape)
    text += (d < 0 ? std::string("?") : std::to_string(d)) + "x";
  return text + elementName(element) + ">";
}

/// Input, filter and output shapes of a convolution in its layout.
static std::vector<std::vector<int64_t>> convShapes(const ConvWorkload &w) {
  int64_t oh = w.outH(), ow = w.outW();
  if (w.layout == ConvLayout::Hw)
    return {{w.h, w.w}, {w.kh, w.kw}, {oh, ow}};
  if (w.layout == ConvLayout::NchwFchw)
    return {{w.n, w.c, w.h, w.w}, {w.f, w.c, w.kh, w.kw}, {w.n, w.f, oh, ow}};
  if (w.layout == ConvLayout::NhwcHwcf)
    return {{w.n, w.h, w.w, w.c}, {w.kh, w.kw, w.c, w.f}, {w.n, oh, ow, w.f}};
  if (w.layout == ConvLayout::NhwcFhwc)
    return {{w.n, w.h, w.w, w.c}, {w.f, w.kh, w.kw, w.c}, {w.n, oh, ow, w.f}};
  if (w.layout == ConvLayout::NhwcHwc)
    return {{w.n, w.h, w.w, w.c}, {w.kh, w.kw, w.c}, {w.n, oh, ow, w.c}};
  // nchw_chw (depthwise)
  return {{w.n, w.c, w.h, w.w}, {w.c, w.kh, w.kw}, {w.n, w.c, oh, ow}};
}

std::vector<std::vector<int64_t>>
kernelOperandShapes(const Workload &workload) {
  if (const auto *conv = std::get_if<ConvWorkload>(&workload))
    return convShapes(*conv);
  const auto &w = std::get<GemmWorkload>(workload);
  std::vector<int64_t> a = w.transA ? std::vector<int64_t>{w.k, w.m}
                                    : std::vector<int64_t>{w.m, w.k};
  std::vector<int64_t> b = w.transB ? std::vector<int64_t>{w.n, w.k}
                                    : std::vector<int64_t>{w.k, w.n};
  std::vector<int64_t> c = {w.m, w.n};
  if (w.batch > 1 || w.opName == "linalg.batch_matmul")
    for (auto *shape : {&a, &b, &c})
      shape->insert(shape->begin(), w.batch);
  return {a, b, c};
}

/// The linalg op name of a convolution layout.
static const char *convOpName(const ConvWorkload &w) {
  if (w.layout == ConvLayout::Hw)
    return "linalg.conv_2d";
  if (w.layout == ConvLayout::NchwFchw)
    return "linalg.conv_2d_nchw_fchw";
  if (w.layout == ConvLayout::NhwcHwcf)
    return "linalg.conv_2d_nhwc_hwcf";
  if (w.layout == ConvLayout::NhwcFhwc)
    return "linalg.conv_2d_nhwc_fhwc";
  if (w.layout == ConvLayout::NhwcHwc)
    return "linalg.depthwise_conv_2d_nhwc_hwc";
  return "linalg.depthwise_conv_2d_nchw_chw";
}

static std::string joinInts(ArrayRef<int64_t> values) {
  std::string text;
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + std::to_string(values[i]);
  return text;
}

/// A convolution kernel; padding is written the way bufferization leaves
/// tensor.pad (a zero-filled buffer with the input copied into its
/// interior), which the generators fold away.
static std::string convKernelText(const ConvWorkload &w) {
  auto shapes = convShapes(w);
  std::string tx = memrefType(shapes[0], w.element);
  std::string tw = memrefType(shapes[1], w.element);
  std::string ty = memrefType(shapes[2], outputElement(w.element));
  const char *el = elementName(w.element);
  bool padded = w.padTop || w.padLeft || w.padBottom || w.padRight;
  std::string body, input = "%x", inputType = tx;
  if (padded) {
    bool nhwc = isChannelsLast(w.layout);
    unsigned hd = w.layout == ConvLayout::Hw ? 0 : (nhwc ? 1 : 2), wd = hd + 1;
    std::vector<int64_t> paddedShape = shapes[0];
    paddedShape[hd] += w.padTop + w.padBottom;
    paddedShape[wd] += w.padLeft + w.padRight;
    std::vector<int64_t> offsets(paddedShape.size(), 0);
    offsets[hd] = w.padTop;
    offsets[wd] = w.padLeft;
    std::vector<int64_t> strides(paddedShape.size(), 1);
    for (int i = int(paddedShape.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * paddedShape[i + 1];
    int64_t offset = 0;
    for (size_t i = 0; i < offsets.size(); ++i)
      offset += offsets[i] * strides[i];
    std::string tp = memrefType(paddedShape, w.element);
    std::string shape = tx.substr(7, tx.size() - 8); // inside memref<...>
    std::string tv = formatv("memref<{0}, strided<[{1}], offset: {2}>>", shape,
                             joinInts(strides), offset)
                         .str();
    body += formatv("  %p = memref.alloc() {{alignment = 64 : i64} : {0}\n"
                    "  %zero = arith.constant {7} : {1}\n"
                    "  linalg.fill ins(%zero : {1}) outs(%p : {0})\n"
                    "  %sv = memref.subview %p[{2}] [{3}] [{4}] : {0} to {5}\n"
                    "  memref.copy %x, %sv : {6} to {5}\n",
                    tp, el, joinInts(offsets), joinInts(shapes[0]),
                    joinInts(std::vector<int64_t>(paddedShape.size(), 1)), tv,
                    tx, isIntegerElement(w.element) ? "0" : "0.0")
                .str();
    input = "%p";
    inputType = tp;
  }
  std::string attrs;
  if (w.layout != ConvLayout::Hw)
    attrs = formatv(" {{dilations = dense<[{0}, {1}]> : tensor<2xi64>, "
                    "strides = dense<[{2}, {3}]> : tensor<2xi64>}",
                    w.dilationH, w.dilationW, w.strideH, w.strideW)
                .str();
  body += formatv("  {0}{1} ins({2}, %w : {3}, {4}) outs(%y : {5})\n",
                  convOpName(w), attrs, input, inputType, tw, ty)
              .str();
  if (padded)
    body += formatv("  memref.dealloc %p : {0}\n", inputType).str();
  return formatv("func.func @kernel(%x: {0}, %w: {1}, %y: {2}) attributes "
                 "{{llvm.emit_c_interface} {{\n{3}  return\n}\n",
                 tx, tw, ty, body)
      .str();
}

std::string kernelModuleText(const Workload &workload) {
  if (const auto *conv = std::get_if<ConvWorkload>(&workload))
    return convKernelText(*conv);
  const auto &w = std::get<GemmWorkload>(workload);
  auto shapes = kernelOperandShapes(workload);
  // Dynamic sizes are '?' in the types; their ranges and the likely sizes go
  // to the op's autoconfig.sizes.
  std::string sizes;
  if (w.isDynamic()) {
    GemmWorkload marked = w;
    constexpr int64_t kMark = -1;
    if (w.mRange)
      marked.m = kMark;
    if (w.nRange)
      marked.n = kMark;
    if (w.kRange)
      marked.k = kMark;
    shapes = kernelOperandShapes(marked);
    for (auto [name, size, range] :
         {std::tuple{"M", w.m, w.mRange}, std::tuple{"N", w.n, w.nRange},
          std::tuple{"K", w.k, w.kRange}})
      if (range)
        sizes += formatv("{0}{1} = array<i64: {2}, {3}, {4}>",
                         sizes.empty() ? "" : ", ", name, range->min,
                         range->max, size)
                     .str();
    sizes = " {autoconfig.sizes = {" + sizes + "}}";
  }
  std::string ta = memrefType(shapes[0], w.element);
  std::string tb = memrefType(shapes[1], w.element);
  std::string tc = memrefType(shapes[2], outputElement(w.element));
  bool batched = shapes[2].size() == 3;
  std::string op = batched ? "linalg.batch_matmul" : "linalg.matmul";
  std::string maps;
  if (w.transA || w.transB) {
    std::string lead = batched ? "d0, " : "";
    std::string m = batched ? "d1" : "d0", n = batched ? "d2" : "d1",
                k = batched ? "d3" : "d2";
    std::string dims = batched ? "(d0, d1, d2, d3)" : "(d0, d1, d2)";
    std::string aMap = w.transA ? lead + k + ", " + m : lead + m + ", " + k;
    std::string bMap = w.transB ? lead + n + ", " + k : lead + k + ", " + n;
    maps = formatv(" indexing_maps = [affine_map<{0} -> ({1})>, affine_map<{0} "
                   "-> ({2})>, affine_map<{0} -> ({3}{4}, {5})>]",
                   dims, aMap, bMap, lead, m, n)
               .str();
  }
  return formatv("func.func @kernel(%A: {0}, %B: {1}, %C: {2}) attributes "
                 "{{llvm.emit_c_interface} {{\n"
                 "  {3}{4}{5} ins(%A, %B : {0}, {1}) outs(%C : {2})\n"
                 "  return\n}\n",
                 ta, tb, tc, op, maps, sizes)
      .str();
}

MemRefDescriptor::MemRefDescriptor(void *data, ArrayRef<int64_t> shape) {
  storage.assign(3 + 2 * shape.size(), 0);
  std::memcpy(&storage[0], &data, sizeof(void *));
  std::memcpy(&storage[1], &data, sizeof(void *));
  storage[2] = 0;
  int64_t stride = 1;
  for (int i = int(shape.size()) - 1; i >= 0; --i) {
    storage[3 + i] = shape[i];
    storage[3 + shape.size() + i] = stride;
    stride *= shape[i];
  }
}

void CompiledKernel::run(ArrayRef<void *> buffers) {
  assert(buffers.size() == operandShapes.size() && "operand count mismatch");
  call(buffers, operandShapes);
}

void CompiledKernel::call(ArrayRef<void *> buffers,
                          ArrayRef<std::vector<int64_t>> shapes) {
  SmallVector<MemRefDescriptor, 4> descriptors;
  for (auto [data, shape] : llvm::zip(buffers, shapes))
    descriptors.emplace_back(data, shape);
  SmallVector<void *, 4> pointers;
  for (MemRefDescriptor &d : descriptors)
    pointers.push_back(d.get());
  SmallVector<void *, 4> args;
  for (void *&p : pointers)
    args.push_back(&p);
  entry(args.data());
}

Error checkOperandShapes(const Workload &workload,
                         ArrayRef<std::vector<int64_t>> shapes) {
  auto fail = [&](const Twine &why) {
    return createStringError(inconvertibleErrorCode(),
                             workloadName(workload) + ": " + why);
  };
  const auto *gemm = std::get_if<GemmWorkload>(&workload);
  std::vector<std::vector<int64_t>> expected = kernelOperandShapes(workload);
  if (shapes.size() != expected.size())
    return fail(formatv("{0} operand shapes given, the kernel takes {1}",
                        shapes.size(), expected.size()));
  static const char *const kNames[] = {"A", "B", "C"};
  for (size_t i = 0; i < shapes.size(); ++i)
    if (shapes[i].size() != expected[i].size())
      return fail(formatv("operand {0} has rank {1}, the kernel takes {2}",
                          kNames[i], shapes[i].size(), expected[i].size()));
  if (!gemm || !gemm->isDynamic()) {
    for (size_t i = 0; i < shapes.size(); ++i)
      if (shapes[i] != expected[i])
        return fail(formatv("operand {0} has a shape the static kernel was "
                            "not compiled for",
                            kNames[i]));
    return Error::success();
  }
  // A matmul: (M, K) or (K, M), (K, N) or (N, K), (M, N).
  const GemmWorkload &w = *gemm;
  const auto &a = shapes[0], &b = shapes[1], &c = shapes[2];
  int64_t m = c[0], n = c[1], k = w.transA ? a[0] : a[1];
  if ((w.transA ? a[1] : a[0]) != m || (w.transB ? b[1] : b[0]) != k ||
      (w.transB ? b[0] : b[1]) != n)
    return fail(formatv("operand shapes do not match a matmul: A {0}x{1}, "
                        "B {2}x{3}, C {4}x{5}",
                        a[0], a[1], b[0], b[1], c[0], c[1]));
  for (auto [name, size, compiled, range] :
       {std::tuple{"M", m, w.m, w.mRange}, std::tuple{"N", n, w.n, w.nRange},
        std::tuple{"K", k, w.k, w.kRange}}) {
    if (!range && size != compiled)
      return fail(formatv("{0} = {1}, but the kernel has {0} = {2} static",
                          name, size, compiled));
    if (range && !range->contains(size))
      return fail(formatv("{0} = {1} is outside its declared range {2}:{3}",
                          name, size, range->min, range->max));
  }
  return Error::success();
}

Error CompiledKernel::runAt(ArrayRef<void *> buffers,
                            ArrayRef<std::vector<int64_t>> shapes) {
  if (buffers.size() != shapes.size())
    return createStringError(inconvertibleErrorCode(),
                             "one buffer per operand shape is needed");
  if (compiledFor)
    if (Error err = checkOperandShapes(*compiledFor, shapes))
      return err;
  call(buffers, shapes);
  return Error::success();
}

Expected<std::unique_ptr<CompiledKernel>>
compileKernel(const Workload &workload, const Config &config,
              const TargetDesc &target, ArrayRef<SizeClass> sizeClasses) {
  auto start = std::chrono::steady_clock::now();
  auto context = createAutoConfigContext();
  CollectedErrors diagnostics(context.get());
  auto fail = [&](const Twine &what) {
    return createStringError(inconvertibleErrorCode(),
                             what + " for " + workloadName(workload) +
                                 " with '" + config.str() +
                                 "': " + diagnostics.text());
  };
  mlir::OwningOpRef<mlir::ModuleOp> module =
      parseInputString(kernelModuleText(workload), *context);
  if (!module)
    return fail("kernel construction failed");
  module->walk([&](mlir::Operation *op) {
    if (isConfigurableOp(op)) {
      writeOpConfig(op, config);
      if (!sizeClasses.empty())
        writeSizeClasses(op, sizeClasses);
    }
  });
  mlir::PassManager pm(context.get());
  pm.addPass(createGeneratePass(target));
  if (failed(pm.run(*module)))
    return fail("code generation failed");
  LoweringOptions lowering;
  lowering.threads = unsigned(std::max<int64_t>(1, config.get("threads", 1)));
  if (failed(lowerToLLVMDialect(*module, target, lowering)))
    return fail("lowering failed");
  auto jit = JitModule::create(*module, target);
  if (!jit)
    return jit.takeError();
  auto entry = (*jit)->packed("kernel");
  if (!entry)
    return entry.takeError();
  auto kernel = std::unique_ptr<CompiledKernel>(new CompiledKernel());
  kernel->jit = std::move(*jit);
  kernel->entry = *entry;
  kernel->operandShapes = kernelOperandShapes(workload);
  kernel->compiledFor = workload;
  kernel->compileSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return kernel;
}

} // namespace autoconfig
