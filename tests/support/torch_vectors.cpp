#include "tests/support/torch_vectors.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "transformer/model_dir.h"

namespace saturn::testing {

const std::vector<double>& TorchCase::tensor(const std::string& n) const {
  const auto it = file.tensors.find(n);
  if (it == file.tensors.end()) throw std::runtime_error(name + ": no tensor " + n);
  return it->second.values;
}

std::vector<TorchCase> torch_cases() {
  const std::string dir = std::string(SATURN_SOURCE_DIR) + "/tests/data/";
  std::ifstream in(dir + "index.json");
  const auto index = nlohmann::json::parse(in);
  std::vector<TorchCase> out;
  for (const auto& [name, _] : index.items()) {
    TorchCase c;
    c.name = name;
    c.file = read_safetensors(dir + name + ".safetensors");
    c.config = config_from_json(nlohmann::json::parse(c.file.metadata.at("config")), name);
    const auto& tokens = c.tensor("tokens");
    const auto& offsets = c.tensor("offsets");
    for (double t : tokens) c.batch.tokens.push_back(static_cast<int>(t));
    for (double o : offsets) c.batch.offsets.push_back(static_cast<int>(o));
    for (double l : c.tensor("labels")) c.batch.labels.push_back(static_cast<float>(l));
    for (double t : c.tensor("targets")) c.batch.targets.push_back(static_cast<float>(t));
    for (double t : c.tensor("next_tokens")) c.batch.next_tokens.push_back(static_cast<int>(t));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace saturn::testing
