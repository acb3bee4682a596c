//===- TargetDesc.cpp - Target description helpers and JSON ---------------===//

#include "autoconfig/Target/TargetDesc.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>
#include <memory>
#include <mutex>

using namespace llvm;

namespace autoconfig {

const CacheLevel *TargetDesc::cache(unsigned level) const {
  auto it = llvm::find_if(
      caches, [&](const CacheLevel &c) { return c.level == level; });
  return it == caches.end() ? nullptr : &*it;
}

bool TargetDesc::hasFeature(StringRef feature) const {
  std::string plus = ("+" + feature).str();
  return llvm::is_contained(features, plus);
}

std::string TargetDesc::featureString() const {
  return llvm::join(features, ",");
}

IsaFamily TargetDesc::isaFamily() const {
  llvm::Triple parsed(triple);
  if (parsed.isX86())
    return IsaFamily::X86;
  if (parsed.isAArch64())
    return IsaFamily::AArch64;
  if (parsed.isRISCV64())
    return IsaFamily::RiscV64;
  return IsaFamily::Other;
}

StringRef isaFamilyName(IsaFamily family) {
  switch (family) {
  case IsaFamily::X86:
    return "x86";
  case IsaFamily::AArch64:
    return "aarch64";
  case IsaFamily::RiscV64:
    return "riscv64";
  case IsaFamily::Other:
    break;
  }
  return "other";
}

Error TargetDesc::validate() const {
  auto bad = [&](const Twine &msg) {
    return createStringError(inconvertibleErrorCode(),
                             "target '" + name + "': " + msg);
  };
  if (triple.empty())
    return bad("'triple' is empty");
  if (cpu.empty())
    return bad("'cpu' is empty");
  if (vectorBits < 64 || vectorBits > 2048 || !isPowerOf2_32(vectorBits))
    return bad("'vector_bits' must be a power of two in [64, 2048], got " +
               Twine(vectorBits));
  if (vectorRegisters < 4 || vectorRegisters > 64)
    return bad("'vector_registers' must be in [4, 64], got " +
               Twine(vectorRegisters));
  if (fmaPipes < 1 || fmaPipes > 8)
    return bad("'fma_pipes' must be in [1, 8], got " + Twine(fmaPipes));
  if (fmaLatency < 1 || fmaLatency > 32)
    return bad("'fma_latency' must be in [1, 32], got " + Twine(fmaLatency));
  if (fmaDatapathBits < 64 || !isPowerOf2_32(fmaDatapathBits))
    return bad("'fma_datapath_bits' must be a power of two >= 64, got " +
               Twine(fmaDatapathBits));
  if (loadPorts < 1 || loadPorts > 8 || storePorts < 1 || storePorts > 8)
    return bad("'load_ports' and 'store_ports' must be in [1, 8]");
  if (tlbEntries < 16 || tlbEntries > (1u << 20))
    return bad("'tlb_entries' must be in [16, 1048576], got " +
               Twine(tlbEntries));
  if (cores < 1 || cores > 4096)
    return bad("'cores' must be in [1, 4096], got " + Twine(cores));
  if (!(frequencyGHz > 0.1 && frequencyGHz < 20))
    return bad("'frequency_ghz' must be in (0.1, 20), got " +
               formatv("{0}", frequencyGHz));
  if (caches.empty())
    return bad("'caches' must list at least the L1 data cache");
  for (const CacheLevel &c : caches) {
    if (c.level < 1 || c.level > 4)
      return bad("cache level must be in [1, 4], got " + Twine(c.level));
    if (c.sizeBytes < 1024 || c.sizeBytes > (uint64_t(1) << 36))
      return bad("L" + Twine(c.level) +
                 " 'size' out of range: " + Twine(c.sizeBytes));
    if (c.lineBytes < 16 || c.lineBytes > 1024 || !isPowerOf2_32(c.lineBytes))
      return bad("L" + Twine(c.level) + " 'line' must be a power of two");
    if (c.ways < 1 || c.ways > 1024)
      return bad("L" + Twine(c.level) + " 'ways' must be in [1, 1024]");
    if (c.sharedByCores < 1)
      return bad("L" + Twine(c.level) + " 'shared_by' must be >= 1");
  }
  if (!cache(1))
    return bad("no L1 data cache");
  return Error::success();
}

json::Value toJSON(const CacheLevel &c) {
  return json::Object{{"level", c.level},
                      {"size", int64_t(c.sizeBytes)},
                      {"line", c.lineBytes},
                      {"ways", c.ways},
                      {"shared_by", c.sharedByCores}};
}

json::Value toJSON(const TargetDesc &t) {
  json::Array features;
  for (const std::string &f : t.features)
    features.push_back(f);
  json::Array caches;
  for (const CacheLevel &c : t.caches)
    caches.push_back(toJSON(c));
  return json::Object{{"name", t.name},
                      {"triple", t.triple},
                      {"cpu", t.cpu},
                      {"features", std::move(features)},
                      {"vector_bits", t.vectorBits},
                      {"vector_registers", t.vectorRegisters},
                      {"native_masking", t.nativeMasking},
                      {"scalable_vectors", t.scalableVectors},
                      {"has_fma", t.hasFMA},
                      {"fma_pipes", t.fmaPipes},
                      {"fma_latency", t.fmaLatency},
                      {"fma_datapath_bits", t.fmaDatapathBits},
                      {"load_ports", t.loadPorts},
                      {"store_ports", t.storePorts},
                      {"caches", std::move(caches)},
                      {"tlb_entries", t.tlbEntries},
                      {"cores", t.cores},
                      {"frequency_ghz", t.frequencyGHz},
                      {"runs_on_host", t.runsOnHost}};
}

/// LLVM's fromJSON for `unsigned` truncates the integer it reads (-2 becomes
/// 4294967294, 2^32 + 2 becomes 2): reject such values with their field.
static bool unsignedFieldsInRange(const json::Value &v, json::Path p,
                                  std::initializer_list<StringLiteral> keys) {
  const json::Object *object = v.getAsObject();
  if (!object)
    return true; // the mapper reports it
  for (StringLiteral key : keys) {
    const json::Value *field = object->get(key);
    if (!field)
      continue;
    std::optional<int64_t> n = field->getAsInteger();
    if (n && (*n < 0 || *n > int64_t(UINT32_MAX))) {
      p.field(key).report("must be an integer in [0, 4294967295]");
      return false;
    }
  }
  return true;
}

bool fromJSON(const json::Value &v, CacheLevel &c, json::Path p) {
  if (!unsignedFieldsInRange(v, p, {"level", "line", "ways", "shared_by"}))
    return false;
  json::ObjectMapper o(v, p);
  int64_t size = 0;
  bool ok = o && o.map("level", c.level) && o.map("size", size) &&
            o.mapOptional("line", c.lineBytes) &&
            o.mapOptional("ways", c.ways) &&
            o.mapOptional("shared_by", c.sharedByCores);
  if (ok && size <= 0) {
    p.field("size").report("must be a positive byte count");
    return false;
  }
  c.sizeBytes = uint64_t(size);
  return ok;
}

bool fromJSON(const json::Value &v, TargetDesc &t, json::Path p) {
  if (!unsignedFieldsInRange(v, p,
                             {"vector_bits", "vector_registers", "fma_pipes",
                              "fma_latency", "fma_datapath_bits", "load_ports",
                              "store_ports", "tlb_entries", "cores"}))
    return false;
  json::ObjectMapper o(v, p);
  return o && o.mapOptional("name", t.name) && o.map("triple", t.triple) &&
         o.map("cpu", t.cpu) && o.mapOptional("features", t.features) &&
         o.map("vector_bits", t.vectorBits) &&
         o.map("vector_registers", t.vectorRegisters) &&
         o.mapOptional("native_masking", t.nativeMasking) &&
         o.mapOptional("scalable_vectors", t.scalableVectors) &&
         o.mapOptional("has_fma", t.hasFMA) &&
         o.mapOptional("fma_pipes", t.fmaPipes) &&
         o.mapOptional("fma_latency", t.fmaLatency) &&
         o.mapOptional("fma_datapath_bits", t.fmaDatapathBits) &&
         o.mapOptional("load_ports", t.loadPorts) &&
         o.mapOptional("store_ports", t.storePorts) &&
         o.map("caches", t.caches) &&
         o.mapOptional("tlb_entries", t.tlbEntries) &&
         o.mapOptional("cores", t.cores) &&
         o.mapOptional("frequency_ghz", t.frequencyGHz);
}

/// A target file's triple, CPU and features must be ones LLVM knows: for an
/// unknown CPU or feature LLVM only warns, once per compiled function, then
/// generates code for a baseline or stops with a fatal error ("64-bit code
/// requested on a subtarget that doesn't support it").
static Error checkKnownToLLVM(const TargetDesc &t) {
  static std::once_flag once;
  std::call_once(once, [] {
    // Registration is idempotent: the pipeline may have done it already.
    InitializeAllTargetInfos();
    InitializeAllTargetMCs();
  });
  auto bad = [&](const Twine &msg) {
    return createStringError(inconvertibleErrorCode(),
                             "target '" + t.name + "': " + msg);
  };
  Triple triple(t.triple);
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return bad("'triple' '" + t.triple + "' is not a target LLVM knows (" +
               error + ")");
  std::unique_ptr<MCSubtargetInfo> generic(
      target->createMCSubtargetInfo(triple, "", ""));
  if (!generic)
    return bad("LLVM has no subtarget information for '" + t.triple + "'");
  if (!generic->isCPUStringValid(t.cpu))
    return bad("'cpu' '" + t.cpu + "' is not a CPU LLVM knows for " +
               triple.getArchName());
  for (const std::string &feature : t.features) {
    StringRef name(feature);
    if (!name.consume_front("+") && !name.consume_front("-"))
      return bad("feature '" + feature + "' must start with '+' or '-'");
    if (!llvm::any_of(
            generic->getAllProcessorFeatures(),
            [&](const SubtargetFeatureKV &kv) { return name == kv.Key; }))
      return bad("feature '" + feature + "' is not one LLVM knows for " +
                 triple.getArchName());
  }
  if (triple.getArch() == Triple::x86_64) {
    std::unique_ptr<MCSubtargetInfo> chosen(
        target->createMCSubtargetInfo(triple, t.cpu, t.featureString()));
    if (chosen && !chosen->checkFeatures("+64bit"))
      return bad("'cpu' '" + t.cpu + "' cannot run 64-bit code (triple '" +
                 t.triple + "')");
  }
  return Error::success();
}

Expected<TargetDesc> loadTargetFile(StringRef path) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return createStringError(buffer.getError(),
                             "cannot read target file '" + path +
                                 "': " + buffer.getError().message());
  Expected<json::Value> parsed = json::parse((*buffer)->getBuffer());
  if (!parsed)
    return createStringError(inconvertibleErrorCode(),
                             "target file '" + path + "' is not valid JSON: " +
                                 toString(parsed.takeError()));
  TargetDesc target;
  target.fmaDatapathBits = 0; // default below: the vector width
  json::Path::Root root("target");
  if (!fromJSON(*parsed, target, root))
    return createStringError(inconvertibleErrorCode(),
                             "target file '" + path +
                                 "': " + toString(root.getError()));
  if (target.name.empty())
    target.name = path.str();
  if (target.fmaDatapathBits == 0)
    target.fmaDatapathBits = target.vectorBits;
  if (Error err = target.validate())
    return createStringError(inconvertibleErrorCode(),
                             "target file '" + path +
                                 "': " + toString(std::move(err)));
  if (Error err = checkKnownToLLVM(target))
    return createStringError(inconvertibleErrorCode(),
                             "target file '" + path +
                                 "': " + toString(std::move(err)));
  return target;
}

} // namespace autoconfig
