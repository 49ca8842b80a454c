// The suite report: report.html with a section per experiment kind and plots (harness/plot.h).
//
// Each kind of the registry (harness/kinds/registry.h) contributes a section from its complete
// runs (harness/kinds/<kind>/report.cpp), in the registry's order; the runner calls write_report
// after results.csv.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/plot.h"
#include "harness/task_kind.h"

namespace saturn {

// Small HTML helpers shared by the sections.
std::string html_escape(const std::string& s);
std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
// A plot as an inline figure; a note instead when plotting is unavailable or fails.
std::string html_figure(const Plot& plot, const std::string& caption = "");

// The sections of every kind that has runs among `runs`, in the registry's order.
std::string report_sections(const std::vector<RunRecord>& runs);

// Writes `out/report.html` (atomically) for a suite's runs.
void write_report(const std::string& suite, const std::vector<RunRecord>& runs, const std::filesystem::path& out);

}  // namespace saturn
