// Model directories (config.json + model.safetensors): exact round trips in float and double, a
// float model read as double, and refusal of weights that do not fit the config, of corrupt weight
// files, of a broken config.json and of a missing directory.
#include "transformer/model_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "tiny_model.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

fs::path fresh(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("saturn_model_dir_" + name);
  fs::remove_all(dir);
  return dir;
}

ModelConfig custom_config() {
  testing::Variant v;
  v.ln = LayerNormMode::custom;
  v.places = {AttnLnPlace::v, true, false};
  v.causal = true;
  v.readout = ClassifyReadout::last;
  return testing::tiny_config(v, 16, 4, 2, 32);
}

std::string error_of(const fs::path& dir) {
  try {
    load_model_dir<float>(dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ModelDir, RoundTripIsExactInFloatAndDouble) {
  const auto dir = fresh("roundtrip");
  Model<float> m(custom_config());
  m.init(3);
  save_model_dir(dir, m);
  const auto back = load_model_dir<float>(dir);
  EXPECT_EQ(back.params, m.params);
  EXPECT_EQ(config_to_json(back.config), config_to_json(m.config));
  // A float model read as double is exact.
  const auto wide = load_model_dir<double>(dir);
  ASSERT_EQ(wide.params.size(), m.params.size());
  for (std::size_t i = 0; i < m.params.size(); ++i) EXPECT_EQ(static_cast<float>(wide.params[i]), m.params[i]);
  // A double model (written as F64) comes back bitwise.
  Model<double> md(custom_config());
  md.init(4);
  save_model_dir(dir, md);
  EXPECT_EQ(load_model_dir<double>(dir).params, md.params);
  fs::remove_all(dir);
}

TEST(ModelDir, RefusesWeightsThatDoNotFitTheConfig) {
  const auto dir = fresh("shape");
  auto c = custom_config();
  Model<float> m(c);
  m.init(7);
  save_model_dir(dir, m);
  c.d_ff = 33;
  save_config(dir, c);
  const auto msg = error_of(dir);
  EXPECT_NE(msg.find("tensor 'layers.0.ffn.fc1.weight' has shape [32, 16], the config needs [33, 16]"), std::string::npos)
      << msg;
  fs::remove_all(dir);
}

TEST(ModelDir, RefusesCorruptFilesAndAMissingDirectory) {
  const auto dir = fresh("corrupt");
  Model<float> m(custom_config());
  m.init(3);
  save_model_dir(dir, m);
  const auto file = dir / "model.safetensors";
  fs::resize_file(file, fs::file_size(file) - 10);
  EXPECT_NE(error_of(dir).find("outside the"), std::string::npos) << error_of(dir);
  fs::resize_file(file, 4);
  EXPECT_NE(error_of(dir), "");
  std::ofstream(dir / "config.json") << "{\"vocab\": 5";
  EXPECT_NE(error_of(dir).find("config.json: not valid JSON"), std::string::npos) << error_of(dir);
  fs::remove_all(dir);
  EXPECT_NE(error_of(dir), "");
}

}  // namespace
}  // namespace saturn
