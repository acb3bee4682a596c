//===- CalibrationCache.cpp - The host's measured profile, on demand ------===//

#include "CalibrationCache.h"
#include "ProgressBar.h"

#include "autoconfig/Calibrate/Calibration.h"
#include "autoconfig/Profile/ProfileCache.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"

#include <cmath>
#include <optional>

using namespace llvm;

namespace autoconfig::cli {

static Error cacheError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

namespace {
/// An exclusive advisory lock on a file, held until destruction; the kernel
/// releases it if the process dies.
class CacheLock {
public:
  static Expected<CacheLock> acquire(const std::string &path) {
    int fd = -1;
    if (std::error_code ec = sys::fs::openFileForReadWrite(
            path, fd, sys::fs::CD_OpenAlways, sys::fs::OF_None))
      return cacheError("cannot open the calibration lock '" + path +
                        "': " + ec.message());
    CacheLock lock(fd);
    if (!sys::fs::tryLockFile(fd)) // free: the common case
      return std::move(lock);
    WithColor::note(errs(), "autoconfig")
        << "another autoconfig process is calibrating this machine; waiting "
           "for it\n";
    if (std::error_code ec = sys::fs::lockFile(fd))
      return cacheError("cannot lock '" + path + "': " + ec.message());
    return std::move(lock);
  }
  CacheLock(CacheLock &&other) : fd(other.fd) { other.fd = -1; }
  CacheLock &operator=(CacheLock &&) = delete;
  ~CacheLock() {
    if (fd < 0)
      return;
    (void)sys::fs::unlockFile(fd);
    (void)sys::Process::SafelyCloseFileDescriptor(fd);
  }

private:
  explicit CacheLock(int fd) : fd(fd) {}
  int fd;
};
} // namespace

/// Seconds the calibration is expected to take, for the announcement: what
/// the last calibration on this machine took (another target's or tool
/// version's profile in the cache), else nothing is promised.
static std::optional<double> expectedSeconds(const TargetDesc &target,
                                             StringRef cacheDir) {
  std::optional<double> latest;
  sys::TimePoint<> latestTime;
  std::error_code ec;
  for (sys::fs::directory_iterator it(cacheDir, ec), end; !ec && it != end;
       it.increment(ec)) {
    StringRef name = sys::path::filename(it->path());
    if (!name.starts_with("profile-" + target.cpu + "-") ||
        !name.ends_with(".json"))
      continue;
    sys::fs::file_status status;
    if (sys::fs::status(it->path(), status) ||
        status.getLastModificationTime() < latestTime)
      continue;
    // Only the duration is used: a stale file's figures are not trusted.
    auto buffer = MemoryBuffer::getFile(it->path(), /*IsText=*/true);
    if (!buffer)
      continue;
    Expected<json::Value> parsed = json::parse((*buffer)->getBuffer());
    if (!parsed) {
      consumeError(parsed.takeError());
      continue;
    }
    Profile profile;
    json::Path::Root root;
    if (fromJSON(*parsed, profile, root) && profile.calibrationSeconds > 0) {
      latest = profile.calibrationSeconds;
      latestTime = status.getLastModificationTime();
    }
  }
  return latest;
}

Expected<MeasuredProfile>
loadOrMeasureProfile(const TargetDesc &target,
                     const CalibrationRequest &request) {
  std::string path = profileCachePath(target);
  // Why the cached file, when there is one, cannot be used.
  std::string unusable;
  auto cached = [&]() -> std::optional<MeasuredProfile> {
    if (request.force || !sys::fs::exists(path))
      return std::nullopt;
    Expected<Profile> loaded = loadProfile(path, target);
    if (loaded)
      return MeasuredProfile{std::move(*loaded), path, false};
    unusable = toString(loaded.takeError());
    return std::nullopt;
  };
  if (auto hit = cached())
    return std::move(*hit);

  // A cache that cannot be written is found out before measuring for
  // nothing ($XDG_CACHE_HOME naming a file, a directory without access, a
  // directory where the file goes).
  sys::fs::file_status status;
  if (!sys::fs::status(path, status) && sys::fs::exists(status) &&
      !sys::fs::is_regular_file(status))
    return cacheError("calibration cache '" + path +
                      "' is not a regular file and cannot be replaced; "
                      "nothing measured");
  StringRef cacheDir = sys::path::parent_path(path);
  if (std::error_code ec = sys::fs::create_directories(cacheDir))
    return cacheError("cannot create the calibration cache directory '" +
                      cacheDir + "': " + ec.message() + "; nothing measured");
  if (std::error_code ec =
          sys::fs::access(cacheDir, sys::fs::AccessMode::Write))
    return cacheError("cannot write to the calibration cache directory '" +
                      cacheDir + "': " + ec.message() + "; nothing measured");

  auto lock = CacheLock::acquire(path + ".lock");
  if (!lock)
    return lock.takeError();
  // Another process may have measured while this one waited.
  if (auto hit = cached())
    return std::move(*hit);

  std::optional<double> expected = expectedSeconds(target, cacheDir);
  std::string duration =
      expected
          ? formatv("about {0} s", std::max(1.0, std::round(*expected))).str()
          : std::string("once per machine");
  if (!unusable.empty())
    WithColor::warning(errs(), "autoconfig")
        << unusable << "; calibrating again (" << duration << ")...\n";
  else if (request.announce)
    errs() << "autoconfig: no calibrated profile for this machine; "
              "calibrating ("
           << duration << ")...\n";

  CalibrationOptions options =
      request.quick ? CalibrationOptions::quick() : CalibrationOptions();
  ProgressBar bar("calibrating");
  if (request.progress && bar.enabled())
    options.progress = [&bar](StringRef what, unsigned step, unsigned steps) {
      bar.update(step - 1, steps, what);
    };
  Expected<Profile> profile = calibrate(target, options);
  bar.clear();
  if (!profile)
    return profile.takeError();
  if (Error err = saveProfile(*profile, path))
    return std::move(err);
  return MeasuredProfile{std::move(*profile), path, true};
}

} // namespace autoconfig::cli
