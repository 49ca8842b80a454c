// The suite report: report.html with a section per experiment kind and plots (harness/plot.h).
//
// Each kind contributes a section from its complete runs; the runner calls write_report after
// results.csv. The language kind draws accuracy per length bin and mode, parameter norm vs step
// on log-log axes with the fitted exponent, the saturation agreement as the norm grows and
// support-size histograms per head; other kinds add their own (harness/<kind>_kind.cpp).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/plot.h"
#include "harness/task.h"

namespace saturn {

// A complete run: its point, folder and summary.json.
struct RunRecord {
  const RunPoint* point = nullptr;
  std::filesystem::path dir;
  nlohmann::json summary;
};

// HTML of one kind's section (headings, tables, inline SVG plots) for its runs, in suite order.
std::string report_section_language(const std::vector<RunRecord>& runs);
// Scan and snap (harness/scan_snap_report.cpp): attention over training, final entropy and freeze step vs rate ratio.
std::string report_section_scan_snap(const std::vector<RunRecord>& runs);
// Grokking (harness/grokking_kind.cpp): steps to grok per LN placement x alpha, accuracy, entropy, ranks.
std::string report_section_grokking(const std::vector<RunRecord>& runs);

// Small HTML helpers shared by the sections.
std::string html_escape(const std::string& s);
std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
// A plot as an inline figure; a note instead when plotting is unavailable or fails.
std::string html_figure(const Plot& plot, const std::string& caption = "");

// Writes `out/report.html` (atomically) for a suite's runs.
void write_report(const std::string& suite, const std::vector<RunRecord>& runs, const std::filesystem::path& out);

}  // namespace saturn
