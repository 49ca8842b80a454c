#include "harness/plot.h"

#include <cctype>
#include <cmath>

namespace saturn {

namespace {

// JSON has no NaN: a missing value is null.
nlohmann::json numbers(const std::vector<double>& xs) {
  auto a = nlohmann::json::array();
  for (double x : xs) a.push_back(std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr));
  return a;
}

const char* style_name(Series::Style s) {
  switch (s) {
    case Series::Style::line: return "line";
    case Series::Style::points: return "points";
    case Series::Style::line_points: return "line_points";
    case Series::Style::dashed: return "dashed";
    case Series::Style::bars: return "bars";
  }
  return "line_points";
}

nlohmann::json panel_json(const Panel& p) {
  nlohmann::json j{{"title", p.title}, {"xlabel", p.xlabel}, {"ylabel", p.ylabel}, {"logx", p.logx}, {"logy", p.logy},
                   {"note", p.note}, {"xticklabels", p.xticklabels}};
  if (p.xlim) j["xlim"] = {p.xlim->first, p.xlim->second};
  if (p.ylim) j["ylim"] = {p.ylim->first, p.ylim->second};
  auto series = nlohmann::json::array();
  for (const auto& s : p.series) {
    nlohmann::json js{{"label", s.label}, {"x", numbers(s.x)}, {"y", numbers(s.y)}, {"style", style_name(s.style)},
                      {"color", s.color}};
    if (!s.y_low.empty()) js["y_low"] = numbers(s.y_low), js["y_high"] = numbers(s.y_high);
    if (!s.x_high.empty()) js["x_high"] = numbers(s.x_high);
    series.push_back(std::move(js));
  }
  j["series"] = std::move(series);
  if (p.heatmap) {
    auto values = nlohmann::json::array();
    for (const auto& row : p.heatmap->values) values.push_back(numbers(row));
    j["heatmap"] = {{"rows", p.heatmap->rows},       {"columns", p.heatmap->columns}, {"values", std::move(values)},
                    {"vmin", p.heatmap->vmin},       {"vmax", p.heatmap->vmax},       {"annotate", p.heatmap->annotate},
                    {"colorbar", p.heatmap->colorbar}};
  }
  return j;
}

}  // namespace

Figure one_panel(std::string name, Panel panel) {
  Figure f;
  f.name = std::move(name);
  f.panels.push_back(std::move(panel));
  return f;
}

nlohmann::json figure_json(const Figure& f) {
  auto panels = nlohmann::json::array();
  for (const auto& p : f.panels) panels.push_back(panel_json(p));
  return {{"name", f.name},
          {"title", f.title},
          {"columns", f.columns},
          {"panel_width", f.panel_width},
          {"panel_height", f.panel_height},
          {"panels", std::move(panels)}};
}

bool has_data(const Figure& f) {
  for (const auto& p : f.panels) {
    if (p.heatmap && !p.heatmap->values.empty()) return true;
    for (const auto& s : p.series)
      for (double y : s.y)
        if (std::isfinite(y)) return true;
  }
  return false;
}

std::string figure_stem(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    if (keep) out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "figure" : out;
}

}  // namespace saturn
