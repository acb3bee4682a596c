//===- TargetDescTest.cpp - Presets, target files and validation ----------===//

#include "autoconfig/Target/TargetDesc.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <string>

using namespace autoconfig;
using namespace llvm;

namespace {

/// A temporary directory removed with its files at the end of the test.
class TempDir {
public:
  TempDir() {
    SmallString<128> dir;
    EXPECT_FALSE(sys::fs::createUniqueDirectory("autoconfig-target", dir));
    path = std::string(dir);
  }
  ~TempDir() { sys::fs::remove_directories(path); }
  std::string file(StringRef name, StringRef contents) const {
    SmallString<128> p(path);
    sys::path::append(p, name);
    std::error_code ec;
    raw_fd_ostream os(p, ec);
    EXPECT_FALSE(ec) << ec.message();
    os << contents;
    return std::string(p);
  }

private:
  std::string path;
};

/// The error message of loading `json` as a target file ("" on success).
std::string targetFileError(const TempDir &dir, StringRef json) {
  std::string path = dir.file("target.json", json);
  Expected<TargetDesc> target = loadTargetFile(path);
  if (target)
    return "";
  return toString(target.takeError());
}

/// A valid target file with one field replaced (or removed when `value` is
/// empty).
std::string targetJson(StringRef field = "", StringRef value = "") {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"triple", "\"x86_64-unknown-linux-gnu\""},
      {"cpu", "\"haswell\""},
      {"vector_bits", "256"},
      {"vector_registers", "16"},
      {"fma_pipes", "2"},
      {"fma_latency", "5"},
      {"frequency_ghz", "3.0"},
      {"caches", "[{\"level\": 1, \"size\": 32768, \"ways\": 8}]"}};
  std::string text = "{";
  bool first = true;
  for (auto &[name, json] : fields) {
    std::string v = name == field ? value.str() : json;
    if (v.empty())
      continue;
    text += (first ? "" : ", ") + ("\"" + name + "\": " + v);
    first = false;
  }
  return text + "}";
}

} // namespace

TEST(TargetDesc, PresetNamesIncludeEveryIsaFamily) {
  std::vector<std::string> names = targetPresetNames();
  for (const char *required : {"x86-sse4.2", "x86-avx2", "x86-avx512",
                               "aarch64-neon", "aarch64-sve256", "riscv64-rvv"})
    EXPECT_NE(std::find(names.begin(), names.end(), required), names.end())
        << required;
}

TEST(TargetDesc, EveryPresetValidates) {
  for (const std::string &name : targetPresetNames()) {
    Expected<TargetDesc> target = getTargetPreset(name);
    ASSERT_TRUE(bool(target)) << name << ": " << toString(target.takeError());
    EXPECT_EQ(target->name, name);
    Error err = target->validate();
    EXPECT_FALSE(bool(err)) << name << ": " << toString(std::move(err));
    EXPECT_GT(target->nominalPeakFlops(32), 0) << name;
    EXPECT_NE(target->cache(1), nullptr) << name;
  }
}

TEST(TargetDesc, PresetsDescribeTheirIsa) {
  struct Expect {
    const char *name, *family;
    unsigned bits, registers;
    bool masking;
  };
  for (const Expect &e : {Expect{"x86-sse4.2", "x86", 128, 16, false},
                          Expect{"x86-avx2", "x86", 256, 16, false},
                          Expect{"x86-avx512", "x86", 512, 32, true},
                          Expect{"aarch64-neon", "aarch64", 128, 32, false},
                          Expect{"aarch64-sve256", "aarch64", 256, 32, true},
                          Expect{"riscv64-rvv", "riscv64", 256, 32, true}}) {
    Expected<TargetDesc> t = getTargetPreset(e.name);
    ASSERT_TRUE(bool(t)) << toString(t.takeError());
    EXPECT_EQ(isaFamilyName(t->isaFamily()), e.family) << e.name;
    EXPECT_EQ(t->vectorBits, e.bits) << e.name;
    EXPECT_EQ(t->vectorRegisters, e.registers) << e.name;
    EXPECT_EQ(t->nativeMasking, e.masking) << e.name;
    EXPECT_EQ(t->lanes(32), e.bits / 32) << e.name;
  }
  // x86-sse4.2 has no FMA: a multiply and an add issue apart.
  EXPECT_FALSE(getTargetPreset("x86-sse4.2")->hasFMA);
  EXPECT_TRUE(getTargetPreset("x86-avx2")->hasFeature("avx2"));
  EXPECT_FALSE(getTargetPreset("x86-avx2")->hasFeature("avx512f"));
}

