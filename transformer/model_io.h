// Model directories: `config.json` (the ModelConfig, with the token list in id order) and
// `model.safetensors` (every tensor of the parameter table). Loading checks everything and
// refuses a corrupt or mismatched model with one line naming the file and the field or tensor.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "transformer/model.h"
#include "transformer/safetensors.h"

namespace saturn {

nlohmann::json config_to_json(const ModelConfig& c);
// Throws saturn::Error "<source>: field '<name>': <reason>".
ModelConfig config_from_json(const nlohmann::json& j, const std::string& source);

ModelConfig load_config(const std::filesystem::path& dir);

// Writes dir/config.json and dir/model.safetensors (F32 for float models, F64 for double).
template <class S>
void save_model_dir(const std::filesystem::path& dir, const Model<S>& model);

template <class S>
Model<S> load_model_dir(const std::filesystem::path& dir);

}  // namespace saturn
