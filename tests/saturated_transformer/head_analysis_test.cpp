// Head analysis on one-head models whose attention is known by hand (built from the majority
// construction: one bidirectional layer, one head, d = 4, one-hot embeddings, no positions, no
// layer norm). With query bias e_0 and key weight e_0 <- coordinate `key`, the score of position j
// is x_j[key] / sqrt(4): the head attends exactly to the positions whose token sets `key`; with no
// key at all every score is 0 and the head is uniform.
#include "saturated_transformer/head_analysis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "saturated_transformer/constructions.h"

namespace saturn {
namespace {

const Alphabet kBinary("01");
constexpr int kBos = 2;  // coordinate of the BOS token in the majority construction

// The majority construction with its head's key reading coordinate `key` (-1: uniform head).
ModelWeights one_head_model(int key) {
  ModelWeights w = build_majority().weights;
  if (key >= 0) {
    w.tensors.at("layers.0.attn.q.bias")(0, 0) = 1.0;
    w.tensors.at("layers.0.attn.k.weight")(0, key) = 1.0;
  }
  return w;
}

std::vector<Word> words(const std::vector<std::string>& strings) {
  std::vector<Word> out;
  for (const auto& s : strings) out.push_back(kBinary.parse(s));
  return out;
}

TEST(HeadAnalysis, AZeroScoreHeadIsUniform) {
  const auto inputs = words({"010", "1101", "00000", "101010", "1111111"});
  for (const auto mode : {EvalMode::scaled(1000), EvalMode::saturated()}) {
    HeadAnalysisOptions o;
    o.support_mode = mode;
    const auto stats = analyse_heads(one_head_model(-1), inputs, o);
    ASSERT_EQ(stats.size(), 1u);
    const HeadStats& s = stats[0];
    EXPECT_EQ(s.kind, "uniform") << mode.str();
    // Every query of a word of length n attends to all T = n + 1 positions.
    double queries = 0, support = 0, entropy = 0;
    std::vector<long> histogram(9, 0);
    for (const auto& w : inputs) {
      const double T = static_cast<double>(w.size() + 1);
      queries += T, support += T * T, entropy += T * std::log(T);
      histogram[w.size() + 1] += static_cast<long>(w.size() + 1);
    }
    EXPECT_DOUBLE_EQ(s.mean_support, support / queries);
    EXPECT_DOUBLE_EQ(s.split_probability, 1.0);
    EXPECT_NEAR(s.mean_entropy, entropy / queries, 1e-12);  // softmax: uniform over T positions
    EXPECT_NEAR(s.support_length_correlation, 1.0, 1e-9);  // support == visible
    EXPECT_EQ(s.support_histogram, histogram);
    for (const auto& w : inputs) EXPECT_DOUBLE_EQ(s.mean_support_by_visible[w.size() + 1], static_cast<double>(w.size() + 1));
  }
}

TEST(HeadAnalysis, AHeadOnBosIsLocal) {
  const auto inputs = words({"010", "1101", "00000", "101010", "1111111"});
  const auto stats = analyse_heads(one_head_model(kBos), inputs);
  ASSERT_EQ(stats.size(), 1u);
  const HeadStats& s = stats[0];
  EXPECT_EQ(s.kind, "local");
  EXPECT_DOUBLE_EQ(s.mean_support, 1.0);
  EXPECT_DOUBLE_EQ(s.split_probability, 0.0);
  EXPECT_DOUBLE_EQ(s.std_support, 0.0);
  // Softmax entropy: BOS has score 1/2, the other n positions 0.
  double queries = 0, entropy = 0;
  for (const auto& w : inputs) {
    const double n = static_cast<double>(w.size()), z = std::exp(0.5) + n;
    const double h = -(std::exp(0.5) / z) * std::log(std::exp(0.5) / z) - n * (1 / z) * std::log(1 / z);
    queries += n + 1, entropy += (n + 1) * h;
  }
  EXPECT_NEAR(s.mean_entropy, entropy / queries, 1e-12);
}

TEST(HeadAnalysis, AHeadOnHalfThePositionsIsGlobal) {
  // 0^k 1^k: every query attends to the k ones out of 2k + 1 positions; support grows with length.
  std::vector<std::string> strings;
  for (int k = 2; k <= 10; ++k) strings.push_back(std::string(static_cast<std::size_t>(k), '0') + std::string(static_cast<std::size_t>(k), '1'));
  const auto stats = analyse_heads(one_head_model(1), words(strings));
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].kind, "global");
  EXPECT_NEAR(stats[0].support_length_correlation, 1.0, 1e-9);  // support = (visible - 1) / 2
  for (int k = 2; k <= 10; ++k) EXPECT_DOUBLE_EQ(stats[0].mean_support_by_visible[static_cast<std::size_t>(2 * k + 1)], k);
}

TEST(HeadAnalysis, SupportUnrelatedToLengthIsMixed) {
  // One length, 3 to 5 ones: support varies, visible does not (correlation 0), neither local nor uniform.
  const auto stats = analyse_heads(one_head_model(1), words({"11100000", "11110000", "11111000", "00011111"}));
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].kind, "mixed");
  EXPECT_DOUBLE_EQ(stats[0].support_length_correlation, 0.0);
  EXPECT_DOUBLE_EQ(stats[0].mean_support, (3 + 4 + 5 + 5) / 4.0);
}

TEST(HeadAnalysis, CausalUniformHeadSeesItsPrefix) {
  // dyck1's first layer: a uniform causal head; query t sees and attends to positions 0..t.
  const auto c = build_dyck1();
  const Alphabet parens("()");
  std::vector<Word> inputs;
  for (const char* s : {"(())", "()()()", "((", ")("}) inputs.push_back(parens.parse(s));
  const auto stats = analyse_heads(c.weights, inputs);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].layer, 0);
  EXPECT_EQ(stats[0].kind, "uniform");
  for (std::size_t v = 1; v <= 7; ++v) EXPECT_DOUBLE_EQ(stats[0].mean_support_by_visible[v], static_cast<double>(v)) << v;
  EXPECT_EQ(stats[1].layer, 1);
}

TEST(HeadAnalysis, ResultsDoNotDependOnTheThreadCount) {
  std::vector<Word> inputs;
  for (int n = 1; n <= 9; ++n)
    for (int i = 0; i < 5; ++i) {
      Word w;
      for (int j = 0; j < n; ++j) w.push_back(static_cast<Symbol>((i * 7 + j * j) % 3 == 0));
      inputs.push_back(w);
    }
  std::vector<std::vector<HeadStats>> runs;
  for (int threads : {1, 2, 3}) {
    ThreadLimit limit(threads);
    runs.push_back(analyse_heads(one_head_model(1), inputs));
  }
  for (const auto& r : runs) {
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].kind, runs[0][0].kind);
    EXPECT_EQ(r[0].mean_support, runs[0][0].mean_support);  // bitwise
    EXPECT_EQ(r[0].mean_entropy, runs[0][0].mean_entropy);
    EXPECT_EQ(r[0].support_histogram, runs[0][0].support_histogram);
  }
}

}  // namespace
}  // namespace saturn
