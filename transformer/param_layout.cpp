#include "transformer/param_layout.h"

#include <fmt/format.h>

namespace saturn {

TensorTable parameter_table(const ModelConfig& c) {
  TensorTable t;
  const std::int64_t d = c.d_model, f = c.d_ff;
  t.add("embed.weight", {c.vocab, d}, ParamGroup::embedding);
  if (c.positional == Positional::learned) t.add("pos.weight", {c.max_len, d}, ParamGroup::embedding);
  for (int i = 0; i < c.n_layers; ++i) {
    const auto p = fmt::format("layers.{}.", i);
    for (const char* m : {"q", "k", "v", "o"}) {
      t.add(p + "attn." + m + ".weight", {d, d}, ParamGroup::attention);
      if (c.attn_bias) t.add(p + "attn." + m + ".bias", {d}, ParamGroup::attention);
    }
    if (uses_ln1(c)) {
      t.add(p + "ln1.weight", {d}, ParamGroup::layer_norm);
      t.add(p + "ln1.bias", {d}, ParamGroup::layer_norm);
    }
    if (uses_ln2(c)) {
      t.add(p + "ln2.weight", {d}, ParamGroup::layer_norm);
      t.add(p + "ln2.bias", {d}, ParamGroup::layer_norm);
    }
    t.add(p + "ffn.fc1.weight", {f, d}, ParamGroup::feed_forward);
    t.add(p + "ffn.fc1.bias", {f}, ParamGroup::feed_forward);
    t.add(p + "ffn.fc2.weight", {d, f}, ParamGroup::feed_forward);
    t.add(p + "ffn.fc2.bias", {d}, ParamGroup::feed_forward);
  }
  if (uses_ln_f(c)) {
    t.add("ln_f.weight", {d}, ParamGroup::layer_norm);
    t.add("ln_f.bias", {d}, ParamGroup::layer_norm);
  }
  t.add("head.weight", {c.n_outputs, d}, ParamGroup::head);
  t.add("head.bias", {c.n_outputs}, ParamGroup::head);
  return t;
}

}  // namespace saturn
