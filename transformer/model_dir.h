// Model directories: `config.json` (transformer/config_json.h) and `model.safetensors` (every
// tensor of the parameter table, PyTorch names and shapes). See docs/model-files.md.
//
// Loading refuses a bad config.json (transformer/config_json.h), a corrupt weights file or one
// whose tensors do not match the config (transformer/safetensors.h).
#pragma once

#include <filesystem>

#include "transformer/config_json.h"
#include "transformer/model.h"

namespace saturn {

// Writes dir/config.json and dir/model.safetensors (F32 for float models, F64 for double), each
// file atomically; creates dir.
template <class S>
void save_model_dir(const std::filesystem::path& dir, const Model<S>& model);

// Reads a model directory written by save_model_dir or by python/torch_reference.py; converts
// the stored dtype to S.
template <class S>
Model<S> load_model_dir(const std::filesystem::path& dir);

}  // namespace saturn
