// Checkpoints: exact round trip of parameters, optimizer state and run state; refusal of
// mismatched or corrupt checkpoints; recovery of the previous checkpoint after an interrupted swap.
#include "transformer/checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "tiny_model.h"
#include "transformer/model_dir.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  ModelConfig config = testing::tiny_config(testing::Variant{}, 8, 2, 2, 12);
  Model<float> model{config};
  OptimizerOptions options;
  Optimizer<float> opt{options, model.table};
  Fixture() {
    model.init(3);
    // A few real steps so that m, v and the step count are non-trivial.
    Workspace<float> ws;
    std::vector<float> grads(model.params.size());
    for (int s = 0; s < 3; ++s) {
      const auto batch = testing::random_batch(config, {3, 1, 4}, static_cast<std::uint64_t>(s));
      forward(model, batch, ws);
      std::fill(grads.begin(), grads.end(), 0.0f);
      backward(model, batch, ws, grads.data());
      opt.step(model.params.data(), grads.data(), 1.0);
    }
  }
};

fs::path fresh(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("saturn_ckpt_" + name);
  fs::remove_all(dir);
  fs::remove_all(dir.string() + ".old");
  fs::remove_all(dir.string() + ".tmp");
  return dir;
}

TEST(Checkpoint, RoundTripIsExact) {
  Fixture a;
  const auto dir = fresh("roundtrip");
  save_checkpoint(dir, a.model, a.opt, {17, 17, 42});
  EXPECT_FALSE(fs::exists(dir.string() + ".tmp"));
  EXPECT_FALSE(fs::exists(dir.string() + ".old"));
  Model<float> m(a.config);
  m.init(99);
  Optimizer<float> opt(a.options, m.table);
  const auto state = load_checkpoint(dir, m, opt);
  EXPECT_EQ(state.step, 17);
  EXPECT_EQ(state.data_cursor, 17);
  EXPECT_EQ(state.seed, 42u);
  EXPECT_EQ(m.params, a.model.params);
  EXPECT_EQ(opt.m(), a.opt.m());
  EXPECT_EQ(opt.v(), a.opt.v());
  EXPECT_EQ(opt.steps(), 3);
  // Saving again replaces the checkpoint in place.
  save_checkpoint(dir, a.model, a.opt, {18, 18, 42});
  EXPECT_EQ(load_checkpoint(dir, m, opt).step, 18);
}

TEST(Checkpoint, AnInterruptedSwapLeavesTheOldCheckpoint) {
  Fixture a;
  const auto dir = fresh("swap");
  EXPECT_FALSE(find_checkpoint(dir));
  save_checkpoint(dir, a.model, a.opt, {5, 5, 1});
  EXPECT_EQ(find_checkpoint(dir), dir);
  // A crash between "rename dir to dir.old" and "rename dir.tmp to dir".
  fs::rename(dir, dir.string() + ".old");
  fs::create_directories(dir.string() + ".tmp");
  const auto found = find_checkpoint(dir);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, fs::path(dir.string() + ".old"));
  Model<float> m(a.config);
  Optimizer<float> opt(a.options, m.table);
  EXPECT_EQ(load_checkpoint(*found, m, opt).step, 5);
  EXPECT_EQ(m.params, a.model.params);
  // The next save cleans both up.
  save_checkpoint(dir, a.model, a.opt, {6, 6, 1});
  EXPECT_EQ(find_checkpoint(dir), dir);
  EXPECT_FALSE(fs::exists(dir.string() + ".old"));
  EXPECT_FALSE(fs::exists(dir.string() + ".tmp"));
}

TEST(Checkpoint, RefusesMismatchesAndCorruptionWithoutTouchingTheModel) {
  Fixture a;
  const auto dir = fresh("refuse");
  save_checkpoint(dir, a.model, a.opt, {5, 5, 1});
  auto message = [&](Model<float>& m, Optimizer<float>& opt) {
    try {
      load_checkpoint(dir, m, opt);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  // Another optimizer kind.
  {
    Model<float> m(a.config);
    OptimizerOptions o;
    o.kind = OptimizerKind::sgd;
    Optimizer<float> opt(o, m.table);
    EXPECT_NE(message(m, opt).find("the checkpoint's optimizer is adamw, this run uses sgd"), std::string::npos);
  }
  // Another model config.
  {
    auto c = a.config;
    c.causal = !c.causal;
    Model<float> m(c);
    Optimizer<float> opt(a.options, m.table);
    EXPECT_NE(message(m, opt).find("model config differs"), std::string::npos);
  }
  // Truncated optimizer state: refused, and the model keeps its weights.
  {
    fs::resize_file(dir / "optimizer.safetensors", fs::file_size(dir / "optimizer.safetensors") - 4);
    Model<float> m(a.config);
    m.init(11);
    const auto before = m.params;
    Optimizer<float> opt(a.options, m.table);
    const auto msg = message(m, opt);
    EXPECT_NE(msg.find("optimizer.safetensors"), std::string::npos) << msg;
    EXPECT_EQ(m.params, before);
    EXPECT_EQ(opt.steps(), 0);
  }
  // Broken state.json.
  {
    std::ofstream(dir / "state.json") << "{\"step\": 3}";
    Model<float> m(a.config);
    Optimizer<float> opt(a.options, m.table);
    EXPECT_NE(message(m, opt).find("state.json: missing or malformed field"), std::string::npos);
  }
}

TEST(Checkpoint, DoublePrecisionRoundTrip) {
  const auto c = testing::tiny_config(testing::Variant{});
  Model<double> m(c);
  m.init(1);
  OptimizerOptions o;
  o.kind = OptimizerKind::sgd;
  o.momentum = 0.9;
  Optimizer<double> opt(o, m.table);
  for (std::size_t i = 0; i < opt.m().size(); ++i) opt.m()[i] = 1.0 / static_cast<double>(i + 3);
  opt.set_steps(9);
  const auto dir = fresh("double");
  save_checkpoint(dir, m, opt, {9, 9, 2});
  Model<double> m2(c);
  Optimizer<double> opt2(o, m2.table);
  load_checkpoint(dir, m2, opt2);
  EXPECT_EQ(m2.params, m.params);
  EXPECT_EQ(opt2.m(), opt.m());
  EXPECT_EQ(opt2.steps(), 9);
}

}  // namespace
}  // namespace saturn
