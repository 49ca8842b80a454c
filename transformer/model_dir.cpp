#include "transformer/model_dir.h"

#include <fmt/format.h>

#include <type_traits>

#include "core/error.h"
#include "transformer/safetensors.h"

namespace saturn {

namespace fs = std::filesystem;

template <class S>
void save_model_dir(const fs::path& dir, const Model<S>& model) {
  save_config(dir, model.config);
  write_safetensors(dir / "model.safetensors", model.table, model.params.data(),
                    std::is_same_v<S, float> ? Dtype::f32 : Dtype::f64, {{"format", "saturn"}});
}

template <class S>
Model<S> load_model_dir(const fs::path& dir) {
  ModelConfig config = load_config(dir);
  // A config within ModelBounds may still ask for gigabytes: refuse a weights file that cannot hold
  // the config's parameters (4 bytes each at least) before allocating them.
  const fs::path weights = dir / "model.safetensors";
  const std::size_t need = parameter_table(config).total_size() * 4;
  std::error_code ec;
  const std::uintmax_t have = fs::file_size(weights, ec);
  if (ec) throw Error(fmt::format("{}: cannot open file", weights.string()));
  if (have < need)
    throw Error(fmt::format("{}: {} bytes, too few for the {} parameters of its config.json (at least {})",
                            weights.string(), have, need / 4, need));
  Model<S> m(std::move(config));
  load_safetensors(weights, m.table, m.params.data());
  return m;
}

template void save_model_dir<float>(const fs::path&, const Model<float>&);
template void save_model_dir<double>(const fs::path&, const Model<double>&);
template Model<float> load_model_dir<float>(const fs::path&);
template Model<double> load_model_dir<double>(const fs::path&);

}  // namespace saturn
