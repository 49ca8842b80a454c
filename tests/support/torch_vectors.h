// The one loader of the test vectors written by python/dump_test_vectors.py (PyTorch reference)
// in tests/data/: every test that compares against PyTorch reads them through torch_cases().
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "transformer/batch.h"
#include "transformer/config.h"
#include "transformer/model.h"
#include "transformer/param_table.h"
#include "transformer/safetensors.h"

namespace saturn::testing {

struct TorchCase {
  std::string name;
  ModelConfig config;           // parsed from the file's "config" metadata (config_from_json)
  nlohmann::json torch_config;  // that metadata as PyTorch wrote it
  SafetensorsFile file;  // param.<name>, grad.<name>, tokens, offsets, labels, targets, next_tokens, loss, outputs.<mode>
  Batch batch;
  // Throws std::runtime_error naming the case when the file has no such tensor.
  const std::vector<double>& tensor(const std::string& name) const;
  // The case's parameters in `table`'s flat layout. Throws when a tensor of the table is missing
  // or has another size, or when the file holds a parameter the table does not know.
  std::vector<double> params(const TensorTable& table) const;
  // A double model of the case's config holding the case's parameters.
  Model<double> model() const;
};

// Every case listed in tests/data/index.json.
std::vector<TorchCase> torch_cases();

}  // namespace saturn::testing
