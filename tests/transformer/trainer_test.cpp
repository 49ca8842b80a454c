// Training: bitwise identical weights with 1, 2 and 7 threads; bitwise checkpoint-resume; a
// divergence stops cleanly and keeps the last good checkpoint; metrics lines; resume refuses another
// seed. (Model files: model_dir_test; the workspace history: model_test; learning Dyck-1 end to end
// through the harness: tests/integration/.)
#include "transformer/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <cmath>
#include <fstream>

#include "core/error.h"
#include "tiny_model.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;

using testing::RandomSource;

ModelConfig small_config() {
  testing::Variant v;
  v.causal = true;
  v.readout = ClassifyReadout::last;
  return testing::tiny_config(v, 16, 4, 2, 32);
}

// small_config()'s model, initialised with `seed`.
Model<float> small_model(std::uint64_t seed) {
  Model<float> m(small_config());
  m.init(seed);
  return m;
}

// An empty folder under the temporary directory (what a previous run left there is removed).
fs::path fresh_dir(const std::string& name) { return testing::fresh_dir("saturn_trainer_" + name); }

std::vector<float> train_weights(int threads, int steps, const fs::path& out = {}, bool resume = true) {
  const auto c = small_config();
  auto m = small_model(5);
  TrainOptions o;
  o.steps = steps;
  o.optimizer.lr = 3e-3;
  o.log_every = 10;
  o.out_dir = out;
  o.resume = resume;
  o.threads = threads;
  train(m, RandomSource(c), {}, o);
  return m.params;
}

TEST(Trainer, BitwiseIdenticalWeightsWithOneTwoAndSevenThreads) {
  const auto one = train_weights(1, 50);
  EXPECT_EQ(one, train_weights(2, 50));
  EXPECT_EQ(one, train_weights(7, 50));
}

TEST(Trainer, ResumingFromACheckpointContinuesBitwise) {
  const auto a = fresh_dir("resume_a"), b = fresh_dir("resume_b");
  const auto straight = train_weights(2, 40, a);
  train_weights(2, 20, b);                       // stops at 20 with a checkpoint
  const auto resumed = train_weights(2, 40, b);  // continues from it
  EXPECT_EQ(straight, resumed);
}

TEST(Trainer, ARunResumedFromItsFinalCheckpointReportsTheSameFinalLoss) {
  const auto dir = fresh_dir("resume_final");
  const auto c = small_config();
  auto run = [&] {
    auto m = small_model(5);
    TrainOptions o;
    o.steps = 15;
    o.log_every = 5;
    o.out_dir = dir;
    return train(m, RandomSource(c), {}, o);
  };
  const auto first = run();
  const auto again = run();  // killed after the final checkpoint: restarted, no step runs
  EXPECT_EQ(again.steps_done, 15);
  EXPECT_EQ(first.final_loss, again.final_loss);
  EXPECT_EQ(first.final_accuracy, again.final_accuracy);
  EXPECT_GT(first.final_loss, 0.0);
  fs::remove_all(dir);
}

TEST(Trainer, NonFiniteLossStopsCleanly) {
  const auto c = small_config();
  auto m = small_model(1);
  m.params[m.table.at("head.weight").offset] = std::numeric_limits<float>::quiet_NaN();
  TrainOptions o;
  o.steps = 5;
  EXPECT_THROW(train(m, RandomSource(c), {}, o), DivergedError);
}

// Batches whose labels become NaN from step `bad` on.
class PoisonedSource : public DataSource {
 public:
  PoisonedSource(ModelConfig c, std::int64_t bad) : inner_(std::move(c)), bad_(bad) {}
  void batch(std::int64_t step, Batch& out) const override {
    inner_.batch(step, out);
    if (step >= bad_) std::fill(out.labels.begin(), out.labels.end(), std::numeric_limits<float>::quiet_NaN());
  }

 private:
  RandomSource inner_;
  std::int64_t bad_;
};

