// The suite report: report.html with a section per experiment kind, and its figures as files.
//
// Each kind of the registry (harness/kinds/registry.h) contributes a section from its complete
// runs (harness/kinds/<kind>/report.cpp), in the registry's order; the runner calls write_report
// after results.csv. A section places figures with html_figure; write_report then collects them
// into `out/figures/figures.json`, runs the matplotlib renderer (harness/report/render_figures.py,
// run by Python 3) which writes `out/figures/NAME.png` and `NAME.pdf`, and embeds each PNG in
// report.html (base64: the page is self-contained) with links to both files. Without Python 3 or
// matplotlib the report says so in place of the figures; the CSVs and tables are written anyway.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/plot.h"
#include "harness/task_kind.h"

namespace saturn {

// Small HTML helpers shared by the sections.
std::string html_escape(const std::string& s);
std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
// A figure in a section: a placeholder (the figure as JSON between two \x1e characters, which
// JSON text never holds unescaped) that write_report replaces by the drawn figure. Empty when the
// figure has no data.
std::string html_figure(const Figure& figure, const std::string& caption = "");

// Numbers collected over runs (seeds): mean, sample standard deviation, a "m ± sd" text.
struct Stat {
  std::vector<double> xs;
  void add(double x);  // NaN and infinities are skipped
  double mean() const;  // NaN when empty
  double sd() const;    // NaN below 2 values
  std::string str(int digits = 3) const;  // "–" when empty
};

// The records of a small CSV file with a header line (the tidy files of docs/results-schema.md),
// each a map column -> text; fields may be quoted. Empty when the file does not exist.
std::vector<std::map<std::string, std::string>> read_csv_records(const std::filesystem::path& path);

// The sections of every kind that has runs among `runs`, in the registry's order (with figure
// placeholders).
std::string report_sections(const std::vector<RunRecord>& runs);

// How figures are drawn. From the environment: SATURN_PYTHON (default /usr/bin/python3 when it
// exists, else python3 on PATH), SATURN_REPORT_RENDERER (default render_figures.py of the source
// tree Saturn was built from), SATURN_REPORT_FIGURES=0 to draw none.
struct FigureRenderer {
  std::string python;
  std::filesystem::path script;
  bool enabled = true;
};
FigureRenderer figure_renderer_from_environment();

// Replaces the figure placeholders of `html`: writes the figures to `dir/figures.json` (names made
// unique), runs the renderer, and puts each drawn figure in place (embedded PNG, links to
// dir's PNG and PDF relative to `dir`'s parent); a note for a figure that was not drawn. Returns
// the page; `problem` gets one line when figures are missing (empty otherwise).
std::string resolve_figures(const std::string& html, const std::filesystem::path& dir, const FigureRenderer& renderer,
                            std::string& problem);

// Writes `out/report.html` (atomically) and `out/figures/` for a suite's runs. Returns one line
// when figures could not be drawn (why, and how to redraw them), else an empty string.
std::string write_report(const std::string& suite, const std::vector<RunRecord>& runs, const std::filesystem::path& out,
                         const FigureRenderer& renderer = figure_renderer_from_environment());

}  // namespace saturn
