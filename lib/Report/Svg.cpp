//===- Svg.cpp - A minimal SVG writer for the report's plots --------------===//

#include "Svg.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace autoconfig {

std::string escapeXml(StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

const char *paletteColor(size_t i) {
  static const char *colors[] = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e",
                                 "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                 "#bcbd22", "#17becf"};
  return colors[i % (sizeof(colors) / sizeof(colors[0]))];
}

Svg::Svg(double width, double height) : width(width), height(height) {}

void Svg::line(double x1, double y1, double x2, double y2, StringRef color,
               double w, StringRef dash) {
  body += formatv("<line x1='{0:f1}' y1='{1:f1}' x2='{2:f1}' y2='{3:f1}' "
                  "stroke='{4}' stroke-width='{5}'{6}/>\n",
                  x1, y1, x2, y2, color, w,
                  dash.empty() ? std::string()
                               : " stroke-dasharray='" + dash.str() + "'")
              .str();
}

void Svg::rect(double x, double y, double w, double h, StringRef fill,
               StringRef tooltip) {
  body += formatv("<rect x='{0:f1}' y='{1:f1}' width='{2:f1}' height='{3:f1}' "
                  "fill='{4}'>{5}</rect>\n",
                  x, y, w, h, fill,
                  tooltip.empty() ? std::string()
                                  : "<title>" + escapeXml(tooltip) + "</title>")
              .str();
}

void Svg::circle(double x, double y, double r, StringRef fill,
                 StringRef tooltip) {
  body += formatv("<circle cx='{0:f1}' cy='{1:f1}' r='{2:f1}' fill='{3}' "
                  "fill-opacity='0.7'>{4}</circle>\n",
                  x, y, r, fill,
                  tooltip.empty() ? std::string()
                                  : "<title>" + escapeXml(tooltip) + "</title>")
              .str();
}

void Svg::text(double x, double y, StringRef text, double size,
               StringRef anchor, double rotate, StringRef fill) {
  std::string transform =
      rotate != 0
          ? formatv(" transform='rotate({0} {1:f1} {2:f1})'", rotate, x, y)
                .str()
          : "";
  body += formatv("<text x='{0:f1}' y='{1:f1}' font-size='{2}' "
                  "text-anchor='{3}' fill='{4}'{5}>{6}</text>\n",
                  x, y, size, anchor, fill, transform, escapeXml(text))
              .str();
}

std::string Svg::finish() {
  return formatv("<svg xmlns='http://www.w3.org/2000/svg' width='{0}' "
                 "height='{1}' viewBox='0 0 {0} {1}' "
                 "style='max-width:100%;height:auto' "
                 "font-family='sans-serif'>\n{2}</svg>\n",
                 width, height, body)
      .str();
}

} // namespace autoconfig
