// Plots for reports, drawn by gnuplot (Debian's gnuplot-nox) as inline SVG.
#pragma once

#include <string>
#include <vector>

namespace saturn {

struct Series {
  std::string title;
  std::vector<double> x, y;
  std::string style = "lines";  // gnuplot "with" style: lines, points, linespoints, boxes, ...
};

struct Plot {
  std::string title, xlabel, ylabel;
  bool logx = false, logy = false;
  std::vector<Series> series;
  int width = 560, height = 360;
  std::string extra;  // extra gnuplot commands (e.g. "set yrange [0:1]")
};

// True when gnuplot can be run.
bool plotting_available();
// The plot as an SVG document (no XML prologue). Throws saturn::Error when gnuplot fails.
// Series with no points are skipped; a plot with no points gives an empty string.
std::string render_svg(const Plot& plot);

}  // namespace saturn
