#include "transformer/config_json.h"

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <type_traits>

#include "core/atomic_file.h"
#include "core/error.h"

namespace saturn {

namespace fs = std::filesystem;

nlohmann::ordered_json config_to_json(const ModelConfig& c) {
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
  if (c.loss != LossKind::bce) j["loss"] = to_string(c.loss);  // only when set: older files keep their bytes
  j["readout"] = to_string(c.readout);
  j["readout_scale"] = c.readout_scale;
  j["n_outputs"] = c.n_outputs;
  // Written only when set, so model files without them (and every file written before them) keep
  // their bytes; absent means the default (1 and 0).
  if (c.attention_scale != 1.0) j["attention_scale"] = c.attention_scale;
  if (c.score_rounding != 0.0) j["score_rounding"] = c.score_rounding;
  return j;
}

namespace {

[[noreturn]] void field_error(const std::string& source, const std::string& field, const std::string& why) {
  throw Error(fmt::format("{}: field '{}': {}", source, field, why));
}

template <class E>
E parse_enum(const nlohmann::json& j, const std::string& field, const std::string& source,
             std::initializer_list<std::pair<const char*, E>> options) {
  const std::string s = j.is_string() ? j.get<std::string>() : "";
  for (const auto& [name, value] : options)
    if (s == name) return value;
  std::string list;
  for (const auto& [name, _] : options) list += (list.empty() ? "" : ", ") + std::string(name);
  field_error(source, field, fmt::format("{} is not one of {}", j.dump(), list));
}

// Reads j[field] into out when present, with a type check that names the field.
template <class T>
bool read_field(const nlohmann::json& j, const char* field, const std::string& source, T& out,
                const std::string& prefix = "") {
  if (!j.contains(field)) return false;
  const auto& v = j.at(field);
  bool ok = false;
  if constexpr (std::is_same_v<T, bool>) ok = v.is_boolean();
  else if constexpr (std::is_integral_v<T>) ok = v.is_number_integer();
  else if constexpr (std::is_floating_point_v<T>) ok = v.is_number();
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    ok = v.is_array();
    if (ok)
      for (const auto& e : v) ok = ok && e.is_string();
  }
  if (!ok) field_error(source, prefix + field, fmt::format("wrong type ({})", v.dump()));
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    const auto x = v.get<std::int64_t>();
    if (x < std::numeric_limits<T>::min() || x > std::numeric_limits<T>::max())
      field_error(source, prefix + field, fmt::format("{} is out of range", x));
  }
  v.get_to(out);
  return true;
}

const std::set<std::string> kFields = {"vocab", "tokens", "bos_id", "d_model", "n_layers", "n_heads",
                                       "d_ff", "activation", "layer_norm", "ln_eps", "attn_bias", "positional",
                                       "max_len", "causal", "head", "readout", "readout_scale", "n_outputs",
                                       "attention_scale", "score_rounding", "loss"};

}  // namespace

std::vector<std::string> default_tokens(const ModelConfig& c, const std::string& source) {
  const int extra = c.vocab - c.bos_id - 1;  // ids after <bos>
  if (c.bos_id > 26)
    field_error(source, "tokens", fmt::format("missing, and the default (a, b, c, ... below bos_id) names at most 26 symbols, not {}", c.bos_id));
  if (extra < 0 || extra > 1 || (extra == 1 && c.head != HeadKind::lm))
    field_error(source, "tokens",
                fmt::format("missing, and the default (a, b, ... below bos_id, then <bos>, then <eos> for an lm head) "
                            "does not fit vocab = {} with bos_id = {} and head {}; list the tokens",
                            c.vocab, c.bos_id, to_string(c.head)));
  std::vector<std::string> t;
  for (int i = 0; i < c.bos_id; ++i) t.emplace_back(1, static_cast<char>('a' + i));
  t.emplace_back("<bos>");
  if (extra == 1) t.emplace_back("<eos>");
  return t;
}

