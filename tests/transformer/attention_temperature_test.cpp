// training.attention_temperature (issue 11 section 3; transformer/schedule.h): the factor c(t) of
// every attention score at chosen steps for each form; c acting as a score multiplier in the model;
// the trainer carrying c(t) into the model, its files and a bitwise resume; config.json without
// the new fields (older model directories) loading with the defaults and keeping its bytes.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "tiny_model.h"
#include "transformer/config_json.h"
#include "transformer/model_dir.h"
#include "transformer/schedule.h"
#include "transformer/trainer.h"

namespace saturn {
namespace {

namespace fs = std::filesystem;
using Kind = AttentionTemperature::Kind;

AttentionTemperature temperature(Kind kind, double final, long steps) {
  AttentionTemperature a;
  a.kind = kind;
  a.final = final;
  a.steps = steps;
  return a;
}

TEST(AttentionTemperature, ConstantIsTheFinalFactorThroughout) {
  const auto a = temperature(Kind::constant, 4.0, 0);  // steps unused
  for (long t : {0L, 1L, 7L, 100000L}) EXPECT_EQ(a.factor(t), 4.0) << t;
  EXPECT_TRUE(a.active());
  EXPECT_FALSE(AttentionTemperature{}.active());
  EXPECT_EQ(AttentionTemperature{}.factor(12), 1.0);
}

TEST(AttentionTemperature, LinearGrowsFromOneToTheFinalFactorInNSteps) {
  const auto a = temperature(Kind::linear, 5.0, 4);  // 1 + (5 - 1) t / 4 = 1 + t
  EXPECT_EQ(a.factor(0), 1.0);
  EXPECT_EQ(a.factor(1), 2.0);
  EXPECT_EQ(a.factor(2), 3.0);
  EXPECT_EQ(a.factor(3), 4.0);
  EXPECT_EQ(a.factor(4), 5.0);
  EXPECT_EQ(a.factor(50), 5.0);  // stays at F after N steps
  const auto down = temperature(Kind::linear, 0.5, 10);  // a shrinking factor is allowed
  EXPECT_DOUBLE_EQ(down.factor(5), 0.75);
}

TEST(AttentionTemperature, ExponentialIsGeometricFromOneToTheFinalFactor) {
  const auto a = temperature(Kind::exponential, 16.0, 4);  // 16^(t / 4) = 2^t
  EXPECT_EQ(a.factor(0), 1.0);
  EXPECT_DOUBLE_EQ(a.factor(1), 2.0);
  EXPECT_DOUBLE_EQ(a.factor(2), 4.0);
  EXPECT_DOUBLE_EQ(a.factor(3), 8.0);
  EXPECT_EQ(a.factor(4), 16.0);
  EXPECT_EQ(a.factor(1000), 16.0);
  // Equal ratios between equally spaced steps.
  const auto b = temperature(Kind::exponential, 1000.0, 300);
  EXPECT_NEAR(b.factor(200) / b.factor(100), b.factor(100) / b.factor(0), 1e-12);
  EXPECT_NEAR(b.factor(100), 10.0, 1e-12);
}

TEST(AttentionTemperature, BadSettingsThrow) {
  EXPECT_THROW(temperature(Kind::constant, 0.0, 1).factor(0), Error);
  EXPECT_THROW(temperature(Kind::linear, -2.0, 10).factor(0), Error);
  EXPECT_THROW(temperature(Kind::linear, 2.0, 0).factor(3), Error);
  EXPECT_THROW(temperature(Kind::exponential, std::nan(""), 10).factor(3), Error);
  EXPECT_EQ(AttentionTemperature::parse("exponential"), Kind::exponential);
  EXPECT_EQ(AttentionTemperature::parse("linear"), Kind::linear);
  EXPECT_EQ(AttentionTemperature::parse("constant"), Kind::constant);
  EXPECT_THROW(AttentionTemperature::parse("cosine"), Error);
}

// The factor multiplies every score: a model with attention_scale c decides like the same model with
// scale 1 whose query weights and biases are multiplied by c (q.k is linear in q), in double.
TEST(AttentionTemperature, TheFactorMultipliesEveryScore) {
  testing::Variant v;
  v.causal = true;
  v.readout = ClassifyReadout::last;
  auto scaled_cfg = testing::tiny_config(v);
  scaled_cfg.attention_scale = 3.5;
  const auto base = testing::random_model<double>(testing::tiny_config(v), 4);
  Model<double> scaled(scaled_cfg), folded(base.config);
  scaled.params = base.params;
  folded.params = base.params;
  for (int l = 0; l < folded.config.n_layers; ++l) {
    const std::string q = "layers." + std::to_string(l) + ".attn.q.";
    for (const std::string t : {"weight", "bias"}) {
      const auto& spec = folded.table.at(q + t);
      for (std::size_t j = 0; j < spec.size; ++j) folded.params[spec.offset + j] *= 3.5;
    }
  }
  const auto batch = testing::random_batch(base.config, {3, 1, 9, 11}, 5);
  Workspace<double> ws_s, ws_f, ws_b;
  const double ls = forward(scaled, batch, ws_s).loss, lf = forward(folded, batch, ws_f).loss;
  const double lb = forward(base, batch, ws_b).loss;
  EXPECT_NEAR(ls, lf, 1e-12);
  EXPECT_GT(std::abs(ls - lb), 1e-6);  // the factor changed something
  for (int i = 0; i < batch.size(); ++i) EXPECT_NEAR(ws_s.readout_logits[i], ws_f.readout_logits[i], 1e-12);
  // Gradients with respect to the shared non-query parameters agree too (the factor enters the backward).
  std::vector<double> gs(scaled.params.size(), 0.0), gf(folded.params.size(), 0.0);
  backward(scaled, batch, ws_s, gs.data());
  backward(folded, batch, ws_f, gf.data());
  const auto& k_w = scaled.table.at("layers.0.attn.k.weight");
  for (std::size_t j = 0; j < k_w.size; ++j) EXPECT_NEAR(gs[k_w.offset + j], gf[k_w.offset + j], 1e-11);
}

using testing::RandomSource;

ModelConfig small_config() {
  testing::Variant v;
  v.causal = true;
  v.readout = ClassifyReadout::last;
  return testing::tiny_config(v, 8, 2, 1, 16);
}

fs::path fresh_dir(const std::string& name) { return testing::fresh_dir("saturn_attention_temperature_" + name); }

// Trains small_config() for `steps` under the temperature `a`, writing into `out` (empty: nothing).
Model<float> train_with(const AttentionTemperature& a, int steps, const fs::path& out = {}, int checkpoint_every = 0) {
  Model<float> m(small_config());
  m.init(3);
  TrainOptions o;
  o.steps = steps;
  o.optimizer.lr = 3e-3;
  o.log_every = 0;
  o.attention_temperature = a;
  o.out_dir = out;
  o.checkpoint_every = checkpoint_every;
  o.threads = 1;
  train(m, RandomSource(m.config), {}, o);
  return m;
}

TEST(AttentionTemperature, TheTrainedModelCarriesTheFactorOfItsStepsIntoItsFiles) {
  const auto dir = fresh_dir("files");
  const auto a = temperature(Kind::linear, 8.0, 30);
  const auto m = train_with(a, 20, dir);
  EXPECT_DOUBLE_EQ(m.config.attention_scale, a.factor(20));  // 1 + 7 * 20 / 30
  const auto loaded = load_model_dir<double>(dir / "model");
  EXPECT_EQ(loaded.config.attention_scale, m.config.attention_scale);
  EXPECT_EQ(load_config(dir / "checkpoint").attention_scale, m.config.attention_scale);
  // Evaluation of the loaded model uses the factor: its loss equals the in-memory model's (in
  // double) and differs from the same weights read with factor 1.
  Model<double> md(m.config), unit(m.config);
  for (std::size_t j = 0; j < m.params.size(); ++j) md.params[j] = unit.params[j] = m.params[j];
  unit.config.attention_scale = 1.0;
  Batch batch;
  RandomSource(m.config).batch(1000, batch);
  Workspace<double> ws;
  const double l_loaded = forward(loaded, batch, ws).loss, l_mem = forward(md, batch, ws).loss;
  EXPECT_EQ(l_loaded, l_mem);
  EXPECT_GT(std::abs(forward(unit, batch, ws).loss - l_mem), 1e-6);
  // Trained past N: exactly F.
  EXPECT_EQ(train_with(temperature(Kind::exponential, 8.0, 5), 7).config.attention_scale, 8.0);
  // Inactive (F = 1): the model's factor is left alone.
  EXPECT_EQ(train_with(AttentionTemperature{}, 3).config.attention_scale, 1.0);
}

TEST(AttentionTemperature, TrainingUnderATemperatureDiffersFromTrainingWithout) {
  const auto plain = train_with(AttentionTemperature{}, 10);
  const auto hot = train_with(temperature(Kind::constant, 4.0, 0), 10);
  EXPECT_NE(plain.params, hot.params);
}

TEST(AttentionTemperature, ResumingContinuesBitwiseAndRefusesAnotherSchedule) {
  const auto a = temperature(Kind::exponential, 16.0, 30);
  const auto straight_dir = fresh_dir("straight"), split_dir = fresh_dir("split");
  const auto straight = train_with(a, 24, straight_dir);
  train_with(a, 12, split_dir);                // a final checkpoint at step 12
  const auto resumed = train_with(a, 24, split_dir);  // resumes there
  EXPECT_EQ(straight.params, resumed.params);
  EXPECT_EQ(straight.config.attention_scale, resumed.config.attention_scale);
  std::ifstream f1(straight_dir / "model" / "model.safetensors", std::ios::binary),
      f2(split_dir / "model" / "model.safetensors", std::ios::binary);
  const std::string b1((std::istreambuf_iterator<char>(f1)), {}), b2((std::istreambuf_iterator<char>(f2)), {});
  EXPECT_EQ(b1, b2);
  // Another schedule does not match the checkpoint's factor at its step.
  const auto other = fresh_dir("other");
  train_with(a, 12, other);
  EXPECT_THROW(train_with(temperature(Kind::linear, 16.0, 30), 24, other), Error);
}

// config.json without attention_scale / score_rounding (every file written before them) loads with
// the defaults, and a config with the defaults writes neither field (its bytes are unchanged).
TEST(AttentionTemperature, OldModelFilesLoadWithTheDefaults) {
  const auto c = small_config();
  const auto j = config_to_json(c);
  EXPECT_FALSE(j.contains("attention_scale"));
  EXPECT_FALSE(j.contains("score_rounding"));
  const auto back = config_from_json(nlohmann::json::parse(j.dump()), "old/config.json");
  EXPECT_EQ(back.attention_scale, 1.0);
  EXPECT_EQ(back.score_rounding, 0.0);
  // A committed model directory from before the fields.
  const fs::path construction = fs::path(SATURN_SOURCE_DIR) / "saturated_transformer" / "constructions" / "dyck1";
  const auto loaded = load_config(construction);
  EXPECT_EQ(loaded.attention_scale, 1.0);
  EXPECT_EQ(loaded.score_rounding, 0.0);
  // Set values round-trip; bad ones are refused naming the field.
  auto set = c;
  set.attention_scale = 6.25;
  set.score_rounding = 0.125;
  const auto js = config_to_json(set);
  const auto again = config_from_json(nlohmann::json::parse(js.dump()), "new/config.json");
  EXPECT_EQ(again.attention_scale, 6.25);
  EXPECT_EQ(again.score_rounding, 0.125);
  for (const auto& [field, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"attention_scale", 0.0}, {"attention_scale", -1.0}, {"score_rounding", -0.5}, {"score_rounding", "x"}}) {
    auto bad = nlohmann::json::parse(js.dump());
    bad[field] = value;
    try {
      config_from_json(bad, "bad/config.json");
      ADD_FAILURE() << field << " = " << value.dump() << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("bad/config.json"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace saturn
