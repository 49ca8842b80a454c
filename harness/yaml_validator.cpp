#include "harness/yaml_validator.h"

#include <cmath>

namespace saturn {

bool is_one_of(const std::string& name, std::span<const char* const> keys) {
  for (const char* k : keys)
    if (name == k) return true;
  return false;
}

bool model_has_key(std::span<const std::string> key) {
  if (key.empty()) return true;
  if (key.size() == 1) return is_one_of(key[0], kModelKeys);
  return key.size() == 2 && key[0] == "layer_norm" && is_one_of(key[1], kModelLayerNormKeys);
}

bool optimizer_has_key(std::span<const std::string> key) {
  if (key.empty()) return true;
  if (key.size() == 1) return is_one_of(key[0], kOptimizerKeys);
  if (key[0] != "groups") return false;
  bool group = false;
  for (int gi = 0; gi < kNumParamGroups; ++gi) group = group || key[1] == param_group_name(static_cast<ParamGroup>(gi));
  return group && (key.size() == 2 || (key.size() == 3 && is_one_of(key[2], kOptimizerGroupKeys)));
}

bool training_has_key(std::span<const std::string> key) {
  if (key.size() == 2) return key[0] == "attention_temperature" && is_one_of(key[1], kAttentionTemperatureKeys);
  return key.empty() || (key.size() == 1 && is_one_of(key[0], kTrainingKeys));
}

void parse_model(Validator& v, const YAML::Node& node, const std::string& f, ModelSpec& m) {
  if (!v.expect_map(node, f, kModelKeys)) return;
  auto& c = m.config;
  if (node["d_model"]) positive(v, node["d_model"], f + ".d_model", c.d_model);
  if (node["n_layers"] && v.scalar(node["n_layers"], f + ".n_layers", c.n_layers, "an integer") && c.n_layers < 0)
    v.problem(node["n_layers"], f + ".n_layers", "must be >= 0");
  if (node["n_heads"]) positive(v, node["n_heads"], f + ".n_heads", c.n_heads);
  if (node["d_ff"]) positive(v, node["d_ff"], f + ".d_ff", c.d_ff);
  if (node["max_len"]) positive(v, node["max_len"], f + ".max_len", c.max_len), m.max_len_set = true;
  if (node["ln_eps"] && v.scalar(node["ln_eps"], f + ".ln_eps", c.ln_eps, "a number") && c.ln_eps < 0)
    v.problem(node["ln_eps"], f + ".ln_eps", "must be >= 0");
  if (node["readout_scale"]) positive(v, node["readout_scale"], f + ".readout_scale", c.readout_scale);
  if (node["score_rounding"] && v.scalar(node["score_rounding"], f + ".score_rounding", c.score_rounding, "a number") &&
      !(c.score_rounding >= 0 && std::isfinite(c.score_rounding)))
    v.problem(node["score_rounding"], f + ".score_rounding", "must be a finite number >= 0 (0: off)");
  if (node["attn_bias"]) v.scalar(node["attn_bias"], f + ".attn_bias", c.attn_bias, "true or false");
  if (node["causal"]) v.scalar(node["causal"], f + ".causal", c.causal, "true or false");
  if (node["activation"])
    parse_choice(v, node["activation"], f + ".activation", c.activation, {{"relu", Activation::relu}, {"gelu", Activation::gelu}});
  if (node["positional"])
    parse_choice(v, node["positional"], f + ".positional", c.positional,
                 {{"none", Positional::none}, {"learned", Positional::learned}, {"sinusoidal", Positional::sinusoidal}});
  if (node["head"] && parse_choice(v, node["head"], f + ".head", c.head,
                                   {{"classify", HeadKind::classify}, {"next_symbols", HeadKind::next_symbols}, {"lm", HeadKind::lm}}))
    m.head_set = true;
  if (node["loss"]) parse_choice(v, node["loss"], f + ".loss", c.loss, {{"bce", LossKind::bce}, {"mse", LossKind::mse}});
  if (node["readout"])
    parse_choice(v, node["readout"], f + ".readout", c.readout,
                 {{"bos", ClassifyReadout::bos}, {"last", ClassifyReadout::last}, {"mean", ClassifyReadout::mean}});
  if (const auto ln = node["layer_norm"]) {
    if (ln.IsMap()) {
      if (v.expect_map(ln, f + ".layer_norm", kModelLayerNormKeys)) {
        c.layer_norm = LayerNormMode::custom;
        c.ln = {AttnLnPlace::none, false, false};
        if (ln["attn"])
          parse_choice(v, ln["attn"], f + ".layer_norm.attn", c.ln.attn,
                       {{"none", AttnLnPlace::none}, {"qkv", AttnLnPlace::qkv}, {"qk", AttnLnPlace::qk}, {"v", AttnLnPlace::v}});
        if (ln["mlp"]) v.scalar(ln["mlp"], f + ".layer_norm.mlp", c.ln.mlp, "true or false");
        if (ln["final"]) v.scalar(ln["final"], f + ".layer_norm.final", c.ln.final, "true or false");
      }
    } else {
      parse_choice(v, ln, f + ".layer_norm", c.layer_norm,
                   {{"pre", LayerNormMode::pre}, {"post", LayerNormMode::post}, {"none", LayerNormMode::none}});
    }
  }
  if (c.d_model > 0 && c.n_heads > 0 && c.d_model % c.n_heads != 0)
    v.problem(node, f + ".n_heads", fmt::format("{} heads do not divide d_model = {}", c.n_heads, c.d_model));
}

void parse_optimizer(Validator& v, const YAML::Node& node, const std::string& f, OptimizerOptions& o) {
  if (!v.expect_map(node, f, kOptimizerKeys)) return;
  if (node["kind"])
    parse_choice(v, node["kind"], f + ".kind", o.kind,
                 {{"sgd", OptimizerKind::sgd}, {"adam", OptimizerKind::adam}, {"adamw", OptimizerKind::adamw},
                  {"rmsprop", OptimizerKind::rmsprop}});
  if (node["lr"]) positive(v, node["lr"], f + ".lr", o.lr);
  if (node["momentum"]) v.scalar(node["momentum"], f + ".momentum", o.momentum, "a number");
  if (node["nesterov"]) v.scalar(node["nesterov"], f + ".nesterov", o.nesterov, "true or false");
  if (node["beta1"]) v.scalar(node["beta1"], f + ".beta1", o.beta1, "a number");
  if (node["beta2"]) v.scalar(node["beta2"], f + ".beta2", o.beta2, "a number");
  if (node["eps"]) v.scalar(node["eps"], f + ".eps", o.eps, "a number");
  if (node["alpha"] && v.scalar(node["alpha"], f + ".alpha", o.alpha, "a number") && !(o.alpha >= 0 && o.alpha < 1))
    v.problem(node["alpha"], f + ".alpha", "must be in [0, 1)");
  if (node["weight_decay"]) v.scalar(node["weight_decay"], f + ".weight_decay", o.weight_decay, "a number");
  if (node["clip_norm"]) v.scalar(node["clip_norm"], f + ".clip_norm", o.clip_norm, "a number");
  if (const auto groups = node["groups"]) {
    if (v.expect_map(groups, f + ".groups", {"embedding", "attention", "feed_forward", "layer_norm", "head"}))
      for (int gi = 0; gi < kNumParamGroups; ++gi) {
        const char* name = param_group_name(static_cast<ParamGroup>(gi));
        const auto g = groups[name];
        if (!g) continue;
        const std::string gf = f + ".groups." + name;
        if (!v.expect_map(g, gf, kOptimizerGroupKeys)) continue;
        auto& dst = o.groups[static_cast<std::size_t>(gi)];
        if (g["lr_scale"]) v.scalar(g["lr_scale"], gf + ".lr_scale", dst.lr_scale, "a number");
        if (g["weight_decay"]) v.scalar(g["weight_decay"], gf + ".weight_decay", dst.weight_decay, "a number");
      }
  }
}

void parse_training(Validator& v, const YAML::Node& node, const std::string& f, TrainingSpec& t) {
  if (!v.expect_map(node, f, kTrainingKeys)) return;
  if (node["steps"]) positive(v, node["steps"], f + ".steps", t.steps);
  if (node["batch_size"]) positive(v, node["batch_size"], f + ".batch_size", t.batch_size);
  if (node["eval_batch_size"]) positive(v, node["eval_batch_size"], f + ".eval_batch_size", t.eval_batch_size);
  if (node["schedule"])
    parse_choice(v, node["schedule"], f + ".schedule", t.schedule.kind,
                 {{"constant", Schedule::Kind::constant}, {"cosine", Schedule::Kind::cosine}, {"linear", Schedule::Kind::linear},
                  {"inverse_sqrt", Schedule::Kind::inverse_sqrt}});
  if (node["warmup"]) v.scalar(node["warmup"], f + ".warmup", t.schedule.warmup, "an integer");
  if (node["min_lr_factor"]) v.scalar(node["min_lr_factor"], f + ".min_lr_factor", t.schedule.min_factor, "a number");
  if (node["log_every"]) v.scalar(node["log_every"], f + ".log_every", t.log_every, "an integer");
  if (node["eval_every"]) v.scalar(node["eval_every"], f + ".eval_every", t.eval_every, "an integer");
  if (node["checkpoint_every"]) v.scalar(node["checkpoint_every"], f + ".checkpoint_every", t.checkpoint_every, "an integer");
  if (node["seed"]) t.seed_set = v.scalar(node["seed"], f + ".seed", t.seed, "a non-negative integer");
  if (const auto at = node["attention_temperature"]) {
    const std::string af = f + ".attention_temperature";
    auto& a = t.attention_temperature;
    if (v.expect_map(at, af, kAttentionTemperatureKeys)) {
      if (at["final"] && v.scalar(at["final"], af + ".final", a.final, "a number") && !(a.final > 0 && std::isfinite(a.final)))
        v.problem(at["final"], af + ".final", "must be a positive finite number");
      if (at["schedule"])
        parse_choice(v, at["schedule"], af + ".schedule", a.kind,
                     {{"constant", AttentionTemperature::Kind::constant}, {"linear", AttentionTemperature::Kind::linear},
                      {"exponential", AttentionTemperature::Kind::exponential}});
      if (at["steps"]) positive(v, at["steps"], af + ".steps", a.steps);
    }
  }
}

}  // namespace saturn
