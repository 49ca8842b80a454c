#include "transformer/config.h"

#include <fmt/format.h>

#include <cmath>

#include "core/error.h"

namespace saturn {

namespace {
bool pre_like(const ModelConfig& c) { return c.layer_norm == LayerNormMode::pre || c.layer_norm == LayerNormMode::custom; }
LayerNormPlaces places(const ModelConfig& c) {
  if (c.layer_norm == LayerNormMode::pre) return {AttnLnPlace::qkv, true, true};
  if (c.layer_norm == LayerNormMode::custom) return c.ln;
  return {AttnLnPlace::none, false, false};
}
}  // namespace

bool uses_ln1(const ModelConfig& c) {
  return c.layer_norm == LayerNormMode::post || (pre_like(c) && places(c).attn != AttnLnPlace::none);
}
bool uses_ln2(const ModelConfig& c) { return c.layer_norm == LayerNormMode::post || (pre_like(c) && places(c).mlp); }
bool uses_ln_f(const ModelConfig& c) { return pre_like(c) && places(c).final; }
bool ln_on_qk(const ModelConfig& c) {
  const auto p = places(c).attn;
  return pre_like(c) && (p == AttnLnPlace::qkv || p == AttnLnPlace::qk);
}
bool ln_on_v(const ModelConfig& c) {
  const auto p = places(c).attn;
  return pre_like(c) && (p == AttnLnPlace::qkv || p == AttnLnPlace::v);
}

void ModelConfig::validate() const {
  auto bad = [](const char* field, const std::string& why) { throw Error(fmt::format("model.{}: {}", field, why)); };
  if (d_model <= 0) bad("d_model", "must be positive");
  if (n_heads <= 0) bad("n_heads", "must be positive");
  if (d_model % n_heads != 0) bad("n_heads", fmt::format("{} does not divide d_model = {}", n_heads, d_model));
  if (n_layers < 0) bad("n_layers", "must be >= 0");
  if (d_ff <= 0) bad("d_ff", "must be positive");
  if (max_len <= 0) bad("max_len", "must be positive");
  if (ln_eps < 0) bad("ln_eps", "must be >= 0");
  if (vocab <= 0) bad("vocab", "must be positive");
  if (!tokens.empty() && static_cast<int>(tokens.size()) != vocab)
    bad("tokens", fmt::format("{} tokens but vocab = {}", tokens.size(), vocab));
  if (bos_id < 0 || bos_id >= vocab) bad("bos_id", fmt::format("{} is not a token id (vocab {})", bos_id, vocab));
  if (n_outputs <= 0) bad("n_outputs", "must be positive");
  if (!(attention_scale > 0) || !std::isfinite(attention_scale)) bad("attention_scale", fmt::format("{} is not a positive finite number", attention_scale));
  if (!(score_rounding >= 0) || !std::isfinite(score_rounding)) bad("score_rounding", fmt::format("{} is not a finite number >= 0", score_rounding));
  if (head == HeadKind::classify && n_outputs != 1) bad("n_outputs", "a classifier has one output");
  if (head == HeadKind::lm && n_outputs != vocab) bad("n_outputs", "an lm head has one output per token");
  auto at_most = [&](const char* field, int value, int bound) {
    if (value > bound) bad(field, fmt::format("{} is above the sanity bound {} (ModelBounds)", value, bound));
  };
  at_most("n_layers", n_layers, ModelBounds::kMaxLayers);
  at_most("d_model", d_model, ModelBounds::kMaxDModel);
  at_most("n_heads", n_heads, ModelBounds::kMaxHeads);
  at_most("d_ff", d_ff, ModelBounds::kMaxDff);
  at_most("vocab", vocab, ModelBounds::kMaxVocab);
  at_most("n_outputs", n_outputs, ModelBounds::kMaxVocab);
  at_most("max_len", max_len, ModelBounds::kMaxLen);
  if (loss == LossKind::mse && head != HeadKind::next_symbols) bad("loss", "mse applies to the next_symbols head only");
  // Weights of the embeddings, positions, blocks (4 d^2 attention + 2 d F MLP) and head; biases and
  // layer norms are lower-order terms. In double: the product of the bounds overflows an int64.
  const double d = d_model;
  const double params = (static_cast<double>(vocab) + max_len) * d +
                        static_cast<double>(n_layers) * (4 * d * d + 2 * d * d_ff) + static_cast<double>(n_outputs) * d;
  if (params > ModelBounds::kMaxParameters)
    throw Error(fmt::format("model: about {:.3g} parameters (n_layers {}, d_model {}, d_ff {}, vocab {}, max_len {}) "
                            "is above the sanity bound {:.0e} (ModelBounds)",
                            params, n_layers, d_model, d_ff, vocab, max_len, ModelBounds::kMaxParameters));
}

const char* to_string(Activation a) { return a == Activation::relu ? "relu" : "gelu"; }
const char* to_string(Positional p) {
  return p == Positional::none ? "none" : p == Positional::learned ? "learned" : "sinusoidal";
}
const char* to_string(HeadKind h) {
  return h == HeadKind::classify ? "classify" : h == HeadKind::next_symbols ? "next_symbols" : "lm";
}
const char* to_string(ClassifyReadout r) {
  return r == ClassifyReadout::bos ? "bos" : r == ClassifyReadout::last ? "last" : "mean";
}
const char* to_string(LayerNormMode m) {
  switch (m) {
    case LayerNormMode::pre: return "pre";
    case LayerNormMode::post: return "post";
    case LayerNormMode::none: return "none";
    case LayerNormMode::custom: return "custom";
  }
  return "?";
}
const char* to_string(LossKind k) { return k == LossKind::bce ? "bce" : "mse"; }
const char* to_string(AttnLnPlace p) {
  switch (p) {
    case AttnLnPlace::none: return "none";
    case AttnLnPlace::qkv: return "qkv";
    case AttnLnPlace::qk: return "qk";
    case AttnLnPlace::v: return "v";
  }
  return "?";
}

}  // namespace saturn
