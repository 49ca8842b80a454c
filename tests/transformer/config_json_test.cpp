// config.json: every field survives a round trip (every enum value, custom layer-norm places),
// the configs PyTorch's side wrote are read, and bad files are refused naming file and field.
// (Whole model directories: model_dir_test.)
#include "transformer/config_json.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "tests/support/torch_vectors.h"

namespace saturn {
namespace {

ModelConfig base() {
  ModelConfig c;
  c.tokens = {"(", ")", "<bos>"};
  c.vocab = 3;
  c.bos_id = 2;
  return c;
}

std::string error_of(const nlohmann::json& j) {
  try {
    config_from_json(j, "cfg.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigJson, EveryFieldRoundTrips) {
  std::vector<ModelConfig> configs;
  for (auto ln : {LayerNormMode::pre, LayerNormMode::post, LayerNormMode::none})
    for (auto pos : {Positional::none, Positional::learned, Positional::sinusoidal}) {
      auto c = base();
      c.layer_norm = ln;
      c.positional = pos;
      configs.push_back(c);
    }
  for (auto place : {AttnLnPlace::none, AttnLnPlace::qkv, AttnLnPlace::qk, AttnLnPlace::v}) {
    auto c = base();
    c.layer_norm = LayerNormMode::custom;
    c.ln = {place, place == AttnLnPlace::qk, place != AttnLnPlace::v};
    configs.push_back(c);
  }
  for (auto r : {ClassifyReadout::bos, ClassifyReadout::last, ClassifyReadout::mean}) {
    auto c = base();
    c.readout = r;
    c.activation = Activation::gelu;
    c.readout_scale = 0.1;
    c.ln_eps = 0;
    c.attn_bias = false;
    c.causal = true;
    configs.push_back(c);
  }
  auto ns = base();
  ns.head = HeadKind::next_symbols;
  ns.n_outputs = 3;
  configs.push_back(ns);
  auto lm = base();
  lm.tokens.push_back("<eos>");
  lm.vocab = lm.n_outputs = 4;
  lm.head = HeadKind::lm;
  lm.d_model = 48;
  lm.n_heads = 3;
  lm.n_layers = 5;
  lm.d_ff = 7;
  lm.max_len = 1000;
  configs.push_back(lm);
  for (const auto& c : configs) {
    const auto j = config_to_json(c);
    const auto back = config_from_json(nlohmann::json::parse(j.dump()), "x");
    EXPECT_EQ(config_to_json(back), j) << j.dump();
    EXPECT_EQ(back.tokens, c.tokens);
    EXPECT_EQ(back.layer_norm, c.layer_norm);
    EXPECT_EQ(uses_ln1(back), uses_ln1(c));
    EXPECT_EQ(uses_ln2(back), uses_ln2(c));
    EXPECT_EQ(uses_ln_f(back), uses_ln_f(c));
    EXPECT_EQ(ln_on_qk(back), ln_on_qk(c));
    EXPECT_EQ(ln_on_v(back), ln_on_v(c));
    EXPECT_EQ(back.readout_scale, c.readout_scale);
    EXPECT_EQ(back.ln_eps, c.ln_eps);
  }
}

TEST(ConfigJson, TokensAreListedInIdOrder) {
  const auto j = config_to_json(base());
  EXPECT_EQ(j["tokens"], nlohmann::ordered_json({"(", ")", "<bos>"}));  // same type: clang-14 finds == ambiguous
  EXPECT_EQ(j["bos_id"], 2);
}

TEST(ConfigJson, RefusesBadFieldsNamingFileAndField) {
  const nlohmann::json good = config_to_json(base());
  auto with = [&](const std::string& key, const nlohmann::json& value) {
    auto j = good;
    j[key] = value;
    return j;
  };
  auto has = [](const std::string& msg, const std::string& part) { return msg.find(part) != std::string::npos; };
  EXPECT_EQ(error_of(good), "");
  auto j = good;
  j.erase("d_model");
  EXPECT_TRUE(has(error_of(j), "cfg.json: field 'd_model': missing")) << error_of(j);
  EXPECT_TRUE(has(error_of(with("d_model", "64")), "cfg.json: field 'd_model': wrong type")) << error_of(with("d_model", "64"));
  EXPECT_TRUE(has(error_of(with("d_model", 1e12)), "field 'd_model': wrong type"));
  EXPECT_TRUE(has(error_of(with("d_model", 5000000000)), "field 'd_model': 5000000000 is out of range"));
  EXPECT_TRUE(has(error_of(with("causal", 1)), "field 'causal': wrong type"));
  EXPECT_TRUE(has(error_of(with("tokens", {"a", 1})), "field 'tokens': wrong type"));
  EXPECT_TRUE(has(error_of(with("activation", "tanh")), "field 'activation': \"tanh\" is not one of relu, gelu"));
  EXPECT_TRUE(has(error_of(with("head", "regress")), "field 'head'"));
  EXPECT_TRUE(has(error_of(with("positional", "rope")), "field 'positional'"));
  EXPECT_TRUE(has(error_of(with("readout", "cls")), "field 'readout'"));
  EXPECT_TRUE(has(error_of(with("layer_norm", "sandwich")), "field 'layer_norm'"));
  EXPECT_TRUE(has(error_of(with("layer_norm", {{"attn", "k"}})), "field 'layer_norm.attn'"));
  EXPECT_TRUE(has(error_of(with("layer_norm", {{"mlp", "yes"}})), "field 'layer_norm.mlp': wrong type"));
  EXPECT_TRUE(has(error_of(with("layer_norm", {{"ffn", true}})), "field 'layer_norm.ffn': unknown field"));
  EXPECT_TRUE(has(error_of(with("dmodel", 3)), "field 'dmodel': unknown field"));
  // Inconsistent configs (ModelConfig::validate) are refused with the file named.
  EXPECT_TRUE(has(error_of(with("n_heads", 5)), "cfg.json: model.n_heads"));
  EXPECT_TRUE(has(error_of(with("vocab", 4)), "cfg.json: model.tokens"));
  EXPECT_TRUE(has(error_of(nlohmann::json::array()), "cfg.json: expected a JSON object"));
}

// Sizes beyond ModelBounds are refused by the reader, before any allocation, naming the file and
// the field (n_layers: 100000 used to build a 1.6-million-tensor table for minutes first).
TEST(ConfigJson, RefusesSizesBeyondTheSanityBounds) {
  const nlohmann::json good = config_to_json(base());
  auto with = [&](std::initializer_list<std::pair<const char*, nlohmann::json>> fields) {
    auto j = good;
    for (const auto& [key, value] : fields) j[key] = value;
    return j;
  };
  EXPECT_EQ(error_of(with({{"n_layers", 100000}})),
            "cfg.json: model.n_layers: 100000 is above the sanity bound 1024 (ModelBounds)");
  EXPECT_EQ(error_of(with({{"d_model", 1 << 17}})),
            "cfg.json: model.d_model: 131072 is above the sanity bound 65536 (ModelBounds)");
  EXPECT_EQ(error_of(with({{"d_model", 8192}, {"n_heads", 8192}})),
            "cfg.json: model.n_heads: 8192 is above the sanity bound 4096 (ModelBounds)");
  EXPECT_EQ(error_of(with({{"d_ff", 2000000}})),
            "cfg.json: model.d_ff: 2000000 is above the sanity bound 1048576 (ModelBounds)");
  EXPECT_EQ(error_of(with({{"max_len", 2000000}})),
            "cfg.json: model.max_len: 2000000 is above the sanity bound 1048576 (ModelBounds)");
  auto no_tokens = good;
  no_tokens.erase("tokens");
  no_tokens["vocab"] = 2000000;
  EXPECT_EQ(error_of(no_tokens), "cfg.json: model.vocab: 2000000 is above the sanity bound 1048576 (ModelBounds)");
  // Each size within its bound, the product beyond the parameter bound.
  EXPECT_EQ(error_of(with({{"n_layers", 1000}, {"d_model", 4096}, {"d_ff", 16384}})),
            "cfg.json: model: about 2.01e+11 parameters (n_layers 1000, d_model 4096, d_ff 16384, vocab 3, max_len "
            "256) is above the sanity bound 1e+09 (ModelBounds)");
  // At the bounds, a small model still loads.
  EXPECT_EQ(error_of(with({{"n_layers", ModelBounds::kMaxLayers}})), "");
  EXPECT_EQ(error_of(with({{"max_len", ModelBounds::kMaxLen}})), "");
}

TEST(ConfigJson, ReadsTheConfigsPyTorchWrote) {
  // python/dump_test_vectors.py stores each case's config (the dict torch_reference.py saves as
  // config.json) in the safetensors metadata; the loader parses it with config_from_json, and
  // writing it back gives the same values.
  const auto cases = testing::torch_cases();
  ASSERT_GE(cases.size(), 6u);
  for (const auto& c : cases) {
    const auto ours = config_to_json(c.config);
    for (const auto& [key, value] : c.torch_config.items()) EXPECT_EQ(nlohmann::json(ours[key]), value) << c.name << " " << key;
  }
}

}  // namespace
}  // namespace saturn
