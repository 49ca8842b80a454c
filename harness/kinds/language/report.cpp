// The language kind's section of report.html: accuracy per split and mode (table), a heat map of
// the longest bin's accuracy (task x mode), accuracy vs string length per mode with a band over
// seeds, training curves, the parameter norm with its power-law fit, saturation curves, and the
// saturation analyses' files (robustness.csv, heads.csv, score_gaps.csv, attention.json; see
// docs/results-schema.md) when a run has them.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "core/error.h"
#include "harness/capacity.h"
#include "harness/kinds/language/spec.h"
#include "harness/report.h"
#include "harness/suite_runner.h"
#include "transformer/metrics.h"

namespace saturn {

namespace {

// A power law is drawn only over at least this many points (fewer give a meaningless interval).
constexpr int kMinFitPoints = 10;
// The capacity table's constructions are verified on every word up to the longest length within
// this many words (binary alphabets: length 11).
constexpr std::uint64_t kReportConstructionBudget = 4096;
// Attention maps: at most this many entries (string x mode) of attention.json per run.
constexpr std::size_t kMaxAttentionStrings = 4;

std::string fixed(double x, int digits = 3) { return std::isfinite(x) ? fmt::format("{:.{}f}", x, digits) : "–"; }

double number(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}

double to_double(const std::string& s) {
  try {
    return s.empty() ? std::nan("") : std::stod(s);
  } catch (const std::exception&) {
    return std::nan("");
  }
}

Series series(std::string label, Series::Style style = Series::Style::line_points) {
  Series s;
  s.label = std::move(label);
  s.style = style;
  return s;
}

std::string lengths_text(const TidyRow& t) { return t.lengths ? t.split + " " + t.lengths->str() : t.split; }
double midpoint(const TidyRow& t) { return t.lengths ? 0.5 * (t.lengths->lo + t.lengths->hi) : std::nan(""); }

// The run's sweep values other than the seed ("" without any): runs that differ only in their seed share it.
std::string setting(const RunRecord& r) {
  std::string s;
  for (const auto& [k, v] : r.point->params)
    if (k != "seed") s += (s.empty() ? "" : ", ") + k + "=" + v;
  return s;
}

// Mean ± sd over seeds as a series with a band (the band only where there are two or more values).
void add_point(Series& s, double x, const Stat& st, double lo_clip, double hi_clip) {
  s.x.push_back(x);
  s.y.push_back(st.mean());
  const double sd = st.sd();
  s.y_low.push_back(std::isfinite(sd) ? std::max(lo_clip, st.mean() - sd) : st.mean());
  s.y_high.push_back(std::isfinite(sd) ? std::min(hi_clip, st.mean() + sd) : st.mean());
}

std::string accuracy_table(const std::vector<RunRecord>& runs) {
  struct Line {
    std::vector<std::string> head, cells;
    std::string exact;
  };
  std::vector<Line> lines;
  std::size_t max_cells = 0;
  for (const auto& r : runs) {
    std::vector<std::string> modes;
    std::map<std::string, std::vector<std::string>> by_mode;
    for (const auto& t : tidy_rows(r)) {
      if (!by_mode.count(t.mode)) modes.push_back(t.mode);
      by_mode[t.mode].push_back(lengths_text(t) + ": " + fixed(t.accuracy));
    }
    const auto& sc = r.summary["scalars"];
    for (const auto& m : modes) {
      const std::string key = "exact_" + m;
      max_cells = std::max(max_cells, by_mode[m].size());
      lines.push_back({{r.point->id, run_labels(r).language, m}, by_mode[m],
                       sc.contains(key) && sc[key].is_number()
                           ? fmt::format("{} (N={})", sc[key].get<double>() > 0.5 ? "yes" : "no", number(sc, "verified_length"))
                           : "–"});
    }
  }
  std::vector<std::string> header{"run", "language", "mode"};
  for (std::size_t i = 0; i < max_cells; ++i) header.push_back(i == 0 ? "accuracy (train)" : fmt::format("test bin {}", i));
  header.push_back("recognizes exactly");
  std::vector<std::vector<std::string>> rows;
  for (auto& l : lines) {
    l.cells.resize(max_cells, "");
    l.head.insert(l.head.end(), l.cells.begin(), l.cells.end());
    l.head.push_back(l.exact);
    rows.push_back(std::move(l.head));
  }
  return "<h3>Accuracy per split and mode</h3>\n" + html_table(header, rows);
}

// Task x mode: accuracy on each run's longest test bin (mean over the task's runs).
std::string capacity_heatmap(const std::vector<RunRecord>& runs) {
  std::vector<std::string> tasks, modes;
  std::map<std::pair<std::string, std::string>, Stat> cells;
  std::map<std::string, std::string> language_of;
  for (const auto& r : runs) {
    const auto rows = tidy_rows(r);
    int longest = -1;
    for (const auto& t : rows)
      if (t.split == "test" && t.lengths) longest = std::max(longest, t.lengths->hi);
    const std::string& task = r.point->task.name;
    if (!language_of.count(task)) tasks.push_back(task), language_of[task] = run_labels(r).language;
    for (const auto& t : rows) {
      if (std::find(modes.begin(), modes.end(), t.mode) == modes.end()) modes.push_back(t.mode);
      if (longest < 0 ? t.split == "train" : (t.split == "test" && t.lengths && t.lengths->hi == longest))
        cells[{task, t.mode}].add(t.accuracy);
    }
  }
  if (tasks.size() < 2) return "";
  HeatMap m;
  m.columns = modes;
  m.colorbar = "accuracy";
  for (const auto& task : tasks) {
    m.rows.push_back(task == language_of[task] ? task : fmt::format("{} ({})", task, language_of[task]));
    std::vector<double> line;
    for (const auto& mode : modes) line.push_back(cells.count({task, mode}) ? cells[{task, mode}].mean() : std::nan(""));
    m.values.push_back(std::move(line));
  }
  Panel p;
  p.title = "accuracy on the longest test bin";
  p.xlabel = "evaluation mode";
  p.heatmap = std::move(m);
  Figure f = one_panel("language-capacity-heatmap", std::move(p));
  f.panel_width = std::max(5.5, 2.5 + 0.9 * static_cast<double>(modes.size()));
  f.panel_height = std::max(3.0, 1.2 + 0.32 * static_cast<double>(tasks.size()));
  return html_figure(f, "Mean over the task's runs; a task without test bins shows its training split.");
}

// The capacity table (harness/capacity.h) of the suite's runs, with the constructions verified
// (on fewer words than `saturn capacity`'s default, so every suite's report stays quick) and the
// theory column of the source tree's harness/theory.yaml (left empty, with a sentence saying why,
// when that file cannot be read).
std::string capacity_table(const std::vector<RunRecord>& runs) {
  auto rows = capacity_rows(runs);
  if (rows.empty()) return "";
  Theory theory;
  std::string problem;
  try {
    theory = load_theory(default_theory_path());
  } catch (const Error& e) {
    problem = fmt::format("<p>The theory column is empty: {}</p>\n", html_escape(e.what()));
  }
  std::vector<std::string> languages;
  for (const auto& r : rows)
    if (std::find(languages.begin(), languages.end(), r.language) == languages.end()) languages.push_back(r.language);
  CapacityOptions options;
  options.construction_budget = kReportConstructionBudget;
  std::vector<ConstructionCheck> checks;
  try {
    checks = check_constructions(default_programs_dir(), languages, capacity_modes(rows), options);
  } catch (const Error& e) {
    problem += fmt::format("<p>The construction column is empty: {}</p>\n", html_escape(e.what()));
  }
  annotate_capacity(rows, theory, checks, options);
  return capacity_html(rows) + problem;
}

// Accuracy vs string length per task: a panel per sweep setting (seeds pooled), a line per mode.
std::string accuracy_vs_length(const std::vector<RunRecord>& runs) {
  std::vector<std::string> task_order;
  std::map<std::string, std::vector<const RunRecord*>> by_task;
  for (const auto& r : runs) {
    if (!by_task.count(r.point->task.name)) task_order.push_back(r.point->task.name);
    by_task[r.point->task.name].push_back(&r);
  }
  std::string h;
  for (const auto& task : task_order) {
    std::vector<std::string> settings;
    std::map<std::string, std::map<std::string, std::map<double, Stat>>> cells;  // setting -> mode -> length -> accuracy
    std::map<std::string, int> seeds;
    std::vector<std::string> modes;
    for (const RunRecord* r : by_task[task]) {
      const auto key = setting(*r);
      if (!seeds.count(key)) settings.push_back(key);
      ++seeds[key];
      for (const auto& t : tidy_rows(*r)) {
        if (std::find(modes.begin(), modes.end(), t.mode) == modes.end()) modes.push_back(t.mode);
        if (t.lengths) cells[key][t.mode][midpoint(t)].add(t.accuracy);
      }
    }
    if (language_spec(by_task[task].front()->point->task).test_bins.empty() && modes.size() <= 1) continue;
    Figure f;
    f.name = "language-accuracy-vs-length-" + task;
    for (const auto& key : settings) {
      Panel p;
      p.title = fmt::format("{}{}", task, key.empty() ? "" : " (" + key + ")");
      if (seeds[key] > 1) p.title += fmt::format(", mean ± sd over {} seeds", seeds[key]);
      p.xlabel = "string length (bin midpoint)";
      p.ylabel = "accuracy";
      p.ylim = {0, 1.05};
      for (const auto& mode : modes) {
        auto s = series(mode);
        for (const auto& [x, st] : cells[key][mode]) add_point(s, x, st, 0.0, 1.0);
        if (seeds[key] < 2) s.y_low.clear(), s.y_high.clear();
        p.series.push_back(std::move(s));
      }
      f.panels.push_back(std::move(p));
      if (f.panels.size() == 9) break;  // the rest are in results.csv
    }
    h += html_figure(f, "A line per evaluation mode over the splits' mid lengths, the training split included; the band "
                        "is ± one standard deviation over the seeds.");
  }
  return h;
}

// Training loss and accuracy vs step from metrics.jsonl: the training batches and every eval split.
std::string training_curves(const RunRecord& r) {
  const auto metrics = read_jsonl(r.dir / "metrics.jsonl");
  Panel loss, acc;
  loss.title = r.point->id + ": loss";
  acc.title = r.point->id + ": accuracy";
  loss.xlabel = acc.xlabel = "step";
  loss.ylabel = "loss";
  acc.ylabel = "accuracy";
  loss.logy = true;
  acc.ylim = {0, 1.05};
  auto batch_loss = series("training batches", Series::Style::line), batch_acc = series("training batches", Series::Style::line);
  std::map<std::string, std::pair<Series, Series>> evals;
  std::vector<std::string> eval_order;
  for (const auto& m : metrics) {
    const double step = number(m, "step");
    if (m.contains("eval") && m["eval"].is_object()) {
      for (const auto& [split, v] : m["eval"].items()) {
        if (!evals.count(split)) {
          eval_order.push_back(split);
          evals[split] = {series(split), series(split)};
        }
        evals[split].first.x.push_back(step), evals[split].first.y.push_back(number(v, "loss"));
        evals[split].second.x.push_back(step), evals[split].second.y.push_back(number(v, "accuracy"));
      }
    } else if (m.contains("loss")) {
      batch_loss.x.push_back(step), batch_loss.y.push_back(number(m, "loss"));
      batch_acc.x.push_back(step), batch_acc.y.push_back(number(m, "accuracy"));
    }
  }
  loss.series.push_back(std::move(batch_loss));
  acc.series.push_back(std::move(batch_acc));
  for (const auto& split : eval_order) {
    loss.series.push_back(evals[split].first);
    acc.series.push_back(evals[split].second);
  }
  Figure f;
  f.name = "language-training-" + r.point->id;
  f.panels = {std::move(loss), std::move(acc)};
  return html_figure(f);
}

// log-log points with the fitted a t^gamma and the band of gamma's interval (pivoting at the
// points' geometric mean), or a note when there are too few points for a fit.
Panel power_law_panel(std::string title, std::string ylabel, const Series& points, const nlohmann::json* fit) {
  Panel p;
  p.title = std::move(title);
  p.xlabel = "step";
  p.ylabel = std::move(ylabel);
  p.logx = p.logy = true;
  p.series.push_back(points);
  const int n = static_cast<int>(points.x.size());
  if (!fit || n < kMinFitPoints) {
    p.note = fmt::format("no power-law fit: {} points (at least {} needed)", n, kMinFitPoints);
    return p;
  }
  const double a = number(*fit, "a"), g = number(*fit, "gamma"), lo = number(*fit, "gamma_low"), hi = number(*fit, "gamma_high");
  double mean_log_t = 0;
  for (double t : points.x) mean_log_t += std::log(t);
  mean_log_t /= n;
  auto line = series(fmt::format("{:.3g} t^{:.3f}, gamma in [{:.3f}, {:.3f}]", a, g, lo, hi), Series::Style::line);
  for (double t : points.x) {
    const double at_pivot = std::log(a) + g * mean_log_t, d = std::log(t) - mean_log_t;
    line.x.push_back(t);
    line.y.push_back(a * std::pow(t, g));
    line.y_low.push_back(std::exp(at_pivot + std::min(lo * d, hi * d)));
    line.y_high.push_back(std::exp(at_pivot + std::max(lo * d, hi * d)));
  }
  p.series.push_back(std::move(line));
  return p;
}

std::string norm_growth(const RunRecord& r) {
  const auto& res = r.summary["result"];
  if (!res.contains("norm_fit")) return "";
  auto norm = series("parameter norm", Series::Style::points);
  for (const auto& m : read_jsonl(r.dir / "metrics.jsonl"))
    if (m.contains("param_norm") && number(m, "step") > 0) norm.x.push_back(number(m, "step")), norm.y.push_back(number(m, "param_norm"));
  if (norm.x.empty()) return "";
  Figure f;
  f.name = "language-norm-" + r.point->id;
  f.panels.push_back(power_law_panel(r.point->id + ": parameter norm", "||theta_t||", norm, &res["norm_fit"]));
  if (res.contains("norm_growth_fit")) {
    const double norm0 = number(r.summary["scalars"], "initial_param_norm");
    auto growth = series("||theta_t|| - ||theta_0||", Series::Style::points);
    for (std::size_t i = 0; i < norm.x.size(); ++i)
      if (norm.y[i] > norm0) growth.x.push_back(norm.x[i]), growth.y.push_back(norm.y[i] - norm0);
    f.panels.push_back(power_law_panel(r.point->id + ": growth since initialisation", "||theta_t|| - ||theta_0||", growth,
                                       &res["norm_growth_fit"]));
  }
  const auto sat = read_jsonl(r.dir / "saturation.jsonl");
  if (!sat.empty()) {
    Panel p;
    p.title = r.point->id + ": saturated = softmax decisions";
    p.xlabel = "parameter norm";
    p.ylabel = "agreement";
    p.ylim = {0, 1.05};
    auto s = series("agreement");
    for (const auto& m : sat) s.x.push_back(number(m, "param_norm")), s.y.push_back(number(m, "agreement"));
    p.series.push_back(std::move(s));
    f.panels.push_back(std::move(p));
  }
  return html_figure(f, fmt::format("Power laws fitted by least squares on log-log axes (shaded: the 95% interval of the "
                                    "exponent); none over fewer than {} points.",
                                    kMinFitPoints));
}

std::string saturation_study(const RunRecord& r) {
  const auto& res = r.summary["result"];
  if (!res.contains("saturation_study")) return "";
  Panel p;
  p.title = r.point->id + ": decisions like saturated";
  p.xlabel = "C (temperature:C) or RHO (scaled:RHO)";
  p.ylabel = "agreement with saturated";
  p.logx = true;
  p.ylim = {0, 1.05};
  for (const char* family : {"temperature", "scaled"}) {
    if (!res["saturation_study"].contains(family)) continue;
    const auto& c = res["saturation_study"][family];
    auto s = series(fmt::format("{} (stable from {})", family, number(c, "stable_from")));
    s.x = c["values"].get<std::vector<double>>();
    s.y = c["agreement"].get<std::vector<double>>();
    p.series.push_back(std::move(s));
  }
  return html_figure(one_panel("language-saturation-study-" + r.point->id, std::move(p)));
}

std::string bin_label(const std::map<std::string, std::string>& rec) {
  const auto lo = rec.at("bin_min"), hi = rec.at("bin_max");
  return lo.empty() ? "all lengths" : lo == hi ? "length " + lo : "lengths " + lo + ".." + hi;
}

std::string get(const std::map<std::string, std::string>& rec, const char* key) {
  const auto it = rec.find(key);
  return it == rec.end() ? "" : it->second;
}

// robustness.csv: accuracy vs scale, a panel per family, a line per length bin.
std::string robustness(const RunRecord& r) {
  const auto recs = read_csv_records(r.dir / "robustness.csv");
  if (recs.empty()) return "";
  Figure f;
  f.name = "language-robustness-" + r.point->id;
  for (const char* family : {"scaled", "temperature"}) {
    Panel p;
    p.title = fmt::format("{}: accuracy vs {}", r.point->id, std::string(family) == "scaled" ? "scaled:RHO" : "temperature:C");
    p.xlabel = std::string(family) == "scaled" ? "RHO (every parameter x RHO)" : "C (scores x C)";
    p.ylabel = "accuracy";
    p.logx = true;
    p.ylim = {0, 1.05};
    std::vector<std::string> bins;
    std::map<std::string, Series> lines;
    for (const auto& rec : recs) {
      if (get(rec, "family") != family) continue;
      const auto b = bin_label(rec);
      if (!lines.count(b)) bins.push_back(b), lines[b] = series(b);
      lines[b].x.push_back(to_double(get(rec, "scale"))), lines[b].y.push_back(to_double(get(rec, "accuracy")));
    }
    for (const auto& b : bins) p.series.push_back(lines[b]);
    if (!p.series.empty()) f.panels.push_back(std::move(p));
  }
  return html_figure(f, "Accuracy as the scale grows (saturated attention in the limit).");
}

// heads.csv: each head's effect: accuracy with that head alone saturated / alone softmax, per bin.
std::string head_ablations(const RunRecord& r) {
  const auto recs = read_csv_records(r.dir / "heads.csv");
  if (recs.empty()) return "";
  std::vector<std::string> heads, bins;
  for (const auto& rec : recs) {
    const auto head = fmt::format("L{} H{}", get(rec, "layer"), get(rec, "head"));
    if (std::find(heads.begin(), heads.end(), head) == heads.end()) heads.push_back(head);
    if (std::find(bins.begin(), bins.end(), bin_label(rec)) == bins.end()) bins.push_back(bin_label(rec));
  }
  Figure f;
  f.name = "language-heads-" + r.point->id;
  for (const char* ablation : {"saturate_one", "softmax_one"}) {
    Panel p;
    p.title = std::string(ablation) == "saturate_one" ? r.point->id + ": one head saturated, the others softmax"
                                                      : r.point->id + ": one head softmax, the others saturated";
    p.ylabel = "accuracy";
    p.ylim = {0, 1.05};
    p.xticklabels = heads;
    for (const auto& b : bins) {
      auto s = series(b, Series::Style::bars);
      for (const auto& rec : recs)
        if (get(rec, "ablation") == ablation && bin_label(rec) == b) {
          const auto head = fmt::format("L{} H{}", get(rec, "layer"), get(rec, "head"));
          s.x.push_back(static_cast<double>(std::find(heads.begin(), heads.end(), head) - heads.begin()));
          s.y.push_back(to_double(get(rec, "accuracy")));
        }
      if (!s.x.empty()) p.series.push_back(std::move(s));
    }
    if (!p.series.empty()) f.panels.push_back(std::move(p));
  }
  f.panel_width = std::max(4.6, 1.2 + 0.5 * static_cast<double>(heads.size() * std::max<std::size_t>(1, bins.size())) / 2);
  return html_figure(f);
}

// score_gaps.csv: per head, the histogram of (row max - runner-up) score gaps, same vs different token.
std::string score_gaps(const RunRecord& r) {
  const auto recs = read_csv_records(r.dir / "score_gaps.csv");
  if (recs.empty()) return "";
  std::vector<std::string> heads;
  std::map<std::string, std::pair<Series, Series>> by_head;  // different, same
  for (const auto& rec : recs) {
    const auto head = fmt::format("L{} H{}", get(rec, "layer"), get(rec, "head"));
    if (!by_head.count(head)) {
      heads.push_back(head);
      by_head[head] = {series("different tokens", Series::Style::bars), series("same token", Series::Style::bars)};
      by_head[head].first.color = "#d95f02";
      by_head[head].second.color = "#1b9e77";
    }
    const std::string same = get(rec, "same_token");
    auto& s = same == "1" || same == "true" || same == "yes" ? by_head[head].second : by_head[head].first;
    s.x.push_back(to_double(get(rec, "gap_lo")));
    s.x_high.push_back(to_double(get(rec, "gap_hi")));
    s.y.push_back(to_double(get(rec, "count")));
  }
  Figure f;
  f.name = "language-score-gaps-" + r.point->id;
  f.title = r.point->id + ": score gap between the top two keys of each query";
  for (const auto& head : heads) {
    Panel p;
    p.title = head;
    p.xlabel = "max score - runner-up";
    p.ylabel = "queries";
    p.series = {by_head[head].first, by_head[head].second};
    f.panels.push_back(std::move(p));
  }
  f.columns = static_cast<int>(std::min<std::size_t>(heads.size(), 4));
  f.panel_width = 3.6, f.panel_height = 2.8;
  return html_figure(f, "Tiny gaps between different tokens: the head counts with near-uniform weights, and saturation "
                        "(ties broken exactly) changes what it computes.");
}

// attention.json: one figure per string (a few), a heat map per layer and head.
std::string attention_maps(const RunRecord& r) {
  std::ifstream in(r.dir / "attention.json");
  if (!in) return "";
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("strings") || !j["strings"].is_array()) return "";
  std::string h;
  std::size_t shown = 0;
  for (const auto& s : j["strings"]) {
    if (shown++ == kMaxAttentionStrings) break;
    const std::string text = s.value("text", ""), mode = s.value("mode", "");
    const auto& w = s["weights"];
    if (!w.is_array()) continue;
    // Tokens: one per symbol (the model's positions; a leading <bos> when there is one more query than symbols).
    std::vector<std::string> tokens;
    for (char c : text) tokens.emplace_back(1, c);
    Figure f;
    f.name = fmt::format("language-attention-{}-{}", r.point->id, shown);
    f.title = fmt::format("{}: attention on \"{}\" ({})", r.point->id, text, mode);
    for (std::size_t l = 0; l < w.size(); ++l)
      for (std::size_t hd = 0; hd < w[l].size(); ++hd) {
        HeatMap m;
        m.annotate = false;
        m.colorbar = "weight";
        const auto& rows = w[l][hd];
        const std::size_t n = rows.size();
        std::vector<std::string> labels = tokens;
        if (labels.size() + 1 == n) labels.insert(labels.begin(), "<bos>");
        if (labels.size() != n) {
          labels.clear();
          for (std::size_t k = 0; k < n; ++k) labels.push_back(std::to_string(k));
        }
        m.rows = m.columns = labels;
        for (const auto& row : rows) {
          std::vector<double> v;
          for (const auto& x : row) v.push_back(x.is_number() ? x.get<double>() : std::nan(""));
          m.values.push_back(std::move(v));
        }
        Panel p;
        p.title = fmt::format("layer {} head {}", l, hd);
        p.xlabel = "key";
        p.ylabel = "query";
        p.heatmap = std::move(m);
        f.panels.push_back(std::move(p));
      }
    f.columns = static_cast<int>(std::min<std::size_t>(f.panels.size(), 4));
    f.panel_width = 3.6, f.panel_height = 3.2;
    h += html_figure(f);
  }
  return h;
}

// Heads: support-size histograms as bars, one group per head, and a table.
std::string support_sizes(const RunRecord& r) {
  const auto& res = r.summary["result"];
  if (!res.contains("heads")) return "";
  Panel p;
  p.title = r.point->id + ": attention support sizes";
  p.xlabel = "positions attended (scaled:1000, weight > 1e-5)";
  p.ylabel = "queries";
  std::vector<std::vector<std::string>> table;
  std::size_t largest = 0;  // the largest support size any head has
  for (const auto& head : res["heads"]) {
    const auto& hist = head["support_histogram"];
    for (std::size_t k = 0; k < hist.size(); ++k)
      if (hist[k].get<double>() > 0) largest = std::max(largest, k);
  }
  for (const auto& head : res["heads"]) {
    auto s = series(fmt::format("L{} H{} ({})", head["layer"].get<int>(), head["head"].get<int>(), head["kind"].get<std::string>()),
                    Series::Style::bars);
    const auto& hist = head["support_histogram"];
    for (std::size_t k = 1; k <= largest; ++k)
      s.x.push_back(static_cast<double>(k)), s.y.push_back(k < hist.size() ? hist[k].get<double>() : 0.0);
    p.series.push_back(std::move(s));
    table.push_back({std::to_string(head["layer"].get<int>()), std::to_string(head["head"].get<int>()),
                     head["kind"].get<std::string>(), fixed(number(head, "mean_support"), 2), fixed(number(head, "mean_entropy"), 3)});
  }
  if (largest <= 16)  // one labelled group of bars per size; more sizes on a numeric axis
    for (std::size_t k = 1; k <= largest; ++k) p.xticklabels.push_back(std::to_string(k));
  for (auto& s : p.series)
    if (!p.xticklabels.empty())
      for (auto& x : s.x) x -= 1;  // categorical: tick i at x = i
  Figure f = one_panel("language-support-" + r.point->id, std::move(p));
  f.panel_width = std::clamp(2.0 + 0.35 * static_cast<double>(largest), 4.6, 9.0);
  return html_figure(f) + html_table({"layer", "head", "kind", "mean support", "entropy (nats)"}, table);
}

std::string scalars_table(const std::vector<RunRecord>& runs) {
  std::vector<std::string> names;
  for (const auto& r : runs)
    for (const auto& [k, _] : r.summary["scalars"].items())
      if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : runs) {
    std::vector<std::string> line{r.point->id};
    for (const auto& n : names) line.push_back(fixed(number(r.summary["scalars"], n.c_str()), 4));
    rows.push_back(std::move(line));
  }
  names.insert(names.begin(), "run");
  return "<h3>Final figures</h3>\n" + html_table(names, rows);
}

}  // namespace

std::string report_section_language(const std::vector<RunRecord>& runs) {
  std::string h = "<h2>Formal-language tasks</h2>\n" + accuracy_table(runs);
  h += capacity_heatmap(runs);
  h += capacity_table(runs);
  h += "<h3>Accuracy vs string length</h3>\n" + accuracy_vs_length(runs);
  std::string curves, norms, saturation, analyses, heads;
  for (const auto& r : runs) {
    curves += training_curves(r);
    norms += norm_growth(r);
    saturation += saturation_study(r) + robustness(r);
    analyses += head_ablations(r) + score_gaps(r) + attention_maps(r);
    heads += support_sizes(r);
  }
  if (!curves.empty()) h += "<h3>Training</h3>\n" + curves;
  if (!norms.empty()) h += "<h3>Parameter norm growth</h3>\n" + norms;
  if (!saturation.empty()) h += "<h3>Saturation</h3>\n" + saturation;
  if (!analyses.empty()) h += "<h3>Heads under saturation, score gaps, attention maps</h3>\n" + analyses;
  if (!heads.empty()) h += "<h3>Attention support per head</h3>\n" + heads;
  return h + scalars_table(runs);
}

}  // namespace saturn