TEST(TargetDesc, UnknownPresetListsTheValidOnes) {
  Expected<TargetDesc> target = getTargetPreset("x86-avx1024");
  ASSERT_FALSE(bool(target));
  std::string message = toString(target.takeError());
  EXPECT_NE(message.find("unknown target 'x86-avx1024'"), std::string::npos)
      << message;
  for (const std::string &name : targetPresetNames())
    EXPECT_NE(message.find(name), std::string::npos) << message;

  Expected<TargetDesc> resolved = resolveTarget("x86-avx1024", "");
  ASSERT_FALSE(bool(resolved));
  EXPECT_NE(toString(resolved.takeError()).find("x86-avx2"), std::string::npos);
}

TEST(TargetDesc, JsonRoundTripOfEveryPreset) {
  for (const std::string &name : targetPresetNames()) {
    TargetDesc original = *getTargetPreset(name);
    json::Value value = toJSON(original);
    // Through text, as a target file would be.
    std::string text = formatv("{0}", value).str();
    Expected<json::Value> parsed = json::parse(text);
    ASSERT_TRUE(bool(parsed)) << toString(parsed.takeError());
    TargetDesc back;
    json::Path::Root root("target");
    ASSERT_TRUE(fromJSON(*parsed, back, root))
        << name << ": " << toString(root.getError());
    EXPECT_EQ(formatv("{0}", toJSON(back)).str(), text) << name;
    EXPECT_EQ(back.featureString(), original.featureString());
    ASSERT_EQ(back.caches.size(), original.caches.size());
    for (size_t i = 0; i < back.caches.size(); ++i) {
      EXPECT_EQ(back.caches[i].sizeBytes, original.caches[i].sizeBytes);
      EXPECT_EQ(back.caches[i].ways, original.caches[i].ways);
      EXPECT_EQ(back.caches[i].sets(), original.caches[i].sets());
    }
  }
}

TEST(TargetDesc, TargetFileRoundTrip) {
  TempDir dir;
  TargetDesc original = *getTargetPreset("aarch64-sve256");
  std::string path =
      dir.file("sve.json", formatv("{0:2}", toJSON(original)).str());
  Expected<TargetDesc> loaded = loadTargetFile(path);
  ASSERT_TRUE(bool(loaded)) << toString(loaded.takeError());
  EXPECT_EQ(formatv("{0}", toJSON(*loaded)).str(),
            formatv("{0}", toJSON(original)).str());
}

TEST(TargetDesc, MinimalTargetFileGetsDefaults) {
  TempDir dir;
  std::string path = dir.file("minimal.json", targetJson());
  Expected<TargetDesc> t = loadTargetFile(path);
  ASSERT_TRUE(bool(t)) << toString(t.takeError());
  // The name defaults to the file, the FMA datapath to the vector width.
  EXPECT_EQ(t->name, path);
  EXPECT_EQ(t->fmaDatapathBits, 256u);
  EXPECT_EQ(t->fmaLatency, 5u);
  EXPECT_EQ(t->cache(1)->lineBytes, 64u);
}

TEST(TargetDesc, BadJsonNamesTheFile) {
  TempDir dir;
  std::string message = targetFileError(dir, "{\"triple\": \"x86_64\", ");
  EXPECT_NE(message.find("target.json"), std::string::npos) << message;
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
  EXPECT_NE(targetFileError(dir, "").find("not valid JSON"), std::string::npos);
  EXPECT_NE(targetFileError(dir, "[1, 2]").find("expected object"),
            std::string::npos);
}

TEST(TargetDesc, UnreadableTargetFile) {
  Expected<TargetDesc> t = loadTargetFile("/nonexistent/autoconfig.json");
  ASSERT_FALSE(bool(t));
  std::string message = toString(t.takeError());
  EXPECT_NE(message.find("cannot read target file "
                         "'/nonexistent/autoconfig.json'"),
            std::string::npos)
      << message;
}

TEST(TargetDesc, MissingFieldsAreNamed) {
  TempDir dir;
  ASSERT_EQ(targetFileError(dir, targetJson()), "");
  for (const char *field :
       {"triple", "cpu", "vector_bits", "vector_registers", "caches"}) {
    std::string message = targetFileError(dir, targetJson(field, ""));
    EXPECT_NE(message.find(std::string("missing value at target.") + field),
              std::string::npos)
        << field << ": " << message;
  }
}

