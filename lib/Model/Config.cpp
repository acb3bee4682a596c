//===- Config.cpp - Config text form --------------------------------------===//

#include "autoconfig/Model/Config.h"

#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace autoconfig {

void Config::set(StringRef key, int64_t value) {
  for (auto &entry : values)
    if (entry.first == key) {
      entry.second = value;
      return;
    }
  values.emplace_back(key.str(), value);
}

std::optional<int64_t> Config::find(StringRef key) const {
  for (const auto &entry : values)
    if (entry.first == key)
      return entry.second;
  return std::nullopt;
}

int64_t Config::get(StringRef key, int64_t fallback) const {
  return find(key).value_or(fallback);
}

std::string Config::str() const {
  std::string text = algorithm;
  for (const auto &[key, value] : values)
    text += " " + key + "=" + std::to_string(value);
  return text;
}

Error Config::readInto(StringRef expected,
                       ArrayRef<std::pair<StringRef, int64_t *>> fields) const {
  if (algorithm != expected)
    return createStringError(inconvertibleErrorCode(),
                             "config is for '" + algorithm + "', not '" +
                                 expected + "'");
  for (const auto &[key, value] : values) {
    auto it =
        llvm::find_if(fields, [&](const auto &f) { return f.first == key; });
    if (it == fields.end()) {
      std::string known;
      for (const auto &f : fields)
        known += (known.empty() ? "" : ", ") + f.first.str();
      return createStringError(inconvertibleErrorCode(),
                               "unknown parameter '" + key + "' for '" +
                                   expected + "' (known: " + known + ")");
    }
    *it->second = value;
  }
  return Error::success();
}

static bool isIdentifier(StringRef s) {
  if (s.empty() || !(isAlpha(s.front()) || s.front() == '_'))
    return false;
  return llvm::all_of(
      s, [](char c) { return isAlnum(c) || c == '_' || c == '-' || c == '.'; });
}

Expected<Config> Config::parse(StringRef text) {
  auto fail = [&](const Twine &msg) {
    return createStringError(inconvertibleErrorCode(),
                             "invalid config \"" + text + "\": " + msg);
  };
  SmallVector<StringRef> tokens;
  SplitString(text, tokens, " \t\n,");
  if (tokens.empty())
    return fail("empty (expected '<algorithm> key=value ...')");
  if (!isIdentifier(tokens.front()) || tokens.front().contains('='))
    return fail("'" + tokens.front() +
                "' is not an algorithm name (expected '<algorithm> "
                "key=value ...')");
  Config config(tokens.front().str());
  for (StringRef token : ArrayRef(tokens).drop_front()) {
    auto [key, value] = token.split('=');
    if (!isIdentifier(key))
      return fail("'" + token + "' is not of the form key=value");
    if (value.empty() && !token.contains('='))
      return fail("parameter '" + key + "' has no value (write " + key + "=N)");
    int64_t number = 0;
    if (value.getAsInteger(10, number))
      return fail("value of '" + key + "' is not an integer: '" + value + "'");
    if (config.has(key))
      return fail("parameter '" + key + "' given twice");
    config.set(key, number);
  }
  return config;
}

} // namespace autoconfig
