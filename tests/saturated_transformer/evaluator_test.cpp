#include "saturated_transformer/evaluator.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "random_model.h"

namespace saturn {
namespace {

using testing::random_model;

TEST(EvalMode, ParsesAndPrints) {
  EXPECT_EQ(EvalMode::parse("softmax").str(), "softmax");
  EXPECT_EQ(EvalMode::parse("temperature:8").str(), "temperature:8");
  EXPECT_EQ(EvalMode::parse("scaled:1000").value, 1000.0);
  EXPECT_EQ(EvalMode::parse("saturated").kind, EvalMode::Kind::saturated);
  EXPECT_THROW(EvalMode::parse("scaled"), Error);
  EXPECT_THROW(EvalMode::parse("temperature:-1"), Error);
  EXPECT_THROW(EvalMode::parse("hot"), Error);
}

TEST(EvalMode, HardIsAnAliasOfHardLeftThatKeepsItsSpelling) {
  const auto hard = EvalMode::parse("hard"), left = EvalMode::parse("hard_left"), right = EvalMode::parse("hard_right");
  EXPECT_EQ(hard.kind, EvalMode::Kind::hard_left);
  EXPECT_EQ(left.kind, EvalMode::Kind::hard_left);
  EXPECT_EQ(right.kind, EvalMode::Kind::hard_right);
  EXPECT_EQ(hard.str(), "hard");
  EXPECT_EQ(EvalMode::hard().str(), "hard");
  EXPECT_EQ(left.str(), "hard_left");
  EXPECT_EQ(right.str(), "hard_right");
  EXPECT_THROW(EvalMode::parse("hard:1"), Error);
  EXPECT_THROW(EvalMode::parse("hard_right:1"), Error);
  EXPECT_THROW(EvalMode::parse("hard_middle"), Error);
}

TEST(EvalMode, SaturatedTakesAnOptionalAbsoluteTolerance) {
  const auto strict = EvalMode::parse("saturated");
  EXPECT_FALSE(strict.tolerance);
  EXPECT_EQ(strict.str(), "saturated");
  EXPECT_FALSE(strict.band().absolute);
  EXPECT_EQ(strict.band().tolerance, kTieTolerance);
  const auto tol = EvalMode::parse("saturated:0.125");
  EXPECT_EQ(tol.kind, EvalMode::Kind::saturated);
  EXPECT_TRUE(tol.tolerance);
  EXPECT_EQ(tol.value, 0.125);
  EXPECT_EQ(tol.str(), "saturated:0.125");
  EXPECT_TRUE(tol.band().absolute);
  EXPECT_EQ(tol.band().width(1000.0), 0.125);
  EXPECT_EQ(EvalMode::parse("saturated:0").band().width(5.0), 0.0);  // TOL = 0: exact ties only
  EXPECT_EQ(EvalMode::parse("saturated:1e-3").value, 1e-3);
  for (const char* bad : {"saturated:", "saturated:-0.1", "saturated:inf", "saturated:nan", "saturated:0.1x",
                          "saturated:x", "saturated:1:2"}) {
    try {
      EvalMode::parse(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(bad), std::string::npos) << what;
      EXPECT_NE(what.find("not a finite non-negative number"), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
  try {
    EvalMode::parse("median");
    ADD_FAILURE();
  } catch (const Error& e) {  // the message lists every mode
    EXPECT_NE(std::string(e.what()).find("hard_right"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("saturated:TOL"), std::string::npos) << e.what();
  }
}

TEST(AttentionWeights, SaturatedAveragesTiesAndHardTakesTheLeftmost) {
  const auto w = random_model("ab", LayerNormMode::none, {}, Positional::none, false, HeadKind::classify, 1);
  Eigen::RowVectorXd scores(5), out(5);
  scores << 1.0, 3.0, 2.0, 3.0, 3.0 - 1e-12;
  Evaluator(w, EvalMode::saturated()).attention_weights(scores, out);
  EXPECT_DOUBLE_EQ(out[0], 0.0);
  EXPECT_DOUBLE_EQ(out[1], 1.0 / 3);
  EXPECT_DOUBLE_EQ(out[3], 1.0 / 3);
  EXPECT_DOUBLE_EQ(out[4], 1.0 / 3);
  Evaluator(w, EvalMode::hard()).attention_weights(scores, out);
  EXPECT_DOUBLE_EQ(out[1], 1.0);
  EXPECT_DOUBLE_EQ(out.sum(), 1.0);
  Evaluator(w, EvalMode::temperature(1e4)).attention_weights(scores, out);
  EXPECT_NEAR(out[1], 1.0 / 3, 1e-6);
  EXPECT_NEAR(out[2], 0.0, 1e-12);
}

TEST(AttentionWeights, HardRightTakesTheRightmostAndSaturatedTolWidensTheTies) {
  const auto w = random_model("ab", LayerNormMode::none, {}, Positional::none, false, HeadKind::classify, 1);
  Eigen::RowVectorXd scores(5), out(5);
  scores << 1.0, 3.0, 2.0, 3.0, 2.5;
  Evaluator(w, EvalMode::hard_left()).attention_weights(scores, out);
  EXPECT_EQ(out, (Eigen::RowVectorXd(5) << 0, 1, 0, 0, 0).finished());
  Evaluator(w, EvalMode::hard_right()).attention_weights(scores, out);
  EXPECT_EQ(out, (Eigen::RowVectorXd(5) << 0, 0, 0, 1, 0).finished());
  // Gaps to the maximum: 2, 0, 1, 0, 0.5. TOL = 0.5 takes the 0.5-gap, TOL just below does not.
  Evaluator(w, EvalMode::parse("saturated:0.5")).attention_weights(scores, out);
  EXPECT_EQ(out, (Eigen::RowVectorXd(5) << 0, 1.0 / 3, 0, 1.0 / 3, 1.0 / 3).finished());
  Evaluator(w, EvalMode::saturated_within(std::nextafter(0.5, 0.0))).attention_weights(scores, out);
  EXPECT_EQ(out, (Eigen::RowVectorXd(5) << 0, 0.5, 0, 0.5, 0).finished());
  Evaluator(w, EvalMode::parse("saturated:1")).attention_weights(scores, out);
  EXPECT_EQ(out, (Eigen::RowVectorXd(5) << 0, 0.25, 0.25, 0.25, 0.25).finished());
}

struct Variant {
  LayerNormMode ln;
  LayerNormPlaces places;
  Positional pos;
  bool causal;
};

std::vector<Variant> variants() {
  std::vector<Variant> v;
  const std::vector<std::pair<LayerNormMode, LayerNormPlaces>> lns = {
      {LayerNormMode::none, {}},
      {LayerNormMode::pre, {}},
      {LayerNormMode::post, {}},
      {LayerNormMode::custom, {AttnLnPlace::qk, false, true}},
      {LayerNormMode::custom, {AttnLnPlace::v, true, false}},
      {LayerNormMode::custom, {AttnLnPlace::none, true, false}}};
  for (const auto& [ln, places] : lns)
    for (auto pos : {Positional::none, Positional::learned, Positional::sinusoidal})
      for (bool causal : {false, true}) v.push_back({ln, places, pos, causal});
  return v;
}

// Every word of length 0..max over {a, b} as symbol ids.
std::vector<Word> all_words(int max) {
  std::vector<Word> out{{}};
  for (std::size_t i = 0; out[i].size() < static_cast<std::size_t>(max); ++i)
    for (Symbol a : {0, 1}) {
      Word w = out[i];
      w.push_back(a);
      out.push_back(w);
    }
  return out;
}

TEST(Evaluator, SaturatedDecisionsEqualLargeTemperatureDecisionsAwayFromNearTies) {
  int compared = 0, variant_index = 0;
  for (const auto& v : variants()) {
    const auto w = random_model("ab", v.ln, v.places, v.pos, v.causal, HeadKind::classify, 100 + variant_index++);
    const Evaluator sat(w, EvalMode::saturated()), temp(w, EvalMode::temperature(1 << 20));
    for (const auto& word : all_words(7)) {
      const auto r = sat.run(word);
      // Without near-ties (gap * C large) and away from the decision boundary.
      if (r.min_score_gap < 1e-3 || std::abs(r.readout_logit) < 1e-6) continue;
      const auto t = temp.run(word);
      EXPECT_EQ(r.readout_logit > 0, t.readout_logit > 0) << "variant " << variant_index;
      EXPECT_NEAR(r.readout_logit, t.readout_logit, 1e-6 * (1 + std::abs(r.readout_logit)));
      ++compared;
    }
  }
  EXPECT_GT(compared, 3000);
}

TEST(Evaluator, IncrementalPushEqualsWholeStringRun) {
  for (auto pos : {Positional::none, Positional::learned, Positional::sinusoidal})
    for (auto mode : {EvalMode::softmax(), EvalMode::saturated(), EvalMode::hard()}) {
      const auto w = random_model("ab", LayerNormMode::pre, {}, pos, true, HeadKind::classify, 7);
      const Evaluator ev(w, mode);
      auto s = ev.start(12);
      ev.begin(s);
      const Word word{0, 1, 1, 0, 1, 0, 0, 1, 1, 1};
      for (std::size_t n = 1; n <= word.size(); ++n) {
        ev.push(s, word[n - 1]);
        const auto r = ev.run(WordView(word).first(n));
        EXPECT_NEAR(ev.readout_logit(s), r.readout_logit, 1e-12);
      }
      ev.pop(s);
      ev.pop(s);
      ev.push(s, 1);
      const Word other{0, 1, 1, 0, 1, 0, 0, 1, 1};
      EXPECT_NEAR(ev.readout_logit(s), ev.run(other).readout_logit, 1e-12);
    }
}

TEST(Evaluator, ScaledModeEqualsScalingEveryParameter) {
  auto w = random_model("ab", LayerNormMode::pre, {}, Positional::learned, false, HeadKind::classify, 3);
  const Word word{0, 1, 1, 0};
  const double scaled = Evaluator(w, EvalMode::scaled(3.5)).run(word).readout_logit;
  w.scale(3.5);
  EXPECT_DOUBLE_EQ(scaled, Evaluator(w, EvalMode::softmax()).run(word).readout_logit);
}

TEST(Evaluator, CausalModelsIgnoreTheFuture) {
  const auto w = random_model("ab", LayerNormMode::pre, {}, Positional::learned, true, HeadKind::next_symbols, 5);
  const Evaluator ev(w, EvalMode::softmax());
  const auto a = ev.run(Word{0, 1, 0, 0}), b = ev.run(Word{0, 1, 1, 1});
  for (int t = 0; t < 3; ++t)
    for (int j = 0; j < w.config.n_outputs; ++j) EXPECT_DOUBLE_EQ(a.logits(t, j), b.logits(t, j));
}

TEST(Evaluator, RejectsInvalidModels) {
  auto w = random_model("ab", LayerNormMode::pre, {}, Positional::learned, false, HeadKind::classify, 3);
  w.tensors.erase("layers.1.attn.q.weight");
  EXPECT_THROW(Evaluator(w, EvalMode::softmax()), Error);
  w = random_model("ab", LayerNormMode::pre, {}, Positional::learned, false, HeadKind::classify, 3);
  w.tensors["head.weight"] = Eigen::MatrixXd::Zero(2, 8);
  EXPECT_THROW(Evaluator(w, EvalMode::softmax()), Error);
}

}  // namespace
}  // namespace saturn
