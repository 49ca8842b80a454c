// Fuzz target: the safetensors reader (transformer/safetensors.h) on arbitrary file bytes, then
// loading what it read into a small parameter table (name and shape checks, dtype conversion).
#include <cstdint>
#include <vector>

#include "tests/fuzz/fuzz_support.h"
#include "transformer/config_json.h"
#include "transformer/param_table.h"
#include "transformer/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace saturn;
  static const auto path = fuzz::scratch_dir() / "model.safetensors";
  fuzz::write_bytes(path, {reinterpret_cast<const char*>(data), size});
  SafetensorsFile file;
  if (!fuzz::refused_or_done([&] { file = read_safetensors(path); })) return 0;
  for (const auto& [name, t] : file.tensors) {
    std::size_t count = 1;
    for (const auto d : t.shape) count *= static_cast<std::size_t>(d);
    fuzz::fuzz_check(t.values.size() == count, "a tensor read has as many values as its shape says");
  }
  // The majority construction's table (its model.safetensors is a seed): the file's tensors either
  // fit it exactly or are refused.
  static const TensorTable table =
      parameter_table(load_config(std::filesystem::path(SATURN_SOURCE_DIR) / "saturated_transformer/constructions/majority"));
  std::vector<double> params(table.total_size());
  fuzz::refused_or_done([&] { load_safetensors(path, table, params.data()); });
  return 0;
}
