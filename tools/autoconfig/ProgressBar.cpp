//===- ProgressBar.cpp - One terminal line redrawn in place ---------------===//

#include "ProgressBar.h"

#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace llvm;

namespace autoconfig::cli {

ProgressBar::ProgressBar(std::string label)
    : label(std::move(label)), drawing(sys::Process::StandardErrIsDisplayed()) {
}

void ProgressBar::update(unsigned done, unsigned total, StringRef detail) {
  if (!drawing)
    return;
  constexpr unsigned width = 24;
  unsigned filled = total ? width * std::min(done, total) / total : 0;
  std::string line = label + " [" + std::string(filled, '=') +
                     std::string(width - filled, ' ') + "] " +
                     std::to_string(done) + "/" + std::to_string(total);
  if (!detail.empty())
    line += " " + detail.str();
  // Longer than the terminal, the line would wrap and \r would only return
  // to the start of its last row.
  unsigned columns = sys::Process::StandardErrColumns();
  if (columns > 1 && line.size() >= columns)
    line.resize(columns - 1);
  errs() << "\r" << line << "\033[K";
  errs().flush();
  drawn = true;
}

void ProgressBar::clear() {
  if (!drawn)
    return;
  errs() << "\r\033[K";
  errs().flush();
  drawn = false;
}

} // namespace autoconfig::cli
