#include "transformer/model_dir.h"

#include <type_traits>

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
  Model<S> m(load_config(dir));
  load_safetensors(dir / "model.safetensors", m.table, m.params.data());
  return m;
}

template void save_model_dir<float>(const fs::path&, const Model<float>&);
template void save_model_dir<double>(const fs::path&, const Model<double>&);
template Model<float> load_model_dir<float>(const fs::path&);
template Model<double> load_model_dir<double>(const fs::path&);

}  // namespace saturn
