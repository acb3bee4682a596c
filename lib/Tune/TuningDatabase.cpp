//===- TuningDatabase.cpp - Best tuned config per workload and target -----===//

#include "autoconfig/Tune/TuningDatabase.h"
#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Support/JsonFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace autoconfig {

std::string TuningDatabase::defaultPath() {
  SmallString<256> path(profileCacheDir());
  sys::path::append(path, "tuning.json");
  return std::string(path);
}

std::string TuningDatabase::key(const TargetDesc &target,
                                const Workload &workload) {
  // The profile's cache key identifies CPU, features, vector width and tool.
  return profileCacheKey(target) + "|" + workloadKind(workload) + " " +
         workloadShape(workload) + " " + elementName(workloadElement(workload));
}

Expected<TuningDatabase> TuningDatabase::load(StringRef path) {
  TuningDatabase db;
  if (!sys::fs::exists(path))
    return db;
  auto fail = [&](const Twine &why) {
    return fileError("tuning database", path, why);
  };
  Expected<json::Value> parsed = readJsonFile("tuning database", path);
  if (!parsed)
    return parsed.takeError();
  const json::Object *root = parsed->getAsObject();
  const json::Object *entries = root ? root->getObject("entries") : nullptr;
  if (!entries || root->getInteger("version") != 1)
    return fail("is corrupt (expected {\"version\": 1, \"entries\": {...}})");
  for (const auto &[key, value] : *entries) {
    const json::Object *e = value.getAsObject();
    auto config = e ? e->getString("config") : std::nullopt;
    auto seconds = e ? e->getNumber("measured_s") : std::nullopt;
    if (!config || !seconds)
      return fail("is corrupt (entry '" + key.str() +
                  "' needs 'config' and 'measured_s')");
    if (auto parsedConfig = Config::parse(*config); !parsedConfig)
      return fail("is corrupt (entry '" + key.str() +
                  "': " + toString(parsedConfig.takeError()) + ")");
    Entry entry;
    entry.config = config->str();
    entry.measuredSeconds = *seconds;
    entry.trials = unsigned(e->getInteger("trials").value_or(0));
    db.entries[key.str()] = entry;
  }
  return db;
}

Error TuningDatabase::save(StringRef path) const {
  json::Object entriesJson;
  for (const auto &[key, e] : entries)
    entriesJson[key] = json::Object{{"config", e.config},
                                    {"measured_s", e.measuredSeconds},
                                    {"trials", e.trials}};
  return writeJsonFile(
      "tuning database", path,
      json::Object{{"version", 1}, {"entries", std::move(entriesJson)}});
}

void TuningDatabase::record(const TargetDesc &target, const Workload &workload,
                            Entry entry) {
  std::string k = key(target, workload);
  auto it = entries.find(k);
  if (it == entries.end() || entry.measuredSeconds < it->second.measuredSeconds)
    entries[k] = std::move(entry);
}

std::optional<Config> TuningDatabase::lookup(const TargetDesc &target,
                                             const Workload &workload) const {
  auto it = entries.find(key(target, workload));
  if (it == entries.end())
    return std::nullopt;
  auto config = Config::parse(it->second.config);
  if (!config) {
    consumeError(config.takeError());
    return std::nullopt;
  }
  return *config;
}

} // namespace autoconfig
