// Tiny models and batches for the transformer's tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/rng.h"
#include "tests/support/gradcheck.h"
#include "transformer/model.h"
#include "transformer/trainer.h"

namespace saturn::testing {

struct Variant {
  LayerNormMode ln = LayerNormMode::pre;
  LayerNormPlaces places{};
  Positional pos = Positional::learned;
  HeadKind head = HeadKind::classify;
  bool causal = false;
  Activation act = Activation::gelu;
  ClassifyReadout readout = ClassifyReadout::bos;
  bool attn_bias = true;
  double readout_scale = 1.0;
  std::string name() const {
    return std::string(to_string(ln)) + "_" + to_string(places.attn) + (places.mlp ? "_mlp" : "") +
           (places.final ? "_final" : "") + "_" + to_string(pos) + "_" + to_string(head) + (causal ? "_causal" : "") +
           "_" + to_string(act) + "_" + to_string(readout) + (attn_bias ? "" : "_nobias");
  }
};

// Alphabet of 3 symbols; tokens: a, b, c, <bos> (and <eos> for lm).
inline ModelConfig tiny_config(const Variant& v, int d = 8, int heads = 2, int layers = 2, int d_ff = 12) {
  ModelConfig c;
  c.tokens = {"a", "b", "c", "<bos>"};
  if (v.head == HeadKind::lm) c.tokens.push_back("<eos>");
  c.vocab = static_cast<int>(c.tokens.size());
  c.bos_id = 3;
  c.d_model = d;
  c.n_heads = heads;
  c.n_layers = layers;
  c.d_ff = d_ff;
  c.activation = v.act;
  c.layer_norm = v.ln;
  c.ln = v.places;
  c.positional = v.pos;
  c.max_len = 12;
  c.causal = v.causal;
  c.head = v.head;
  c.readout = v.readout;
  c.attn_bias = v.attn_bias;
  c.readout_scale = v.readout_scale;
  c.n_outputs = v.head == HeadKind::classify ? 1 : v.head == HeadKind::lm ? c.vocab : 4;
  return c;
}

// A batch of strings with random targets for the config's head.
inline Batch random_batch(const ModelConfig& c, const std::vector<int>& lengths, std::uint64_t seed) {
  Rng rng(seed);
  Batch b;
  for (int n : lengths) {
    std::vector<int> w;
    for (int i = 0; i < n; ++i) w.push_back(static_cast<int>(rng.uniform_below(3)));
    b.add_string(c, w);
    b.labels.push_back(static_cast<float>(rng.uniform_below(2)));
    for (int t = 0; t <= n; ++t) {
      for (int o = 0; o < (c.head == HeadKind::next_symbols ? c.n_outputs : 0); ++o)
        b.targets.push_back(static_cast<float>(rng.uniform_below(2)));
      if (c.head == HeadKind::lm) b.next_tokens.push_back(t < n ? w[static_cast<std::size_t>(t)] : c.vocab - 1);
    }
  }
  return b;
}

// Initialised, then every parameter perturbed so that LN weights/biases and biases are non-trivial.
template <class S>
Model<S> random_model(const ModelConfig& c, std::uint64_t seed, double noise = 0.3) {
  Model<S> m(c);
  m.init(seed);
  Rng rng(seed + 1000);
  for (auto& p : m.params) p += static_cast<S>(noise * rng.normal());
  return m;
}

// A matrix (r, c) of independent N(0, scale^2) entries.
inline Mat<double> random_matrix(long r, long c, Rng& rng, double scale = 1.0) {
  Mat<double> m(r, c);
  for (long i = 0; i < r; ++i)
    for (long j = 0; j < c; ++j) m(i, j) = scale * rng.normal();
  return m;
}

// Training data for the trainer's tests: batch `step` holds 16 strings of 1..10 symbols with random
// targets for the config's head, a pure function of the step.
class RandomSource : public DataSource {
 public:
  explicit RandomSource(ModelConfig c) : c_(std::move(c)) {}
  void batch(std::int64_t step, Batch& out) const override {
    Rng rng(99, static_cast<std::uint64_t>(step));
    std::vector<int> lengths;
    for (int i = 0; i < 16; ++i) lengths.push_back(1 + static_cast<int>(rng.uniform_below(10)));
    out = random_batch(c_, lengths, 1000 + static_cast<std::uint64_t>(step));
  }

 private:
  ModelConfig c_;
};

// An empty folder `name` under the temporary directory (what a previous run left there is removed).
inline std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(dir);
  return dir;
}

// Every parameter of m against central differences of the batch's loss (tests/support/gradcheck.h),
// one input per tensor of the table, every entry compared. A single tensor may have an exactly zero
// gradient (the key bias; positions and tokens a causal BOS readout never sees), so the vacuity
// guard applies to the whole model, not to each tensor.
inline GradCheckReport check_model_gradients(Model<double>& m, const Batch& batch) {
  Workspace<double> ws;
  std::vector<double> grads(m.params.size(), 0.0);
  forward(m, batch, ws);
  backward(m, batch, ws, grads.data());
  std::vector<GradInput> inputs;
  for (const auto& spec : m.table.specs())
    inputs.push_back({spec.name, m.params.data() + spec.offset, spec.size, grads.data() + spec.offset});
  return check_gradients([&] { return forward(m, batch, ws).loss; }, inputs, {.min_checked = m.params.size()});
}

}  // namespace saturn::testing
