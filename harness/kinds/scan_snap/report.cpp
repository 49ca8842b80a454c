// The scan_snap section of report.html: per task, the attention of one class over training
// (common tokens grey, distinct tokens coloured by co-occurrence weight), the final distinct-token
// entropy and the freeze step against the decoder/attention rate ratio (mean over seeds, one
// panel per number of query tokens, one line per attention rate; Tian et al.'s published Fig. 6
// values dashed), the mean step at which distinct tokens drop by weight rank, and a table.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "harness/report.h"
#include "harness/kinds/scan_snap/spec.h"

namespace saturn {

namespace {

// Tian et al. 2023, Fig. 6: mean ± sd over 10 seeds of the average entropy of c_n (distinct
// tokens) after 100 SGD steps, from luckmatters ssl/real-dataset/scan_snap/figure_6_data.pkl.
// Key: (num_last, lr_z, lr_ratio).
const std::map<std::tuple<int, double, int>, std::pair<double, double>>& paper_fig6() {
  static const std::map<std::tuple<int, double, int>, std::pair<double, double>> t{
      {{1, 0.5, 1}, {1.971, 0.028}},  {{1, 0.5, 2}, {2.007, 0.032}},  {{1, 0.5, 5}, {2.066, 0.017}},  {{1, 0.5, 10}, {2.092, 0.016}},
      {{1, 1, 1}, {1.871, 0.052}},    {{1, 1, 2}, {1.937, 0.052}},    {{1, 1, 5}, {2.022, 0.036}},    {{1, 1, 10}, {2.053, 0.030}},
      {{1, 2, 1}, {1.699, 0.101}},    {{1, 2, 2}, {1.810, 0.099}},    {{1, 2, 5}, {1.934, 0.068}},    {{1, 2, 10}, {1.900, 0.200}},
      {{1, 3, 1}, {1.551, 0.155}},    {{1, 3, 2}, {1.708, 0.152}},    {{1, 3, 5}, {1.786, 0.170}},    {{1, 3, 10}, {1.825, 0.331}},
      {{3, 0.5, 1}, {2.019, 0.010}},  {{3, 0.5, 2}, {1.988, 0.012}},  {{3, 0.5, 5}, {2.031, 0.007}},  {{3, 0.5, 10}, {2.063, 0.005}},
      {{3, 1, 1}, {1.963, 0.015}},    {{3, 1, 2}, {1.920, 0.018}},    {{3, 1, 5}, {1.982, 0.009}},    {{3, 1, 10}, {2.024, 0.008}},
      {{3, 2, 1}, {1.842, 0.024}},    {{3, 2, 2}, {1.809, 0.027}},    {{3, 2, 5}, {1.899, 0.018}},    {{3, 2, 10}, {1.955, 0.020}},
      {{3, 3, 1}, {1.737, 0.032}},    {{3, 3, 2}, {1.715, 0.038}},    {{3, 3, 5}, {1.821, 0.030}},    {{3, 3, 10}, {1.839, 0.100}},
      {{5, 0.5, 1}, {2.026, 0.005}},  {{5, 0.5, 2}, {1.994, 0.007}},  {{5, 0.5, 5}, {2.020, 0.007}},  {{5, 0.5, 10}, {2.055, 0.006}},
      {{5, 1, 1}, {1.995, 0.007}},    {{5, 1, 2}, {1.931, 0.011}},    {{5, 1, 5}, {1.971, 0.010}},    {{5, 1, 10}, {2.014, 0.009}},
      {{5, 2, 1}, {1.906, 0.012}},    {{5, 2, 2}, {1.816, 0.022}},    {{5, 2, 5}, {1.884, 0.020}},    {{5, 2, 10}, {1.926, 0.025}},
      {{5, 3, 1}, {1.817, 0.021}},    {{5, 3, 2}, {1.718, 0.032}},    {{5, 3, 5}, {1.802, 0.033}},    {{5, 3, 10}, {1.831, 0.050}},
      {{10, 0.5, 1}, {2.033, 0.004}}, {{10, 0.5, 2}, {2.012, 0.004}}, {{10, 0.5, 5}, {2.018, 0.004}}, {{10, 0.5, 10}, {2.051, 0.003}},
      {{10, 1, 1}, {2.027, 0.003}},   {{10, 1, 2}, {1.975, 0.005}},   {{10, 1, 5}, {1.976, 0.006}},   {{10, 1, 10}, {2.015, 0.006}},
      {{10, 2, 1}, {1.990, 0.005}},   {{10, 2, 2}, {1.888, 0.009}},   {{10, 2, 5}, {1.899, 0.013}},   {{10, 2, 10}, {1.947, 0.015}},
      {{10, 3, 1}, {1.940, 0.006}},   {{10, 3, 2}, {1.805, 0.013}},   {{10, 3, 5}, {1.829, 0.019}},   {{10, 3, 10}, {1.875, 0.023}},
  };
  return t;
}

// The paper's Fig. 6 setting (figure_6.log), apart from the swept values.
bool paper_setting(const ScanSnapSpec& s) {
  const auto& d = s.data;
  return s.variant == ScanSnapSpec::Variant::reparam && d.num_next_per_last == 2 && d.num_common == 10 &&
         d.num_common_per_last == 0 && d.num_unique_per_next == 10 && d.seq_len == 128 && s.steps == 100 &&
         s.batch == 128 && s.momentum == 0.9 && !s.zero_init && s.weighted_attention;
}

double scalar(const RunRecord& r, const char* name) {
  const auto& s = r.summary.contains("scalars") ? r.summary["scalars"] : nlohmann::json::object();
  return s.contains(name) && s[name].is_number() ? s[name].get<double>() : std::nan("");
}

// Colour of the i-th of n distinct tokens (increasing weight: light to dark orange-red).
std::string ramp(std::size_t i, std::size_t n) {
  const double t = n > 1 ? static_cast<double>(i) / static_cast<double>(n - 1) : 1.0;
  const int r = static_cast<int>(std::lround(253 - t * (253 - 127))), g = static_cast<int>(std::lround(208 - t * (208 - 39))),
            b = static_cast<int>(std::lround(162 - t * (162 - 4)));
  return fmt::format("#{:02x}{:02x}{:02x}", r, g, b);
}

// Attention of class 0 of a run over its support tokens vs step; with `distinct_only`, the
// distinct attention (renormalised over the distinct tokens).
std::string attention_figure(const RunRecord& r, bool distinct_only) {
  std::ifstream in(r.dir / "trace.json");
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("classes") || j["classes"].empty()) return "";
  const auto& steps = j["record_steps"];
  const auto& c = j["classes"][0];
  const auto& kinds = c["kinds"];
  const auto& att = c["attention"];
  std::vector<std::size_t> distinct;
  for (std::size_t i = 0; i < kinds.size(); ++i)
    if (kinds[i] == "distinct") distinct.push_back(i);
  Panel p;
  p.title = fmt::format("{}: class 0 ({})", r.point->id, distinct_only ? "distinct tokens, renormalised" : "all key tokens");
  p.xlabel = "step";
  p.ylabel = "attention";
  bool common_titled = false;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const bool is_distinct = kinds[i] == "distinct";
    if (distinct_only && !is_distinct) continue;
    Series s;
    for (std::size_t k = 0; k < steps.size(); ++k) {
      double y = att[k][i].get<double>();
      if (distinct_only) {
        double sum = 0;
        for (std::size_t d : distinct) sum += att[k][d].get<double>();
        y = sum > 0 ? y / sum : 0;
      }
      s.x.push_back(steps[k].get<double>());
      s.y.push_back(y);
    }
    if (is_distinct) {
      const auto rank = static_cast<std::size_t>(std::find(distinct.begin(), distinct.end(), i) - distinct.begin());
      s.style = Series::Style::line;
      s.color = ramp(rank, distinct.size());
      s.label = fmt::format("distinct w={:.3f}", c["weights"][i].get<double>());
    } else {
      s.style = Series::Style::dashed;
      s.color = "#9a9a9a";
      s.label = common_titled ? "" : "common";
      common_titled = true;
    }
    p.series.push_back(std::move(s));
  }
  Figure f = one_panel(fmt::format("scan-snap-attention-{}{}", r.point->id, distinct_only ? "-distinct" : ""), std::move(p));
  f.panel_width = 6.4;
  return html_figure(f, distinct_only ? "Distinct tokens lose attention from the rarest (light) to the most frequent (dark)."
                                      : "Attention leaves the common tokens (grey, dashed) for the distinct ones.");
}

}  // namespace

