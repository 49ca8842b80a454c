// The grokking kind's settings: the paper's defaults and the parser of a task's node.
#include "harness/kinds/grokking/spec.h"

#include <fmt/format.h>

#include "harness/yaml_validator.h"

namespace saturn {

GrokkingSpec default_grokking_spec() {
  GrokkingSpec s;
  auto& c = s.model.config;
  c.d_model = 128;
  c.n_layers = 1;
  c.n_heads = 4;
  c.d_ff = 512;
  c.activation = Activation::relu;
  c.layer_norm = LayerNormMode::custom;
  c.ln = {AttnLnPlace::none, false, false};
  c.ln_eps = 0.0;
  c.attn_bias = false;
  c.positional = Positional::learned;
  c.causal = false;
  c.head = HeadKind::lm;
  c.readout_scale = 1.0;
  s.optimizer.kind = OptimizerKind::adamw;
  s.optimizer.lr = 1e-3;
  s.optimizer.weight_decay = 1.0;
  s.optimizer.beta1 = 0.9;
  s.optimizer.beta2 = 0.98;
  s.optimizer.eps = 1e-8;
  s.training.steps = 10000;
  s.training.log_every = 100;
  s.training.checkpoint_every = 1000;
  return s;
}

// The model's configuration: tokens 0..P-1, "=", "<bos>"; lm head read at every position.
ModelConfig grokking_config(const GrokkingSpec& s) {
  ModelConfig c = s.model.config;
  c.tokens.clear();
  for (int i = 0; i < s.modulus; ++i) c.tokens.push_back(std::to_string(i));
  c.tokens.push_back("=");
  c.tokens.push_back("<bos>");
  c.vocab = s.modulus + 2;
  c.bos_id = s.modulus + 1;
  c.head = HeadKind::lm;
  c.n_outputs = c.vocab;
  c.max_len = s.bos ? 4 : 3;
  return c;
}

// The name of a layer-norm placement in the paper's notation.
std::string placement_name(const ModelConfig& c) {
  if (c.layer_norm == LayerNormMode::post) return "post";
  if (c.layer_norm == LayerNormMode::none) return "none";
  const LayerNormPlaces p = c.layer_norm == LayerNormMode::pre ? LayerNormPlaces{} : c.ln;
  std::string a;
  switch (p.attn) {
    case AttnLnPlace::none: break;
    case AttnLnPlace::qkv: a = "A*"; break;
    case AttnLnPlace::qk: a = "A^qk"; break;
    case AttnLnPlace::v: a = "A^v"; break;
  }
  std::string name = p.mlp ? (a.empty() ? "M" : "M+" + a) : a;
  if (p.final) name += name.empty() ? "F" : "+F";
  return name.empty() ? "none" : name;
}

namespace {
constexpr const char* kTaskKeys[] = {"kind", "seed", "data", "model", "optimizer", "training", "record_every", "grok", "init"};
constexpr const char* kDataKeys[] = {"modulus", "train_fraction", "bos"};
constexpr const char* kFixedModelKeys[] = {"head", "readout", "max_len"};
constexpr const char* kUnusedTrainingKeys[] = {"batch_size", "eval_every", "eval_batch_size"};
constexpr const char* kGrokKeys[] = {"accuracy", "loss", "stop_after"};
constexpr const char* kInitKeys[] = {"embedding"};
}  // namespace

bool grokking_has_key(const YAML::Node&, const std::vector<std::string>& key) {
  if (key.empty() || !is_one_of(key[0], kTaskKeys) || key[0] == "kind") return false;
  const std::span<const std::string> rest(key.begin() + 1, key.end());
  if (rest.empty()) return true;
  if (key[0] == "model") return model_has_key(rest) && !is_one_of(rest[0], kFixedModelKeys);
  if (key[0] == "optimizer") return optimizer_has_key(rest);
  if (key[0] == "training") return training_has_key(rest) && !is_one_of(rest[0], kUnusedTrainingKeys);
  if (rest.size() != 1) return false;
  if (key[0] == "data") return is_one_of(rest[0], kDataKeys);
  if (key[0] == "grok") return is_one_of(rest[0], kGrokKeys);
  if (key[0] == "init") return is_one_of(rest[0], kInitKeys);
  return false;
}

std::shared_ptr<const TaskKind> parse_grokking_task(Validator& v, const YAML::Node& node, const std::string& f) {
  if (!v.expect_map(node, f, kTaskKeys)) return nullptr;
  const std::size_t before = v.problems().size();
  GrokkingSpec s = default_grokking_spec();
  if (node["seed"]) v.scalar(node["seed"], f + ".seed", s.seed, "a non-negative integer");
  if (const auto d = node["data"]; d && v.expect_map(d, f + ".data", kDataKeys)) {
    if (d["modulus"] && v.scalar(d["modulus"], f + ".data.modulus", s.modulus, "an integer") &&
        (s.modulus < 2 || s.modulus > 4096))
      v.problem(d["modulus"], f + ".data.modulus", "must be between 2 and 4096");
    if (d["train_fraction"] && v.scalar(d["train_fraction"], f + ".data.train_fraction", s.train_fraction, "a number") &&
        !(s.train_fraction > 0 && s.train_fraction < 1))
      v.problem(d["train_fraction"], f + ".data.train_fraction", "must lie strictly between 0 and 1");
    if (d["bos"]) v.scalar(d["bos"], f + ".data.bos", s.bos, "true or false");
  }
  if (const auto m = node["model"]) {
    if (m.IsMap())
      for (const char* fixed : kFixedModelKeys)
        if (m[fixed])
          v.problem(m[fixed], f + ".model." + fixed,
                    "is fixed by the grokking kind (lm head read at the last position, sequences of 3 tokens)");
    parse_model(v, m, f + ".model", s.model);
    s.model.config.head = HeadKind::lm;
  }
  if (node["optimizer"]) parse_optimizer(v, node["optimizer"], f + ".optimizer", s.optimizer);
  if (const auto t = node["training"]) {
    if (t.IsMap())
      for (const char* unused : kUnusedTrainingKeys)
        if (t[unused])
          v.problem(t[unused], f + ".training." + unused, "is not used by the grokking kind (full batch; see record_every)");
    parse_training(v, t, f + ".training", s.training);
  }
  if (node["record_every"]) positive(v, node["record_every"], f + ".record_every", s.record_every);
  if (const auto g = node["grok"]; g && v.expect_map(g, f + ".grok", kGrokKeys)) {
    if (g["stop_after"] && v.scalar(g["stop_after"], f + ".grok.stop_after", s.stop_after, "a whole number of steps") &&
        s.stop_after < 0)
      v.problem(g["stop_after"], f + ".grok.stop_after", "must be >= 0");
    if (g["accuracy"] && v.scalar(g["accuracy"], f + ".grok.accuracy", s.grok_accuracy, "a number") &&
        !(s.grok_accuracy > 0 && s.grok_accuracy <= 1))
      v.problem(g["accuracy"], f + ".grok.accuracy", "must lie in (0, 1]");
    if (g["loss"]) positive(v, g["loss"], f + ".grok.loss", s.grok_loss);
  }
  if (const auto in = node["init"]; in && v.expect_map(in, f + ".init", kInitKeys)) {
    if (in["embedding"])
      parse_choice(v, in["embedding"], f + ".init.embedding", s.embed_init, {{"paper", EmbedInit::paper}, {"saturn", EmbedInit::saturn}});
  }
  if (v.problems().size() != before) return nullptr;
  try {
    grokking_config(s).validate();
  } catch (const Error& e) {
    v.problem(node["model"] ? node["model"] : node, f + ".model", e.what());
    return nullptr;
  }
  return make_grokking_kind(std::move(s));
}

}  // namespace saturn
