#include "scan_snap/analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace saturn::scan_snap {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> average_ranks(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = 0.5 * static_cast<double>(i + j) + 1.0;
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : kNaN;
}

// Mean of the defined (non-NaN) values; NaN when there are none.
struct MeanOfDefined {
  double sum = 0;
  int n = 0;
  void add(double x) {
    if (!std::isnan(x)) sum += x, ++n;
  }
  double value() const { return n ? sum / n : kNaN; }
};

}  // namespace

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return kNaN;
  return pearson(average_ranks(x), average_ranks(y));
}

double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2) return kNaN;
  double concordant = 0, discordant = 0, ties_x = 0, ties_y = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      const double dx = x[i] - x[j], dy = y[i] - y[j];
      if (dx == 0 && dy == 0) continue;
      if (dx == 0) ++ties_x;
      else if (dy == 0) ++ties_y;
      else if ((dx > 0) == (dy > 0)) ++concordant;
      else ++discordant;
    }
  const double denom = std::sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y));
  return denom > 0 ? (concordant - discordant) / denom : kNaN;
}

std::vector<double> distinct_attention(const Dataset& data, int klass, const std::vector<double>& attention) {
  const auto& support = data.support(klass);
  std::vector<double> a;
  double sum = 0;
  for (std::size_t i = 0; i < support.size(); ++i)
    if (data.is_distinct(support[i])) a.push_back(attention[i]), sum += attention[i];
  if (sum > 0)
    for (double& x : a) x /= sum;
  return a;
}

namespace {

// First recorded step from which |series - final| stays within tolerance * |first|.
int freeze_step(const std::vector<int>& steps, const std::vector<double>& series, double tolerance) {
  const double scale = std::max(1e-12, std::abs(series.front()));
  std::size_t freeze = series.size() - 1;
  while (freeze > 0 && std::abs(series[freeze - 1] - series.back()) <= tolerance * scale) --freeze;
  return steps[freeze];
}

// First recorded step by which 90% of the series' total change has happened.
int t90(const std::vector<int>& steps, const std::vector<double>& series) {
  const double change = std::abs(series.back() - series.front());
  for (std::size_t r = 0; r < series.size(); ++r)
    if (std::abs(series[r] - series.front()) >= 0.9 * change) return steps[r];
  return steps.back();
}

}  // namespace

TraceMeasures measure_trace(const Dataset& data, const Trace& trace, double freeze_tolerance) {
  TraceMeasures m;
  const std::size_t R = trace.record_steps.size();
  const int C = data.num_classes();
  m.initial_entropy = trace.mean_entropy.front();
  m.final_entropy = trace.mean_entropy.back();
  m.freeze_step = trace.freeze_step;
  m.entropy_t90 = t90(trace.record_steps, trace.mean_entropy);
  m.distinct_entropy.assign(R, 0.0);
  const int never = trace.record_steps.back() + 1;
  MeanOfDefined fs, fk, gs, ds, dk;
  long dropped = 0, distinct_total = 0;
  for (int c = 0; c < C; ++c) {
    const auto& tr = trace.classes[static_cast<std::size_t>(c)];
    const auto& support = data.support(c);
    std::vector<std::vector<double>> distinct(R);
    for (std::size_t r = 0; r < R; ++r) {
      distinct[r] = distinct_attention(data, c, tr.attention[r]);
      m.distinct_entropy[r] += entropy(distinct[r]) / C;
    }
    std::vector<double> weight;
    for (std::size_t i = 0; i < support.size(); ++i) {
      const double first = tr.attention.front()[i], last = tr.attention.back()[i];
      if (data.is_common(support[i])) m.common_mass_start += first / C, m.common_mass_end += last / C;
      if (data.is_distinct(support[i])) {
        m.distinct_mass_start += first / C, m.distinct_mass_end += last / C;
        weight.push_back(data.probabilities(c)[i]);
      }
    }
    if (weight.empty()) continue;
    std::vector<double> drop(weight.size(), never);
    for (std::size_t i = 0; i < weight.size(); ++i)
      for (std::size_t r = 1; r < R; ++r)
        if (distinct[r][i] < distinct[0][i]) {
          drop[i] = trace.record_steps[r];
          break;
        }
    const auto& final_attention = distinct.back();
    const auto top = static_cast<std::size_t>(std::max_element(weight.begin(), weight.end()) - weight.begin());
    m.top_distinct_mass_end += final_attention[top] / C;
    distinct_total += static_cast<long>(weight.size());
    for (double d : drop) dropped += d != never;
    fs.add(spearman(final_attention, weight));
    fk.add(kendall_tau_b(final_attention, weight));
    std::vector<double> gain(weight.size());
    for (std::size_t i = 0; i < gain.size(); ++i) gain[i] = std::log(final_attention[i] / distinct.front()[i]);
    gs.add(spearman(gain, weight));
    ds.add(spearman(drop, weight));
    dk.add(kendall_tau_b(drop, weight));
    if (m.mean_drop_step.size() < drop.size()) m.mean_drop_step.resize(drop.size(), 0.0);
    for (std::size_t i = 0; i < drop.size(); ++i) m.mean_drop_step[i] += drop[i] / C;
  }
  m.final_spearman = fs.value();
  m.final_kendall = fk.value();
  m.gain_spearman = gs.value();
  m.drop_spearman = ds.value();
  m.drop_kendall = dk.value();
  m.dropped_fraction = distinct_total ? static_cast<double>(dropped) / static_cast<double>(distinct_total) : 0.0;
  m.initial_distinct_entropy = m.distinct_entropy.front();
  m.final_distinct_entropy = m.distinct_entropy.back();
  m.distinct_freeze_step = freeze_step(trace.record_steps, m.distinct_entropy, freeze_tolerance);
  m.distinct_t90 = t90(trace.record_steps, m.distinct_entropy);
  return m;
}

}  // namespace saturn::scan_snap
