// Figures for reports, as data: a Figure holds panels (axes) of series, error bands, bars or a
// heat map. The report (harness/report.h) writes every figure of a suite into
// figures/figures.json and the matplotlib renderer (harness/report/render_figures.py) draws each
// as NAME.png and NAME.pdf; nothing here draws.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace saturn {

struct Series {
  enum class Style { line, points, line_points, dashed, bars };
  std::string label;             // legend entry; empty: none
  std::vector<double> x, y;      // NaN y: a gap
  std::vector<double> y_low, y_high;  // an error band (same length as y) or empty
  // bars: x are the left edges when x_high (the right edges) is given (a histogram), else bar
  // centres; several bar series in one panel are drawn side by side.
  std::vector<double> x_high;
  Style style = Style::line_points;
  std::string color;             // "#rrggbb"; empty: the renderer's cycle
};

struct HeatMap {
  std::vector<std::string> rows, columns;   // labels
  std::vector<std::vector<double>> values;  // [row][column]; NaN: no value (blank cell)
  double vmin = 0, vmax = 1;
  bool annotate = true;                     // print each value in its cell
  std::string colorbar;                     // colour bar label
};

struct Panel {
  std::string title, xlabel, ylabel;
  bool logx = false, logy = false;
  std::optional<std::pair<double, double>> xlim, ylim;
  std::vector<std::string> xticklabels;  // categorical x: tick i at x = i
  std::vector<Series> series;
  std::optional<HeatMap> heatmap;        // instead of series
  std::string note;                      // shown inside the axes (e.g. why a fit is missing)
};

struct Figure {
  std::string name;   // file stem (letters, digits, '-', '_'); made unique within a report
  std::string title;  // above all panels; may be empty
  std::vector<Panel> panels;
  int columns = 0;    // panels per row; 0: min(panels, 3)
  double panel_width = 4.6, panel_height = 3.3;  // inches per panel
};

// A figure of one panel.
Figure one_panel(std::string name, Panel panel);

// A figure in the renderer's JSON form (docs/results-schema.md describes report files).
nlohmann::json figure_json(const Figure& figure);
// Whether a figure has anything to draw (a panel with a point or a heat map).
bool has_data(const Figure& figure);
// A file stem made of letters, digits, '-' and '_' from any text ("dyck1/x=1" -> "dyck1-x-1").
std::string figure_stem(const std::string& text);

}  // namespace saturn
