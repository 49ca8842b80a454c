// Determinism with 1, 2 and 7 threads; exact save/load; bitwise checkpoint-resume; divergence
// stop; learning Dyck-1.
#include "transformer/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "core/parallel.h"
#include <fstream>
#include "harness/task.h"
#include "harness/train_task.h"
#include "tiny_model.h"
#include "transformer/model_io.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

class RandomSource : public DataSource {
 public:
  explicit RandomSource(ModelConfig c) : c_(std::move(c)) {}
  void batch(std::int64_t step, Batch& out) const override {
    Rng rng(99, static_cast<std::uint64_t>(step));
    std::vector<int> lengths;
    for (int i = 0; i < 16; ++i) lengths.push_back(1 + static_cast<int>(rng.uniform_below(10)));
    out = testing::random_batch(c_, lengths, 1000 + static_cast<std::uint64_t>(step));
  }

 private:
  ModelConfig c_;
};

ModelConfig small_config() {
  testing::Variant v;
  v.causal = true;
  v.readout = ClassifyReadout::last;
  return testing::tiny_config(v, 16, 4, 2, 32);
}

std::vector<float> train_weights(int threads, int steps, const fs::path& out = {}, bool resume = true) {
  ThreadLimit limit(threads);
  const auto c = small_config();
  Model<float> m(c);
  m.init(5);
  TrainOptions o;
  o.steps = steps;
  o.optimizer.lr = 3e-3;
  o.log_every = 10;
  o.out_dir = out;
  o.resume = resume;
  train(m, RandomSource(c), {}, o);
  return m.params;
}

TEST(Trainer, BitwiseIdenticalWeightsWithOneTwoAndSevenThreads) {
  const auto one = train_weights(1, 50);
  EXPECT_EQ(one, train_weights(2, 50));
  EXPECT_EQ(one, train_weights(7, 50));
}

TEST(Trainer, GradientsDoNotDependOnTheWorkspaceHistory) {
  const auto c = small_config();
  Model<float> m(c);
  m.init(5);
  const Batch big = testing::random_batch(c, std::vector<int>(16, 9), 1);
  const Batch small = testing::random_batch(c, {3, 5, 2, 7, 1, 4, 6, 2}, 2);
  std::vector<float> fresh_grads(m.params.size(), 0.0f), used_grads(m.params.size(), 0.0f), scratch(m.params.size());
  Workspace<float> fresh, used;
  forward(m, big, used);
  backward(m, big, used, scratch.data());
  forward(m, small, fresh);
  backward(m, small, fresh, fresh_grads.data());
  forward(m, small, used);
  backward(m, small, used, used_grads.data());
  EXPECT_EQ(fresh_grads, used_grads);
}

TEST(Trainer, SaveLoadRoundTripIsExact) {
  const auto dir = fs::temp_directory_path() / "saturn_model_roundtrip";
  fs::remove_all(dir);
  Model<float> m(small_config());
  m.init(3);
  save_model_dir(dir, m);
  const auto back = load_model_dir<float>(dir);
  EXPECT_EQ(back.params, m.params);
  EXPECT_EQ(config_to_json(back.config), config_to_json(m.config));
  Model<double> md(small_config());
  md.init(4);
  save_model_dir(dir, md);
  EXPECT_EQ(load_model_dir<double>(dir).params, md.params);
}

TEST(Trainer, ResumingFromACheckpointContinuesBitwise) {
  const auto a = fs::temp_directory_path() / "saturn_resume_a";
  const auto b = fs::temp_directory_path() / "saturn_resume_b";
  fs::remove_all(a);
  fs::remove_all(b);
  const auto straight = train_weights(2, 40, a);
  train_weights(2, 20, b);                       // stops at 20 with a checkpoint
  const auto resumed = train_weights(2, 40, b);  // continues from it
  EXPECT_EQ(straight, resumed);
}

TEST(Trainer, NonFiniteLossStopsCleanly) {
  const auto c = small_config();
  Model<float> m(c);
  m.init(1);
  m.params[m.table.at("head.weight").offset] = std::numeric_limits<float>::quiet_NaN();
  TrainOptions o;
  o.steps = 5;
  EXPECT_THROW(train(m, RandomSource(c), {}, o), DivergedError);
}

TEST(Trainer, CorruptModelFilesAreRefused) {
  const auto dir = fs::temp_directory_path() / "saturn_corrupt";
  fs::remove_all(dir);
  Model<float> m(small_config());
  m.init(3);
  save_model_dir(dir, m);
  const auto file = dir / "model.safetensors";
  const auto size = fs::file_size(file);
  fs::resize_file(file, size - 10);
  try {
    load_model_dir<float>(dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("outside the"), std::string::npos) << e.what();
  }
  fs::resize_file(file, 4);
  EXPECT_THROW(load_model_dir<float>(dir), Error);
  std::ofstream(dir / "config.json") << "{\"vocab\": 5";
  try {
    load_model_dir<float>(dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("config.json: not valid JSON"), std::string::npos) << e.what();
  }
}

TEST(Trainer, LearnsDyck1Recognition) {
  TaskSpec t;
  t.name = "dyck1";
  t.language = "dyck:k=1";
  t.train = {{2, 24}, 4000};
  t.test_bins = {{{2, 24}, 1000}};
  t.negatives = {0.5, 0.5};
  t.seed = 1;
  t.model.config.d_model = 32;
  t.model.config.n_layers = 2;
  t.model.config.n_heads = 2;
  t.model.config.d_ff = 64;
  t.model.config.causal = true;
  t.model.config.readout = ClassifyReadout::last;
  t.optimizer.lr = 1e-3;
  t.training.steps = 2000;
  t.training.schedule.kind = Schedule::Kind::cosine;
  t.training.schedule.warmup = 100;
  const auto summary = train_task(t, {});
  EXPECT_GE(summary["eval"]["test_2..24"]["accuracy"].get<double>(), 0.99) << summary.dump(2);
}

}  // namespace
}  // namespace saturn
