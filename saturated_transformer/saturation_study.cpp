#include "saturated_transformer/saturation_study.h"

#include <cmath>

#include "core/parallel.h"
#include "saturated_transformer/evaluator.h"

namespace saturn {

namespace {

constexpr std::size_t kGrainInputs = 4;

}  // namespace

std::vector<char> decide(const Evaluator& ev, const std::vector<const Word*>& words) {
  std::vector<char> out(words.size());
  parallel_chunks(0, words.size(), kGrainInputs, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) out[i] = ev.accepts(*words[i]);
  });
  return out;
}

SaturationReport saturation_study(const ModelWeights& model, const Alphabet& alphabet,
                                  const std::vector<LabelledSet>& sets, const SaturationOptions& o) {
  SaturationReport r;
  for (const auto& s : sets) r.sets.push_back(s.name);
  for (const auto& mode : o.modes) {
    const Evaluator ev(model, mode);
    ModeAccuracy acc{mode.str(), {}};
    for (const auto& s : sets) {
      std::vector<const Word*> words;
      for (const auto& w : s.words) words.push_back(&w);
      const auto d = decide(ev, words);
      std::size_t correct = 0;
      for (std::size_t i = 0; i < d.size(); ++i) correct += (d[i] != 0) == s.members[i];
      acc.accuracy.push_back(d.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(d.size()));
    }
    r.accuracy.push_back(std::move(acc));
  }

  // Inputs for the curves: the first max_inputs / |sets| of each set.
  std::vector<const Word*> inputs;
  const std::size_t per_set = sets.empty() ? 0 : std::max<std::size_t>(1, o.max_inputs / sets.size());
  for (const auto& s : sets)
    for (std::size_t i = 0; i < s.words.size() && i < per_set; ++i) inputs.push_back(&s.words[i]);
  const auto saturated = decide(Evaluator(model, EvalMode::saturated()), inputs);
  for (const char* family : {"temperature", "scaled"}) {
    AgreementCurve c;
    c.family = family;
    std::vector<std::vector<char>> grid;
    for (int p = 0; p <= o.max_power; ++p) {
      const double v = std::ldexp(1.0, p);
      c.values.push_back(v);
      const auto mode = c.family == "temperature" ? EvalMode::temperature(v) : EvalMode::scaled(v);
      grid.push_back(decide(Evaluator(model, mode), inputs));
      std::size_t same = 0;
      for (std::size_t i = 0; i < inputs.size(); ++i) same += grid.back()[i] == saturated[i];
      c.agreement.push_back(inputs.empty() ? 1.0 : static_cast<double>(same) / static_cast<double>(inputs.size()));
    }
    // The last grid index at which any decision differs from the decision at the largest value.
    int last_change = -1;
    for (int p = 0; p < o.max_power; ++p)
      for (std::size_t i = 0; i < inputs.size(); ++i)
        if (grid[static_cast<std::size_t>(p)][i] != grid.back()[i]) last_change = p;
    c.stable_from = last_change + 1 <= o.max_power ? c.values[static_cast<std::size_t>(last_change + 1)] : 0;
    for (std::size_t i = 0; i < inputs.size(); ++i)
      if (grid.back()[i] != saturated[i]) {
        c.disagreement_example = alphabet.to_string(*inputs[i]);
        break;
      }
    r.curves.push_back(std::move(c));
  }

  // Saturation score per layer: cosine similarity of each position's representation.
  const Evaluator soft(model, EvalMode::softmax()), big(model, EvalMode::scaled(o.saturation_scale));
  const int layers = model.config.n_layers;
  using Acc = std::vector<double>;  // per layer: sum of cosines, then the count at the end
  const Acc sums = deterministic_reduce(
      std::size_t{0}, inputs.size(), kGrainInputs, Acc(static_cast<std::size_t>(layers) + 1, 0.0),
      [&](std::size_t lo, std::size_t hi) {
        Acc acc(static_cast<std::size_t>(layers) + 1, 0.0);
        for (std::size_t i = lo; i < hi; ++i) {
          const auto a = soft.run(*inputs[i], {false, true}), b = big.run(*inputs[i], {false, true});
          for (int l = 0; l < layers; ++l) {
            const auto& x = a.hidden[static_cast<std::size_t>(l) + 1];
            const auto& y = b.hidden[static_cast<std::size_t>(l) + 1];
            for (long t = 0; t < x.rows(); ++t) {
              const double nx = x.row(t).norm(), ny = y.row(t).norm();
              acc[static_cast<std::size_t>(l)] += nx > 0 && ny > 0 ? x.row(t).dot(y.row(t)) / (nx * ny) : 0.0;
            }
          }
          acc.back() += static_cast<double>(inputs[i]->size() + 1);
        }
        return acc;
      },
      [](Acc a, const Acc& b) {
        for (std::size_t k = 0; k < a.size(); ++k) a[k] += b[k];
        return a;
      });
  for (int l = 0; l < layers; ++l)
    r.saturation_by_layer.push_back(sums.back() > 0 ? sums[static_cast<std::size_t>(l)] / sums.back() : 0.0);
  return r;
}

}  // namespace saturn
