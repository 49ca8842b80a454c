// The grokking kind's section of report.html.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "harness/kinds/grokking/spec.h"
#include "harness/report.h"

namespace saturn {

namespace {

std::string fmt_number(double x, int digits = 0) {
  if (!std::isfinite(x)) return "–";
  return fmt::format("{:.{}f}", x, digits);
}

struct GrokRun {
  std::string placement;
  double alpha = 1;
  std::uint64_t seed = 0;
  std::vector<nlohmann::json> trace;
  double grok_acc = std::nan(""), grok_loss = std::nan("");
};

double scalar(const nlohmann::json& summary, const char* name) {
  if (!summary.contains("scalars") || !summary["scalars"].contains(name) || !summary["scalars"][name].is_number())
    return std::nan("");
  return summary["scalars"][name].get<double>();
}

// Mean over runs of a trace quantity at each recorded step (only steps every run has).
Series mean_series(const std::vector<const GrokRun*>& runs, const char* split, const char* key, const std::string& title,
                   bool skip_zero) {
  std::map<std::int64_t, std::pair<double, int>> acc;
  for (const auto* r : runs)
    for (const auto& rec : r->trace) {
      const double v = trace_value(rec, split, key);
      if (!std::isfinite(v)) continue;
      auto& [sum, n] = acc[rec["step"].get<std::int64_t>()];
      sum += v;
      ++n;
    }
  Series s;
  s.label = title;
  s.style = Series::Style::line;
  for (const auto& [step, sn] : acc)
    if (sn.second == static_cast<int>(runs.size()) && !(skip_zero && step == 0)) {
      s.x.push_back(static_cast<double>(step));
      s.y.push_back(sn.first / sn.second);
    }
  return s;
}

}  // namespace

std::string report_section_grokking(const std::vector<RunRecord>& records) {
  std::vector<GrokRun> runs;
  std::vector<std::string> placements;
  std::set<double> alphas;
  for (const auto& r : records) {
    GrokRun g;
    const auto res = r.summary.value("result", nlohmann::json::object());
    g.placement = res.value("placement", std::string("?"));
    g.alpha = res.value("readout_scale", 1.0);
    g.seed = r.summary.value("seed", std::uint64_t{0});
    g.trace = read_grokking_trace(r.dir / res.value("trace", std::string("grokking.jsonl")));
    g.grok_acc = scalar(r.summary, "steps_to_grok_accuracy");
    g.grok_loss = scalar(r.summary, "steps_to_grok_loss");
    if (std::find(placements.begin(), placements.end(), g.placement) == placements.end()) placements.push_back(g.placement);
    alphas.insert(g.alpha);
    runs.push_back(std::move(g));
  }
  std::string h = "<h2>Grokking: modular addition</h2>\n";
  h += "<p>(a + b) mod P from [a, b, =], full-batch AdamW; steps to grok = the first recorded step with test accuracy "
       "&ge; the threshold (or test loss &le; it), mean over the seeds that reached it, with how many did.</p>\n";
  if (runs.empty()) return h + "<p>No complete runs.</p>\n";
  const double ref_alpha = alphas.count(1.0) ? 1.0 : *alphas.begin();

  // Steps-to-grok tables: placement x alpha.
  for (const bool by_acc : {true, false}) {
    std::vector<std::string> header{"placement"};
    for (double a : alphas) header.push_back(fmt::format("α = {}", a));
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : placements) {
      std::vector<std::string> row{html_escape(p)};
      for (double a : alphas) {
        double sum = 0;
        int n = 0, k = 0;
        for (const auto& r : runs)
          if (r.placement == p && r.alpha == a) {
            ++n;
            const double s = by_acc ? r.grok_acc : r.grok_loss;
            if (std::isfinite(s)) sum += s, ++k;
          }
        row.push_back(n == 0 ? "" : fmt::format("{} ({}/{})", k ? fmt_number(sum / k) : "never", k, n));
      }
      rows.push_back(std::move(row));
    }
    h += by_acc ? "<h3>Steps until test accuracy &ge; threshold</h3>\n" : "<h3>Steps until test loss &le; threshold</h3>\n";
    h += html_table(header, rows);
  }

  // Accuracy vs step, one plot per placement: test accuracy per alpha, train accuracy at the reference alpha.
  h += "<h3>Train and test accuracy</h3>\n";
  for (const auto& p : placements) {
    Panel plot;
    plot.title = "accuracy, " + p;
    plot.xlabel = "step";
    plot.ylabel = "accuracy (mean over seeds)";
    plot.logx = true;
    plot.ylim = {0, 1.02};
    for (double a : alphas) {
      std::vector<const GrokRun*> sel;
      for (const auto& r : runs)
        if (r.placement == p && r.alpha == a) sel.push_back(&r);
      if (sel.empty()) continue;
      if (a == ref_alpha) {
        auto tr = mean_series(sel, "train", "accuracy", fmt::format("train α={}", a), true);
        tr.style = Series::Style::dashed;
        plot.series.push_back(std::move(tr));
      }
      plot.series.push_back(mean_series(sel, "test", "accuracy", fmt::format("test α={}", a), true));
    }
    h += html_figure(one_panel("grokking-accuracy-" + p, std::move(plot)));
  }

  // Attention entropy vs step and effective rank vs test accuracy, at the reference alpha.
  Panel ent;
  ent.title = fmt::format("attention entropy (test, α = {})", ref_alpha);
  ent.xlabel = "step";
  ent.ylabel = "mean head entropy (nats)";
  ent.logx = true;
  Panel rank;
  rank.title = fmt::format("pre-logit feature effective rank vs test accuracy (α = {})", ref_alpha);
  rank.xlabel = "test accuracy";
  rank.ylabel = "effective rank (test features)";
  for (const auto& p : placements) {
    std::vector<const GrokRun*> sel;
    for (const auto& r : runs)
      if (r.placement == p && r.alpha == ref_alpha) sel.push_back(&r);
    if (sel.empty()) continue;
    ent.series.push_back(mean_series(sel, "test", "entropy", p, true));
    Series pts;
    pts.label = p;
    pts.style = Series::Style::points;
    for (const auto* r : sel)
      for (const auto& rec : r->trace) {
        pts.x.push_back(trace_value(rec, "test", "accuracy"));
        pts.y.push_back(trace_value(rec, "test", "effective_rank"));
      }
    rank.series.push_back(std::move(pts));
  }
  h += "<h3>Attention entropy</h3>\n" + html_figure(one_panel("grokking-entropy", std::move(ent)), "Mean over layers, heads and test queries of each head's entropy;"
                                                           " the maximum is ln 3 = 1.099 for [a, b, =].");
  h += "<h3>Feature compressibility</h3>\n" +
       html_figure(one_panel("grokking-effective-rank", std::move(rank)), "exp(entropy of the normalised eigenvalues of FᵀF), F = features at the last position, every record of every seed.");
  return h;
}


}  // namespace saturn
