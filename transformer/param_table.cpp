#include "transformer/param_table.h"

#include <fmt/format.h>

#include <algorithm>

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

void TensorTable::lay_out(const std::vector<std::size_t>& order) {
  std::vector<char> seen(specs_.size(), 0);
  if (order.size() != specs_.size()) throw Error("lay_out: the order must list every tensor once");
  for (std::size_t i : order) {
    if (i >= specs_.size() || seen[i]) throw Error("lay_out: the order must list every tensor once");
    seen[i] = 1;
  }
  std::size_t offset = 0;
  for (std::size_t i : order) {
    specs_[i].offset = offset;
    offset += specs_[i].size;
  }
}

std::vector<std::size_t> TensorTable::layout_order() const {
  std::vector<std::size_t> order(specs_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return specs_[a].offset < specs_[b].offset; });
  return order;
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
  std::vector<std::size_t> order;  // layout order (see the header)
  auto add = [&](std::string name, std::vector<std::int64_t> shape, ParamGroup group) {
    order.push_back(t.add(std::move(name), std::move(shape), group));
  };
  const std::int64_t d = c.d_model, f = c.d_ff;
  add("embed.weight", {c.vocab, d}, ParamGroup::embedding);
  if (c.positional == Positional::learned) add("pos.weight", {c.max_len, d}, ParamGroup::embedding);
  for (int i = 0; i < c.n_layers; ++i) {
    const auto p = fmt::format("layers.{}.", i);
    std::size_t weight[4], bias[4];
    const char* proj[] = {"q", "k", "v", "o"};
    for (int j = 0; j < 4; ++j) {
      const auto name = p + "attn." + proj[j];
      weight[j] = t.add(name + ".weight", {d, d}, ParamGroup::attention);
      if (c.attn_bias) bias[j] = t.add(name + ".bias", {d}, ParamGroup::attention);
    }
    for (int j : {0, 1, 2}) order.push_back(weight[j]);
    if (c.attn_bias)
      for (int j : {0, 1, 2}) order.push_back(bias[j]);
    order.push_back(weight[3]);
    if (c.attn_bias) order.push_back(bias[3]);
    if (uses_ln1(c)) {
      add(p + "ln1.weight", {d}, ParamGroup::layer_norm);
      add(p + "ln1.bias", {d}, ParamGroup::layer_norm);
    }
    if (uses_ln2(c)) {
      add(p + "ln2.weight", {d}, ParamGroup::layer_norm);
      add(p + "ln2.bias", {d}, ParamGroup::layer_norm);
    }
    add(p + "ffn.fc1.weight", {f, d}, ParamGroup::feed_forward);
    add(p + "ffn.fc1.bias", {f}, ParamGroup::feed_forward);
    add(p + "ffn.fc2.weight", {d, f}, ParamGroup::feed_forward);
    add(p + "ffn.fc2.bias", {d}, ParamGroup::feed_forward);
  }
  if (uses_ln_f(c)) {
    add("ln_f.weight", {d}, ParamGroup::layer_norm);
    add("ln_f.bias", {d}, ParamGroup::layer_norm);
  }
  add("head.weight", {c.n_outputs, d}, ParamGroup::head);
  add("head.bias", {c.n_outputs}, ParamGroup::head);
  t.lay_out(order);
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
  // The model reads q | k | v as one (3d, d) matrix and one (3d) bias from q's offsets.
  const auto dd = static_cast<std::size_t>(c.d_model) * static_cast<std::size_t>(c.d_model);
  const auto d = static_cast<std::size_t>(c.d_model);
  for (const auto& l : o.layers) {
    if (l.k_w != l.q_w + dd || l.v_w != l.k_w + dd) throw Error("parameter table: q, k, v weights are not adjacent");
    if (l.q_b != kNoTensor && (l.k_b != l.q_b + d || l.v_b != l.k_b + d))
      throw Error("parameter table: q, k, v biases are not adjacent");
  }
  return o;
}

}  // namespace saturn
