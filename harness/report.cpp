#include "harness/report.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/version.h"
#include "harness/kinds/registry.h"
#include "harness/plot.h"

namespace saturn {

namespace fs = std::filesystem;

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string h = "<table>\n<tr>";
  for (const auto& c : header) h += "<th>" + html_escape(c) + "</th>";
  h += "</tr>\n";
  for (const auto& r : rows) {
    h += "<tr>";
    for (const auto& c : r) h += "<td>" + html_escape(c) + "</td>";
    h += "</tr>\n";
  }
  return h + "</table>\n";
}

std::string html_figure(const Plot& plot, const std::string& caption) {
  std::string body;
  try {
    body = render_svg(plot);
    if (body.empty()) return "";
  } catch (const Error& e) {
    body = "<p class=note>(plot not drawn: " + html_escape(e.what()) + ")</p>";
  }
  return "<figure>" + body + (caption.empty() ? "" : "<figcaption>" + html_escape(caption) + "</figcaption>") +
         "</figure>\n";
}

std::string report_sections(const std::vector<RunRecord>& runs) {
  std::map<std::string, std::vector<RunRecord>> by_kind;
  for (const auto& r : runs) by_kind[r.summary.value("kind", std::string("language"))].push_back(r);
  std::string h;
  for (const auto& kind : task_kinds())
    if (by_kind.count(kind.name)) h += kind.report_section(by_kind[kind.name]);
  return h;
}

void write_report(const std::string& suite, const std::vector<RunRecord>& runs, const fs::path& out) {
  std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Saturn: " + html_escape(suite) +
                  "</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                  "table{border-collapse:collapse;margin:1em 0;font-size:90%}td,th{border:1px solid #ccc;padding:2px 6px;"
                  "text-align:left}th{background:#f2f2f2}figure{display:inline-block;margin:0.5em}.note{color:#a00}"
                  "</style></head><body>\n";
  h += fmt::format("<h1>Suite <code>{}</code></h1>\n<p>{} complete runs · saturn {} ({})</p>\n", html_escape(suite),
                   runs.size(), version(), git_revision());
  if (!plotting_available()) h += "<p class=note>gnuplot is not installed: plots are missing (apt-get install gnuplot-nox).</p>\n";
  h += report_sections(runs);
  h += "<p>Data: <a href=\"results.csv\">results.csv</a> (run × mode × bin), <a href=\"runs.csv\">runs.csv</a> (one row "
       "per run), each run's folder (config.yaml, summary.json, metrics.jsonl).</p>\n</body></html>\n";
  write_file_atomic(out / "report.html", h);
}

}  // namespace saturn