ModelConfig config_from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw Error(fmt::format("{}: expected a JSON object", source));
  for (const auto& [key, _] : j.items())
    if (!kFields.count(key)) field_error(source, key, "unknown field");
  for (const char* required : {"vocab", "d_model", "n_layers", "n_heads", "d_ff", "bos_id"})
    if (!j.contains(required)) field_error(source, required, "missing");
  ModelConfig c;
  read_field(j, "vocab", source, c.vocab);
  read_field(j, "tokens", source, c.tokens);
  read_field(j, "bos_id", source, c.bos_id);
  read_field(j, "d_model", source, c.d_model);
  read_field(j, "n_layers", source, c.n_layers);
  read_field(j, "n_heads", source, c.n_heads);
  read_field(j, "d_ff", source, c.d_ff);
  read_field(j, "ln_eps", source, c.ln_eps);
  read_field(j, "attn_bias", source, c.attn_bias);
  read_field(j, "max_len", source, c.max_len);
  read_field(j, "causal", source, c.causal);
  read_field(j, "readout_scale", source, c.readout_scale);
  read_field(j, "n_outputs", source, c.n_outputs);
  read_field(j, "attention_scale", source, c.attention_scale);
  read_field(j, "score_rounding", source, c.score_rounding);
  if (j.contains("loss")) c.loss = parse_enum<LossKind>(j["loss"], "loss", source, {{"bce", LossKind::bce}, {"mse", LossKind::mse}});
  if (j.contains("activation"))
    c.activation = parse_enum<Activation>(j["activation"], "activation", source,
                                          {{"relu", Activation::relu}, {"gelu", Activation::gelu}});
  if (j.contains("positional"))
    c.positional = parse_enum<Positional>(
        j["positional"], "positional", source,
        {{"none", Positional::none}, {"learned", Positional::learned}, {"sinusoidal", Positional::sinusoidal}});
  if (j.contains("head"))
    c.head = parse_enum<HeadKind>(j["head"], "head", source,
                                  {{"classify", HeadKind::classify}, {"next_symbols", HeadKind::next_symbols}, {"lm", HeadKind::lm}});
  if (j.contains("readout"))
    c.readout = parse_enum<ClassifyReadout>(
        j["readout"], "readout", source,
        {{"bos", ClassifyReadout::bos}, {"last", ClassifyReadout::last}, {"mean", ClassifyReadout::mean}});
  if (j.contains("layer_norm")) {
    const auto& ln = j["layer_norm"];
    if (ln.is_object()) {
      for (const auto& [key, _] : ln.items())
        if (key != "attn" && key != "mlp" && key != "final") field_error(source, "layer_norm." + key, "unknown field");
      c.layer_norm = LayerNormMode::custom;
      c.ln = {AttnLnPlace::none, false, false};
      if (ln.contains("attn"))
        c.ln.attn = parse_enum<AttnLnPlace>(
            ln["attn"], "layer_norm.attn", source,
            {{"none", AttnLnPlace::none}, {"qkv", AttnLnPlace::qkv}, {"qk", AttnLnPlace::qk}, {"v", AttnLnPlace::v}});
      read_field(ln, "mlp", source, c.ln.mlp, "layer_norm.");
      read_field(ln, "final", source, c.ln.final, "layer_norm.");
    } else {
      c.layer_norm = parse_enum<LayerNormMode>(
          ln, "layer_norm", source,
          {{"pre", LayerNormMode::pre}, {"post", LayerNormMode::post}, {"none", LayerNormMode::none}});
    }
  }
  try {
    c.validate();
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
  if (!j.contains("tokens")) c.tokens = default_tokens(c, source);  // after validate: vocab, bos_id and head are sound
  return c;
}

ModelConfig load_config(const fs::path& dir) {
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

bool config_lists_tokens(const fs::path& dir) {
  std::ifstream in(dir / "config.json");
  const auto j = nlohmann::json::parse(in, nullptr, false);
  return !j.is_object() || j.contains("tokens");
}

void save_config(const fs::path& dir, const ModelConfig& c) {
  fs::create_directories(dir);
  write_file_atomic(dir / "config.json", config_to_json(c).dump(2) + "\n");
}

}  // namespace saturn
