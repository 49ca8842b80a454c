// Test vectors written by python/dump_test_vectors.py (PyTorch reference) in tests/data/.
#pragma once

#include <string>
#include <vector>

#include "transformer/batch.h"
#include "transformer/config.h"
#include "transformer/safetensors.h"

namespace saturn::testing {

struct TorchCase {
  std::string name;
  ModelConfig config;
  SafetensorsFile file;  // param.<name>, grad.<name>, tokens, offsets, labels, targets, next_tokens, loss, outputs.<mode>
  Batch batch;
  const std::vector<double>& tensor(const std::string& name) const;
};

// Every case listed in tests/data/index.json.
std::vector<TorchCase> torch_cases();

}  // namespace saturn::testing
