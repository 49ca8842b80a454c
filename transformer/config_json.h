// ModelConfig <-> config.json (the config file of a model directory, transformer/model_dir.h).
//
// config.json holds every ModelConfig field, including the token list in id order, so a model
// file is self-describing. See docs/model-files.md.
//
// `tokens` may be left out: the reader then gives the model default_tokens. An empty list is kept
// as written (Saturn writes one for models whose tokens have no names, e.g. scan_snap's
// transformer variant); a non-empty list must have `vocab` entries.
//
// Reading refuses, with one line "<file>: field '<name>': <reason>", a missing required field,
// a field of the wrong type, an unknown enum value, an unknown field (a typo would otherwise be
// ignored silently) and an inconsistent config (ModelConfig::validate).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "transformer/config.h"

namespace saturn {

// Every field, in a fixed order (config_from_json(config_to_json(c)) == c).
nlohmann::ordered_json config_to_json(const ModelConfig& c);
// `source` names the file (or other origin) in error messages.
ModelConfig config_from_json(const nlohmann::json& j, const std::string& source);

// The token list of a config.json without `tokens`: ids below bos_id are the letters "a", "b",
// "c", ... in order (at most 26), bos_id is "<bos>", and for an lm head the one id after it is
// "<eos>" (the layout of a language task's model, docs/model-files.md). Throws, naming `source`
// and the field 'tokens', when the vocabulary does not have that layout (no default applies).
std::vector<std::string> default_tokens(const ModelConfig& c, const std::string& source);

// dir/config.json
ModelConfig load_config(const std::filesystem::path& dir);
// Whether dir/config.json has a `tokens` field (false: load_config gave the model default_tokens).
bool config_lists_tokens(const std::filesystem::path& dir);
void save_config(const std::filesystem::path& dir, const ModelConfig& c);  // atomic

}  // namespace saturn
