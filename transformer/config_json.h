// ModelConfig <-> config.json (the config file of a model directory, transformer/model_dir.h).
//
// config.json holds every ModelConfig field, including the token list in id order, so a model
// file is self-describing. See docs/model-files.md.
//
// Reading refuses, with one line "<file>: field '<name>': <reason>", a missing required field,
// a field of the wrong type, an unknown enum value, an unknown field (a typo would otherwise be
// ignored silently) and an inconsistent config (ModelConfig::validate).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "transformer/config.h"

namespace saturn {

// Every field, in a fixed order (config_from_json(config_to_json(c)) == c).
nlohmann::ordered_json config_to_json(const ModelConfig& c);
// `source` names the file (or other origin) in error messages.
ModelConfig config_from_json(const nlohmann::json& j, const std::string& source);

// dir/config.json
ModelConfig load_config(const std::filesystem::path& dir);
void save_config(const std::filesystem::path& dir, const ModelConfig& c);  // atomic

}  // namespace saturn
