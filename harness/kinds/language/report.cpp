// The language kind's section of report.html.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "harness/kinds/language/spec.h"
#include "harness/plot.h"
#include "harness/report.h"
#include "transformer/metrics.h"

namespace saturn {

namespace {

std::string fixed(double x, int digits = 3) { return std::isfinite(x) ? fmt::format("{:.{}f}", x, digits) : "–"; }

double number(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}

// Mean length of a split of a language task ("train" or a test bin), for accuracy-vs-length axes.
double split_midpoint(const TaskSpec& t, const std::string& bin) {
  if (bin == "train") return 0.5 * (t.train.lengths.lo + t.train.lengths.hi);
  for (const auto& b : t.test_bins)
    if (bin == "test_" + b.lengths.str()) return 0.5 * (b.lengths.lo + b.lengths.hi);
  return std::nan("");
}

// The line a t^gamma of a power-law fit over the given steps, titled with gamma and its interval.
Series fitted_line(const nlohmann::json& fit, const std::vector<double>& steps) {
  const double a = fit["a"].get<double>(), g = fit["gamma"].get<double>();
  Series line{fmt::format("{:.3g} t^{:.3f} [{:.3f}, {:.3f}]", a, g, fit["gamma_low"].get<double>(), fit["gamma_high"].get<double>()),
              {}, {}, "lines"};
  for (double t : steps) line.x.push_back(t), line.y.push_back(a * std::pow(t, g));
  return line;
}

}  // namespace

std::string report_section_language(const std::vector<RunRecord>& runs) {
  std::string h = "<h2>Formal-language tasks</h2>\n";
  // Accuracy table: run x mode, one column per split.
  struct Line {
    std::vector<std::string> head, bins;
    std::string exact;
  };
  std::vector<Line> lines;
  std::size_t max_bins = 0;
  for (const auto& r : runs) {
    std::map<std::string, std::vector<std::string>> by_mode;
    std::vector<std::string> modes;
    for (const auto& row : r.summary["rows"]) {
      const auto mode = row.value("mode", "");
      if (!by_mode.count(mode)) modes.push_back(mode);
      by_mode[mode].push_back(row.value("bin", "") + ": " + fixed(number(row, "accuracy")));
    }
    const auto& sc = r.summary["scalars"];
    for (const auto& m : modes) {
      const std::string key = "exact_" + m;
      max_bins = std::max(max_bins, by_mode[m].size());
      lines.push_back({{r.point->id, language_spec(r.point->task).language, m}, by_mode[m],
                       sc.contains(key) && sc[key].is_number()
                           ? fmt::format("{} (N={})", sc[key].get<double>() > 0.5 ? "yes" : "no", number(sc, "verified_length"))
                           : "–"});
    }
  }
  std::vector<std::string> header{"run", "language", "mode"};
  for (std::size_t i = 0; i < max_bins; ++i) header.push_back(i == 0 ? "accuracy (train)" : fmt::format("bin {}", i));
  header.push_back("recognizes exactly");
  std::vector<std::vector<std::string>> rows;
  for (auto& l : lines) {
    l.bins.resize(max_bins, "");
    l.head.insert(l.head.end(), l.bins.begin(), l.bins.end());
    l.head.push_back(l.exact);
    rows.push_back(std::move(l.head));
  }
  h += "<h3>Accuracy per length bin and mode</h3>\n" + html_table(header, rows);

  // Accuracy vs length, one plot per task (modes x runs as series).
  std::map<std::string, std::vector<const RunRecord*>> by_task;
  std::vector<std::string> task_order;
  for (const auto& r : runs) {
    if (!by_task.count(r.point->task.name)) task_order.push_back(r.point->task.name);
    by_task[r.point->task.name].push_back(&r);
  }
  for (const auto& task : task_order) {
    const auto& rs = by_task[task];
    Plot p{fmt::format("{}: accuracy vs length", task), "mean string length of the bin", "accuracy", false, false, {}, 480, 300,
           "set yrange [0:1.05]"};
    // Mean over the task's runs (seeds, sweep points) per mode and split.
    std::map<std::string, std::map<double, std::pair<double, int>>> sums;  // mode -> length -> (sum, n)
    for (const RunRecord* r : rs)
      for (const auto& row : r->summary["rows"]) {
        const double x = split_midpoint(language_spec(r->point->task), row.value("bin", "")), y = number(row, "accuracy");
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        auto& cell = sums[row.value("mode", "")][x];
        cell.first += y;
        cell.second += 1;
      }
    std::map<std::string, Series> series;
    for (const auto& [mode, cells] : sums) {
      auto& s = series[mode];
      s.title = rs.size() > 1 ? fmt::format("{} (mean of {} runs)", mode, rs.size()) : mode;
      s.style = "linespoints";
      for (const auto& [x, cell] : cells) s.x.push_back(x), s.y.push_back(cell.first / cell.second);
    }
    for (auto& [_, s] : series) p.series.push_back(s);
    if (rs.size() == 1 && p.series.size() <= 1 && language_spec(rs.front()->point->task).test_bins.empty()) continue;
    h += html_figure(p);
  }

  // Norm growth: parameter norm vs step (log-log) with the fitted power law.
  for (const auto& r : runs) {
    const auto& res = r.summary["result"];
    if (!res.contains("norm_fit")) continue;
    const auto metrics = read_jsonl(r.dir / "metrics.jsonl");
    Series norm{"parameter norm", {}, {}, "points"};
    for (const auto& m : metrics)
      if (m.contains("param_norm") && m["step"].get<double>() > 0)
        norm.x.push_back(m["step"].get<double>()), norm.y.push_back(m["param_norm"].get<double>());
    if (norm.x.size() < 3) continue;
    h += html_figure(Plot{fmt::format("{}: parameter norm", r.point->id), "step", "||theta||", true, true,
                          {norm, fitted_line(res["norm_fit"], norm.x)}, 480, 300, ""});
    if (res.contains("norm_growth_fit")) {
      const double norm0 = number(r.summary["scalars"], "initial_param_norm");
      Series growth{"||theta_t|| - ||theta_0||", {}, {}, "points"};
      for (std::size_t i = 0; i < norm.x.size(); ++i)
        if (norm.y[i] > norm0) growth.x.push_back(norm.x[i]), growth.y.push_back(norm.y[i] - norm0);
      h += html_figure(Plot{fmt::format("{}: norm growth since initialisation", r.point->id), "step",
                            "||theta_t|| - ||theta_0||", true, true, {growth, fitted_line(res["norm_growth_fit"], growth.x)},
                            480, 300, ""});
    }
    // Saturation agreement as the norm grows.
    const auto sat = read_jsonl(r.dir / "saturation.jsonl");
    if (!sat.empty()) {
      Series s{"saturated = softmax decisions", {}, {}, "linespoints"};
      for (const auto& m : sat) s.x.push_back(m["param_norm"].get<double>()), s.y.push_back(m["agreement"].get<double>());
      h += html_figure(Plot{fmt::format("{}: saturation agreement", r.point->id), "parameter norm", "agreement", false, false,
                            {s}, 480, 300, "set yrange [0:1.05]"});
    }
  }

  // Saturation study: agreement with saturated decisions as temperature / scale grow.
  for (const auto& r : runs) {
    const auto& res = r.summary["result"];
    if (!res.contains("saturation_study")) continue;
    Plot p{fmt::format("{}: decisions like saturated", r.point->id), "C (temperature:C) or RHO (scaled:RHO)",
           "agreement with saturated", true, false, {}, 480, 300, "set yrange [0:1.05]"};
    for (const char* family : {"temperature", "scaled"}) {
      if (!res["saturation_study"].contains(family)) continue;
      const auto& c = res["saturation_study"][family];
      Series s{fmt::format("{} (stable from {})", family, c["stable_from"].get<double>()), {}, {}, "linespoints"};
      s.x = c["values"].get<std::vector<double>>();
      s.y = c["agreement"].get<std::vector<double>>();
      p.series.push_back(s);
    }
    h += html_figure(p);
  }

  // Heads: support-size histograms.
  for (const auto& r : runs) {
    const auto& res = r.summary["result"];
    if (!res.contains("heads")) continue;
    Plot p{fmt::format("{}: attention support sizes", r.point->id), "positions attended (scaled:1000, > 1e-5)", "queries",
           false, false, {}, 480, 300, "set style fill transparent solid 0.4"};
    std::vector<std::vector<std::string>> table;
    for (const auto& head : res["heads"]) {
      Series s{fmt::format("L{} H{} ({})", head["layer"].get<int>(), head["head"].get<int>(), head["kind"].get<std::string>()),
               {}, {}, "linespoints"};
      const auto& hist = head["support_histogram"];
      for (std::size_t k = 0; k < hist.size(); ++k)
        if (hist[k].get<long>() > 0) s.x.push_back(static_cast<double>(k)), s.y.push_back(hist[k].get<double>());
      p.series.push_back(s);
      table.push_back({std::to_string(head["layer"].get<int>()), std::to_string(head["head"].get<int>()),
                       head["kind"].get<std::string>(), fixed(number(head, "mean_support"), 2),
                       fixed(number(head, "mean_entropy"), 3)});
    }
    h += html_figure(p) + html_table({"layer", "head", "kind", "mean support", "entropy (nats)"}, table);
  }

  // Scalars (norm exponent, agreement, ...).
  std::vector<std::string> names;
  for (const auto& r : runs)
    for (const auto& [k, _] : r.summary["scalars"].items())
      if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
  std::vector<std::vector<std::string>> srows;
  for (const auto& r : runs) {
    std::vector<std::string> line{r.point->id};
    for (const auto& n : names) line.push_back(fixed(number(r.summary["scalars"], n.c_str()), 4));
    srows.push_back(std::move(line));
  }
  names.insert(names.begin(), "run");
  h += "<h3>Final figures</h3>\n" + html_table(names, srows);
  return h;
}


}  // namespace saturn
