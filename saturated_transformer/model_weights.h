// A model in double precision, tensors by their PyTorch names — what the simulator evaluates.
// Independent of the training code's flat buffers: any model written as config.json +
// model.safetensors (by Saturn or by PyTorch) loads into it.
#pragma once

#include <Eigen/Dense>
#include <filesystem>
#include <map>
#include <string>

#include "transformer/config.h"
#include "transformer/param_table.h"

namespace saturn {

struct ModelWeights {
  ModelConfig config;
  // 2-D tensors as [out, in] matrices (PyTorch layout); 1-D tensors as column vectors.
  std::map<std::string, Eigen::MatrixXd> tensors;

  bool has(const std::string& name) const { return tensors.count(name) > 0; }
  const Eigen::MatrixXd& at(const std::string& name) const;  // throws saturn::Error when absent
  // Multiplies every parameter by rho (f(x; rho*theta)).
  void scale(double rho);
  // The names and shapes the config requires, in table order.
  static std::vector<std::pair<std::string, std::vector<long>>> expected_tensors(const ModelConfig& c);
  // Throws saturn::Error naming the first missing, unexpected or mis-shaped tensor.
  void validate() const;
};

// Loads a model directory (config.json + model.safetensors, written by Saturn or by PyTorch);
// throws saturn::Error naming the file and the problem.
ModelWeights load_model_weights(const std::filesystem::path& dir);
// Writes a model directory (config.json + model.safetensors in F64) from weights.
void save_model_weights(const std::filesystem::path& dir, const ModelWeights& weights);
// The weights of a model held in flat buffers.
template <class S>
ModelWeights to_weights(const ModelConfig& config, const TensorTable& table, const S* params);

}  // namespace saturn
