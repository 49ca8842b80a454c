#include "saturated_transformer/score_gaps.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/parallel.h"
#include "saturated_transformer/evaluator.h"
#include "transformer/layers/tie_rule.h"

namespace saturn {

namespace {

constexpr std::size_t kGrainInputs = 4;

// Gaps of one input: [head] same / different gaps, entropy sum and rows.
struct InputGaps {
  std::vector<std::vector<double>> same, different;
  std::vector<double> entropy;
  std::vector<long> rows;
  std::vector<long> ties;  // different-token gaps within the tie rule
};

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(mid), v.end());
  const double hi = v[mid];
  if (v.size() % 2) return hi;
  return 0.5 * (*std::max_element(v.begin(), v.begin() + static_cast<long>(mid)) + hi);
}

void add_to_histogram(std::vector<long>& hist, const std::vector<double>& edges, double gap) {
  // The last edge <= gap (gaps are >= 0 = edges[0]).
  const auto it = std::upper_bound(edges.begin(), edges.end(), gap);
  ++hist[static_cast<std::size_t>(std::max<long>(0, (it - edges.begin()) - 1))];
}

}  // namespace

std::vector<HeadScoreGaps> score_gaps(const ModelWeights& model, const std::vector<Word>& inputs,
                                      const ScoreGapOptions& o) {
  const auto& c = model.config;
  const std::size_t heads = static_cast<std::size_t>(c.n_layers * c.n_heads);
  const Evaluator soft(model, EvalMode::softmax());
  std::vector<InputGaps> per_input(inputs.size());
  parallel_chunks(0, inputs.size(), kGrainInputs, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
      auto& g = per_input[i];
      g.same.resize(heads), g.different.resize(heads), g.entropy.assign(heads, 0.0), g.rows.assign(heads, 0);
      g.ties.assign(heads, 0);
      const auto r = soft.run(inputs[i], {true, false, true});
      const long T = static_cast<long>(inputs[i].size()) + 1;
      auto token = [&](long t) { return t == 0 ? c.bos_id : static_cast<int>(inputs[i][static_cast<std::size_t>(t - 1)]); };
      for (int l = 0; l < c.n_layers; ++l)
        for (int h = 0; h < c.n_heads; ++h) {
          const std::size_t k = static_cast<std::size_t>(l * c.n_heads + h);
          const auto& s = r.scores[static_cast<std::size_t>(l)][static_cast<std::size_t>(h)];
          const auto& p = r.attention[static_cast<std::size_t>(l)][static_cast<std::size_t>(h)];
          for (long t = 0; t < T; ++t) {
            const long visible = c.causal ? t + 1 : T;
            if (visible < 2) continue;
            long best = 0;
            for (long j = 1; j < visible; ++j)
              if (s(t, j) > s(t, best)) best = j;
            const double m = s(t, best);
            double same = -std::numeric_limits<double>::infinity(), other = same, entropy = 0;
            for (long j = 0; j < visible; ++j) {
              if (p(t, j) > 0) entropy -= p(t, j) * std::log(p(t, j));
              if (j == best) continue;
              double& slot = token(j) == token(best) ? same : other;
              slot = std::max(slot, s(t, j));
            }
            if (std::isfinite(same)) g.same[k].push_back(m - same);
            if (std::isfinite(other)) {
              g.different[k].push_back(m - other);
              g.ties[k] += m - other <= tie_band(m);
            }
            g.entropy[k] += entropy / std::log(static_cast<double>(visible));
            ++g.rows[k];
          }
        }
    }
  });

  std::vector<HeadScoreGaps> out;
  for (int l = 0; l < c.n_layers; ++l)
    for (int h = 0; h < c.n_heads; ++h) {
      const std::size_t k = static_cast<std::size_t>(l * c.n_heads + h);
      HeadScoreGaps g;
      g.layer = l;
      g.head = h;
      g.same.assign(o.edges.size(), 0);
      g.different.assign(o.edges.size(), 0);
      std::vector<double> same, different;
      double entropy = 0;
      long rows = 0, ties = 0;
      for (const auto& in : per_input) {  // input order: deterministic
        same.insert(same.end(), in.same[k].begin(), in.same[k].end());
        different.insert(different.end(), in.different[k].begin(), in.different[k].end());
        entropy += in.entropy[k];
        rows += in.rows[k];
        ties += in.ties[k];
      }
      for (double x : same) add_to_histogram(g.same, o.edges, x);
      for (double x : different) add_to_histogram(g.different, o.edges, x);
      g.n_same = static_cast<long>(same.size());
      g.n_different = static_cast<long>(different.size());
      g.median_same = median(same);
      g.median_different = median(different);
      g.normalised_entropy = rows ? entropy / static_cast<double>(rows) : 0.0;
      if (ties == g.n_different) g.diagnosis = "tied";
      else if (g.median_different < o.tiny_gap && g.normalised_entropy >= o.uniform_entropy) g.diagnosis = "near-uniform";
      else g.diagnosis = "separated";
      out.push_back(std::move(g));
    }
  return out;
}

std::string describe(const HeadScoreGaps& g) {
  const std::string where = fmt::format("layer {} head {}", g.layer, g.head);
  if (g.diagnosis == "tied")
    return fmt::format("{}: scores do not depend on the token (every gap between different tokens is a tie): "
                       "saturated attention is as uniform as softmax",
                       where);
  if (g.diagnosis == "near-uniform")
    return fmt::format("{}: counts with near-uniform weights (median gap between different tokens {:.3g} logits, "
                       "normalised entropy {:.3f}): saturation keeps only the top-scoring token's positions and loses the count",
                       where, g.median_different, g.normalised_entropy);
  return fmt::format("{}: separated (median gap between different tokens {:.3g} logits, normalised entropy {:.3f})", where,
                     g.median_different, g.normalised_entropy);
}

}  // namespace saturn
