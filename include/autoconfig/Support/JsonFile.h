//===- JsonFile.h - Reading the project's JSON files ---------- -*- C++ -*-===//
//
// The calibration cache and the tuning database are JSON files that a crash,
// a full disk or a hand edit can leave broken: reading one names the file and
// what is wrong with it.
//
//===----------------------------------------------------------------------===//

#ifndef AUTOCONFIG_SUPPORT_JSONFILE_H
#define AUTOCONFIG_SUPPORT_JSONFILE_H

#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace autoconfig {

/// An error about the file `what` '`path`': "<what> '<path>' <why>".
inline llvm::Error fileError(llvm::StringRef what, llvm::StringRef path,
                             const llvm::Twine &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 what + " '" + path + "' " + why);
}

/// The JSON value in the file at `path`, or an error saying that the file
/// `what` is unreadable or is not JSON.
inline llvm::Expected<llvm::json::Value> readJsonFile(llvm::StringRef what,
                                                      llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return fileError(what, path,
                     "is unreadable: " + buffer.getError().message());
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*buffer)->getBuffer());
  if (!parsed)
    return fileError(
        what, path,
        "is corrupt (not JSON: " + llvm::toString(parsed.takeError()) + ")");
  return parsed;
}

/// Writes `value` (indented) as the file `what` at `path`, creating its
/// directory. The text goes to a temporary file renamed over `path`, so that
/// a reader never sees half a file.
inline llvm::Error writeJsonFile(llvm::StringRef what, llvm::StringRef path,
                                 const llvm::json::Value &value) {
  llvm::StringRef directory = llvm::sys::path::parent_path(path);
  if (std::error_code ec = directory.empty()
                               ? std::error_code()
                               : llvm::sys::fs::create_directories(directory))
    return llvm::createStringError(ec, "cannot create the directory of '" +
                                           path + "': " + ec.message());
  std::string tmp = (path + ".tmp").str();
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(tmp, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return llvm::createStringError(ec, "cannot write " + what + " '" + tmp +
                                             "': " + ec.message());
    os << llvm::formatv("{0:2}", value) << "\n";
    os.close();
    if (os.has_error())
      return llvm::createStringError(os.error(),
                                     "cannot write " + what + " '" + tmp + "'");
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, path))
    return llvm::createStringError(ec, "cannot replace " + what + " '" + path +
                                           "': " + ec.message());
  return llvm::Error::success();
}

} // namespace autoconfig

#endif // AUTOCONFIG_SUPPORT_JSONFILE_H
