#include "harness/report.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/version.h"
#include "harness/kinds/registry.h"

namespace saturn {

namespace fs = std::filesystem;

namespace {

constexpr char kMark = '\x1e';  // delimits a figure placeholder (never raw in JSON text)

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string base64(const std::string& bytes) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const auto b = [&](std::size_t k) { return k < bytes.size() ? static_cast<unsigned char>(bytes[k]) : 0u; };
    const unsigned v = b(i) << 16 | b(i + 1) << 8 | b(i + 2);
    out += digits[v >> 18 & 63];
    out += digits[v >> 12 & 63];
    out += i + 1 < bytes.size() ? digits[v >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? digits[v & 63] : '=';
  }
  return out;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The renderer's message for figure `name` ("figure NAME: ..." lines of its log), or its last line.
std::string renderer_message(const std::string& log, const std::string& name) {
  std::istringstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("figure " + name + ":", 0) == 0) return line;
    last = line;
  }
  return last;
}

}  // namespace

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

std::string html_figure(const Figure& figure, const std::string& caption) {
  if (!has_data(figure)) return "";
  return "<figure class=\"plot\">" + std::string(1, kMark) + figure_json(figure).dump() + std::string(1, kMark) +
         (caption.empty() ? "" : "<figcaption>" + html_escape(caption) + "</figcaption>") + "</figure>\n";
}

void Stat::add(double x) {
  if (std::isfinite(x)) xs.push_back(x);
}

double Stat::mean() const {
  double s = 0;
  for (double x : xs) s += x;
  return xs.empty() ? std::nan("") : s / static_cast<double>(xs.size());
}

double Stat::sd() const {
  if (xs.size() < 2) return std::nan("");
  const double m = mean();
  double s = 0;
  for (double x : xs) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(xs.size() - 1));
}

std::string Stat::str(int digits) const {
  if (xs.empty()) return "–";
  return xs.size() < 2 ? fmt::format("{:.{}f}", mean(), digits) : fmt::format("{:.{}f} ± {:.{}f}", mean(), digits, sd(), digits);
}

std::vector<std::map<std::string, std::string>> read_csv_records(const fs::path& path) {
  std::vector<std::map<std::string, std::string>> records;
  std::ifstream in(path);
  if (!in) return records;
  const auto fields = [](const std::string& line) {
    std::vector<std::string> out{""};
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) out.emplace_back();
      else if (c != '\r') out.back() += c;
    }
    return out;
  };
  std::string line;
  if (!std::getline(in, line)) return records;
  const auto header = fields(line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto values = fields(line);
    std::map<std::string, std::string> r;
    for (std::size_t i = 0; i < header.size(); ++i) r[header[i]] = i < values.size() ? values[i] : "";
    records.push_back(std::move(r));
  }
  return records;
}

std::string report_sections(const std::vector<RunRecord>& runs) {
  std::map<std::string, std::vector<RunRecord>> by_kind;
  for (const auto& r : runs) by_kind[r.summary.value("kind", std::string("language"))].push_back(r);
  std::string h;
  for (const auto& kind : task_kinds())
    if (by_kind.count(kind.name)) h += kind.report_section(by_kind[kind.name]);
  return h;
}

FigureRenderer figure_renderer_from_environment() {
  FigureRenderer r;
  const char* python = std::getenv("SATURN_PYTHON");
  r.python = python && *python ? python : fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const char* script = std::getenv("SATURN_REPORT_RENDERER");
  r.script = script && *script ? fs::path(script) : fs::path(SATURN_REPORT_RENDERER);
  const char* enabled = std::getenv("SATURN_REPORT_FIGURES");
  r.enabled = !(enabled && std::string(enabled) == "0");
  return r;
}

