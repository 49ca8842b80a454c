// ModelConfig <-> config.json, and model directories.
//
// A model directory holds `config.json` (every ModelConfig field, including the token list in id
// order, so a model file is self-describing) and `model.safetensors` (every tensor of the
// parameter table, PyTorch names and shapes). See docs/model-files.md.
//
// Reading refuses, with one line "<file>: field '<name>': <reason>", a missing required field,
// a field of the wrong type, an unknown enum value, an unknown field (a typo would otherwise be
// ignored silently) and an inconsistent config (ModelConfig::validate). Loading the weights
// refuses a corrupt file or one whose tensors do not match the config (transformer/safetensors.h).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "transformer/model.h"

namespace saturn {

// Every field, in a fixed order (config_from_json(config_to_json(c)) == c).
nlohmann::ordered_json config_to_json(const ModelConfig& c);
// `source` names the file (or other origin) in error messages.
ModelConfig config_from_json(const nlohmann::json& j, const std::string& source);

// dir/config.json
ModelConfig load_config(const std::filesystem::path& dir);
void save_config(const std::filesystem::path& dir, const ModelConfig& c);  // atomic

// Writes dir/config.json and dir/model.safetensors (F32 for float models, F64 for double), each
// file atomically; creates dir.
template <class S>
void save_model_dir(const std::filesystem::path& dir, const Model<S>& model);

// Reads a model directory written by save_model_dir or by python/torch_reference.py; converts
// the stored dtype to S.
template <class S>
Model<S> load_model_dir(const std::filesystem::path& dir);

}  // namespace saturn
