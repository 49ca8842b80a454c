// The four training configurations compared with PyTorch (benchmarks/torch_speed.py uses the
// same numbers and the same string-length distribution: lengths uniform in 1..max_len-1 from a
// fixed seed, plus BOS).
#pragma once

#include <vector>

#include "core/rng.h"
#include "transformer/model.h"

namespace saturn::bench {

struct TrainConfig {
  int d, layers, heads, max_len, batch;
};

inline const std::vector<TrainConfig>& train_configs() {
  static const std::vector<TrainConfig> configs = {
      {32, 1, 2, 32, 32}, {64, 2, 4, 64, 32}, {128, 4, 4, 128, 64}, {256, 4, 8, 256, 32}};
  return configs;
}

inline ModelConfig model_config(const TrainConfig& t) {
  ModelConfig c;
  c.tokens = {"(", ")", "<bos>"};
  c.vocab = 3;
  c.bos_id = 2;
  c.d_model = t.d;
  c.n_layers = t.layers;
  c.n_heads = t.heads;
  c.d_ff = 4 * t.d;
  c.max_len = t.max_len + 1;
  c.activation = Activation::gelu;
  c.layer_norm = LayerNormMode::pre;
  c.positional = Positional::learned;
  c.head = HeadKind::classify;
  return c;
}

// Batch `index` of a config: strings of uniform length 1..max_len-1 (then BOS is added).
inline Batch make_batch(const TrainConfig& t, const ModelConfig& c, std::uint64_t index) {
  Rng rng(1234, index);
  Batch b;
  for (int i = 0; i < t.batch; ++i) {
    const int n = 1 + static_cast<int>(rng.uniform_below(static_cast<std::uint64_t>(t.max_len - 1)));
    std::vector<int> w(static_cast<std::size_t>(n));
    for (auto& x : w) x = static_cast<int>(rng.uniform_below(2));
    b.add_string(c, w);
    b.labels.push_back(static_cast<float>(rng.uniform_below(2)));
  }
  return b;
}

// Floating-point operations of one training step actually performed (no padding, and a
// classifier's last layer only where the loss needs it: ForwardScope::loss): forward matrix
// products (projections, FFN, scores, weighted sums) times 3 for forward + backward.
inline double train_flops(const ModelConfig& c, const Batch& b) {
  double f = 0;
  const double d = c.d_model, F = c.d_ff;
  const bool narrow = c.head == HeadKind::classify && c.readout != ClassifyReadout::mean && c.n_layers > 0;
  const int full_layers = c.n_layers - (narrow ? 1 : 0);
  for (int i = 0; i < b.size(); ++i) {
    const double T = b.length(i);
    f += full_layers * (2 * T * (4 * d * d + 2 * d * F) + 2 * 2 * T * T * d);
    if (narrow) f += 2 * T * 2 * d * d + 2 * (2 * d * d + 2 * d * F) + 2 * 2 * T * d;  // k, v everywhere; one query
  }
  return 3 * f;
}

}  // namespace saturn::bench
