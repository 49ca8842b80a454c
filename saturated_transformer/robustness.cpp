#include "saturated_transformer/robustness.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "saturated_transformer/evaluator.h"

namespace saturn {

namespace {

// The first max_per_set words of every set, flattened, with their labels.
struct Pool {
  std::vector<const Word*> words;
  std::vector<bool> members;
  std::vector<std::size_t> begin;  // [set] first index in words; begin.back() = words.size()
};

Pool pool_of(const std::vector<LabelledSet>& sets, std::size_t max_per_set) {
  Pool p;
  for (const auto& s : sets) {
    p.begin.push_back(p.words.size());
    for (std::size_t i = 0; i < s.words.size() && i < max_per_set; ++i)
      p.words.push_back(&s.words[i]), p.members.push_back(s.members[i]);
  }
  p.begin.push_back(p.words.size());
  return p;
}

// Accuracy per set and pooled of an evaluator on the pool.
std::pair<std::vector<double>, double> accuracy_of(const Evaluator& ev, const Pool& p) {
  const auto d = decide(ev, p.words);
  std::vector<double> per_set;
  std::size_t all = 0;
  for (std::size_t s = 0; s + 1 < p.begin.size(); ++s) {
    std::size_t correct = 0;
    for (std::size_t i = p.begin[s]; i < p.begin[s + 1]; ++i) correct += (d[i] != 0) == p.members[i];
    all += correct;
    const std::size_t n = p.begin[s + 1] - p.begin[s];
    per_set.push_back(n ? static_cast<double>(correct) / static_cast<double>(n) : 0.0);
  }
  return {per_set, p.words.empty() ? 0.0 : static_cast<double>(all) / static_cast<double>(p.words.size())};
}

}  // namespace

double chance_accuracy(const std::vector<LabelledSet>& sets) {
  std::size_t pos = 0, n = 0;
  for (const auto& s : sets)
    for (bool m : s.members) pos += m, ++n;
  if (pos == 0 || pos == n) return 0.0;
  return static_cast<double>(std::max(pos, n - pos)) / static_cast<double>(n);
}

double critical_scale(const std::vector<double>& scales, const std::vector<double>& accuracy, double threshold) {
  if (scales.size() != accuracy.size())
    throw Error(fmt::format("critical_scale: {} scales but {} accuracies", scales.size(), accuracy.size()));
  std::size_t from = accuracy.size();
  while (from > 0 && accuracy[from - 1] < threshold) --from;
  return from < accuracy.size() ? scales[from] : 0.0;
}

RobustnessReport robustness_study(const ModelWeights& model, const std::vector<LabelledSet>& sets,
                                  const RobustnessOptions& o) {
  if (o.max_power < 0 || o.max_power > 60) throw Error(fmt::format("robustness: max_power {} is not in 0..60", o.max_power));
  if (o.saturated.kind == EvalMode::Kind::scaled || o.saturated.kind == EvalMode::Kind::softmax ||
      o.saturated.kind == EvalMode::Kind::temperature)
    throw Error(fmt::format("robustness: '{}' is not a saturating mode", o.saturated.str()));
  auto say = [&](const std::string& line) {
    if (o.progress) o.progress(line);
  };
  const Pool pool = pool_of(sets, o.max_per_set);
  RobustnessReport r;
  for (std::size_t s = 0; s < sets.size(); ++s) {
    r.sets.push_back(sets[s].name);
    r.sizes.push_back(pool.begin[s + 1] - pool.begin[s]);
    r.min_length.push_back(sets[s].min_length);
    r.max_length.push_back(sets[s].max_length);
  }
  std::tie(r.softmax, r.softmax_pooled) = accuracy_of(Evaluator(model, EvalMode::softmax()), pool);
  std::tie(r.saturated, r.saturated_pooled) = accuracy_of(Evaluator(model, o.saturated), pool);
  r.chance = chance_accuracy(sets);
  r.threshold = o.threshold >= 0 ? o.threshold : 0.5 * (r.softmax_pooled + r.chance);
  // A model no better than chance has nothing saturation could break.
  const bool learned = r.softmax_pooled > r.chance;

  for (const auto& family : o.families) {
    if (family != "scaled" && family != "temperature")
      throw Error(fmt::format("robustness: unknown family '{}' (scaled, temperature)", family));
    ScaleCurve c;
    c.family = family;
    for (int p = 0; p <= o.max_power; ++p) {
      const double v = std::ldexp(1.0, p);
      const auto mode = family == "scaled" ? EvalMode::scaled(v) : EvalMode::temperature(v);
      auto [per_set, pooled] = accuracy_of(Evaluator(model, mode), pool);
      c.scales.push_back(v);
      c.accuracy.push_back(std::move(per_set));
      c.pooled.push_back(pooled);
    }
    c.critical_scale = learned ? critical_scale(c.scales, c.pooled, r.threshold) : 0.0;
    say(fmt::format("robustness: {} 2^0..2^{} done, critical scale {}", family, o.max_power,
                    c.critical_scale > 0 ? fmt::format("{}", c.critical_scale) : std::string("none")));
    r.curves.push_back(std::move(c));
  }

  if (o.heads) {
    const auto& cfg = model.config;
    for (int l = 0; l < cfg.n_layers; ++l)
      for (int h = 0; h < cfg.n_heads; ++h) {
        HeadAblation a;
        a.layer = l;
        a.head = h;
        std::tie(a.saturate_one, a.saturate_one_pooled) =
            accuracy_of(Evaluator(model, EvalMode::softmax(), {{l, h, o.saturated}}), pool);
        std::tie(a.softmax_one, a.softmax_one_pooled) =
            accuracy_of(Evaluator(model, o.saturated, {{l, h, EvalMode::softmax()}}), pool);
        a.breaks = learned && a.saturate_one_pooled < r.threshold;
        say(fmt::format("heads: layer {} head {}: saturated alone {:.3f}, softmax alone {:.3f}{}", l, h,
                        a.saturate_one_pooled, a.softmax_one_pooled, a.breaks ? " (breaks the model)" : ""));
        r.heads.push_back(std::move(a));
      }
  }
  return r;
}

}  // namespace saturn
