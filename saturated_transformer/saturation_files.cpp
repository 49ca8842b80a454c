#include "saturated_transformer/saturation_files.h"

#include <fmt/format.h>

#include <cmath>

#include "saturated_transformer/evaluator.h"

namespace saturn {

std::string robustness_csv(const RobustnessReport& r) {
  std::string out = "family,scale,bin_min,bin_max,accuracy,n\n";
  for (const auto& c : r.curves)
    for (std::size_t k = 0; k < c.scales.size(); ++k)
      for (std::size_t s = 0; s < r.sets.size(); ++s)
        out += fmt::format("{},{},{},{},{},{}\n", c.family, c.scales[k], r.min_length[s], r.max_length[s], c.accuracy[k][s],
                           r.sizes[s]);
  return out;
}

std::string heads_csv(const RobustnessReport& r) {
  std::string out = "layer,head,ablation,bin_min,bin_max,accuracy\n";
  for (const auto& h : r.heads)
    for (const char* ablation : {"saturate_one", "softmax_one"}) {
      const auto& acc = std::string(ablation) == "saturate_one" ? h.saturate_one : h.softmax_one;
      for (std::size_t s = 0; s < r.sets.size(); ++s)
        out += fmt::format("{},{},{},{},{},{}\n", h.layer, h.head, ablation, r.min_length[s], r.max_length[s], acc[s]);
    }
  return out;
}

std::string score_gaps_csv(const std::vector<HeadScoreGaps>& gaps, const ScoreGapOptions& o) {
  std::string out = "layer,head,same_token,gap_lo,gap_hi,count\n";
  for (const auto& g : gaps)
    for (int same = 1; same >= 0; --same) {
      const auto& hist = same ? g.same : g.different;
      for (std::size_t b = 0; b < o.edges.size(); ++b) {
        const std::string hi = b + 1 < o.edges.size() ? fmt::format("{}", o.edges[b + 1]) : "inf";
        out += fmt::format("{},{},{},{},{},{}\n", g.layer, g.head, same, o.edges[b], hi, hist[b]);
      }
    }
  return out;
}

nlohmann::ordered_json robustness_json(const RobustnessReport& r) {
  nlohmann::ordered_json j;
  j["sets"] = r.sets;
  j["sizes"] = r.sizes;
  j["softmax"] = r.softmax;
  j["saturated"] = r.saturated;
  j["softmax_pooled"] = r.softmax_pooled;
  j["saturated_pooled"] = r.saturated_pooled;
  j["chance"] = r.chance;
  j["threshold"] = r.threshold;
  j["curves"] = nlohmann::ordered_json::object();
  for (const auto& c : r.curves)
    j["curves"][c.family] = {{"scales", c.scales}, {"accuracy", c.accuracy}, {"pooled", c.pooled},
                             {"critical_scale", c.critical_scale}};
  j["heads"] = nlohmann::ordered_json::array();
  for (const auto& h : r.heads)
    j["heads"].push_back({{"layer", h.layer}, {"head", h.head}, {"saturate_one", h.saturate_one},
                          {"softmax_one", h.softmax_one}, {"saturate_one_pooled", h.saturate_one_pooled},
                          {"softmax_one_pooled", h.softmax_one_pooled}, {"breaks", h.breaks}});
  return j;
}

nlohmann::ordered_json score_gaps_json(const std::vector<HeadScoreGaps>& gaps) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const auto& g : gaps)
    j.push_back({{"layer", g.layer}, {"head", g.head}, {"diagnosis", g.diagnosis}, {"median_same", g.median_same},
                 {"median_different", g.median_different}, {"n_same", g.n_same}, {"n_different", g.n_different},
                 {"normalised_entropy", g.normalised_entropy}, {"same", g.same}, {"different", g.different},
                 {"description", describe(g)}});
  return j;
}

nlohmann::ordered_json attention_json(const ModelWeights& model, const Alphabet& alphabet, const std::vector<Word>& words,
                                      const std::vector<EvalMode>& modes) {
  nlohmann::ordered_json strings = nlohmann::ordered_json::array();
  for (const auto& mode : modes) {
    const Evaluator ev(model, mode);
    for (const auto& w : words) {
      const auto r = ev.run(w, {true, false});
      nlohmann::ordered_json layers = nlohmann::ordered_json::array();
      for (const auto& layer : r.attention) {
        nlohmann::ordered_json heads = nlohmann::ordered_json::array();
        for (const auto& a : layer) {
          nlohmann::ordered_json rows = nlohmann::ordered_json::array();
          for (long t = 0; t < a.rows(); ++t) {
            std::vector<double> row(static_cast<std::size_t>(a.cols()));
            for (long k = 0; k < a.cols(); ++k) row[static_cast<std::size_t>(k)] = std::round(a(t, k) * 1e6) / 1e6;
            rows.push_back(row);
          }
          heads.push_back(std::move(rows));
        }
        layers.push_back(std::move(heads));
      }
      strings.push_back({{"text", alphabet.to_string(w)}, {"mode", mode.str()}, {"weights", std::move(layers)}});
    }
  }
  return {{"strings", std::move(strings)}};
}

}  // namespace saturn
