// Saturation robustness: the critical-scale rule on synthetic curves, chance accuracy, per-head
// evaluation modes, and per-head ablation on the majority construction, whose only head counts
// with all-zero scores (saturation-proof) — and on a copy whose scores favour '0' by a tiny
// margin, where softmax still counts but a saturated head keeps only the '0' positions.
#include "saturated_transformer/robustness.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "languages/registry.h"
#include "random_model.h"
#include "saturated_transformer/constructions.h"
#include "saturated_transformer/evaluator.h"
#include "tests/support/oracles.h"

namespace saturn {
namespace {

LabelledSet all_words(const Language& lang, int lo, int hi) {
  LabelledSet set{"all_" + std::to_string(lo) + ".." + std::to_string(hi), {}, {}, lo, hi};
  for (int n = lo; n <= hi; ++n)
    for (const auto& s : testing::all_strings(lang.alphabet().chars(), n)) {
      set.words.push_back(lang.alphabet().parse(s));
      set.members.push_back(lang.contains(set.words.back()));
    }
  return set;
}

// Majority with scores delta/2 on '0' positions and 0 elsewhere (query bias e_0, key weight
// delta on the '0' coordinate; d_head = 4).
ModelWeights perturbed_majority(double delta) {
  auto w = build_majority().weights;
  w.tensors.at("layers.0.attn.q.bias")(0, 0) = 1.0;
  w.tensors.at("layers.0.attn.k.weight")(0, 0) = delta;
  return w;
}

TEST(CriticalScale, SmallestGridPointFromWhichAccuracyStaysBelow) {
  const std::vector<double> scales{1, 2, 4, 8, 16};
  EXPECT_EQ(critical_scale(scales, {1.0, 0.9, 0.4, 0.3, 0.2}, 0.5), 4.0);
  EXPECT_EQ(critical_scale(scales, {1.0, 0.9, 0.4, 0.6, 0.3}, 0.5), 16.0);  // recovers at 8: only 16 stays below
  EXPECT_EQ(critical_scale(scales, {0.4, 0.3, 0.2, 0.2, 0.1}, 0.5), 1.0);
  EXPECT_EQ(critical_scale(scales, {1.0, 0.2, 0.2, 0.2, 0.5}, 0.5), 0.0);  // at the threshold is not below
  EXPECT_EQ(critical_scale(scales, {1.0, 1.0, 1.0, 1.0, 1.0}, 0.5), 0.0);
  EXPECT_THROW(critical_scale(scales, {1.0}, 0.5), Error);
}

TEST(CriticalScale, ChanceIsTheMoreFrequentLabelOrZeroForOneLabel) {
  LabelledSet a{"a", {{0}, {1}, {0}}, {true, false, false}}, b{"b", {{1}}, {false}};
  EXPECT_DOUBLE_EQ(chance_accuracy({a, b}), 0.75);
  LabelledSet members{"m", {{0}, {1}}, {true, true}};
  EXPECT_DOUBLE_EQ(chance_accuracy({members}), 0.0);
}

TEST(HeadModes, OverridesActOnOneHeadOnly) {
  const auto w = testing::random_model("ab", LayerNormMode::pre, {}, Positional::learned, true, HeadKind::classify, 7, 3.0);
  const Word word{0, 1, 1, 0, 1, 0, 0};
  const EvalOptions keep{true, false};
  // All heads overridden to saturated == the saturated evaluator, bit for bit.
  std::vector<HeadMode> all;
  for (int l = 0; l < 2; ++l)
    for (int h = 0; h < 2; ++h) all.push_back({l, h, EvalMode::saturated()});
  const auto a = Evaluator(w, EvalMode::softmax(), all).run(word, keep);
  const auto b = Evaluator(w, EvalMode::saturated()).run(word, keep);
  EXPECT_EQ(a.logits, b.logits);
  // One head overridden: layer 0's other head keeps its softmax weights exactly.
  const auto soft = Evaluator(w, EvalMode::softmax()).run(word, keep);
  const auto one = Evaluator(w, EvalMode::softmax(), {{0, 1, EvalMode::hard_right()}}).run(word, keep);
  EXPECT_EQ(one.attention[0][0], soft.attention[0][0]);
  for (long t = 0; t < one.attention[0][1].rows(); ++t) EXPECT_EQ(one.attention[0][1].row(t).maxCoeff(), 1.0);
  EXPECT_NE(one.logits, soft.logits);
  EXPECT_THROW(Evaluator(w, EvalMode::softmax(), {{2, 0, EvalMode::saturated()}}), Error);
  EXPECT_THROW(Evaluator(w, EvalMode::softmax(), {{0, 2, EvalMode::saturated()}}), Error);
  EXPECT_THROW(Evaluator(w, EvalMode::softmax(), {{0, 0, EvalMode::scaled(2)}}), Error);
  EXPECT_THROW(Evaluator(w, EvalMode::softmax(), {{0, 0, EvalMode::saturated()}, {0, 0, EvalMode::hard()}}), Error);
}

TEST(HeadModes, ScoresAreKeptOnRequest) {
  const auto w = perturbed_majority(0.25);
  const Word word{0, 1, 0};  // scores: BOS 0, '0' 0.125, '1' 0, '0' 0.125 in every row
  const auto r = Evaluator(w, EvalMode::softmax()).run(word, {false, false, true});
  ASSERT_EQ(r.scores.size(), 1u);
  ASSERT_EQ(r.scores[0].size(), 1u);
  for (long t = 0; t < 4; ++t) {
    EXPECT_DOUBLE_EQ(r.scores[0][0](t, 0), 0.0);
    EXPECT_DOUBLE_EQ(r.scores[0][0](t, 1), 0.125);
    EXPECT_DOUBLE_EQ(r.scores[0][0](t, 2), 0.0);
    EXPECT_DOUBLE_EQ(r.scores[0][0](t, 3), 0.125);
  }
}

TEST(Robustness, UntouchedMajorityConstructionIsUnaffectedBySaturatingItsHead) {
  const auto c = build_majority();
  const auto lang = make_language(c.language);
  const std::vector<LabelledSet> sets{all_words(*lang, 1, 6), all_words(*lang, 7, 9)};
  RobustnessOptions o;
  o.max_power = 12;
  o.max_per_set = 1000;  // every word
  const auto r = robustness_study(c.weights, sets, o);
  EXPECT_EQ(r.softmax, std::vector<double>({1.0, 1.0}));
  EXPECT_EQ(r.saturated, std::vector<double>({1.0, 1.0}));
  ASSERT_EQ(r.curves.size(), 2u);
  for (const auto& curve : r.curves) {
    ASSERT_EQ(curve.scales.size(), 13u);
    for (double a : curve.pooled) EXPECT_EQ(a, 1.0) << curve.family;
    EXPECT_EQ(curve.critical_scale, 0.0) << curve.family;
  }
  ASSERT_EQ(r.heads.size(), 1u);
  EXPECT_EQ(r.heads[0].saturate_one, std::vector<double>({1.0, 1.0}));
  EXPECT_EQ(r.heads[0].softmax_one, std::vector<double>({1.0, 1.0}));
  EXPECT_FALSE(r.heads[0].breaks);
  EXPECT_EQ(r.sizes, std::vector<std::size_t>({126u, 896u}));
  EXPECT_EQ(r.min_length, std::vector<int>({1, 7}));
}

TEST(Robustness, SaturatingTheCountingHeadOfAPerturbedCopyBreaksIt) {
  const auto lang = make_language("majority");
  const std::vector<LabelledSet> sets{all_words(*lang, 1, 6), all_words(*lang, 7, 9)};
  const auto w = perturbed_majority(1e-3);
  RobustnessOptions o;
  o.max_power = 16;
  o.max_per_set = 1000;  // every word
  const auto r = robustness_study(w, sets, o);
  // Softmax still counts (weights within a factor e^(5e-4) of uniform) ...
  EXPECT_EQ(r.softmax, std::vector<double>({1.0, 1.0}));
  // ... saturated attention reads only the '0' positions when there are any: it accepts exactly
  // the words without a '0' (all members), so its accuracy is that of "reject unless all 1s".
  for (std::size_t s = 0; s < sets.size(); ++s) {
    std::size_t correct = 0;
    for (std::size_t i = 0; i < sets[s].words.size(); ++i) {
      bool all_ones = true;
      for (Symbol a : sets[s].words[i]) all_ones = all_ones && a == 1;
      correct += all_ones == sets[s].members[i];
    }
    EXPECT_DOUBLE_EQ(r.saturated[s], static_cast<double>(correct) / static_cast<double>(sets[s].words.size()));
  }
  EXPECT_DOUBLE_EQ(r.chance, chance_accuracy(sets));
  EXPECT_DOUBLE_EQ(r.threshold, 0.5 * (1.0 + r.chance));
  ASSERT_EQ(r.heads.size(), 1u);
  EXPECT_EQ(r.heads[0].saturate_one, r.saturated);
  EXPECT_EQ(r.heads[0].softmax_one, r.softmax);
  EXPECT_TRUE(r.heads[0].breaks);
  // Temperature C multiplies the 5e-4 gap: accuracy falls once C * 5e-4 is of order 1, and the
  // critical scale is the grid point from which it stays below the threshold, recomputed here.
  for (const auto& curve : r.curves) {
    EXPECT_EQ(curve.pooled.front(), 1.0) << curve.family;
    EXPECT_LT(curve.pooled.back(), r.threshold) << curve.family;
    EXPECT_GT(curve.critical_scale, 1.0) << curve.family;
    EXPECT_EQ(curve.critical_scale, critical_scale(curve.scales, curve.pooled, r.threshold));
  }
}

TEST(Robustness, ChanceLevelModelsHaveNoCriticalScaleAndNoBreakingHead) {
  const auto lang = make_language("majority");
  const std::vector<LabelledSet> sets{all_words(*lang, 1, 6)};
  auto w = build_majority().weights;
  w.tensors.at("head.weight")(0, 3) = 0.0;  // logit 0: rejects everything
  RobustnessOptions o;
  o.max_power = 4;
  const auto r = robustness_study(w, sets, o);
  EXPECT_LE(r.softmax_pooled, r.chance);
  for (const auto& curve : r.curves) EXPECT_EQ(curve.critical_scale, 0.0);
  EXPECT_FALSE(r.heads[0].breaks);
}

}  // namespace
}  // namespace saturn
