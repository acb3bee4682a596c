//===- ProfileCacheTest.cpp - The per-user calibration cache --------------===//

#include "autoconfig/Profile/ProfileCache.h"
#include "autoconfig/Version.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <optional>
#include <string>
#include <unistd.h>

using namespace autoconfig;
using namespace llvm;

namespace {

/// A temporary directory, set as $XDG_CACHE_HOME for the test's duration.
class ProfileCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    SmallString<128> dir;
    ASSERT_FALSE(sys::fs::createUniqueDirectory("autoconfig-cache", dir));
    root = std::string(dir);
    if (const char *old = std::getenv("XDG_CACHE_HOME"))
      savedXdg = old;
    setenv("XDG_CACHE_HOME", root.c_str(), 1);
    target = *getTargetPreset("x86-avx512");
    // The cache only serves targets that run here; pretend this one does.
    target.runsOnHost = true;
  }
  void TearDown() override {
    if (savedXdg)
      setenv("XDG_CACHE_HOME", savedXdg->c_str(), 1);
    else
      unsetenv("XDG_CACHE_HOME");
    sys::fs::remove_directories(root);
  }

  /// A plausible measured profile of `target`.
  Profile measuredProfile() const {
    Profile p = Profile::nominal(target);
    p.source = "measured";
    p.toolVersion = AUTOCONFIG_VERSION_STRING;
    p.frequencyGHz = 3.7;
    p.vectors.front().fmaPerSecond = 7.3e9;
    p.maxRelativeSpread = 0.03;
    p.calibrationSeconds = 2.1;
    return p;
  }

  std::string write(StringRef name, StringRef contents) const {
    SmallString<128> p(root);
    sys::path::append(p, name);
    std::error_code ec;
    raw_fd_ostream os(p, ec);
    EXPECT_FALSE(ec) << ec.message();
    os << contents;
    return std::string(p);
  }

  std::string loadError(StringRef path) const {
    Expected<Profile> p = loadProfile(path, target);
    if (p)
      return "";
    return toString(p.takeError());
  }

  std::string root;
  std::optional<std::string> savedXdg;
  TargetDesc target;
};

std::string text(const Profile &p) { return formatv("{0}", toJSON(p)).str(); }

} // namespace

TEST_F(ProfileCacheTest, CacheLivesUnderXdgCacheHome) {
  SmallString<128> expected(root);
  sys::path::append(expected, "autoconfig");
  EXPECT_EQ(profileCacheDir(), std::string(expected));
  std::string path = profileCachePath(target);
  EXPECT_EQ(sys::path::parent_path(path), expected);
  EXPECT_NE(path.find(target.cpu), std::string::npos) << path;
  EXPECT_TRUE(StringRef(path).ends_with(".json"));
}

TEST_F(ProfileCacheTest, KeyDependsOnCpuFeaturesAndWidth) {
  std::string key = profileCacheKey(target);
  EXPECT_EQ(key, profileCacheKey(target));
  TargetDesc other = target;
  other.features.push_back("+avx512vnni");
  EXPECT_NE(profileCacheKey(other), key);
  other = target;
  other.cpu = "znver4";
  EXPECT_NE(profileCacheKey(other), key);
  other = target;
  other.vectorBits = 256;
  EXPECT_NE(profileCacheKey(other), key);
}

TEST_F(ProfileCacheTest, RoundTrip) {
  Profile saved = measuredProfile();
  std::string path = profileCachePath(target);
  // The directory does not exist yet: saving creates it.
  ASSERT_FALSE(sys::fs::exists(sys::path::parent_path(path)));
  Error err = saveProfile(saved, path);
  ASSERT_FALSE(bool(err)) << toString(std::move(err));
  // Written through a temporary file renamed into place.
  EXPECT_FALSE(sys::fs::exists(path + ".tmp"));
  Expected<Profile> loaded = loadProfile(path, target);
  ASSERT_TRUE(bool(loaded)) << toString(loaded.takeError());
  EXPECT_EQ(text(*loaded), text(saved));
  EXPECT_TRUE(loaded->measured());

  std::string note;
  Profile used = loadProfileOrNominal(target, &note);
  EXPECT_EQ(text(used), text(saved));
  EXPECT_NE(note.find(path), std::string::npos) << note;
}

TEST_F(ProfileCacheTest, SavingReplacesAnOlderProfile) {
  std::string path = profileCachePath(target);
  Profile first = measuredProfile();
  ASSERT_FALSE(bool(saveProfile(first, path)));
  Profile second = measuredProfile();
  second.frequencyGHz = 2.9;
  ASSERT_FALSE(bool(saveProfile(second, path)));
  Expected<Profile> loaded = loadProfile(path, target);
  ASSERT_TRUE(bool(loaded)) << toString(loaded.takeError());
  EXPECT_DOUBLE_EQ(loaded->frequencyGHz, 2.9);
}

TEST_F(ProfileCacheTest, NoCacheMeansNominal) {
  std::string note;
  Profile p = loadProfileOrNominal(target, &note);
  EXPECT_FALSE(p.measured());
  EXPECT_EQ(p.source, "nominal");
  EXPECT_NE(note.find("autoconfig calibrate"), std::string::npos) << note;
}