TEST(Trainer, DivergenceKeepsTheLastGoodCheckpointAndMetrics) {
  const auto dir = fresh_dir("diverge");
  const auto c = small_config();
  auto m = small_model(1);
  TrainOptions o;
  o.steps = 20;
  o.log_every = 1;
  o.checkpoint_every = 5;
  o.out_dir = dir;
  try {
    train(m, PoisonedSource(c, 7), {}, o);
    FAIL() << "no DivergedError";
  } catch (const DivergedError& e) {
    EXPECT_NE(std::string(e.what()).find("the loss became nan at step 8"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("kept in"), std::string::npos) << e.what();
  }
  Model<float> back(c);
  Optimizer<float> opt(o.optimizer, back.table);
  EXPECT_EQ(load_checkpoint(dir / "checkpoint", back, opt).step, 5);
  EXPECT_EQ(opt.steps(), 5);
  std::ifstream in(dir / "metrics.jsonl");
  std::string line;
  std::int64_t last = 0;
  while (std::getline(in, line)) last = nlohmann::json::parse(line)["step"].get<std::int64_t>();
  EXPECT_EQ(last, 7);
  EXPECT_FALSE(fs::exists(dir / "model"));
}

TEST(Trainer, MetricsLinesCarryEveryField) {
  const auto dir = fresh_dir("metrics");
  const auto c = small_config();
  auto m = small_model(2);
  EvalSet eval{"test", {testing::random_batch(c, {2, 3, 4}, 5), testing::random_batch(c, {6}, 6)}};
  TrainOptions o;
  o.steps = 20;
  o.log_every = 10;
  o.eval_every = 10;
  o.out_dir = dir;
  std::vector<std::int64_t> progress_steps, eval_steps;
  o.on_progress = [&](const Progress& p) {
    progress_steps.push_back(p.step);
    EXPECT_EQ(p.total, 20);
    EXPECT_FALSE(format_progress(p).empty());
  };
  o.on_eval = [&](std::int64_t step, const std::vector<EvalScore>& scores) {
    eval_steps.push_back(step);
    ASSERT_EQ(scores.size(), 1u);
    EXPECT_EQ(scores[0].strings, 4);
  };
  const auto summary = train(m, RandomSource(c), {eval}, o);
  EXPECT_EQ(progress_steps, (std::vector<std::int64_t>{10, 20}));
  EXPECT_EQ(eval_steps, (std::vector<std::int64_t>{10, 20}));
  EXPECT_EQ(summary.steps_done, 20);
  ASSERT_EQ(summary.evals.size(), 1u);
  EXPECT_GE(summary.evals[0].accuracy, 0.0);
  std::ifstream in(dir / "metrics.jsonl");
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 4u);  // step 10, eval 10, step 20, eval 20
  for (int k : {0, 2}) {
    const auto& j = lines[static_cast<std::size_t>(k)];
    EXPECT_EQ(j["step"], 10 * (k / 2 + 1));
    for (const char* f : {"loss", "accuracy", "lr", "grad_norm", "param_norm", "examples_per_second"})
      EXPECT_TRUE(j[f].is_number() && std::isfinite(j[f].get<double>())) << f;
    double sq = 0;
    for (const char* g : {"embedding", "attention", "feed_forward", "layer_norm", "head"}) {
      ASSERT_TRUE(j["group_norms"][g].is_number()) << g;
      sq += std::pow(j["group_norms"][g].get<double>(), 2);
    }
    EXPECT_NEAR(std::sqrt(sq), j["param_norm"].get<double>(), 1e-9 * j["param_norm"].get<double>());
    const auto& ent = j["attention_entropy"];
    ASSERT_EQ(ent.size(), static_cast<std::size_t>(c.n_layers));
    for (const auto& layer : ent) {
      ASSERT_EQ(layer.size(), static_cast<std::size_t>(c.n_heads));
      for (const auto& h : layer) EXPECT_TRUE(h.get<double>() >= 0 && h.get<double>() <= std::log(11.0) + 1e-9);
    }
  }
  EXPECT_EQ(lines[1]["eval"]["test"]["strings"], 4);
  EXPECT_TRUE(fs::exists(dir / "model" / "model.safetensors"));
}

TEST(Trainer, ResumeRefusesAnotherSeed) {
  const auto dir = fresh_dir("resume_seed");
  const auto c = small_config();
  auto m = small_model(1);
  TrainOptions o;
  o.steps = 3;
  o.out_dir = dir;
  train(m, RandomSource(c), {}, o);
  o.seed = 2;
  o.steps = 6;
  try {
    train(m, RandomSource(c), {}, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("seed 1, this run has seed 2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace saturn
