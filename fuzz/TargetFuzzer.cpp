//===- TargetFuzzer.cpp - Fuzzing target files and calibration caches
//------===//
//
// Input: the bytes of a JSON file given to --target-file, read through
// loadTargetFile() exactly as the tool reads it (from an in-memory file), and
// the same bytes as a calibration cache (the Profile JSON). Invariants:
//  - a file is either rejected with a message naming the file, or gives a
//    target that validates and survives a JSON round trip unchanged;
//  - on any accepted target, with its nominal profile, the decision for each
//    fixed workload succeeds or fails with a message, and the chosen config
//    verifies on that target with a prediction that is a number;
//  - an accepted profile drives the decisions on the preset targets the same
//    way (a corrupt cache must be rejected, not crash the models).
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"

#include "autoconfig/Profile/Profile.h"
#include "autoconfig/Select/Decision.h"
#include "autoconfig/Select/Registry.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <sys/mman.h>
#include <unistd.h>

using namespace autoconfig;
using namespace autoconfig::fuzz;

namespace {

/// An anonymous in-memory file reachable by a path, rewritten per input.
class MemoryFile {
public:
  MemoryFile() {
    fd = memfd_create("autoconfig-fuzz-target", 0);
    FUZZ_CHECK(fd >= 0);
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  const std::string &write(const uint8_t *data, size_t size) {
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    size_t done = 0;
    while (done < size) {
      ssize_t n = pwrite(fd, data + done, size - done, off_t(done));
      FUZZ_CHECK(n > 0);
      done += size_t(n);
    }
    return path;
  }

private:
  int fd = -1;
  std::string path;
};

std::string jsonText(const TargetDesc &t) {
  return llvm::formatv("{0}", toJSON(t)).str();
}

/// Decisions on every fixed workload must succeed or fail cleanly.
void decideAll(const TargetDesc &target, const Profile &profile) {
  Machine machine{target, profile};
  DecideOptions options;
  options.refineRounds = 2;
  for (const Workload &workload : fixedWorkloads()) {
    llvm::Expected<Decision> d = decide(workload, machine, options);
    if (!d) {
      FUZZ_CHECK(!llvm::toString(d.takeError()).empty());
      continue;
    }
    FUZZ_CHECK(d->chosen >= 0 && size_t(d->chosen) < d->candidates.size());
    FUZZ_CHECK(!std::isnan(d->winner().prediction.seconds));
    const Algorithm *algorithm = findAlgorithm(d->config.getAlgorithm());
    FUZZ_CHECK(algorithm != nullptr);
    std::vector<std::string> warnings;
    llvm::Error err =
        algorithm->model->verify(workload, d->config, target, warnings);
    if (err) {
      llvm::errs() << "derived config '" << d->config.str()
                   << "' rejected: " << llvm::toString(std::move(err)) << "\n";
      FUZZ_CHECK(false && "a derived config must verify");
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 16384)
    return -1;
  static MemoryFile file;
  const std::string &path = file.write(data, size);

  llvm::Expected<TargetDesc> target = loadTargetFile(path);
  if (!target) {
    std::string message = llvm::toString(target.takeError());
    FUZZ_CHECK(llvm::StringRef(message).contains(path));
  } else {
    if (llvm::Error err = target->validate()) {
      llvm::errs() << llvm::toString(std::move(err)) << "\n";
      FUZZ_CHECK(false && "an accepted target file must validate");
    }
    // What the tool prints (autoconfig target --json) reads back the same.
    llvm::Expected<llvm::json::Value> printed =
        llvm::json::parse(jsonText(*target));
    FUZZ_CHECK(bool(printed));
    TargetDesc again;
    llvm::json::Path::Root root("target");
    FUZZ_CHECK(fromJSON(*printed, again, root));
    FUZZ_CHECK(jsonText(again) == jsonText(*target));
    decideAll(*target, Profile::nominal(*target));
  }

  // The same bytes as a calibration cache.
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(
      llvm::StringRef(reinterpret_cast<const char *>(data), size));
  if (!json) {
    llvm::consumeError(json.takeError());
    return 0;
  }
  Profile profile;
  llvm::json::Path::Root root("profile");
  if (!fromJSON(*json, profile, root)) {
    llvm::consumeError(root.getError());
    return 0;
  }
  for (const TargetDesc &preset : fixedTargets())
    decideAll(preset, profile);
  return 0;
}
