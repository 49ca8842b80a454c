// Score gaps per head, hand-computed on the majority construction (all scores 0: tied) and on a
// copy whose scores are delta/2 on '0' positions and 0 elsewhere (near-uniform counting).
#include "saturated_transformer/score_gaps.h"

#include <gtest/gtest.h>

#include "saturated_transformer/constructions.h"

namespace saturn {
namespace {

ModelWeights perturbed_majority(double delta) {
  auto w = build_majority().weights;
  w.tensors.at("layers.0.attn.q.bias")(0, 0) = 1.0;
  w.tensors.at("layers.0.attn.k.weight")(0, 0) = delta;
  return w;
}

TEST(ScoreGaps, MajorityConstructionIsTied) {
  const std::vector<Word> inputs{{0, 1, 0, 1}, {1, 1}};
  const auto g = score_gaps(build_majority().weights, inputs);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].diagnosis, "tied");
  // "0101": 5 rows, max at BOS (leftmost of the ties), no other BOS: different-token gaps only.
  // "11": 3 rows, the same. Every gap is 0.
  EXPECT_EQ(g[0].n_same, 0);
  EXPECT_EQ(g[0].n_different, 8);
  EXPECT_EQ(g[0].different[0], 8);
  EXPECT_EQ(g[0].median_different, 0.0);
  EXPECT_NEAR(g[0].normalised_entropy, 1.0, 1e-12);
}

TEST(ScoreGaps, PerturbedMajorityCountsWithNearUniformWeights) {
  const std::vector<Word> inputs{{0, 1, 0, 1}, {1, 1}};
  ScoreGapOptions o;
  const auto g = score_gaps(perturbed_majority(1e-3), inputs, o);
  ASSERT_EQ(g.size(), 1u);
  // "0101": every row's max is the first '0' (5e-4); the other '0' ties it (same-token gap 0), the
  // best other token (BOS or '1', score 0) is 5e-4 below. "11": all scores 0, max at BOS, the
  // best other token ties (gap 0), no same-token position.
  EXPECT_EQ(g[0].n_same, 5);
  EXPECT_EQ(g[0].n_different, 8);
  EXPECT_EQ(g[0].same[0], 5);
  EXPECT_EQ(g[0].different[0], 3);  // [0, 1e-9)
  EXPECT_EQ(g[0].different[3], 5);  // [1e-4, 1e-3)
  EXPECT_DOUBLE_EQ(g[0].median_different, 5e-4);  // sorted 0 0 0 5e-4 5e-4 ...: the middle two are 5e-4
  EXPECT_EQ(g[0].median_same, 0.0);
  EXPECT_GT(g[0].normalised_entropy, 0.99);
  EXPECT_EQ(g[0].diagnosis, "near-uniform");
  EXPECT_NE(describe(g[0]).find("counts with near-uniform weights"), std::string::npos);
  // A large margin separates the tokens.
  const auto far = score_gaps(perturbed_majority(40.0), inputs, o);
  EXPECT_EQ(far[0].diagnosis, "separated");
  EXPECT_DOUBLE_EQ(far[0].median_different, 20.0);
}

}  // namespace
}  // namespace saturn
