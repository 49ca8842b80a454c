#include "saturated_transformer/model_weights.h"

#include <fmt/format.h>

#include "core/error.h"
#include "transformer/model_dir.h"
#include "transformer/param_table.h"

namespace saturn {

const Eigen::MatrixXd& ModelWeights::at(const std::string& name) const {
  const auto it = tensors.find(name);
  if (it == tensors.end()) throw Error(fmt::format("model has no tensor '{}'", name));
  return it->second;
}

void ModelWeights::scale(double rho) {
  for (auto& [_, t] : tensors) t *= rho;
}

std::vector<std::pair<std::string, std::vector<long>>> ModelWeights::expected_tensors(const ModelConfig& c) {
  std::vector<std::pair<std::string, std::vector<long>>> out;
  const TensorTable table = parameter_table(c);
  for (const auto& spec : table.specs())
    out.push_back({spec.name, std::vector<long>(spec.shape.begin(), spec.shape.end())});
  return out;
}

void ModelWeights::validate() const {
  const auto expected = expected_tensors(config);
  for (const auto& [name, shape] : expected) {
    const auto it = tensors.find(name);
    if (it == tensors.end()) throw Error(fmt::format("model is missing tensor '{}'", name));
    const long rows = shape[0], cols = shape.size() == 2 ? shape[1] : 1;
    if (it->second.rows() != rows || it->second.cols() != cols)
      throw Error(fmt::format("tensor '{}' has shape [{}, {}], the config needs [{}, {}]", name, it->second.rows(),
                              it->second.cols(), rows, cols));
  }
  if (tensors.size() != expected.size())
    for (const auto& [name, _] : tensors) {
      bool known = false;
      for (const auto& e : expected) known = known || e.first == name;
      if (!known) throw Error(fmt::format("unexpected tensor '{}' for this config", name));
    }
}

template <class S>
ModelWeights to_weights(const ModelConfig& config, const TensorTable& table, const S* params) {
  ModelWeights w;
  w.config = config;
  for (const auto& spec : table.specs()) {
    const long rows = spec.shape[0], cols = spec.shape.size() == 2 ? spec.shape[1] : 1;
    Eigen::MatrixXd m(rows, cols);
    for (long r = 0; r < rows; ++r)
      for (long c = 0; c < cols; ++c) m(r, c) = static_cast<double>(params[spec.offset + static_cast<std::size_t>(r * cols + c)]);
    w.tensors[spec.name] = std::move(m);
  }
  return w;
}

void save_model_weights(const std::filesystem::path& dir, const ModelWeights& weights) {
  weights.validate();
  Model<double> m(weights.config);
  for (const auto& spec : m.table.specs()) {
    const auto& t = weights.at(spec.name);
    const long cols = spec.shape.size() == 2 ? spec.shape[1] : 1;
    for (long r = 0; r < t.rows(); ++r)
      for (long c = 0; c < t.cols(); ++c) m.params[spec.offset + static_cast<std::size_t>(r * cols + c)] = t(r, c);
  }
  save_model_dir(dir, m);
}

ModelWeights load_model_weights(const std::filesystem::path& dir) {
  const auto model = load_model_dir<double>(dir);
  return to_weights(model.config, model.table, model.params.data());
}

template ModelWeights to_weights<float>(const ModelConfig&, const TensorTable&, const float*);
template ModelWeights to_weights<double>(const ModelConfig&, const TensorTable&, const double*);

}  // namespace saturn
