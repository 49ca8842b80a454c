#include "saturated_transformer/head_analysis.h"

#include <cmath>

#include "core/parallel.h"
#include "saturated_transformer/evaluator.h"

namespace saturn {

namespace {

constexpr std::size_t kGrainInputs = 4;

// Per-head accumulators (joined in a fixed order).
struct HeadAcc {
  std::vector<long> histogram;             // support size
  std::vector<double> support_by_visible;  // sum of support per visible count
  std::vector<long> queries_by_visible;
  double n = 0, s = 0, s2 = 0, v = 0, v2 = 0, sv = 0, split = 0, entropy = 0;
  long local = 0, uniform = 0;

  void grow(std::size_t size) {
    if (histogram.size() < size) histogram.resize(size, 0);
    if (support_by_visible.size() < size) support_by_visible.resize(size, 0.0), queries_by_visible.resize(size, 0);
  }
  void join(const HeadAcc& o) {
    grow(std::max(o.histogram.size(), o.support_by_visible.size()));
    for (std::size_t k = 0; k < o.histogram.size(); ++k) histogram[k] += o.histogram[k];
    for (std::size_t k = 0; k < o.support_by_visible.size(); ++k) {
      support_by_visible[k] += o.support_by_visible[k];
      queries_by_visible[k] += o.queries_by_visible[k];
    }
    n += o.n, s += o.s, s2 += o.s2, v += o.v, v2 += o.v2, sv += o.sv, split += o.split, entropy += o.entropy;
    local += o.local, uniform += o.uniform;
  }
};

}  // namespace

std::vector<HeadStats> analyse_heads(const ModelWeights& model, const std::vector<Word>& inputs,
                                     const HeadAnalysisOptions& o) {
  const auto& c = model.config;
  const std::size_t heads = static_cast<std::size_t>(c.n_layers * c.n_heads);
  const Evaluator support_ev(model, o.support_mode), soft(model, EvalMode::softmax());
  using Acc = std::vector<HeadAcc>;
  const Acc total = deterministic_reduce(
      std::size_t{0}, inputs.size(), kGrainInputs, Acc(heads),
      [&](std::size_t lo, std::size_t hi) {
        Acc acc(heads);
        for (std::size_t i = lo; i < hi; ++i) {
          const auto r = support_ev.run(inputs[i], {true, false});
          const auto e = soft.run(inputs[i], {true, false});
          const long T = static_cast<long>(inputs[i].size()) + 1;
          for (int l = 0; l < c.n_layers; ++l)
            for (int h = 0; h < c.n_heads; ++h) {
              auto& a = acc[static_cast<std::size_t>(l * c.n_heads + h)];
              const auto& w = r.attention[static_cast<std::size_t>(l)][static_cast<std::size_t>(h)];
              const auto& p = e.attention[static_cast<std::size_t>(l)][static_cast<std::size_t>(h)];
              a.grow(static_cast<std::size_t>(T) + 1);
              for (long t = 0; t < T; ++t) {
                const long visible = c.causal ? t + 1 : T;
                long support = 0;
                double entropy = 0;
                for (long j = 0; j < visible; ++j) {
                  support += w(t, j) > o.threshold;
                  if (p(t, j) > 0) entropy -= p(t, j) * std::log(p(t, j));
                }
                ++a.histogram[static_cast<std::size_t>(support)];
                a.support_by_visible[static_cast<std::size_t>(visible)] += static_cast<double>(support);
                ++a.queries_by_visible[static_cast<std::size_t>(visible)];
                const double s = static_cast<double>(support), v = static_cast<double>(visible);
                a.n += 1, a.s += s, a.s2 += s * s, a.v += v, a.v2 += v * v, a.sv += s * v;
                a.split += support > 1;
                a.entropy += entropy;
                a.local += support <= o.local_max;
                a.uniform += s >= 0.9 * v;
              }
            }
        }
        return acc;
      },
      [](Acc a, const Acc& b) {
        for (std::size_t k = 0; k < a.size(); ++k) a[k].join(b[k]);
        return a;
      });

  std::vector<HeadStats> out;
  for (int l = 0; l < c.n_layers; ++l)
    for (int h = 0; h < c.n_heads; ++h) {
      const auto& a = total[static_cast<std::size_t>(l * c.n_heads + h)];
      HeadStats st;
      st.layer = l;
      st.head = h;
      st.support_histogram = a.histogram;
      for (std::size_t k = 0; k < a.support_by_visible.size(); ++k)
        st.mean_support_by_visible.push_back(a.queries_by_visible[k] ? a.support_by_visible[k] / static_cast<double>(a.queries_by_visible[k]) : 0.0);
      if (a.n > 0) {
        st.mean_support = a.s / a.n;
        st.split_probability = a.split / a.n;
        st.std_support = std::sqrt(std::max(0.0, a.s2 / a.n - st.mean_support * st.mean_support));
        const double mv = a.v / a.n;
        const double cov = a.sv / a.n - st.mean_support * mv, var_v = a.v2 / a.n - mv * mv;
        const double var_s = st.std_support * st.std_support;
        st.support_length_correlation = var_s > 0 && var_v > 0 ? cov / std::sqrt(var_s * var_v) : 0.0;
        st.mean_entropy = a.entropy / a.n;
      }
      if (a.n > 0 && a.local >= 0.95 * a.n) st.kind = "local";
      else if (a.n > 0 && a.uniform >= 0.9 * a.n) st.kind = "uniform";
      else if (st.support_length_correlation >= 0.5) st.kind = "global";
      else st.kind = "mixed";
      out.push_back(std::move(st));
    }
  return out;
}

}  // namespace saturn
