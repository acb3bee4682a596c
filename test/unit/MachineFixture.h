//===- MachineFixture.h - A target and profile of a CPU ---------*- C++ -*-===//
//
// Reads a machine folder (target.json from `autoconfig target --json`,
// profile.json from calibration) into a target and profile that decide as
// they did there.
//
//===----------------------------------------------------------------------===//
#ifndef AUTOCONFIG_TEST_UNIT_MACHINEFIXTURE_H
#define AUTOCONFIG_TEST_UNIT_MACHINEFIXTURE_H

#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Target/TargetDesc.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <string>
#include <vector>

namespace autoconfig {

inline llvm::Expected<llvm::json::Value> readJSONFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), "cannot read " + path);
  return llvm::json::parse((*buffer)->getBuffer());
}

/// The folders directly below `root`, sorted (one per CPU).
inline std::vector<std::string> machineFolders(const std::string &root) {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(root, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::fs::is_directory(it->path()))
      dirs.push_back(it->path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

struct MachineFixture {
  TargetDesc target;
  Profile profile;

  /// Loads `dir`/target.json and `dir`/profile.json; errors name the file.
  static llvm::Expected<MachineFixture> load(const std::string &dir) {
    auto targetDoc = readJSONFile(dir + "/target.json");
    if (!targetDoc)
      return targetDoc.takeError();
    auto profileDoc = readJSONFile(dir + "/profile.json");
    if (!profileDoc)
      return profileDoc.takeError();
    MachineFixture fixture;
    llvm::json::Path::Root root;
    const llvm::json::Object *object = targetDoc->getAsObject();
    const llvm::json::Value *targetValue =
        object ? object->get("target") : nullptr;
    if (!targetValue || !fromJSON(*targetValue, fixture.target, root))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "malformed target in " + dir);
    if (!fromJSON(*profileDoc, fixture.profile, root))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "malformed profile in " + dir);
    adoptMeasuredFacts(fixture.target, fixture.profile);
    return fixture;
  }
};

} // namespace autoconfig

#endif
