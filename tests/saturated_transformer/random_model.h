// Random small models for the simulator's tests (every layer_norm / positional / causal option).
#pragma once

#include <string>

#include "core/rng.h"
#include "saturated_transformer/model_weights.h"

namespace saturn::testing {

inline ModelWeights random_model(const std::string& alphabet, LayerNormMode ln, LayerNormPlaces places,
                                 Positional pos, bool causal, HeadKind head, std::uint64_t seed, double scale = 1.0) {
  ModelWeights w;
  auto& c = w.config;
  for (char ch : alphabet) c.tokens.push_back(std::string(1, ch));
  c.tokens.push_back("<bos>");
  if (head == HeadKind::lm) c.tokens.push_back("<eos>");
  c.vocab = static_cast<int>(c.tokens.size());
  c.bos_id = static_cast<int>(alphabet.size());
  c.d_model = 8;
  c.n_heads = 2;
  c.n_layers = 2;
  c.d_ff = 12;
  c.layer_norm = ln;
  c.ln = ln == LayerNormMode::pre ? LayerNormPlaces{} : places;
  if (ln == LayerNormMode::none || ln == LayerNormMode::post) c.ln = {AttnLnPlace::none, false, false};
  c.positional = pos;
  c.max_len = 40;
  c.causal = causal;
  c.head = head;
  c.readout = causal ? ClassifyReadout::last : ClassifyReadout::bos;
  c.n_outputs = head == HeadKind::classify ? 1 : head == HeadKind::lm ? c.vocab : static_cast<int>(alphabet.size()) + 1;
  Rng rng(seed);
  for (const auto& [name, shape] : ModelWeights::expected_tensors(c)) {
    Eigen::MatrixXd t(shape[0], shape.size() == 2 ? shape[1] : 1);
    const bool ln_weight = name.find("ln") != std::string::npos && name.find(".weight") != std::string::npos;
    for (long i = 0; i < t.size(); ++i) t.data()[i] = (ln_weight ? 1.0 : 0.0) + scale * rng.normal() * 0.5;
    w.tensors[name] = t;
  }
  return w;
}

}  // namespace saturn::testing
