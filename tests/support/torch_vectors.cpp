#include "tests/support/torch_vectors.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "transformer/config_json.h"

namespace saturn::testing {

const std::vector<double>& TorchCase::tensor(const std::string& n) const {
  const auto it = file.tensors.find(n);
  if (it == file.tensors.end()) throw std::runtime_error(name + ": no tensor " + n);
  return it->second.values;
}

std::vector<double> TorchCase::params(const TensorTable& table) const {
  std::vector<double> out(table.total_size());
  for (const auto& spec : table.specs()) {
    const auto& p = tensor("param." + spec.name);
    if (p.size() != spec.size)
      throw std::runtime_error(name + ": param." + spec.name + " has " + std::to_string(p.size()) + " values, the table " +
                               std::to_string(spec.size));
    std::copy(p.begin(), p.end(), out.begin() + static_cast<std::ptrdiff_t>(spec.offset));
  }
  for (const auto& [key, _] : file.tensors)
    if (key.rfind("param.", 0) == 0 && !table.find(key.substr(6)))
      throw std::runtime_error(name + ": PyTorch has " + key + ", the parameter table does not");
  return out;
}

Model<double> TorchCase::model() const {
  Model<double> m(config);
  const auto p = params(m.table);
  std::copy(p.begin(), p.end(), m.params.begin());
  return m;
}

std::vector<TorchCase> torch_cases() {
  const std::string dir = std::string(SATURN_SOURCE_DIR) + "/tests/data/";
  std::ifstream in(dir + "index.json");
  if (!in) throw std::runtime_error("cannot open " + dir + "index.json");
  const auto index = nlohmann::json::parse(in);
  std::vector<TorchCase> out;
  for (const auto& [name, _] : index.items()) {
    TorchCase c;
    c.name = name;
    c.file = read_safetensors(dir + name + ".safetensors");
    c.torch_config = nlohmann::json::parse(c.file.metadata.at("config"));
    c.config = config_from_json(c.torch_config, name);
    for (double t : c.tensor("tokens")) c.batch.tokens.push_back(static_cast<int>(t));
    for (double o : c.tensor("offsets")) c.batch.offsets.push_back(static_cast<int>(o));
    for (double l : c.tensor("labels")) c.batch.labels.push_back(static_cast<float>(l));
    for (double t : c.tensor("targets")) c.batch.targets.push_back(static_cast<float>(t));
    for (double t : c.tensor("next_tokens")) c.batch.next_tokens.push_back(static_cast<int>(t));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace saturn::testing
