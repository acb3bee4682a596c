//===- Report.cpp - HTML/SVG and Markdown reports -------------------------===//

#include "autoconfig/Report/Report.h"
#include "Svg.h"

#include "autoconfig/Bench/PeerRole.h"
#include "autoconfig/Support/Statistics.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

using namespace llvm;

namespace autoconfig {

Expected<std::vector<json::Object>> readJsonLines(StringRef path) {
  auto buffer = MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer)
    return createStringError(buffer.getError(),
                             "cannot read '" + path +
                                 "': " + buffer.getError().message());
  std::vector<json::Object> records;
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (auto [index, line] : enumerate(lines)) {
    if (line.trim().empty())
      continue;
    Expected<json::Value> value = json::parse(line);
    if (!value)
      return createStringError(inconvertibleErrorCode(),
                               formatv("{0}:{1}: not a JSON line: {2}", path,
                                       index + 1, toString(value.takeError()))
                                   .str());
    if (!value->getAsObject())
      return createStringError(
          inconvertibleErrorCode(),
          formatv("{0}:{1}: expected a JSON object", path, index + 1).str());
    records.push_back(std::move(*value->getAsObject()));
  }
  return records;
}

namespace {

double number(const json::Object &o, StringRef key) {
  return o.getNumber(key).value_or(NAN);
}
std::string string(const json::Object &o, StringRef key) {
  return o.getString(key).value_or("").str();
}

/// GFLOP/s of each implementation of one bench record ("autoconfig" first).
std::vector<std::pair<std::string, double>>
implementations(const json::Object &record) {
  std::vector<std::pair<std::string, double>> result;
  result.push_back({"autoconfig", number(record, "gflops")});
  if (const json::Object *peers = record.getObject("peers")) {
    std::vector<std::string> names;
    for (const auto &kv : *peers)
      names.push_back(kv.first.str());
    std::sort(names.begin(), names.end());
    for (const std::string &name : names) {
      const json::Object *p = peers->getObject(name);
      result.push_back({name, p ? number(*p, "gflops") : NAN});
    }
  }
  return result;
}

/// Peer names of a run with at least one figure, in first-seen order.
std::vector<std::string> peersWithFigures(const ReportInputs::Run &run) {
  std::vector<std::string> names;
  for (const json::Object &r : run.records)
    for (auto &[name, gflops] : implementations(r))
      if (name != "autoconfig" && std::isfinite(gflops) &&
          !is_contained(names, name))
        names.push_back(name);
  return names;
}

/// The peers of a run that are not their library's strongest configuration
/// while that one ran too, from the library and role `bench --json` records
/// (runs without them have none).
std::vector<std::string> secondaryPeers(const ReportInputs::Run &run) {
  std::vector<PeerConfiguration> configurations;
  for (const std::string &name : peersWithFigures(run))
    for (const json::Object &r : run.records) {
      const json::Object *peers = r.getObject("peers");
      const json::Object *p = peers ? peers->getObject(name) : nullptr;
      auto library = p ? p->getString("library") : std::nullopt;
      auto role = p ? p->getString("role") : std::nullopt;
      if (library && role && parsePeerRole(*role)) {
        configurations.push_back({name, library->str(), *parsePeerRole(*role)});
        break;
      }
    }
  return secondaryConfigurations(configurations);
}

/// The implementations a run's table and chart show: AutoConfig, then the
/// strongest configuration of each library (the others: secondaryTable()).
std::vector<std::string> columnsOf(const ReportInputs::Run &run) {
  std::vector<std::string> names = {"autoconfig"};
  std::vector<std::string> secondary = secondaryPeers(run);
  for (const std::string &name : peersWithFigures(run))
    if (!is_contained(secondary, name))
      names.push_back(name);
  return names;
}

double gflopsOf(const json::Object &record, StringRef name) {
  for (auto &[n, g] : implementations(record))
    if (n == name)
      return g;
  return NAN;
}

double geomean(ArrayRef<double> values) {
  double logSum = 0;
  size_t n = 0;
  for (double v : values)
    if (std::isfinite(v) && v > 0) {
      logSum += std::log(v);
      ++n;
    }
  return n ? std::exp(logSum / n) : NAN;
}

std::string label(const ReportInputs::Run &run) {
  return run.label.empty() ? run.source : run.label;
}

std::string fixed(double v, int digits = 1) {
  if (!std::isfinite(v))
    return "n/a";
  return formatv("{0}",
                 format(("%." + std::to_string(digits) + "f").c_str(), v))
      .str();
}

//===--- plots -----------------------------------------------------------===//

std::string barChart(const ReportInputs::Run &run, double peak) {
  std::vector<std::string> columns = columnsOf(run);
  size_t groups = run.records.size();
  double barWidth = std::max(3.0, std::min(10.0, 60.0 / columns.size()));
  double groupWidth = barWidth * columns.size() + 12;
  double left = 50, top = 20, plotHeight = 220, bottom = 140;
  double width = left + groupWidth * groups + 160;
  double height = top + plotHeight + bottom;
  double maxValue = peak;
  for (const json::Object &r : run.records)
    for (auto &[n, g] : implementations(r))
      if (std::isfinite(g))
        maxValue = std::max(maxValue, g);
  maxValue = std::max(1.0, maxValue * 1.1);
  Svg svg(width, height);
  auto y = [&](double v) { return top + plotHeight * (1 - v / maxValue); };
  for (int tick = 0; tick <= 5; ++tick) {
    double v = maxValue * tick / 5;
    svg.line(left, y(v), left + groupWidth * groups, y(v), "#ddd");
    svg.text(left - 4, y(v) + 4, fixed(v, 0), 10, "end");
  }
  svg.text(12, top + plotHeight / 2, "GFLOP/s", 11, "middle", -90);
  for (size_t g = 0; g < groups; ++g) {
    const json::Object &r = run.records[g];
    double x0 = left + g * groupWidth + 6;
    for (size_t c = 0; c < columns.size(); ++c) {
      double v = gflopsOf(r, columns[c]);
      if (!std::isfinite(v))
        continue;
      svg.rect(x0 + c * barWidth, y(v), barWidth - 1, y(0) - y(v),
               paletteColor(c),
               formatv("{0} {1}: {2:f1} GFLOP/s", string(r, "workload"),
                       columns[c], v)
                   .str());
    }
    svg.text(x0 + groupWidth / 2 - 6, top + plotHeight + 8,
             string(r, "workload"), 10, "end", -45);
  }
  svg.line(left, y(0), left + groupWidth * groups, y(0), "#444");
  if (peak > 0) {
    svg.line(left, y(peak), left + groupWidth * groups, y(peak), "#000", 1.5,
             "6,4");
    svg.text(left + groupWidth * groups + 4, y(peak) + 4,
             formatv("FMA peak {0:f0}", peak).str(), 10, "start");
  }
  for (size_t c = 0; c < columns.size(); ++c) {
    double lx = left + groupWidth * groups + 20, ly = top + 30 + c * 16;
    svg.rect(lx, ly - 9, 10, 10, paletteColor(c));
    svg.text(lx + 14, ly, columns[c], 11, "start");
  }
  return svg.finish();
}

/// Log-log scatter of (predicted, measured) seconds with the ±25% band.
std::string scatter(const std::vector<std::pair<double, double>> &points,
                    const std::vector<std::string> &tooltips) {
  double lo = INFINITY, hi = 0;
  for (auto [p, m] : points)
    if (p > 0 && m > 0) {
      lo = std::min({lo, p, m});
      hi = std::max({hi, p, m});
    }
  double size = 360, margin = 50;
  Svg svg(size + margin + 20, size + margin + 20);
  if (!(hi > 0))
    return svg.finish();
  double llo = std::floor(std::log10(lo)), lhi = std::ceil(std::log10(hi));
  if (lhi <= llo)
    lhi = llo + 1;
  auto sx = [&](double v) {
    return margin + size * (std::log10(v) - llo) / (lhi - llo);
  };
  auto sy = [&](double v) {
    return 10 + size * (1 - (std::log10(v) - llo) / (lhi - llo));
  };
  for (double e = llo; e <= lhi; ++e) {
    double v = std::pow(10, e);
    svg.line(sx(v), 10, sx(v), 10 + size, "#eee");
    svg.line(margin, sy(v), margin + size, sy(v), "#eee");
    svg.text(sx(v), size + 26, formatv("1e{0}", int(e)).str(), 10);
    svg.text(margin - 4, sy(v) + 4, formatv("1e{0}", int(e)).str(), 10, "end");
  }
  double a = std::pow(10, llo), b = std::pow(10, lhi);
  svg.line(sx(a), sy(a), sx(b), sy(b), "#444", 1);
  svg.line(sx(a), sy(a * 1.25), sx(b / 1.25), sy(b), "#999", 1, "4,3");
  svg.line(sx(a * 1.25), sy(a), sx(b), sy(b / 1.25), "#999", 1, "4,3");
  for (size_t i = 0; i < points.size(); ++i) {
    auto [p, m] = points[i];
    if (p > 0 && m > 0)
      svg.circle(sx(p), sy(m), 3, paletteColor(1),
                 i < tooltips.size() ? tooltips[i] : "");
  }
  svg.text(margin + size / 2, size + 44, "predicted time (s)", 11);
  svg.text(14, 10 + size / 2, "measured time (s)", 11, "middle", -90);
  return svg.finish();
}

std::string histogram(const std::vector<double> &regrets) {
  // Bins of 2% up to 20%, then one for the rest.
  std::vector<int> bins(11, 0);
  for (double r : regrets)
    if (std::isfinite(r))
      ++bins[std::min<size_t>(10, size_t(std::max(0.0, r) * 50))];
  int most = *std::max_element(bins.begin(), bins.end());
  double left = 40, top = 10, h = 160, bw = 32;
  Svg svg(left + bw * bins.size() + 20, top + h + 50);
  for (size_t i = 0; i < bins.size(); ++i) {
    double bh = most ? h * bins[i] / most : 0;
    svg.rect(left + i * bw + 2, top + h - bh, bw - 4, bh, paletteColor(0),
             formatv("{0} workloads", bins[i]).str());
    svg.text(left + i * bw + bw / 2, top + h - bh - 3, std::to_string(bins[i]),
             10);
    svg.text(left + i * bw + bw / 2, top + h + 14,
             i < 10 ? formatv("{0}%", i * 2).str() : ">20%", 10);
  }
  svg.line(left, top + h, left + bw * bins.size(), top + h, "#444");
  svg.text(left + bw * bins.size() / 2, top + h + 34,
           "regret of the model's pick vs the tuner's best", 11);
  return svg.finish();
}

//===--- tables ----------------------------------------------------------===//

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Table benchTable(const ReportInputs::Run &run) {
  Table t;
  std::vector<std::string> columns = columnsOf(run);
  t.header = {"workload", "algorithm", "AutoConfig GFLOP/s"};
  for (size_t c = 1; c < columns.size(); ++c)
    t.header.push_back(columns[c]);
  t.header.push_back("verified");
  t.header.push_back("pred/meas");
  std::vector<std::vector<double>> ratios(columns.size());
  unsigned predictions = 0, withinQuarter = 0;
  for (const json::Object &r : run.records) {
    std::vector<std::string> row = {string(r, "workload"),
                                    string(r, "algorithm")};
    double mine = gflopsOf(r, "autoconfig");
    row.push_back(fixed(mine));
    for (size_t c = 1; c < columns.size(); ++c) {
      double g = gflopsOf(r, columns[c]);
      row.push_back(fixed(g));
      ratios[c].push_back(mine / g);
    }
    row.push_back(r.getBoolean("verified").value_or(false) ? "yes" : "NO");
    double predictedOverMeasured =
        number(r, "predicted_s") / number(r, "measured_s");
    row.push_back(fixed(predictedOverMeasured, 2));
    ++predictions;
    withinQuarter += std::fabs(predictedOverMeasured - 1) <= 0.25;
    t.rows.push_back(row);
  }
  std::vector<std::string> summary = {"geomean AutoConfig / peer", "", ""};
  for (size_t c = 1; c < columns.size(); ++c)
    summary.push_back(fixed(geomean(ratios[c]), 2) + "x");
  summary.push_back("");
  summary.push_back(
      formatv("{0} of {1} within ±25%", withinQuarter, predictions).str());
  t.rows.push_back(summary);
  return t;
}

/// The geomeans against the other configurations of the libraries in the
/// table (their defaults, ...), measured in the same run.
std::optional<Table> secondaryTable(const ReportInputs::Run &run) {
  std::vector<std::string> secondary = secondaryPeers(run);
  if (secondary.empty())
    return std::nullopt;
  Table t;
  t.header = {"other configurations, same run"};
  std::vector<std::string> row = {"geomean AutoConfig / peer"};
  for (const std::string &name : secondary) {
    std::vector<double> ratios;
    for (const json::Object &r : run.records)
      ratios.push_back(gflopsOf(r, "autoconfig") / gflopsOf(r, name));
    t.header.push_back(name);
    row.push_back(fixed(geomean(ratios), 2) + "x");
  }
  t.rows.push_back(row);
  return t;
}

/// For runs made with `bench --algorithms`: every algorithm's GFLOP/s with
/// its own config, and how the model's choice compares with the fastest.
std::optional<Table> algorithmTable(const ReportInputs::Run &run) {
  std::vector<std::string> names;
  for (const json::Object &r : run.records)
    if (const json::Object *a = r.getObject("algorithms"))
      for (const auto &kv : *a)
        if (!is_contained(names, kv.first.str()))
          names.push_back(kv.first.str());
  if (names.empty())
    return std::nullopt;
  std::sort(names.begin(), names.end());
  Table t;
  t.header = {"workload", "model's choice"};
  for (const std::string &n : names)
    t.header.push_back(n);
  t.header.push_back("choice / fastest");
  unsigned within = 0, rows = 0;
  for (const json::Object &r : run.records) {
    const json::Object *a = r.getObject("algorithms");
    if (!a)
      continue;
    std::vector<std::string> row = {string(r, "workload"),
                                    string(r, "algorithm")};
    double best = 0, chosen = NAN;
    for (const std::string &n : names) {
      const json::Object *e = a->getObject(n);
      double g = e ? number(*e, "gflops") : NAN;
      row.push_back(fixed(g));
      if (std::isfinite(g))
        best = std::max(best, g);
      if (e && e->getBoolean("chosen").value_or(false))
        chosen = g;
    }
    double ratio = chosen / best;
    row.push_back(fixed(ratio, 2));
    ++rows;
    within += ratio >= 0.9;
    t.rows.push_back(row);
  }
  std::vector<std::string> summary = {
      formatv("within 10% of the fastest: {0} of {1}", within, rows).str(), ""};
  for (size_t i = 0; i <= names.size(); ++i)
    summary.push_back("");
  t.rows.push_back(summary);
  return t;
}

Table tuneTable(const ReportInputs::Run &run) {
  Table t;
  t.header = {"workload",         "trials",          "tune wall s",
              "model decides ms", "model's pick ms", "tuner's best ms",
              "regret",           "spearman"};
  std::vector<double> regrets, decide, wall;
  for (const json::Object &r : run.records) {
    double regret = number(r, "regret");
    regrets.push_back(regret);
    decide.push_back(number(r, "model_config_s"));
    wall.push_back(number(r, "tune_wall_s"));
    t.rows.push_back({string(r, "workload"), fixed(number(r, "trials"), 0),
                      fixed(number(r, "tune_wall_s"), 1),
                      fixed(number(r, "model_config_s") * 1e3, 2),
                      fixed(number(r, "model_measured_s") * 1e3, 3),
                      fixed(number(r, "best_measured_s") * 1e3, 3),
                      fixed(regret * 100, 1) + "%",
                      fixed(number(r, "spearman"), 2)});
  }
  t.rows.push_back({"median / p90", "", fixed(quantile(wall, 0.5), 1) + " s",
                    fixed(quantile(decide, 0.5) * 1e3, 2) + " ms", "", "",
                    fixed(quantile(regrets, 0.5) * 100, 1) + "% / " +
                        fixed(quantile(regrets, 0.9) * 100, 1) + "%",
                    ""});
  return t;
}

void htmlTable(const Table &t, raw_ostream &os) {
  os << "<table><tr>";
  for (const std::string &h : t.header)
    os << "<th>" << escapeXml(h) << "</th>";
  os << "</tr>\n";
  for (const auto &row : t.rows) {
    os << "<tr>";
    for (const std::string &cell : row)
      os << "<td>" << escapeXml(cell) << "</td>";
    os << "</tr>\n";
  }
  os << "</table>\n";
}

void markdownTable(const Table &t, raw_ostream &os) {
  os << "| " << join(t.header, " | ") << " |\n|";
  for (size_t i = 0; i < t.header.size(); ++i)
    os << (i < 1 ? " --- |" : " ---: |");
  os << "\n";
  for (const auto &row : t.rows)
    os << "| " << join(row, " | ") << " |\n";
}

} // namespace

