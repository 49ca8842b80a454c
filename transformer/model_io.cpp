#include "transformer/model_io.h"

#include <fmt/format.h>

#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"

namespace saturn {

nlohmann::json config_to_json(const ModelConfig& c) {
  nlohmann::ordered_json j;
  j["vocab"] = c.vocab;
  j["tokens"] = c.tokens;
  j["bos_id"] = c.bos_id;
  j["d_model"] = c.d_model;
  j["n_layers"] = c.n_layers;
  j["n_heads"] = c.n_heads;
  j["d_ff"] = c.d_ff;
  j["activation"] = to_string(c.activation);
  if (c.layer_norm == LayerNormMode::custom)
    j["layer_norm"] = {{"attn", to_string(c.ln.attn)}, {"mlp", c.ln.mlp}, {"final", c.ln.final}};
  else
    j["layer_norm"] = to_string(c.layer_norm);
  j["ln_eps"] = c.ln_eps;
  j["attn_bias"] = c.attn_bias;
  j["positional"] = to_string(c.positional);
  j["max_len"] = c.max_len;
  j["causal"] = c.causal;
  j["head"] = to_string(c.head);
  j["readout"] = to_string(c.readout);
  j["readout_scale"] = c.readout_scale;
  j["n_outputs"] = c.n_outputs;
  return j;
}

namespace {

template <class E>
E parse_enum(const nlohmann::json& j, const std::string& field, const std::string& source,
             std::initializer_list<std::pair<const char*, E>> options) {
  const std::string s = j.is_string() ? j.get<std::string>() : "";
  for (const auto& [name, value] : options)
    if (s == name) return value;
  std::string list;
  for (const auto& [name, _] : options) list += (list.empty() ? "" : ", ") + std::string(name);
  throw Error(fmt::format("{}: field '{}': '{}' is not one of {}", source, field, j.dump(), list));
}

}  // namespace

ModelConfig config_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw Error(fmt::format("{}: expected a JSON object", source));
  ModelConfig c;
  auto get = [&](const char* field, auto& out) {
    if (!j.contains(field)) return false;
    try {
      j.at(field).get_to(out);
    } catch (const nlohmann::json::exception&) {
      throw Error(fmt::format("{}: field '{}': wrong type ({})", source, field, j.at(field).dump()));
    }
    return true;
  };
  for (const char* required : {"vocab", "d_model", "n_layers", "n_heads", "d_ff", "bos_id"})
    if (!j.contains(required)) throw Error(fmt::format("{}: field '{}': missing", source, required));
  get("vocab", c.vocab);
  get("tokens", c.tokens);
  get("bos_id", c.bos_id);
  get("d_model", c.d_model);
  get("n_layers", c.n_layers);
  get("n_heads", c.n_heads);
  get("d_ff", c.d_ff);
  get("ln_eps", c.ln_eps);
  get("attn_bias", c.attn_bias);
  get("max_len", c.max_len);
  get("causal", c.causal);
  get("readout_scale", c.readout_scale);
  get("n_outputs", c.n_outputs);
  if (j.contains("activation"))
    c.activation = parse_enum<Activation>(j["activation"], "activation", source, {{"relu", Activation::relu}, {"gelu", Activation::gelu}});
  if (j.contains("positional"))
    c.positional = parse_enum<Positional>(j["positional"], "positional", source,
                                          {{"none", Positional::none}, {"learned", Positional::learned}, {"sinusoidal", Positional::sinusoidal}});
  if (j.contains("head"))
    c.head = parse_enum<HeadKind>(j["head"], "head", source,
                                  {{"classify", HeadKind::classify}, {"next_symbols", HeadKind::next_symbols}, {"lm", HeadKind::lm}});
  if (j.contains("readout"))
    c.readout = parse_enum<ClassifyReadout>(j["readout"], "readout", source,
                                            {{"bos", ClassifyReadout::bos}, {"last", ClassifyReadout::last}, {"mean", ClassifyReadout::mean}});
  if (j.contains("layer_norm")) {
    const auto& ln = j["layer_norm"];
    if (ln.is_object()) {
      c.layer_norm = LayerNormMode::custom;
      c.ln.attn = parse_enum<AttnLnPlace>(ln.value("attn", nlohmann::json("none")), "layer_norm.attn", source,
                                          {{"none", AttnLnPlace::none}, {"qkv", AttnLnPlace::qkv}, {"qk", AttnLnPlace::qk}, {"v", AttnLnPlace::v}});
      c.ln.mlp = ln.value("mlp", false);
      c.ln.final = ln.value("final", false);
    } else {
      c.layer_norm = parse_enum<LayerNormMode>(ln, "layer_norm", source,
                                               {{"pre", LayerNormMode::pre}, {"post", LayerNormMode::post}, {"none", LayerNormMode::none}});
    }
  }
  try {
    c.validate();
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
  return c;
}

ModelConfig load_config(const std::filesystem::path& dir) {
  const auto path = dir / "config.json";
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot open file (is {} a model directory?)", path.string(), dir.string()));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("{}: not valid JSON ({})", path.string(), e.what()));
  }
  return config_from_json(j, path.string());
}

template <class S>
void save_model_dir(const std::filesystem::path& dir, const Model<S>& model) {
  std::filesystem::create_directories(dir);
  write_file_atomic(dir / "config.json", config_to_json(model.config).dump(2) + "\n");
  write_safetensors(dir / "model.safetensors", model.table, model.params.data(),
                    std::is_same_v<S, float> ? Dtype::f32 : Dtype::f64, {{"format", "saturn"}});
}

template <class S>
Model<S> load_model_dir(const std::filesystem::path& dir) {
  Model<S> m(load_config(dir));
  load_safetensors(dir / "model.safetensors", m.table, m.params.data());
  return m;
}

template void save_model_dir<float>(const std::filesystem::path&, const Model<float>&);
template void save_model_dir<double>(const std::filesystem::path&, const Model<double>&);
template Model<float> load_model_dir<float>(const std::filesystem::path&);
template Model<double> load_model_dir<double>(const std::filesystem::path&);

}  // namespace saturn
