//===- ProgressBar.h - One terminal line redrawn in place -------*- C++ -*-===//
#ifndef AUTOCONFIG_TOOLS_PROGRESSBAR_H
#define AUTOCONFIG_TOOLS_PROGRESSBAR_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace autoconfig::cli {

/// "LABEL [=========               ] 7/25 DETAIL" on stderr, redrawn in
/// place. It draws only when stderr is a terminal: in a log, a line per
/// step would be noise, and the commands print their results anyway.
class ProgressBar {
public:
  explicit ProgressBar(std::string label);
  ProgressBar(const ProgressBar &) = delete;
  ProgressBar &operator=(const ProgressBar &) = delete;
  ~ProgressBar() { clear(); }

  bool enabled() const { return drawing; }
  /// Redraws the line: `done` of `total` steps, then `detail`.
  void update(unsigned done, unsigned total, llvm::StringRef detail = "");
  /// Erases the line (once drawn), leaving the cursor at its start.
  void clear();

private:
  std::string label;
  bool drawing;
  bool drawn = false;
};

} // namespace autoconfig::cli

#endif
