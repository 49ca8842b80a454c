// The one tie rule (transformer/layers/tie_rule.h): its boundary in float and double, hard_left /
// hard_right = the leftmost / rightmost tie, the absolute band of saturated:TOL, rows without a
// finite maximum, and the trainable model's attention layer using it (the simulator calls it
// directly).
#include "transformer/layers/tie_rule.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <vector>

#include "transformer/layers/attention.h"

namespace saturn {
namespace {

template <class S>
using Row = Eigen::Matrix<S, 1, Eigen::Dynamic>;

template <class S>
void boundary_case(S m, double tolerance) {
  // A score exactly one band below m ties; the next representable score below it does not.
  // (tolerance and m are chosen so that m - band is exact.)
  const S band = tie_band(m, tolerance);
  const S at = m - band;
  ASSERT_EQ(m - at, band) << "the test needs an exact subtraction";
  const S below = std::nextafter(at, -std::numeric_limits<S>::infinity());
  Row<S> row(4);
  row << below, m, at, m - 2 * band;
  tie_weights(row, TiePick::all, TieBand::relative(tolerance));
  EXPECT_EQ(row[0], S(0));
  EXPECT_EQ(row[1], S(0.5));
  EXPECT_EQ(row[2], S(0.5));
  EXPECT_EQ(row[3], S(0));
  row << below, m - 2 * band, at, m;
  tie_weights(row, TiePick::leftmost, TieBand::relative(tolerance));
  EXPECT_EQ(row, (Row<S>(4) << 0, 0, 1, 0).finished());
}

TEST(TieRule, BoundaryIsExactInDoubleAndFloat) {
  boundary_case<double>(1.0, std::ldexp(1.0, -30));
  boundary_case<double>(-3.0, std::ldexp(1.0, -30));
  boundary_case<double>(1024.0, std::ldexp(1.0, -40));
  boundary_case<float>(0.5f, std::ldexp(1.0, -12));  // |m| < 1: the band is the absolute tolerance
  boundary_case<float>(0.0f, std::ldexp(1.0, -12));
}

TEST(TieRule, DefaultToleranceSeparatesNeighbouringScores) {
  // Scores 1e-10 apart tie under the default tolerance, scores 1e-8 apart do not.
  Row<double> row(3);
  row << 5.0 - 1e-8, 5.0, 5.0 - 1e-10;
  tie_weights(row, TiePick::all);
  EXPECT_EQ(row, (Row<double>(3) << 0, 0.5, 0.5).finished());
}

TEST(TieRule, BandIsRelativeAboveOneAndAbsoluteBelow) {
  EXPECT_EQ(tie_band(0.25), kTieTolerance);
  EXPECT_EQ(tie_band(-0.25), kTieTolerance);
  EXPECT_EQ(tie_band(1000.0), kTieTolerance * 1000.0);
  EXPECT_EQ(tie_band(-1000.0), kTieTolerance * 1000.0);
  EXPECT_EQ(tie_band(5.0, 0.0), 0.0);
}

TEST(TieRule, HardPutsAllWeightOnTheLeftmostTie) {
  Row<double> row(5);
  row << 0.5, 2.0, 1.0, 2.0, 2.0 - 1e-12;
  tie_weights(row, TiePick::leftmost);
  EXPECT_EQ(row, (Row<double>(5) << 0, 1, 0, 0, 0).finished());
  row << 0.5, 2.0, 1.0, 2.0, 2.0 - 1e-12;
  tie_weights(row, TiePick::all);
  EXPECT_EQ(row, (Row<double>(5) << 0, 1.0 / 3, 0, 1.0 / 3, 1.0 / 3).finished());
}

TEST(TieRule, HardRightPutsAllWeightOnTheRightmostTie) {
  // The same row: ties at 1, 3 and 4 (4 is 1e-12 below, inside the relative band).
  Row<double> row(5);
  row << 0.5, 2.0, 1.0, 2.0, 2.0 - 1e-12;
  tie_weights(row, TiePick::rightmost);
  EXPECT_EQ(row, (Row<double>(5) << 0, 0, 0, 0, 1).finished());
  // An exact two-way tie: left and right pick different positions, a unique maximum the same one.
  row << 3.0, 1.0, 3.0, 0.0, -2.0;
  tie_weights(row, TiePick::rightmost);
  EXPECT_EQ(row, (Row<double>(5) << 0, 0, 1, 0, 0).finished());
  row << 3.0, 1.0, 3.0, 0.0, -2.0;
  tie_weights(row, TiePick::leftmost);
  EXPECT_EQ(row, (Row<double>(5) << 1, 0, 0, 0, 0).finished());
  for (const auto pick : {TiePick::leftmost, TiePick::rightmost}) {
    row << 0.0, 1.0, 4.0, 2.0, 3.0;
    tie_weights(row, pick);
    EXPECT_EQ(row, (Row<double>(5) << 0, 0, 1, 0, 0).finished());
  }
}

TEST(TieRule, AbsoluteBandTiesScoresWithinTol) {
  // saturated:TOL with TOL = 0.25 and maximum 8 (exact differences): a gap of exactly TOL ties,
  // the next representable score below it does not; the relative band would tie only the maximum.
  const double tol = 0.25, m = 8.0;
  const double at = m - tol, below = std::nextafter(at, 0.0), above = std::nextafter(at, m);
  ASSERT_EQ(m - at, tol);
  ASSERT_GT(m - below, tol);
  Row<double> row(5);
  row << below, m, at, above, 1.0;
  tie_weights(row, TiePick::all, TieBand::absolute_width(tol));
  EXPECT_EQ(row, (Row<double>(5) << 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 0).finished());
  row << below, m, at, above, 1.0;
  tie_weights(row, TiePick::all);
  EXPECT_EQ(row, (Row<double>(5) << 0, 1, 0, 0, 0).finished());
  // The absolute width does not grow with |m| (the relative one would be 1e-9 * 1e6 = 1e-3 here).
  row << 1e6, 1e6 - 0.5e-3, 1e6 - 2.0, 0, 0;
  tie_weights(row, TiePick::all, TieBand::absolute_width(1e-4));
  EXPECT_EQ(row, (Row<double>(5) << 1, 0, 0, 0, 0).finished());
  row << 1e6, 1e6 - 0.5e-3, 1e6 - 2.0, 0, 0;
  tie_weights(row, TiePick::all);
  EXPECT_EQ(row, (Row<double>(5) << 0.5, 0.5, 0, 0, 0).finished());
  // Hard modes under the absolute band pick among the near-ties.
  row << 1.0, 8.0, 7.9, 2.0, 0.0;
  tie_weights(row, TiePick::rightmost, TieBand::absolute_width(0.125));
  EXPECT_EQ(row, (Row<double>(5) << 0, 0, 1, 0, 0).finished());
  // Float: the width is TOL in the row's type.
  Row<float> f(3);
  f << 2.0f, 1.5f, std::nextafter(1.5f, 0.0f);
  tie_weights(f, TiePick::all, TieBand::absolute_width(0.5));
  EXPECT_EQ(f, (Row<float>(3) << 0.5f, 0.5f, 0.0f).finished());
  EXPECT_EQ(TieBand::absolute_width(0.5).width(-1000.0), 0.5);
  EXPECT_EQ(TieBand::relative().width(-1000.0), kTieTolerance * 1000.0);
}

TEST(TieRule, ZeroToleranceNeedsEqualScores) {
  Row<float> row(3);
  row << 1.0f, std::nextafter(1.0f, 0.0f), 1.0f;
  tie_weights(row, TiePick::all, TieBand::relative(0.0));
  EXPECT_EQ(row, (Row<float>(3) << 0.5f, 0.0f, 0.5f).finished());
}

TEST(TieRule, RowsWithoutFiniteMaximumFollowTheArithmetic) {
  // +inf maximum: inf - s = inf <= band = inf for finite s, inf - inf = NaN for the infinite one.
  const double inf = std::numeric_limits<double>::infinity();
  Row<double> row(3);
  row << 1.0, inf, 2.0;
  tie_weights(row, TiePick::all);
  EXPECT_EQ(row, (Row<double>(3) << 0.5, 0, 0.5).finished());
  row << 1.0, inf, 2.0;
  tie_weights(row, TiePick::leftmost);
  EXPECT_EQ(row, (Row<double>(3) << 1, 0, 0).finished());
  row << 1.0, inf, 2.0;
  tie_weights(row, TiePick::rightmost);
  EXPECT_EQ(row, (Row<double>(3) << 0, 0, 1).finished());
  row << 1.0, inf, 2.0;  // absolute band: inf - s = inf > TOL, inf - inf = NaN: nothing ties
  tie_weights(row, TiePick::all, TieBand::absolute_width(1.0));
  EXPECT_EQ(row, Row<double>::Zero(3));
  for (const auto pick : {TiePick::all, TiePick::leftmost, TiePick::rightmost}) {  // -inf maximum: nothing ties
    row << -inf, -inf, -inf;
    tie_weights(row, pick);
    EXPECT_EQ(row, Row<double>::Zero(3)) << "pick " << static_cast<int>(pick);
  }
}

// The trainable model's attention layer (double) in saturated and hard mode goes through the same
// rule: one query, one head, keys chosen so that the scaled scores are s_j.
TEST(TieRule, AttentionLayerUsesTheRule) {
  // q = (1, 0), k_j = (sqrt(2) s_j, 0): the scaled score q.k_j / sqrt(2) is s_j up to rounding,
  // far from the band except for the exact ties 3.0 and 3.0 - 1e-10 (band 3e-9).
  const std::vector<double> s = {0.25, 3.0, 3.0 - 1e-10, 1.0, 3.0};
  const long T = static_cast<long>(s.size());
  for (const auto kind : {AttentionKind::saturated, AttentionKind::hard_left, AttentionKind::hard_right}) {
    Mat<double> q = Mat<double>::Zero(T, 2), k = q, v = q, out = q;
    for (long j = 0; j < T; ++j) q(j, 0) = 1.0, k(j, 0) = std::sqrt(2.0) * s[static_cast<std::size_t>(j)];
    std::vector<int> offsets = {0, static_cast<int>(T)};
    std::vector<long> prob_offsets = {0, attention_prob_size<double>(1, T)};
    AttentionShape shape;
    shape.offsets = &offsets, shape.prob_offsets = &prob_offsets;
    shape.mode.kind = kind;
    AlignedVector<double> probs(static_cast<std::size_t>(prob_offsets[1]));
    attention_forward<double>(shape, q, k, v, probs, out);
    const std::vector<double> expect = kind == AttentionKind::hard_left    ? std::vector<double>{0, 1, 0, 0, 0}
                                       : kind == AttentionKind::hard_right ? std::vector<double>{0, 0, 0, 0, 1}
                                                                           : std::vector<double>{0, 1.0 / 3, 1.0 / 3, 0, 1.0 / 3};
    for (long t = 0; t < T; ++t)  // every query row sees the same scores
      for (long j = 0; j < T; ++j)
        EXPECT_EQ(probs[static_cast<std::size_t>(t * T + j)], expect[static_cast<std::size_t>(j)]) << t << "," << j;
  }
}

}  // namespace
}  // namespace saturn