TEST(TargetDesc, ImpossibleValuesAreNamed) {
  TempDir dir;
  struct Case {
    const char *field, *value, *expected;
  };
  for (const Case &c : {
           Case{"vector_bits", "100", "'vector_bits'"},
           Case{"vector_bits", "4096", "'vector_bits'"},
           Case{"vector_bits", "\"wide\"", "target.vector_bits"},
           Case{"vector_registers", "2", "'vector_registers'"},
           Case{"fma_pipes", "0", "'fma_pipes'"},
           Case{"fma_latency", "99", "'fma_latency'"},
           Case{"frequency_ghz", "0", "'frequency_ghz'"},
           Case{"frequency_ghz", "-3", "'frequency_ghz'"},
           Case{"triple", "\"\"", "'triple'"},
           Case{"caches", "[]", "'caches'"},
           Case{"caches", "[{\"level\": 1, \"size\": -5}]",
                "target.caches[0].size"},
           Case{"caches", "[{\"level\": 1, \"size\": 32768, \"line\": 48}]",
                "'line'"},
           Case{"caches", "[{\"level\": 2, \"size\": 1048576}]",
                "no L1 data cache"},
           Case{"caches", "[{\"level\": 9, \"size\": 32768}]", "cache level"},
       }) {
    std::string message = targetFileError(dir, targetJson(c.field, c.value));
    EXPECT_NE(message.find(c.expected), std::string::npos)
        << c.field << "=" << c.value << ": " << message;
    // Every message says which file it is about.
    EXPECT_NE(message.find("target.json"), std::string::npos) << message;
  }
}

TEST(TargetDesc, ValidateNamesTheField) {
  TargetDesc t = *getTargetPreset("x86-avx2");
  t.fmaDatapathBits = 100;
  Error err = t.validate();
  ASSERT_TRUE(bool(err));
  std::string message = toString(std::move(err));
  EXPECT_NE(message.find("'fma_datapath_bits'"), std::string::npos);
  EXPECT_NE(message.find("x86-avx2"), std::string::npos);

  t = *getTargetPreset("x86-avx2");
  t.loadPorts = 0;
  EXPECT_NE(toString(t.validate()).find("'load_ports'"), std::string::npos);
  t = *getTargetPreset("x86-avx2");
  t.cores = 0;
  EXPECT_NE(toString(t.validate()).find("'cores'"), std::string::npos);
}

TEST(TargetDesc, TargetFileTakesPrecedenceOverPreset) {
  TempDir dir;
  std::string path = dir.file("file.json", targetJson());
  Expected<TargetDesc> t = resolveTarget("aarch64-neon", path);
  ASSERT_TRUE(bool(t)) << toString(t.takeError());
  EXPECT_EQ(t->cpu, "haswell");
  EXPECT_EQ(t->name, path);
}

TEST(TargetDesc, HostIsDetectedAndRunsHere) {
  TargetDesc host = detectHostTarget();
  Error err = host.validate();
  EXPECT_FALSE(bool(err)) << toString(std::move(err));
  EXPECT_TRUE(host.runsOnHost);
  EXPECT_EQ(host.name, "host");
  Expected<TargetDesc> resolved = resolveTarget("host", "");
  ASSERT_TRUE(bool(resolved)) << toString(resolved.takeError());
  EXPECT_TRUE(resolved->runsOnHost);
  EXPECT_EQ(resolved->cpu, host.cpu);
}

TEST(TargetDesc, ForeignIsaDoesNotRunOnHost) {
  IsaFamily family = detectHostTarget().isaFamily();
  for (const std::string &name : targetPresetNames()) {
    Expected<TargetDesc> t = resolveTarget(name, "");
    ASSERT_TRUE(bool(t)) << toString(t.takeError());
    if (t->isaFamily() != family)
      EXPECT_FALSE(t->runsOnHost) << name;
  }
  // A preset of the host's own family whose features the host has runs here
  // (this machine shows several SIMD platforms natively).
  TargetDesc host = detectHostTarget();
  if (host.hasFeature("avx2") && host.hasFeature("fma")) {
    Expected<TargetDesc> avx2 = resolveTarget("x86-avx2", "");
    ASSERT_TRUE(bool(avx2));
    EXPECT_TRUE(avx2->runsOnHost);
  }
}