std::string report_section_scan_snap(const std::vector<RunRecord>& runs) {
  std::string h = "<h2>Scan and snap (Tian et al. 2023)</h2>\n";
  h += "<p>Distinct entropy: entropy of a class's attention c<sub>n</sub> (∝ P(l|n) exp z<sub>l</sub>) restricted to its "
       "distinct tokens, mean over classes — the quantity of the paper's Fig. 6. Freeze step: first recorded step after "
       "which it stays within tolerance × its initial value of its final value; t90: step by which 90% of its change is done. "
       "Drop order: Spearman correlation, per class, between the step at which each distinct token's (renormalised) "
       "attention first falls below its initial value and its co-occurrence weight (positive: rarer tokens drop first). Logit gain ρ: Spearman correlation of log(c<sub>l</sub>(end) / c<sub>l</sub>(start)) over distinct tokens with their weight.</p>\n";
  // Runs by task, in suite order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const RunRecord*>> by_task;
  for (const auto& r : runs) {
    const auto& name = r.point->task.name;
    if (!by_task.count(name)) order.push_back(name);
    by_task[name].push_back(&r);
  }
  for (const auto& name : order) {
    const auto& rs = by_task[name];
    const ScanSnapSpec* first = scan_snap_spec(rs.front()->point->task.runner.get());
    if (!first) continue;
    const bool transformer = first->variant == ScanSnapSpec::Variant::transformer;
    h += fmt::format("<h3>Task <code>{}</code> ({}, {} runs)</h3>\n", html_escape(name), transformer ? "1-layer transformer" : "reparameterised model", rs.size());
    h += attention_figure(*rs.front(), false);
    h += attention_figure(*rs.front(), true);

    // Grid cells (num_last, lr_z, ratio) with their runs.
    using Key = std::tuple<int, double, double>;
    std::map<Key, std::vector<const RunRecord*>> cells;
    std::set<int> lasts;
    std::set<double> rates, ratios;
    bool paper = true;
    for (const RunRecord* r : rs) {
      const ScanSnapSpec* s = scan_snap_spec(r->point->task.runner.get());
      if (!s) continue;
      cells[{s->data.num_last, s->lr_z, s->lr_ratio}].push_back(r);
      lasts.insert(s->data.num_last), rates.insert(s->lr_z), ratios.insert(s->lr_ratio);
      paper = paper && paper_setting(*s);
    }
    auto stat = [&](const Key& k, const char* name) {
      Stat st;
      for (const RunRecord* r : cells[k]) st.add(scalar(*r, name));
      return st;
    };
    if (ratios.size() > 1) {
      for (const auto& [metric, label] : {std::pair{"final_distinct_entropy", "final distinct entropy (nats)"},
                                          std::pair{"distinct_freeze_step", "freeze step"}}) {
        for (int last : lasts) {
          Panel p;
          p.title = fmt::format("{} tokens query, {} next", last, last * first->data.num_next_per_last);
          p.xlabel = "lr ratio eta_Y / eta_Z";
          p.ylabel = label;
          p.logx = true;
          for (double lr : rates) {
            Series s, ref;
            s.label = fmt::format("eta_Z={:g}", lr);
            ref.label = fmt::format("paper eta_Z={:g}", lr);
            ref.style = Series::Style::dashed;
            for (double ratio : ratios) {
              const Key k{last, lr, ratio};
              if (!cells.count(k)) continue;
              s.x.push_back(ratio), s.y.push_back(stat(k, metric).mean());
              const auto it = paper_fig6().find({last, lr, static_cast<int>(ratio)});
              if (paper && std::string(metric) == "final_distinct_entropy" && it != paper_fig6().end() &&
                  ratio == std::floor(ratio))
                ref.x.push_back(ratio), ref.y.push_back(it->second.first);
            }
            p.series.push_back(std::move(s));
            if (!ref.x.empty()) p.series.push_back(std::move(ref));
          }
          h += html_figure(one_panel(fmt::format("scan-snap-{}-{}-last{}", name, metric, last), std::move(p)));
        }
      }
    }
    // Mean drop step by weight rank, one line per ratio.
    {
      Panel p;
      p.title = "when distinct tokens start losing attention";
      p.xlabel = "distinct token by co-occurrence weight (1 = rarest)";
      p.ylabel = "mean drop step";
      for (double ratio : ratios) {
        std::vector<double> sum;
        int n = 0;
        for (const RunRecord* r : rs) {
          const ScanSnapSpec* s = scan_snap_spec(r->point->task.runner.get());
          const auto& d = r->summary["result"]["mean_drop_step_by_weight_rank"];
          if (!s || s->lr_ratio != ratio || !d.is_array()) continue;
          if (sum.size() < d.size()) sum.resize(d.size(), 0.0);
          for (std::size_t i = 0; i < d.size(); ++i) sum[i] += d[i].get<double>();
          ++n;
        }
        Series s;
        s.label = fmt::format("ratio {:g}", ratio);
        for (std::size_t i = 0; i < sum.size() && n > 0; ++i) s.x.push_back(static_cast<double>(i + 1)), s.y.push_back(sum[i] / n);
        p.series.push_back(std::move(s));
      }
      h += html_figure(one_panel(fmt::format("scan-snap-{}-drop-step", name), std::move(p)), "Tokens that never drop count as one step past the end.");
    }
    // Table.
    std::vector<std::vector<std::string>> rows;
    Stat all_drop, all_final;
    int common_fell = 0, counted = 0;
    for (const auto& [k, cell] : cells) {
      const auto it = paper_fig6().find({std::get<0>(k), std::get<1>(k), static_cast<int>(std::get<2>(k))});
      const bool has_paper = paper && it != paper_fig6().end() && std::get<2>(k) == std::floor(std::get<2>(k));
      for (const RunRecord* r : cell) {
        all_drop.add(scalar(*r, "drop_order_spearman"));
        all_final.add(scalar(*r, "logit_gain_spearman"));
        const double a = scalar(*r, "common_mass_start"), b = scalar(*r, "common_mass_end");
        if (std::isfinite(a) && std::isfinite(b)) common_fell += b < a, ++counted;
      }
      rows.push_back({std::to_string(std::get<0>(k)), fmt::format("{:g}", std::get<1>(k)), fmt::format("{:g}", std::get<2>(k)),
                      std::to_string(cell.size()), stat(k, "final_distinct_entropy").str(),
                      has_paper ? fmt::format("{:.3f} ± {:.3f}", it->second.first, it->second.second) : "",
                      stat(k, "distinct_freeze_step").str(1), stat(k, "distinct_t90").str(1), stat(k, "final_entropy").str(),
                      fmt::format("{:.3f} → {:.3f}", stat(k, "common_mass_start").mean(), stat(k, "common_mass_end").mean()),
                      stat(k, "drop_order_spearman").str(2), stat(k, "logit_gain_spearman").str(2),
                      stat(k, "final_accuracy").str()});
    }
    h += fmt::format("<p>Common tokens lost attention in {} of {} runs. Drop order Spearman over all runs: {}; logit gain "
                     "vs co-occurrence weight Spearman: {}.</p>\n",
                     common_fell, counted, all_drop.str(2), all_final.str(2));
    h += html_table({"query tokens", "eta_Z", "eta_Y/eta_Z", "runs", "distinct entropy", "paper (Fig. 6)", "freeze step",
                     "t90", "entropy (all keys)", "common mass start → end", "drop order ρ", "logit gain ρ", "test accuracy"},
                    rows);
  }
  return h;
}

}  // namespace saturn
