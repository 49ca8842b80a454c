#include "transformer/param_table.h"

#include <fmt/format.h>

#include "core/error.h"

namespace saturn {

const char* param_group_name(ParamGroup g) {
  switch (g) {
    case ParamGroup::embedding: return "embedding";
    case ParamGroup::attention: return "attention";
    case ParamGroup::feed_forward: return "feed_forward";
    case ParamGroup::layer_norm: return "layer_norm";
    case ParamGroup::head: return "head";
  }
  return "?";
}

std::size_t TensorTable::add(std::string name, std::vector<std::int64_t> shape, ParamGroup group) {
  if (find(name)) throw Error(fmt::format("tensor '{}' defined twice", name));
  std::size_t size = 1;
  for (auto d : shape) size *= static_cast<std::size_t>(d);
  specs_.push_back({std::move(name), std::move(shape), total_, size, group});
  total_ += size;
  return specs_.size() - 1;
}

const TensorSpec* TensorTable::find(std::string_view name) const {
  for (const auto& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

const TensorSpec& TensorTable::at(std::string_view name) const {
  if (const auto* s = find(name)) return *s;
  throw Error(fmt::format("no tensor named '{}'", name));
}

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

ParamOffsets param_offsets(const ModelConfig& c, const TensorTable& t) {
  auto need = [&](const std::string& name) { return t.at(name).offset; };
  auto maybe = [&](const std::string& name) {
    const auto* s = t.find(name);
    return s ? s->offset : kNoTensor;
  };
  ParamOffsets o;
  o.embed = need("embed.weight");
  o.pos = maybe("pos.weight");
  for (int i = 0; i < c.n_layers; ++i) {
    const auto p = fmt::format("layers.{}.", i);
    o.layers.push_back({need(p + "attn.q.weight"), need(p + "attn.k.weight"), need(p + "attn.v.weight"),
                        need(p + "attn.o.weight"), maybe(p + "attn.q.bias"), maybe(p + "attn.k.bias"),
                        maybe(p + "attn.v.bias"), maybe(p + "attn.o.bias"), maybe(p + "ln1.weight"),
                        maybe(p + "ln1.bias"), maybe(p + "ln2.weight"), maybe(p + "ln2.bias"),
                        need(p + "ffn.fc1.weight"), need(p + "ffn.fc1.bias"), need(p + "ffn.fc2.weight"),
                        need(p + "ffn.fc2.bias")});
  }
  o.lnf_w = maybe("ln_f.weight");
  o.lnf_b = maybe("ln_f.bias");
  o.head_w = need("head.weight");
  o.head_b = need("head.bias");
  return o;
}

}  // namespace saturn
