// config.json: every field survives a round trip (every enum value, custom layer-norm places),
// files written by PyTorch's side are read, and bad files are refused naming file and field.
#include "transformer/model_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "transformer/safetensors.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

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
  EXPECT_EQ(j["tokens"], nlohmann::json({"(", ")", "<bos>"}));
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

TEST(ConfigJson, ModelDirectoryRoundTripIsExactAndChecked) {
  const auto dir = fs::temp_directory_path() / "saturn_config_json_dir";
  fs::remove_all(dir);
  auto c = base();
  c.layer_norm = LayerNormMode::custom;
  c.ln = {AttnLnPlace::v, true, false};
  Model<float> m(c);
  m.init(7);
  save_model_dir(dir, m);
  EXPECT_EQ(load_model_dir<float>(dir).params, m.params);
  // A float model read as double (and back) is exact.
  const auto md = load_model_dir<double>(dir);
  for (std::size_t i = 0; i < m.params.size(); ++i) EXPECT_EQ(static_cast<float>(md.params[i]), m.params[i]);
  // Weights that do not fit the config are refused naming the tensor.
  auto other = c;
  other.d_ff = 65;
  save_config(dir, other);
  try {
    load_model_dir<float>(dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tensor 'layers.0.ffn.fc1.weight' has shape [64, 32], the config needs [65, 32]"),
              std::string::npos)
        << e.what();
  }
  std::ofstream(dir / "config.json") << "{\"vocab\": 5";
  try {
    load_model_dir<float>(dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("config.json: not valid JSON"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
  EXPECT_THROW(load_model_dir<float>(dir), Error);
}

TEST(ConfigJson, ReadsTheConfigsPyTorchWrote) {
  // python/dump_test_vectors.py stores each case's config (the dict torch_reference.py saves as
  // config.json) in the safetensors metadata: every one parses and writes back the same values.
  std::ifstream in(fs::path(SATURN_SOURCE_DIR) / "tests/data/index.json");
  const auto index = nlohmann::json::parse(in);
  ASSERT_GE(index.size(), 6u);
  for (const auto& [name, _] : index.items()) {
    const auto file = read_safetensors(fs::path(SATURN_SOURCE_DIR) / "tests/data" / (name + ".safetensors"));
    const auto torch_cfg = nlohmann::json::parse(file.metadata.at("config"));
    const auto ours = config_to_json(config_from_json(torch_cfg, name));
    for (const auto& [key, value] : torch_cfg.items()) EXPECT_EQ(nlohmann::json(ours[key]), value) << name << " " << key;
  }
}

}  // namespace
}  // namespace saturn
