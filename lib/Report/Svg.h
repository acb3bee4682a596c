//===- Svg.h - A minimal SVG writer for the report's plots ------*- C++ -*-===//
#ifndef AUTOCONFIG_REPORT_SVG_H
#define AUTOCONFIG_REPORT_SVG_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace autoconfig {

/// Appends SVG elements to a string; coordinates in pixels, y downwards.
class Svg {
public:
  Svg(double width, double height);
  void line(double x1, double y1, double x2, double y2, llvm::StringRef color,
            double width = 1, llvm::StringRef dash = "");
  void rect(double x, double y, double w, double h, llvm::StringRef fill,
            llvm::StringRef tooltip = "");
  void circle(double x, double y, double r, llvm::StringRef fill,
              llvm::StringRef tooltip = "");
  void text(double x, double y, llvm::StringRef text, double size = 11,
            llvm::StringRef anchor = "middle", double rotate = 0,
            llvm::StringRef fill = "#222");
  std::string finish();

private:
  std::string body;
  double width, height;
};

/// Escapes &, <, >, " for HTML and SVG text.
std::string escapeXml(llvm::StringRef text);

/// The i-th color of a fixed palette (AutoConfig is always color 0).
const char *paletteColor(size_t i);

} // namespace autoconfig

#endif
