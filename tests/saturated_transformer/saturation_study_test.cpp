// The saturation study on the hand-built constructions, where the answers are known by hand:
// each construction is exact in saturated mode; majority's head has all-zero scores, so no
// temperature or scale changes any decision, hard attention (all weight on BOS) rejects every
// word, and its saturation score has a closed form; for every construction temperature:C decides
// like saturated at the largest C, and `stable_from` is checked against decisions recomputed here.
#include "saturated_transformer/saturation_study.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "languages/registry.h"
#include "saturated_transformer/constructions.h"
#include "saturated_transformer/evaluator.h"
#include "tests/support/oracles.h"

namespace saturn {
namespace {

// Every word of length lo..hi, labelled by the language.
LabelledSet all_words(const Language& lang, int lo, int hi) {
  LabelledSet set{"all_" + std::to_string(lo) + ".." + std::to_string(hi), {}, {}};
  for (int n = lo; n <= hi; ++n)
    for (const auto& s : testing::all_strings(lang.alphabet().chars(), n)) {
      set.words.push_back(lang.alphabet().parse(s));
      set.members.push_back(lang.contains(set.words.back()));
    }
  return set;
}

const ModeAccuracy& accuracy_of(const SaturationReport& r, const std::string& mode) {
  for (const auto& a : r.accuracy)
    if (a.mode == mode) return a;
  throw std::runtime_error("no accuracy for mode " + mode);
}

const AgreementCurve& curve_of(const SaturationReport& r, const std::string& family) {
  for (const auto& c : r.curves)
    if (c.family == family) return c;
  throw std::runtime_error("no curve " + family);
}

SaturationOptions small_grid() {
  SaturationOptions o;
  o.max_power = 14;
  return o;
}

TEST(SaturationStudy, MajorityDecisionsNeverChangeWithScaleOrTemperature) {
  const auto c = build_majority();
  const auto lang = make_language(c.language);
  const std::vector<LabelledSet> sets = {all_words(*lang, 0, 5), all_words(*lang, 6, 8)};
  const auto r = saturation_study(c.weights, lang->alphabet(), sets, small_grid());
  ASSERT_EQ(r.sets.size(), 2u);
  EXPECT_EQ(accuracy_of(r, "saturated").accuracy, std::vector<double>({1.0, 1.0}));
  EXPECT_EQ(accuracy_of(r, "softmax").accuracy, std::vector<double>({1.0, 1.0}));
  // Hard attention puts all weight on BOS, whose value the o projection drops: logit 0, reject.
  const auto& hard = accuracy_of(r, "hard").accuracy;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    double non_members = 0;
    for (bool m : sets[i].members) non_members += !m;
    EXPECT_DOUBLE_EQ(hard[i], non_members / static_cast<double>(sets[i].members.size())) << sets[i].name;
    EXPECT_LT(hard[i], 1.0);
  }
  ASSERT_EQ(r.curves.size(), 2u);
  for (const auto& curve : r.curves) {
    ASSERT_EQ(curve.values.size(), 15u) << curve.family;
    EXPECT_EQ(curve.values.front(), 1.0);
    EXPECT_EQ(curve.values.back(), 16384.0);
    for (double a : curve.agreement) EXPECT_EQ(a, 1.0) << curve.family;
    EXPECT_EQ(curve.stable_from, 1.0) << curve.family;
    EXPECT_EQ(curve.disagreement_example, "") << curve.family;
  }
}

// The accuracy rows follow SaturationOptions::modes. Majority's scores all tie, so the tie rule
// decides: saturated:TOL is still exact, hard_left (= hard) reads BOS and rejects everything, and
// hard_right reads the last position's count contribution: +1 for '1', -1 for '0', 0 for BOS in
// the empty word, so it accepts exactly the words ending in '1'.
TEST(SaturationStudy, AccuracyInTheRequestedModes) {
  const auto c = build_majority();
  const auto lang = make_language(c.language);
  const std::vector<LabelledSet> sets = {all_words(*lang, 0, 5), all_words(*lang, 6, 8)};
  auto o = small_grid();
  o.modes = {EvalMode::parse("saturated:0.5"), EvalMode::hard_left(), EvalMode::hard(), EvalMode::hard_right()};
  const auto r = saturation_study(c.weights, lang->alphabet(), sets, o);
  ASSERT_EQ(r.accuracy.size(), 4u);
  EXPECT_EQ(r.accuracy[0].mode, "saturated:0.5");
  EXPECT_EQ(r.accuracy[1].mode, "hard_left");
  EXPECT_EQ(r.accuracy[2].mode, "hard");
  EXPECT_EQ(r.accuracy[3].mode, "hard_right");
  EXPECT_EQ(r.accuracy[0].accuracy, std::vector<double>({1.0, 1.0}));
  EXPECT_EQ(r.accuracy[1].accuracy, r.accuracy[2].accuracy);
  for (std::size_t i = 0; i < sets.size(); ++i) {
    double agree = 0;
    for (std::size_t k = 0; k < sets[i].words.size(); ++k) {
      const auto& w = sets[i].words[k];
      const bool ends_in_one = !w.empty() && lang->alphabet().chars()[static_cast<std::size_t>(w.back())] == '1';
      agree += ends_in_one == sets[i].members[k];
    }
    EXPECT_DOUBLE_EQ(r.accuracy[3].accuracy[i], agree / static_cast<double>(sets[i].words.size())) << sets[i].name;
    EXPECT_NE(r.accuracy[3].accuracy[i], r.accuracy[1].accuracy[i]) << sets[i].name;
  }
}

TEST(SaturationStudy, MajoritySaturationScoreHasItsClosedForm) {
  // After the layer, position t holds e_tok + D e_3 with D = (#1 - #0)/(n + 1); every parameter
  // times 1000 gives 1000 e_tok + 1e9 D e_3. The score is the mean cosine over all positions.
  const auto c = build_majority();
  const auto lang = make_language(c.language);
  const LabelledSet set = all_words(*lang, 0, 6);
  const auto r = saturation_study(c.weights, lang->alphabet(), {set}, small_grid());
  double sum = 0, positions = 0;
  for (const auto& w : set.words) {
    double d = 0;
    for (Symbol a : w) d += a == 1 ? 1.0 : -1.0;
    d /= static_cast<double>(w.size() + 1);
    const double cosine = (1e3 + 1e9 * d * d) / (std::sqrt(1 + d * d) * std::sqrt(1e6 + 1e18 * d * d));
    sum += cosine * static_cast<double>(w.size() + 1);
    positions += static_cast<double>(w.size() + 1);
  }
  ASSERT_EQ(r.saturation_by_layer.size(), 1u);
  EXPECT_NEAR(r.saturation_by_layer[0], sum / positions, 1e-12);
  EXPECT_LT(r.saturation_by_layer[0], 1.0);  // some words are unbalanced
}

class ConstructionStudy : public ::testing::TestWithParam<std::string> {};

TEST_P(ConstructionStudy, TemperatureReachesSaturatedAndStableFromIsRight) {
  Construction c;
  for (auto& k : all_constructions()) {
    if (k.name == GetParam()) c = k;
  }
  const auto lang = make_language(c.language);
  const LabelledSet set = all_words(*lang, 0, lang->alphabet().size() == 3 ? 5 : 7);
  const SaturationOptions o = small_grid();
  ASSERT_LE(set.words.size(), o.max_inputs);  // every word is an input of the curves
  const auto r = saturation_study(c.weights, lang->alphabet(), {set}, o);
  EXPECT_EQ(accuracy_of(r, "saturated").accuracy, std::vector<double>({1.0}));
  const auto& t = curve_of(r, "temperature");
  EXPECT_EQ(t.agreement.back(), 1.0);
  EXPECT_EQ(t.disagreement_example, "");
  // Saturated is exact here, so agreeing with it at C = 1 is being right in softmax.
  EXPECT_DOUBLE_EQ(t.agreement.front(), accuracy_of(r, "softmax").accuracy[0]);

  // stable_from, recomputed: every grid value from it on decides like the largest; the one
  // before it (if any) does not.
  for (const auto& curve : r.curves) {
    auto decisions = [&](double v) {
      const Evaluator ev(c.weights, curve.family == "temperature" ? EvalMode::temperature(v) : EvalMode::scaled(v));
      std::vector<bool> d;
      for (const auto& w : set.words) d.push_back(ev.accepts(w));
      return d;
    };
    const auto last = decisions(curve.values.back());
    std::size_t from = 0;
    while (curve.values[from] != curve.stable_from) ASSERT_LT(++from, curve.values.size()) << curve.family;
    for (std::size_t p = from; p < curve.values.size(); ++p) EXPECT_EQ(decisions(curve.values[p]), last) << curve.family << " " << p;
    if (from > 0) {
      EXPECT_NE(decisions(curve.values[from - 1]), last) << curve.family;
    }
  }
}

std::vector<std::string> construction_names() {
  std::vector<std::string> names;
  for (const auto& c : all_constructions()) names.push_back(c.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(All, ConstructionStudy, ::testing::ValuesIn(construction_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(SaturationStudy, SoftmaxErrorsOfDyck1ShowInTheTemperatureCurve) {
  // dyck1 is not exact in softmax (its layer-2 head only approximates a max), so the curve starts
  // below 1 and becomes stable later than C = 1.
  const auto c = build_dyck1();
  const auto lang = make_language(c.language);
  const auto r = saturation_study(c.weights, lang->alphabet(), {all_words(*lang, 0, 10)}, small_grid());
  const auto& t = curve_of(r, "temperature");
  EXPECT_LT(t.agreement.front(), 1.0);
  EXPECT_GT(t.stable_from, 1.0);
  EXPECT_EQ(t.agreement.back(), 1.0);
}

TEST(SaturationStudy, ResultsDoNotDependOnTheThreadCount) {
  const auto c = build_dyck1();
  const auto lang = make_language(c.language);
  const std::vector<LabelledSet> sets = {all_words(*lang, 0, 6), all_words(*lang, 7, 9)};
  std::vector<SaturationReport> runs;
  for (int threads : {1, 2, 3}) {
    ThreadLimit limit(threads);
    runs.push_back(saturation_study(c.weights, lang->alphabet(), sets, small_grid()));
  }
  for (const auto& r : runs) {
    for (std::size_t m = 0; m < r.accuracy.size(); ++m) EXPECT_EQ(r.accuracy[m].accuracy, runs[0].accuracy[m].accuracy);
    for (std::size_t k = 0; k < r.curves.size(); ++k) {
      EXPECT_EQ(r.curves[k].agreement, runs[0].curves[k].agreement);
      EXPECT_EQ(r.curves[k].stable_from, runs[0].curves[k].stable_from);
    }
    EXPECT_EQ(r.saturation_by_layer, runs[0].saturation_by_layer);  // bitwise
  }
}

}  // namespace
}  // namespace saturn