TEST_F(ProfileCacheTest, ForeignTargetGetsNominalFigures) {
  // Even with a cache file present, a target that does not run here is
  // never measured: the preset's figures stand in, and the note says so.
  ASSERT_FALSE(bool(saveProfile(measuredProfile(), profileCachePath(target))));
  TargetDesc foreign = *getTargetPreset("riscv64-rvv");
  foreign.runsOnHost = false;
  std::string note;
  Profile p = loadProfileOrNominal(foreign, &note);
  EXPECT_FALSE(p.measured());
  EXPECT_NE(note.find("riscv64-rvv"), std::string::npos) << note;
  EXPECT_NE(note.find("nominal"), std::string::npos) << note;
}

TEST_F(ProfileCacheTest, CorruptFilesAreReportedWithTheirName) {
  for (StringRef contents :
       {StringRef(""), StringRef("{ \"source\": \"measured\", "),
        StringRef("[1, 2, 3]"), StringRef("{\"source\": \"measured\"}")}) {
    std::string path = write("corrupt.json", contents);
    std::string message = loadError(path);
    EXPECT_NE(message.find("'" + path + "'"), std::string::npos) << message;
    EXPECT_NE(message.find("is corrupt"), std::string::npos) << message;
  }
}

TEST_F(ProfileCacheTest, ImpossibleFiguresAreCorrupt) {
  Profile p = measuredProfile();
  p.vectors.front().fmaPerSecond = -1;
  std::string path = write("negative.json", text(p));
  EXPECT_NE(loadError(path).find("is corrupt"), std::string::npos);

  p = measuredProfile();
  p.vectors.clear();
  path = write("empty.json", text(p));
  EXPECT_NE(loadError(path).find("vectors"), std::string::npos);

  p = measuredProfile();
  p.frequencyGHz = 0;
  path = write("frequency.json", text(p));
  EXPECT_NE(loadError(path).find("frequency_ghz"), std::string::npos);

  p = measuredProfile();
  p.firstTouchExposure = 1.5;
  path = write("exposure.json", text(p));
  EXPECT_NE(loadError(path).find("first_touch_exposure"), std::string::npos);
}

TEST_F(ProfileCacheTest, ForeignFilesAreDetected) {
  Profile p = measuredProfile();
  p.cpu = "cortex-a53";
  std::string message = loadError(write("cpu.json", text(p)));
  EXPECT_NE(message.find("is foreign"), std::string::npos) << message;
  EXPECT_NE(message.find("cortex-a53"), std::string::npos) << message;

  p = measuredProfile();
  p.toolVersion = "0.0.0-old";
  message = loadError(write("version.json", text(p)));
  EXPECT_NE(message.find("is foreign"), std::string::npos) << message;
  EXPECT_NE(message.find("0.0.0-old"), std::string::npos) << message;

  p = measuredProfile();
  p.featureKey = "+sse4.2";
  message = loadError(write("features.json", text(p)));
  EXPECT_NE(message.find("is foreign"), std::string::npos) << message;
}

TEST_F(ProfileCacheTest, UnreadableFilesAreReported) {
  std::string missing = root + "/missing.json";
  std::string message = loadError(missing);
  EXPECT_NE(message.find("is unreadable"), std::string::npos) << message;
  EXPECT_NE(message.find(missing), std::string::npos) << message;

  // A directory where the file should be.
  SmallString<128> dir(root);
  sys::path::append(dir, "a-directory.json");
  ASSERT_FALSE(sys::fs::create_directory(dir));
  message = loadError(dir);
  EXPECT_NE(message.find("'" + std::string(dir) + "'"), std::string::npos)
      << message;
  EXPECT_FALSE(message.empty());

  // Permissions do not stop root, so only check them for other users.
  if (geteuid() != 0) {
    std::string locked = write("locked.json", text(measuredProfile()));
    ASSERT_FALSE(sys::fs::setPermissions(locked, sys::fs::no_perms));
    message = loadError(locked);
    EXPECT_NE(message.find("is unreadable"), std::string::npos) << message;
  }
}

TEST_F(ProfileCacheTest, BadCacheFallsBackToNominalAndSaysWhy) {
  std::string path = profileCachePath(target);
  ASSERT_FALSE(bool(saveProfile(measuredProfile(), path)));
  {
    std::error_code ec;
    raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec) << ec.message();
    os << "not json at all";
  }
  std::string note;
  Profile p = loadProfileOrNominal(target, &note);
  EXPECT_FALSE(p.measured());
  EXPECT_NE(note.find(path), std::string::npos) << note;
  EXPECT_NE(note.find("is corrupt"), std::string::npos) << note;
  EXPECT_NE(note.find("--force"), std::string::npos) << note;
}

TEST_F(ProfileCacheTest, SaveFailsWhenTheDirectoryCannotExist) {
  // The cache directory's parent is a regular file.
  std::string file = write("plain-file", "x");
  Error err = saveProfile(measuredProfile(), file + "/autoconfig/p.json");
  ASSERT_TRUE(bool(err));
  std::string message = toString(std::move(err));
  EXPECT_NE(message.find("p.json"), std::string::npos) << message;
}