void writeHtmlReport(const ReportInputs &in, raw_ostream &os) {
  os << "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>"
     << escapeXml(in.title)
     << "</title><style>body{font-family:sans-serif;margin:24px;max-width:"
        "1400px}table{border-collapse:collapse;margin:8px 0 24px}td,th{border:"
        "1px solid #ccc;padding:3px 8px;font-size:13px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}h2{margin-top:32px}"
        "svg{display:block;margin:8px 0}</style></head><body>\n";
  os << "<h1>" << escapeXml(in.title) << "</h1>\n";
  if (!in.machine.empty())
    os << "<p>" << escapeXml(in.machine) << "</p>\n";
  for (const ReportInputs::Run &run : in.bench) {
    os << "<h2>GFLOP/s per workload: " << escapeXml(label(run)) << "</h2>\n";
    os << barChart(run, in.peakGflops);
    htmlTable(benchTable(run), os);
    if (auto secondary = secondaryTable(run))
      htmlTable(*secondary, os);
    if (auto algorithms = algorithmTable(run)) {
      os << "<h3>Algorithms, each with its own model-derived config "
            "(GFLOP/s)</h3>\n";
      htmlTable(*algorithms, os);
    }
  }
  std::vector<std::pair<double, double>> points;
  std::vector<std::string> tips;
  for (const ReportInputs::Run &run : in.trials)
    for (const json::Object &t : run.records)
      if (std::isfinite(number(t, "measured_s"))) {
        points.push_back({number(t, "predicted_s"), number(t, "measured_s")});
        tips.push_back(string(t, "workload") + ": " + string(t, "config"));
      }
  for (const ReportInputs::Run &run : in.bench)
    for (const json::Object &r : run.records)
      if (std::isfinite(number(r, "measured_s"))) {
        points.push_back({number(r, "predicted_s"), number(r, "measured_s")});
        tips.push_back(string(r, "workload") + ": " + string(r, "config"));
      }
  if (!points.empty()) {
    os << "<h2>Predicted vs measured time</h2>\n<p>Every measured config "
          "(tuner trials and the model's picks); the dashed lines are "
          "&plusmn;25%.</p>\n";
    os << scatter(points, tips);
  }
  std::vector<double> regrets;
  for (const ReportInputs::Run &run : in.tune)
    for (const json::Object &r : run.records)
      regrets.push_back(number(r, "regret"));
  if (!regrets.empty()) {
    os << "<h2>Regret of the model</h2>\n" << histogram(regrets);
    for (const ReportInputs::Run &run : in.tune) {
      os << "<h3>" << escapeXml(label(run)) << "</h3>\n";
      htmlTable(tuneTable(run), os);
    }
  }
  os << "</body></html>\n";
}

void writeMarkdownReport(const ReportInputs &in, raw_ostream &os) {
  for (const ReportInputs::Run &run : in.bench) {
    os << "#### " << label(run) << " (GFLOP/s)\n\n";
    markdownTable(benchTable(run), os);
    os << "\n";
    if (auto secondary = secondaryTable(run)) {
      markdownTable(*secondary, os);
      os << "\n";
    }
    if (auto algorithms = algorithmTable(run)) {
      os << "#### " << label(run)
         << ": algorithms, each with its own derived config (GFLOP/s)\n\n";
      markdownTable(*algorithms, os);
      os << "\n";
    }
  }
  for (const ReportInputs::Run &run : in.tune) {
    os << "#### " << label(run) << "\n\n";
    markdownTable(tuneTable(run), os);
    os << "\n";
  }
}

} // namespace autoconfig
