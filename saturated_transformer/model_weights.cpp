#include "saturated_transformer/model_weights.h"

#include <fmt/format.h>

#include "core/error.h"

namespace saturn {

const Eigen::MatrixXd& ModelWeights::at(const std::string& name) const {
  const auto it = tensors.find(name);
  if (it == tensors.end()) throw Error(fmt::format("model has no tensor '{}'", name));
  return it->second;
}

void ModelWeights::scale(double rho) {
  for (auto& [_, t] : tensors) t *= rho;
}

namespace {
bool uses_ln1(const ModelConfig& c) {
  return c.layer_norm == LayerNormMode::post ||
         ((c.layer_norm == LayerNormMode::pre || c.layer_norm == LayerNormMode::custom) && c.ln.attn != AttnLnPlace::none);
}
bool uses_ln2(const ModelConfig& c) {
  return c.layer_norm == LayerNormMode::post ||
         ((c.layer_norm == LayerNormMode::pre || c.layer_norm == LayerNormMode::custom) && c.ln.mlp);
}
bool uses_ln_f(const ModelConfig& c) {
  return (c.layer_norm == LayerNormMode::pre || c.layer_norm == LayerNormMode::custom) && c.ln.final;
}
}  // namespace

std::vector<std::pair<std::string, std::vector<long>>> ModelWeights::expected_tensors(const ModelConfig& c) {
  std::vector<std::pair<std::string, std::vector<long>>> out;
  const long d = c.d_model, f = c.d_ff;
  out.push_back({"embed.weight", {c.vocab, d}});
  if (c.positional == Positional::learned) out.push_back({"pos.weight", {c.max_len, d}});
  for (int i = 0; i < c.n_layers; ++i) {
    const auto p = fmt::format("layers.{}.", i);
    for (const char* m : {"q", "k", "v", "o"}) {
      out.push_back({p + "attn." + m + ".weight", {d, d}});
      if (c.attn_bias) out.push_back({p + "attn." + m + ".bias", {d}});
    }
    if (uses_ln1(c)) {
      out.push_back({p + "ln1.weight", {d}});
      out.push_back({p + "ln1.bias", {d}});
    }
    if (uses_ln2(c)) {
      out.push_back({p + "ln2.weight", {d}});
      out.push_back({p + "ln2.bias", {d}});
    }
    out.push_back({p + "ffn.fc1.weight", {f, d}});
    out.push_back({p + "ffn.fc1.bias", {f}});
    out.push_back({p + "ffn.fc2.weight", {d, f}});
    out.push_back({p + "ffn.fc2.bias", {d}});
  }
  if (uses_ln_f(c)) {
    out.push_back({"ln_f.weight", {d}});
    out.push_back({"ln_f.bias", {d}});
  }
  out.push_back({"head.weight", {c.n_outputs, d}});
  out.push_back({"head.bias", {c.n_outputs}});
  return out;
}

void ModelWeights::validate() const {
  const auto expected = expected_tensors(config);
  for (const auto& [name, shape] : expected) {
    const auto it = tensors.find(name);
    if (it == tensors.end()) throw Error(fmt::format("model is missing tensor '{}'", name));
    const long rows = shape[0], cols = shape.size() == 2 ? shape[1] : 1;
    if (it->second.rows() != rows || it->second.cols() != cols)
      throw Error(fmt::format("tensor '{}' has shape [{}, {}], the config needs [{}, {}]", name, it->second.rows(),
                              it->second.cols(), rows, cols));
  }
  if (tensors.size() != expected.size())
    for (const auto& [name, _] : tensors) {
      bool known = false;
      for (const auto& e : expected) known = known || e.first == name;
      if (!known) throw Error(fmt::format("unexpected tensor '{}' for this config", name));
    }
}

}  // namespace saturn