std::string resolve_figures(const std::string& html, const fs::path& dir, const FigureRenderer& renderer,
                            std::string& problem) {
  problem.clear();
  // Split the page into text and figures.
  std::vector<std::string> texts{""};
  std::vector<nlohmann::json> figures;
  std::set<std::string> names;
  for (std::size_t i = 0; i < html.size();) {
    const auto open = html.find(kMark, i);
    if (open == std::string::npos) {
      texts.back() += html.substr(i);
      break;
    }
    const auto close = html.find(kMark, open + 1);
    if (close == std::string::npos) throw Error("report: a figure placeholder is not closed");
    texts.back() += html.substr(i, open - i);
    auto f = nlohmann::json::parse(html.substr(open + 1, close - open - 1));
    std::string name = figure_stem(f.value("name", "figure"));
    for (int k = 2; names.count(name); ++k) name = fmt::format("{}-{}", figure_stem(f.value("name", "figure")), k);
    names.insert(name);
    f["name"] = name;
    figures.push_back(std::move(f));
    texts.emplace_back();
    i = close + 1;
  }
  if (figures.empty()) return html;

  std::string log;
  if (!renderer.enabled) {
    problem = "figures not drawn (SATURN_REPORT_FIGURES=0)";
  } else if (!fs::exists(renderer.script)) {
    problem = fmt::format("figures not drawn: the renderer {} is missing (set SATURN_REPORT_RENDERER)", renderer.script.string());
  } else {
    fs::create_directories(dir);
    for (const auto& f : figures) {  // stale files of an earlier report must not pass for new ones
      std::error_code ec;
      fs::remove(dir / (f["name"].get<std::string>() + ".png"), ec);
      fs::remove(dir / (f["name"].get<std::string>() + ".pdf"), ec);
    }
    nlohmann::json all{{"figures", figures}};
    write_file_atomic(dir / "figures.json", all.dump(1) + "\n");
    const fs::path log_path = dir / "render.log";
    const std::string cmd = fmt::format("{} {} {} {} >{} 2>&1", shell_quote(renderer.python), shell_quote(renderer.script.string()),
                                        shell_quote((dir / "figures.json").string()), shell_quote(dir.string()),
                                        shell_quote(log_path.string()));
    const int rc = std::system(cmd.c_str());
    log = read_file(log_path);
    if (rc != 0) {
      const std::string why = renderer_message(log, "");
      problem = fmt::format("figures not all drawn by {} {}: {}", renderer.python, renderer.script.filename().string(),
                            why.empty() ? "it failed" : why);
    }
  }

  std::string page = texts[0];
  const std::string rel = dir.filename().string();
  for (std::size_t i = 0; i < figures.size(); ++i) {
    const std::string name = figures[i]["name"];
    const fs::path png = dir / (name + ".png");
    if (renderer.enabled && fs::exists(png)) {
      page += fmt::format("<img src=\"data:image/png;base64,{}\" alt=\"{}\"><br><span class=links><a href=\"{}/{}.png\">PNG</a> · "
                          "<a href=\"{}/{}.pdf\">PDF</a></span>",
                          base64(read_file(png)), html_escape(name), rel, name, rel, name);
    } else {
      const std::string why = renderer.enabled ? renderer_message(log, name) : problem;
      page += fmt::format("<p class=note>(figure {} not drawn: {})</p>", html_escape(name), html_escape(why.empty() ? problem : why));
    }
    page += texts[i + 1];
  }
  return page;
}

std::string write_report(const std::string& suite, const std::vector<RunRecord>& runs, const fs::path& out,
                         const FigureRenderer& renderer) {
  std::string h = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Saturn: " + html_escape(suite) +
                  "</title>\n<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
                  "table{border-collapse:collapse;margin:1em 0;font-size:90%}td,th{border:1px solid #ccc;padding:2px 6px;"
                  "text-align:left}th{background:#f2f2f2}figure.plot{display:inline-block;vertical-align:top;max-width:100%;"
                  "margin:0.5em 0.5em 1em 0}figure.plot img{max-width:100%;height:auto;display:block}"
                  "figcaption{font-size:90%;color:#444;max-width:40em}.links{font-size:80%}.note{color:#a00}"
                  "</style></head><body>\n";
  h += fmt::format("<h1>Suite <code>{}</code></h1>\n<p>{} complete runs · saturn {} ({})</p>\n", html_escape(suite),
                   runs.size(), version(), git_revision());
  const std::string sections = report_sections(runs);
  std::string problem;
  const std::string body = resolve_figures(sections, out / "figures", renderer, problem);
  if (!problem.empty())
    h += "<p class=note>" + html_escape(problem) +
         ". Install Python 3 with matplotlib (Debian: python3-matplotlib), then redraw with the same <code>saturn run</code> "
         "command and <code>--report-only</code>.</p>\n";
  h += body;
  h += "<p>Data: <a href=\"results.csv\">results.csv</a> (run × mode × split), <a href=\"runs.csv\">runs.csv</a> (one row "
       "per run), each run's folder (config.yaml, summary.json, metrics.jsonl); figures as PNG and PDF in "
       "<a href=\"figures/\">figures/</a>. Columns: docs/results-schema.md.</p>\n</body></html>\n";
  write_file_atomic(out / "report.html", h);
  return problem;
}

}  // namespace saturn
