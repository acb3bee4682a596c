//===- TuningDatabase.h - Best tuned config per workload --------*- C++ -*-===//
#ifndef AUTOCONFIG_TUNE_TUNINGDATABASE_H
#define AUTOCONFIG_TUNE_TUNINGDATABASE_H

#include "autoconfig/Model/Config.h"
#include "autoconfig/Target/TargetDesc.h"
#include "autoconfig/Workload/Workload.h"

#include "llvm/Support/Error.h"

#include <map>
#include <optional>
#include <string>

namespace autoconfig {

/// A JSON file mapping (target, workload) to the best config the tuner
/// found; `compile --use-tuned` reads it.
class TuningDatabase {
public:
  struct Entry {
    std::string config;
    double measuredSeconds = 0;
    unsigned trials = 0;
  };

  /// $XDG_CACHE_HOME/autoconfig/tuning.json (or under $HOME/.cache).
  static std::string defaultPath();

  /// Loads `path`; a missing file is an empty database. Corrupt or
  /// unreadable files are errors naming the file.
  static llvm::Expected<TuningDatabase> load(llvm::StringRef path);
  llvm::Error save(llvm::StringRef path) const;

  /// Records `entry` unless a faster one is already there.
  void record(const TargetDesc &target, const Workload &workload, Entry entry);
  std::optional<Config> lookup(const TargetDesc &target,
                               const Workload &workload) const;
  size_t size() const { return entries.size(); }

  static std::string key(const TargetDesc &target, const Workload &workload);

private:
  std::map<std::string, Entry> entries;
};

} // namespace autoconfig

#endif
